"""What a generation remembers of each corpus file, so an update skips unchanged files.

Parsing is most of an incremental reindex (3.5 s of a 10× corpus, for one
changed report), yet all later steps need of an unchanged report is its id,
content hash, metadata (reports.json), paragraph count, mined dictionary terms
and synonym pairs. files.json keeps these per file, with the file's stamp
(size, mtime, ctime, inode; the same of its metadata sidecar and of the
corpus's cleaning rules; the extractor version) and the warnings reading it
gave, which are given again. It lives in the generation it describes, so it
always agrees with that generation's index.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from searchapp.model import Report, Warn
from searchapp.text import synonyms
from searchapp.text.dictionary import mine_terms

if TYPE_CHECKING:
    from searchapp.ingest import cleaning

FILES = "files.json"


@dataclass
class Kept:
    """What indexing needs of a report besides its paragraphs."""

    paragraphs: int
    terms: list[str]  # mined dictionary terms
    synonyms: dict[str, list[str]]  # mined pairs

    @classmethod
    def of(cls, report: Report) -> Kept:
        return cls(len(report.paragraphs), sorted(mine_terms([report])),
                   synonyms.mine([report]))


class Reader:
    """read_one for corpus.read_corpus_with: unchanged files come from `generation`'s record.

    A report reused this way has no paragraphs (see `kept`); `stubs` lists them.
    """

    def __init__(self, generation: Path | None, warn: Warn) -> None:
        self.warn = warn
        self.old = _load(generation) if generation else {}
        self.metas = _reports_json(generation) if self.old else {}
        self.read: dict[str, tuple[list, list[str], list[tuple[str, Report]]]] = {}
        self.kept: dict[int, Kept] = {}  # id(report object) -> Kept
        self.stubs: list[tuple[Report, str]] = []  # reused reports, with their id last time

    def __call__(self, file: Path, root: Path, rules: cleaning.Rules) -> list[Report]:
        key, stamp = str(file.resolve()), _stamp(file, root)
        entry = self.old.get(key)
        reports = self._reuse(entry) if entry and entry["stamp"] == stamp else None
        if reports is not None:
            warnings = entry["warnings"]
            for message in warnings:
                self.warn(message)
        else:
            from searchapp.ingest import corpus  # ingestion: heavy, and only reindex reads files

            warnings = []
            reports = corpus.read_file(file, _both(warnings.append, self.warn), root=root,
                                       rules=rules)
            for report in reports:
                self.kept[id(report)] = Kept.of(report)
        self.read[key] = (stamp, warnings, [(r.id, r) for r in reports])
        return reports

    def _reuse(self, entry: dict) -> list[Report] | None:
        reports = []
        for original, final, kept in entry["reports"]:
            meta = self.metas.get(final)
            if meta is None:
                return None
            report = Report(**dict(meta, id=original, parents=tuple(meta["parents"]),
                                   paragraphs=[]))
            self.kept[id(report)] = Kept(**kept)
            self.stubs.append((report, final))
            reports.append(report)
        return reports

    def consistent(self) -> bool:
        """False when a reused report ended up under another id than last time (a file
        with the same id appeared or went): then everything must be read again."""
        return all(report.id == final for report, final in self.stubs)

    def record(self) -> dict:
        """files.json of the generation being built."""
        return {key: {"stamp": stamp, "warnings": warnings,
                      "reports": [[original, report.id, vars(self.kept[id(report)])]
                                  for original, report in found]}
                for key, (stamp, warnings, found) in sorted(self.read.items())}


def merged_synonyms(kept: Iterable[Kept]) -> dict[str, list[str]]:
    """synonyms.mine over all reports, from each report's own pairs."""
    table: dict[str, set[str]] = {}
    for k in kept:
        for word, others in k.synonyms.items():
            table.setdefault(word, set()).update(others)
    return {word: sorted(others) for word, others in sorted(table.items())}


def _both(first: Warn, second: Warn) -> Warn:
    def warn(message: str) -> None:
        first(message)
        second(message)
    return warn


def _stamp(file: Path, root: Path) -> list:
    from searchapp.ingest import corpus, overrides

    sidecar = overrides.sidecar_path(file)
    return [corpus.INGEST_VERSION, str(root.resolve()), *_file_stamp(file),
            *_file_stamp(sidecar), *_file_stamp(root / corpus.RULES_FILE)]


def _file_stamp(path: Path | None) -> list:
    try:
        info = path.stat() if path else None
    except OSError:
        info = None
    if info is None:
        return [None] * 4
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def _load(generation: Path) -> dict:
    try:
        found = json.loads((generation / FILES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _reports_json(generation: Path) -> dict:
    try:
        return json.loads((generation / "reports.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}

