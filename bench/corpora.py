"""Scaled benchmark corpora: the seeds and the national reports, copied k times.

Each copy lives in its own subdirectory (copy-000/, copy-001/, ...), so report ids,
which derive from the path, never collide; copies after the first get one extra
closing paragraph naming the copy, so every report has its own content hash and
text, like distinct reports of a growing corpus, while the body text (and so the
dictionary mined from it) stays that of real policy documents.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
NATIONAL = REPO.parent / "shared/corpus/national/government_work_reports.jsonl"


@dataclass(frozen=True)
class Corpus:
    root: Path
    scale: int
    reports: int
    paragraphs: int  # by the simple splitter below (what the reference engines index)
    chars: int  # characters of those paragraphs: the denominator of every chars/s


def build(root: Path, scale: int) -> Corpus:
    """Write `scale` distinct copies of seeds/ + the national reports under `root`."""
    if root.exists():
        shutil.rmtree(root)
    for k in range(scale):
        _write_copy(root / f"copy-{k:03d}", k)
    return measure(root, scale)


def measure(root: Path, scale: int) -> Corpus:
    reports: set[str] = set()
    paragraphs = chars = 0
    for report_id, _, text in paragraphs_of(root):
        reports.add(report_id)
        paragraphs += 1
        chars += len(text)
    return Corpus(root, scale, len(reports), paragraphs, chars)


def _write_copy(directory: Path, k: int) -> None:
    directory.mkdir(parents=True)
    marker = _marker(k)
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        (directory / seed.name).write_text(text + (f"\n{marker}\n" if marker else ""),
                                           encoding="utf-8")
    lines = []
    for line in NATIONAL.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if marker:
                record["content"] = record.get("content", "") + f"\n\n{marker}"
            lines.append(json.dumps(record, ensure_ascii=False))
    (directory / NATIONAL.name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _marker(k: int) -> str:
    return f"（本文为基准测试语料第{k}份副本。）" if k else ""


def change_one_and_add_one(root: Path) -> Callable[[], None]:
    """The incremental case: one report edited, one new report dropped in. Returns the
    undo, so the other setups then index exactly the corpus searchapp was built from."""
    seed = sorted((root / "copy-000").glob("*.txt"))[0]
    original = seed.read_text(encoding="utf-8")
    seed.write_text(original + "\n会议要求，进一步抓好各项工作落实。\n", encoding="utf-8")
    added = root / "added"
    added.mkdir()
    text = sorted(SEEDS.glob("*.txt"))[-1].read_text(encoding="utf-8")
    (added / "new-report.txt").write_text(text + "\n（新增报告。）\n", encoding="utf-8")

    def undo() -> None:
        seed.write_text(original, encoding="utf-8")
        shutil.rmtree(added)

    return undo


def paragraphs_of(root: Path) -> Iterator[tuple[str, int, str]]:
    """(report id, n, text) by the plainest reading: a .txt line or a blank-line-separated
    block of a .jsonl record's content is a paragraph. What a naive indexer would do."""
    for path in sorted(root.rglob("*")):
        stem = str(path.relative_to(root).with_suffix(""))
        if path.suffix == ".txt":
            lines = path.read_text(encoding="utf-8").splitlines()
            yield from _numbered(stem, lines)
        elif path.suffix == ".jsonl":
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    content = json.loads(line).get("content", "")
                    yield from _numbered(f"{stem}-{i:03d}", re.split(r"\n\s*\n", content))


def _numbered(report_id: str, texts: list[str]) -> Iterator[tuple[str, int, str]]:
    n = 0
    for text in texts:
        text = text.strip().replace("\n", "")
        if text:
            n += 1
            yield report_id, n, text
