"""What a generation remembers of each corpus file, so an update skips unchanged files.

Parsing is most of an incremental reindex (3.5 s of a 10× corpus, for one
changed report), yet all later steps need of an unchanged report is its
metadata (what reports.json holds: id, content hash, title, glossary…),
paragraph count, mined dictionary terms and synonym pairs. files.marshal keeps
these per file, with the file's stamp (size, mtime, ctime, inode; the same of
its metadata sidecar and of the corpus's cleaning rules; the extractor version)
and the warnings reading it gave, which are given again; and the dictionary the
generation was built with, under the key of what it was made of (dictionary.sources_key).
It lives in the generation it describes, so it always agrees with that generation's index.

Why marshal and not JSON: an update reads and writes this record whole for every
unchanged report, and at 3,700 reports JSON cost 0.3 s of a 1 s update (parsing it
and reports.json, then encoding it again); marshal reads the same values in a tenth
of that. It is a cache, never an interface: a record this Python cannot read, or of
another RECORD version, only means every file is parsed again.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from searchapp.model import Report, Warn
from searchapp.text import synonyms
from searchapp.text.dictionary import Dictionary, mine_terms

if TYPE_CHECKING:
    from searchapp.ingest import cleaning

FILES = "files.marshal"
RECORD = 1  # the layout of the values in FILES; bump it when they change


@dataclass
class Kept:
    """What indexing needs of a report besides its paragraphs and metadata."""

    paragraphs: int
    terms: list[str]  # mined dictionary terms
    synonyms: dict[str, list[str]]  # mined pairs

    @classmethod
    def of(cls, report: Report) -> Kept:
        return cls(len(report.paragraphs), sorted(mine_terms([report])),
                   synonyms.mine([report]))


# corpus file (resolved) -> (stamp, warnings, [(id as read, id in the index, Kept values)])
Record = dict[str, tuple[tuple, list[str], list[tuple[str, str, tuple]]]]


class Reader:
    """read_one for corpus.read_corpus_with: unchanged files come from `generation`'s record.

    A report reused this way has no paragraphs (see `kept`); `stubs` lists them.
    """

    def __init__(self, generation: Path | None, warn: Warn) -> None:
        self.warn = warn
        self.old, self.dictionary = _load(generation) if generation else ({}, None)
        self.read: dict[str, tuple[tuple, list[str], list[tuple[str, Report]]]] = {}
        self.kept: dict[int, Kept] = {}  # id(report object) -> Kept
        self.stubs: list[tuple[Report, str]] = []  # reused reports, with their id last time
        self.metas: dict[str, dict] = {}  # id last time -> a reused report's metadata
        self._roots: dict[Path, str] = {}  # corpus root -> resolved, once per root

    def __call__(self, file: Path, root: Path, rules: cleaning.Rules) -> list[Report]:
        key = os.path.realpath(file)
        if root not in self._roots:
            self._roots[root] = os.path.realpath(root)
        stamp = _stamp(file, root, self._roots[root])
        entry = self.old.get(key)
        reports = self._reuse(entry[2]) if entry and entry[0] == stamp else None
        if reports is not None:
            warnings = entry[1]
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

    def _reuse(self, found: list) -> list[Report] | None:
        reused = []
        try:
            for original, meta, kept in found:
                report = Report(**meta)
                final, report.id = report.id, original
                reused.append((report, final, meta, Kept(*kept)))
        except (TypeError, ValueError):  # a record written by another version of Report
            return None
        for report, final, meta, kept in reused:
            self.kept[id(report)] = kept
            self.stubs.append((report, final))
            self.metas[final] = meta
        return [report for report, *_ in reused]

    def consistent(self) -> bool:
        """False when a reused report ended up under another id than last time (a file
        with the same id appeared or went): then everything must be read again."""
        return all(report.id == final for report, final in self.stubs)

    def record(self) -> Record:
        """What save() keeps of the files read (or reused) for the generation being built."""
        return {key: (stamp, warnings, [(original, report.id, _values(self.kept[id(report)]))
                                        for original, report in found])
                for key, (stamp, warnings, found) in sorted(self.read.items())}


def save(generation: Path, record: Record, metas: dict[str, dict],
         dictionary: tuple[str, Dictionary]) -> None:
    """FILES of a generation being built: `record` with each report's metadata (`metas`:
    what reports.json holds, by id) and `dictionary` (its sources key, the dictionary),
    written via a new inode (an older generation may share the old one through a hard link)."""
    files = {key: (stamp, warnings, [(original, metas[final], kept)
                                     for original, final, kept in found])
             for key, (stamp, warnings, found) in record.items()}
    key, words = dictionary[0], dictionary[1].words
    tmp = generation / (FILES + ".tmp")
    tmp.write_bytes(marshal.dumps((RECORD, files, (key, words))))
    os.replace(tmp, generation / FILES)


def merged_synonyms(kept: Iterable[Kept]) -> dict[str, list[str]]:
    """synonyms.mine over all reports, from each report's own pairs."""
    table: dict[str, set[str]] = {}
    for k in kept:
        for word, others in k.synonyms.items():
            table.setdefault(word, set()).update(others)
    return {word: sorted(others) for word, others in sorted(table.items())}


def _values(kept: Kept) -> tuple:
    return kept.paragraphs, kept.terms, kept.synonyms


def _both(first: Warn, second: Warn) -> Warn:
    def warn(message: str) -> None:
        first(message)
        second(message)
    return warn


def _stamp(file: Path, root: Path, resolved_root: str) -> tuple:
    from searchapp.ingest import corpus, overrides

    sidecar = overrides.sidecar_path(file)
    return (corpus.INGEST_VERSION, resolved_root, *_file_stamp(file),
            *_file_stamp(sidecar), *_file_stamp(root / corpus.RULES_FILE))


def _file_stamp(path: Path | None) -> tuple:
    try:
        info = os.stat(path) if path else None
    except OSError:
        info = None
    if info is None:
        return (None,) * 4
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def _load(generation: Path) -> tuple[dict, tuple[str, Dictionary] | None]:
    """The generation's record and dictionary; ({}, None) when there is none this version
    can use."""
    try:
        version, files, (key, words) = marshal.loads((generation / FILES).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}, None
    if version != RECORD or not isinstance(files, dict) or not isinstance(words, tuple):
        return {}, None
    return files, (key, Dictionary(words))
