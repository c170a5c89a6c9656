"""What finding copied text (issue 17) adds to a reindex, at 1× and 10× (or --scales).

    python bench/connections.py                 # 1× and 10×
    python bench/connections.py --scales 1,10,50 --work /tmp/bench-connections

For each scale: a full `searchapp reindex --full` as a subprocess (wall time, characters/s:
the copy step included, as users run it), then the copy step alone on the published
generation (searchapp.index.copies.find, in this process, best of --repeat), then an
incremental reindex (one report changed, one added: the step is run again over the whole
generation) — printed as a Markdown table. Nothing is asserted: the target (a full reindex
stays at or above 500k characters/s) is for the reader to compare.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import corpora

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from searchapp.index import copies, generations  # noqa: E402  (after the path is set)

SEARCHAPP = REPO / ".venv/bin/searchapp"


def reindex(corpus: Path, index_dir: Path, full: bool) -> float:
    """Wall seconds of `searchapp reindex` as a subprocess."""
    args = [str(SEARCHAPP), "reindex", "--corpus", str(corpus), "--index", str(index_dir)]
    started = time.perf_counter()
    subprocess.run(args + (["--full"] if full else []), check=True, capture_output=True,
                   env=dict(os.environ, SEARCHAPP_INDEX=str(index_dir)))
    return time.perf_counter() - started


def copy_step(index_dir: Path, repeat: int) -> tuple[float, int]:
    """Best seconds of the copy step over the published generation, and copies found."""
    generation = generations.current(index_dir)
    best, found = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        found = len(copies.find(generation).doc)
        best = min(best, time.perf_counter() - started)
    return best, found


def measure(scale: int, work: Path, repeat: int) -> dict:
    corpus = corpora.build(work / f"corpus-{scale}x", scale)
    index_dir = work / f"index-{scale}x"
    full = reindex(corpus.root, index_dir, full=True)
    step, found = copy_step(index_dir, repeat)
    undo = corpora.change_one_and_add_one(corpus.root)
    try:
        incremental = reindex(corpus.root, index_dir, full=False)
        step_after, _ = copy_step(index_dir, repeat)
    finally:
        undo()
    return {"scale": scale, "chars": corpus.chars, "full_s": full,
            "chars_per_s": corpus.chars / full, "copy_s": step,
            "without_copy_chars_per_s": corpus.chars / max(full - step, 1e-9),
            "copies": found, "incremental_s": incremental, "incremental_copy_s": step_after}


def table(rows: list[dict]) -> str:
    lines = ["| scale | characters | full reindex | chars/s | copy step | chars/s without it "
             "| copied paragraphs | incremental reindex | copy step in it |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['scale']}× | {r['chars']:,} | {r['full_s']:.2f} s | "
            f"{r['chars_per_s'] / 1000:,.0f}k | {r['copy_s']:.3f} s "
            f"({100 * r['copy_s'] / r['full_s']:.1f}%) | "
            f"{r['without_copy_chars_per_s'] / 1000:,.0f}k | {r['copies']:,} | "
            f"{r['incremental_s']:.2f} s | {r['incremental_copy_s']:.3f} s |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-connections"))
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    rows = [measure(int(s), options.work, options.repeat) for s in options.scales.split(",")]
    print(table(rows))


if __name__ == "__main__":
    main()
