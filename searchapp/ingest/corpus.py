"""Report files and directory trees -> complete Reports (metadata, paragraphs, glossary, ids).

Users drop in whatever they have, so nothing here raises for bad data: a file that cannot be
read becomes one warning naming the file and the reason, and the rest of the corpus is read.
Collections (.jsonl, .csv) hold one report per record; see `records` for their fields.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from searchapp.ingest import (
    cleaning,
    decoding,
    documents,
    metadata,
    overrides,
    records,
    sections,
    unwrap,
)
from searchapp.model import UNKNOWN, Report, Warn

TEXT_SUFFIXES = (".txt", ".md")
REPORT_SUFFIXES = (*TEXT_SUFFIXES, *documents.SUFFIXES, *records.SUFFIXES)
RULES_FILE = "cleaning.toml"  # at a corpus root: extra cleaning rules for that corpus
MAX_BYTES = 16 * 2**20  # a single report is < 1 MB; beyond this we ingest the start and say so
MAX_COLLECTION_BYTES = 256 * 2**20  # collections legitimately hold thousands of reports
INGEST_VERSION = "5"  # bump when extraction changes, so incremental reindexing redoes every file
INDEX_MARKER = ".searchapp-index"  # an index directory holds it (index/generations.py MARKER)
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_\-\u4e00-\u9fff]")


def read_corpus(paths: Iterable[Path], warn: Warn | None = None, *,
                rules: cleaning.Rules | None = None) -> Iterator[Report]:
    """Every report under `paths` (files or directory trees), in a stable order."""
    return read_corpus_with(paths, warn, lambda file, root, root_rules: read_file(
        file, warn, root=root, rules=root_rules), rules=rules)


def read_file(path: Path, warn: Warn | None = None, *, root: Path | None = None,
              rules: cleaning.Rules | None = None, max_bytes: int | None = None) -> list[Report]:
    """The reports in one file (a collection yields many); [] with a warning when unreadable."""
    warn, path = warn or _ignore, Path(path)
    root = root or path.parent
    rules = rules or _rules_for(root, warn)
    base = report_id(path, root)
    if path.suffix.lower() not in REPORT_SUFFIXES:
        warn(f"{path}: not a report file (expected {', '.join(REPORT_SUFFIXES)}); skipped")
        return []
    if path.suffix.lower() in documents.SUFFIXES:
        content = _document_text(path, max_bytes or documents.MAX_BYTES, warn)
    else:
        content = _decoded_text(path, max_bytes or (
            MAX_COLLECTION_BYTES if is_collection(path) else MAX_BYTES), warn)
    if not content:
        return []
    job = _Job(path, base, rules, overrides.load(path, warn), warn)
    if is_collection(path):
        found = records.read(path, content, warn)
        reports = [r for number, fields in found if (r := job.build(fields, number))]
        job.warn_missing()
        return reports
    content = _unmark(content) if path.suffix.lower() == ".md" else content
    report = job.build({"content": content}, None, one_per_line=True)
    return [report] if report else []


def _decoded_text(path: Path, limit: int, warn: Warn) -> str:
    """A text file's text, or "" after a warning saying why there is none."""
    try:
        text = decoding.decode(_read_bytes(path, limit, warn))
    except OSError as exc:
        warn(f"{path}: cannot read ({exc.strerror or exc}); skipped")
        return ""
    except decoding.NotText as exc:
        warn(f"{path}: {exc}; skipped")
        return ""
    if text.replaced:
        warn(f"{path}: {text.replaced} undecodable byte(s) replaced by � (read as {text.encoding})")
    if text.nul:
        warn(f"{path}: {text.nul} NUL byte(s) removed")
    return text.text


def is_collection(path: Path) -> bool:
    """A file holding many reports (one per record)."""
    return path.suffix.lower() in records.SUFFIXES


def report_id(path: Path, root: Path) -> str:
    """URL-safe, readable, stable: the path below the corpus root without its extension."""
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        relative = Path(path.name)
    return _ID_UNSAFE.sub("-", relative.with_suffix("").as_posix()) or "report"


def paragraphs_of(content: str, *, one_per_line: bool) -> list[str]:
    """Split raw text into paragraph strings.

    Text files hold one paragraph per line, or are hard-wrapped at a page's width (see
    `unwrap`). Collection content (Wikisource transcriptions) separates paragraphs by blank
    lines and wraps lines inside them ("政府工作报\\n告"), so there single newlines are
    joined, unless the content has no blank lines at all.
    """
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    if one_per_line or not re.search(r"\n[^\S\n]*\n", content):
        return unwrap.paragraphs(content.split("\n"))
    blocks = (unwrap.join([cleaning.normalize_line(line) for line in block.split("\n")])
              for block in re.split(r"\n[^\S\n]*\n", content))
    return [block for block in blocks if block]


def _unmark(text: str) -> str:
    """Markdown exports: drop heading marks and whole-line bold, which are layout, not text."""
    text = re.sub(r"(?m)^[ \t]*#{1,6}[ \t]+", "", text)
    return re.sub(r"(?m)^[ \t]*(\*\*|__)(.+?)\1[ \t]*$", r"\2", text)


class _Job:
    """What every report of one file shares: where it came from, its rules and sidecar."""

    def __init__(self, path: Path, base: str, rules: cleaning.Rules, sidecar: dict,
                 warn: Warn) -> None:
        self.path, self.base, self.rules, self.sidecar, self.warn = path, base, rules, sidecar, warn
        self.missing: dict[str, list[int]] = {}  # field -> record numbers, for one summary
        self.sidecar_name = path.with_name(path.stem + ".meta.toml").name

    def build(self, fields: dict[str, str], number: int | None, *,
              one_per_line: bool = False) -> Report | None:
        label = f"{self.path}" + (f" record {number}" if number is not None else "")
        texts = paragraphs_of(fields.get("content", ""), one_per_line=one_per_line)
        texts, trailer = cleaning.split_trailer(texts, self.rules)
        if not texts:
            self.warn(f"{label}: no report text (empty after cleaning); skipped")
            return None
        meta = metadata.extract(texts, fields, trailer)
        values = overrides.validate(overrides.for_record(self.sidecar, number), label, self.warn)
        overrides.apply(meta, values, "\n".join(texts))
        if "title" not in values and "title" not in fields and "region" in values:
            meta.title = metadata.title_line(texts, meta)
        split = sections.split(texts)
        report = Report(
            id=self.base if number is None else f"{self.base}-{number:03d}",
            source_path=str(self.path), title=meta.title or UNKNOWN,
            region=meta.region or UNKNOWN, level=meta.level or UNKNOWN, year=meta.year,
            date=meta.date, source=meta.source, url=meta.url, parents=meta.parents,
            paragraphs=split.paragraphs, glossary=split.glossary,
            doctype=metadata.document_type(meta.title or "", texts),
            content_hash=self._hash(fields, values),
        )
        self._note_missing(report, number, label)
        return report

    def _hash(self, fields: dict[str, str], values: dict) -> str:
        """Input text + fields + overrides + rules + extractor version: what the report
        depends on. Per record, so editing one record of a collection reindexes only it."""
        key = repr((INGEST_VERSION, self.rules.fingerprint, sorted(fields.items()),
                    sorted(values.items())))
        return hashlib.sha256(key.encode()).hexdigest()

    def _note_missing(self, report: Report, number: int | None, label: str) -> None:
        missing = [f for f in ("title", "region", "level", "year", "date", "source")
                   if getattr(report, f) in (None, UNKNOWN)]
        if not missing:
            return
        message = (f"{label}: {', '.join(missing)} not found in the text; stored as unknown "
                   f"(set them in {self.sidecar_name})")
        report.warnings.append(message)
        if number is None:
            self.warn(message)
        for name in missing if number is not None else ():
            self.missing.setdefault(name, []).append(number)

    def warn_missing(self) -> None:
        """One warning per collection file, not one per record: 72 lines would hide the rest."""
        if not self.missing:
            return
        parts = [f"{name} in {_numbers(numbers)}" for name, numbers in self.missing.items()]
        self.warn(f"{self.path}: not found in the text, stored as unknown: {'; '.join(parts)} "
                  f"(set them in {self.sidecar_name} under [records.N])")


def _numbers(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:8])) + (", …" if len(numbers) > 8 else "")
    return f"record{'s' if len(numbers) > 1 else ''} {shown} ({len(numbers)})"


def _document_text(path: Path, max_bytes: int, warn: Warn) -> str:
    """A PDF's or Word file's text, or "" after a warning saying why there is none. Read
    whole or not at all: a PDF cut short is no PDF."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            warn(f"{path}: {size / 2**20:.0f} MB is larger than the "
                 f"{max_bytes / 2**20:.0f} MB limit for a PDF or Word report; skipped")
            return ""
        return documents.text_of(path, path.read_bytes())
    except OSError as exc:
        warn(f"{path}: cannot read ({exc.strerror or exc}); skipped")
    except documents.Unreadable as exc:
        warn(f"{path}: {exc}; skipped")
    return ""


def _read_bytes(path: Path, max_bytes: int, warn: Warn) -> bytes:
    """At most max_bytes (cut at a line end), so a 100 MB dump cannot exhaust memory."""
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) <= max_bytes:
        return data
    cut = data.rfind(b"\n", 0, max_bytes)
    if cut <= 0:  # one endless line: at least do not split a UTF-8 character
        cut = max_bytes
        while cut > 0 and data[cut] & 0xC0 == 0x80:
            cut -= 1
    size = path.stat().st_size
    warn(f"{path}: {size / 2**20:.0f} MB is larger than the {max_bytes / 2**20:.0f} MB limit; "
         f"only the first {max(cut, 0) / 2**20:.1f} MB were read")
    return data[:cut]


def _walk(root: Path, warn: Warn) -> list[Path]:
    """Report files below root, sorted; unreadable directories are reported, not fatal.
    A searchapp index is no report folder (its store holds bodies.txt): it is skipped."""
    def on_error(exc: OSError) -> None:
        warn(f"{exc.filename}: cannot read directory ({exc.strerror}); skipped")

    if _is_index(root):
        warn(f"{root}: a searchapp index, not reports; skipped")
        return []
    found = []
    for folder, dirs, files in os.walk(root, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not _is_index(Path(folder, d)))
        found += [Path(folder, f) for f in sorted(files)
                  if f.lower().endswith(REPORT_SUFFIXES) and not f.startswith(".")]
    return found


def _is_index(folder: Path) -> bool:
    return os.path.lexists(folder / INDEX_MARKER)


def _rules_for(root: Path, warn: Warn) -> cleaning.Rules:
    extra = root / RULES_FILE
    try:
        return cleaning.load_rules((extra,) if extra.is_file() else ())
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        warn(f"{extra}: extra cleaning rules ignored ({exc})")
        return cleaning.load_rules()


def _unique(report: Report, seen: set[str], warn: Warn) -> Report:
    """Two roots may hold files of the same name; keep both under distinct ids."""
    if report.id in seen:
        new_id = next(f"{report.id}-{i}" for i in range(2, 10**6) if f"{report.id}-{i}" not in seen)
        warn(f"{report.source_path}: id {report.id} already used by another file; using {new_id}")
        report.id = new_id
    seen.add(report.id)
    return report


def _ignore(message: str) -> None:
    """Default warn: callers that care pass their own (the CLI prints, reindex collects)."""


def read_corpus_with(paths: Iterable[Path], warn: Warn | None,
                     read_one: Callable[[Path, Path, cleaning.Rules], list[Report]], *,
                     rules: cleaning.Rules | None = None) -> Iterator[Report]:
    """read_corpus, each file's reports coming from `read_one(file, root, rules)`: an
    incremental reindex (filecache.py) reuses what it kept of unchanged files."""
    warn = warn or _ignore
    seen: set[str] = set()
    read: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            root, files = path, _walk(path, warn)
        elif path.is_file():
            root, files = path.parent, [path]
        else:
            warn(f"{path}: no such file or directory; skipped")
            continue
        root_rules = rules or _rules_for(root, warn)
        for file in files:
            real = file.resolve()
            if real in read:
                continue
            read.add(real)
            for report in read_one(file, root, root_rules):
                yield _unique(report, seen, warn)
