"""Reading the copies a reindex found (index/copies.py): which higher-level paragraph a
paragraph repeats, and how much of it, for the hits, the report view and the JSON.

A note is shown from NOTE_SHARE on: below it a paragraph shares a phrase or two
(「以习近平新时代中国特色社会主义思想为指导」), which is quotation, not copying. The filter
「只看本地原创表述」 hides paragraphs from BOILERPLATE_SHARE on: mostly someone else's words.
Which clauses were copied is worked out when a page asks (two paragraphs, compared
directly), not stored: a clause, not a sentence, because a report's sentence runs for a
hundred characters of which the copied formula is a few clauses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from searchapp.connections import locate
from searchapp.connections.locate import located
from searchapp.index import copies as found
from searchapp.index.generation import Generation
from searchapp.model import Hit

NOTE_SHARE = 0.2
BOILERPLATE_SHARE = 0.5
CLAUSE_SHARE = 0.5  # a clause this much inside shared runs was copied
_CLAUSE = re.compile(r"[^。！？；，：!?;,:]+")


@dataclass(frozen=True)
class CopiedFrom:
    """The higher-level paragraph a paragraph repeats text of."""

    doc: str  # the source report's id
    n: int  # the source paragraph
    title: str
    region: str
    year: int | None
    share: float  # of the paragraph's characters inside runs shared with the source

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    def label(self) -> str:
        return f"与《{self.title}》第{self.n}段重合 {self.percent}%"

    def to_json(self) -> dict:
        return {"doc": self.doc, "paragraph": self.n, "title": self.title,
                "region": self.region, "year": self.year, "share": round(self.share, 3)}


def copies(gen: Generation) -> found.Copies:
    """This generation's copies; none while its reindex is still writing them (not memoised
    then, so they appear as soon as the file does)."""
    if not (gen.stamp[0] / found.FILE).exists():
        return found.EMPTY
    loaded = gen.derived("connections:copies", lambda g: found.load(g.stamp[0]))
    return loaded if loaded is not None else found.EMPTY


def notes(gen: Generation) -> dict[str, dict[int, CopiedFrom]]:
    """Report id -> paragraph number -> its note, for every paragraph at least NOTE_SHARE
    of which is shared text: built once per generation over the copies only, so a page of
    hits looks its notes up without touching a per-paragraph column."""
    if not (gen.stamp[0] / found.FILE).exists():
        return {}
    return gen.derived("connections:notes", _notes)


def _notes(gen: Generation) -> dict[str, dict[int, CopiedFrom]]:
    table = copies(gen)
    where = located(gen)
    shown = np.flatnonzero(table.share >= NOTE_SHARE)
    result: dict[str, dict[int, CopiedFrom]] = {}
    for i in shown.tolist():
        d, source = int(table.doc[i]), int(table.source[i])
        if not gen.live[d]:
            continue
        doc = where.names[where.report[source]]
        meta = gen.reports.get(doc, {})
        result.setdefault(where.names[where.report[d]], {})[int(where.n[d])] = CopiedFrom(
            doc, int(where.n[source]), meta.get("title", ""), meta.get("region", ""),
            meta.get("year"), float(table.share[i]))
    return result


def of_paragraph(gen: Generation, report_id: str, n: int) -> CopiedFrom | None:
    """The note of paragraph `n` of a report (what a Hit carries), if it has one."""
    return notes(gen).get(report_id, {}).get(n)


def of_report(gen: Generation, report_id: str) -> dict[int, CopiedFrom]:
    """Paragraph number -> note, for every noted paragraph of a report (the report view)."""
    return notes(gen).get(report_id, {})


def boilerplate(gen: Generation) -> np.ndarray:
    """Sorted live docnums mostly made of a higher level's text (the 只看本地原创表述 filter)."""
    table = copies(gen)
    docs = table.doc[table.share >= BOILERPLATE_SHARE]
    return docs[gen.live[docs]].astype(np.int32)


def original_only(gen: Generation, docs: np.ndarray) -> np.ndarray:
    """`docs` (sorted docnums) without the boilerplate ones."""
    return docs[~gen.members(np.asarray(docs, dtype=np.int32), boilerplate(gen))]


def json_lookup(gen: Generation) -> Callable[[Hit], dict | None]:
    """A hit's `copied_from` for render/json.py (the API and `searchapp search --json`):
    the generation's notes are found once for a page of hits, not once a hit."""
    table = notes(gen)

    def lookup(hit: Hit) -> dict | None:
        note = table.get(hit.doc, {}).get(hit.paragraph)
        return note.to_json() if note else None
    return lookup


def shared_runs(text: str, source: str) -> list[tuple[int, int]]:
    """[start, end) runs of `text` made of K-character windows `source` also holds,
    merged, in order."""
    k = found.K
    windows = {source[i:i + k] for i in range(len(source) - k + 1)}
    runs: list[tuple[int, int]] = []
    for i in range(len(text) - k + 1):
        if text[i:i + k] in windows:
            if runs and runs[-1][1] >= i:
                runs[-1] = (runs[-1][0], i + k)
            else:
                runs.append((i, i + k))
    return runs


def copied_clauses(gen: Generation, report_id: str, n: int) -> list[str]:
    """The clauses of a noted paragraph, as written, that lie mostly (CLAUSE_SHARE) inside
    runs shared with its source: what was copied, word for word."""
    note = of_paragraph(gen, report_id, n)
    d = locate.docnum(gen, report_id, n)
    source = locate.docnum(gen, note.doc, note.n) if note else None
    if d is None or source is None:
        return []
    inside = np.zeros(len(gen.body(d)), dtype=bool)
    for start, end in shared_runs(gen.body(d), gen.body(source)):
        inside[start:end] = True
    text = gen.record(d).text  # normalising keeps every character's place
    return [m.group().strip() for m in _CLAUSE.finditer(text)
            if m.group().strip() and inside[m.start():m.end()].mean() >= CLAUSE_SHARE]
