"""cProfile of `index.reindex` over a sample corpus, full and then incremental (one report
changed, one added): where indexing time goes (reading and sectioning, jieba
tokenisation, n-gram analysis, Whoosh posting writes, sidecar files).

A sample, not the benchmark corpus: the profiler slows pure Python by ~2x, and the
shape of the profile does not change with the number of copies.

    python bench/profile_reindex.py SAMPLE_DIR INDEX_DIR OUT_FILE   (SAMPLE_DIR/copy-000/...)
    python bench/profile_reindex.py CORPUS INDEX_DIR OUT_FILE --as-is "TITLE"

--as-is profiles one reindex of CORPUS, as it is now, into its existing index: how the
benchmark shows where an incremental reindex spends its time at the scale it measured.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
from pathlib import Path

from corpora import change_one_and_add_one

from searchapp.index import build as index


def profiled(sample: Path, index_dir: Path, full: bool, title: str) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    summary = index.reindex([sample], index_dir, full=full)
    profiler.disable()
    buffer = io.StringIO()
    buffer.write(f"### index.reindex, {title}: {index.summary_line(summary)}\n")
    stats = pstats.Stats(profiler, stream=buffer).strip_dirs()
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return buffer.getvalue()


def main() -> None:
    sample, index_dir, out = (Path(arg) for arg in sys.argv[1:4])
    if sys.argv[4:5] == ["--as-is"]:
        out.write_text(profiled(sample, index_dir, False, sys.argv[5]), encoding="utf-8")
        return
    sections = [profiled(sample, index_dir, True, "full")]
    undo = change_one_and_add_one(sample)
    try:
        sections.append(profiled(sample, index_dir, False, "incremental, 1 changed + 1 added"))
    finally:
        undo()
    out.write_text("\n".join(sections), encoding="utf-8")


if __name__ == "__main__":
    main()
