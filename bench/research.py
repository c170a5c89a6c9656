"""Research tools at scale: the timeline of a common word and an export of 100,000 rows.

    .venv/bin/python bench/research.py [--scale 10] [--work DIR] [--rows 100000]
                                       [--requests 30] [--word 发展] [--keep]

The corpus is the benchmark's (bench/corpora.py: seeds + the national reports, copied
`--scale` times), indexed in-process with index.reindex. Then, printed as a table:
  * timeline of `--word`: research.timeline() in-process, and GET /timeline (HTML with the
    SVG chart) and /api/timeline through Flask's test client (the app's whole request path,
    without a socket): first call, p50 and p95 of `--requests` warm calls;
  * export: `--rows` rows of `level=national` (a filter alone: every paragraph of the
    national reports, ~6,000 per copy) written as CSV, JSON Lines and XLSX to /dev/null,
    each in a fresh child process: seconds (ranking included),
    rows/s, and the process's anonymous memory (heap: what it holds itself, not the mapped
    index pages) after ranking and at its peak while writing, sampled every 500 rows; the
    same at a tenth of the rows shows whether the writing holds memory per row.
A corpus with fewer matching paragraphs than `--rows` exports what it has (the row count
is printed): 100,000 rows need --scale 17 or more.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpora  # noqa: E402

BROAD = {"level": "national"}  # a filter alone: every paragraph of the national reports


def heap_mb() -> float:
    """Anonymous memory of this process, MB (smaps_rollup; as bench/scale.py's heap_mb)."""
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith("Anonymous:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": statistics.median(ordered) * 1000,
            "p95_ms": ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000}


def timed(call: object, requests: int) -> dict[str, float]:
    started = time.perf_counter()
    call()  # type: ignore[operator]
    first = time.perf_counter() - started
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return {"first_ms": first * 1000, **percentiles(samples)}


def measure_timeline(index_dir: Path, word: str, requests: int, work: Path) -> dict:
    from searchapp.config import Settings
    from searchapp.index.read import Index
    from searchapp.model import Query
    from searchapp.research.timeline import timeline
    from searchapp.web import create_app

    index = Index(index_dir)
    found = timeline(index, Query(q=word))
    result = {"paragraphs": found.total.paragraphs, "reports": found.total.reports,
              "library": timed(lambda: timeline(index, Query(q=word)), requests)}
    app = create_app(Settings(corpus=(), index_dir=index_dir, instance_dir=work / "instance"))
    client = app.test_client()
    for name, url in (("page", f"/timeline?q={word}"), ("api", f"/api/timeline?q={word}")):
        def get(url: str = url) -> None:
            assert client.get(url).status_code == 200
        result[name] = timed(get, requests)
    return result


def export_child(index_dir: Path, rows: int, fmt: str) -> None:
    """In a fresh process: export `rows` rows to /dev/null; print the figures as JSON."""
    from searchapp.index.read import Index
    from searchapp.model import Query
    from searchapp.research import export

    index = Index(index_dir)
    index.generation()
    started = time.perf_counter()
    data = export.export(index, Query(**BROAD), base_url="https://example.org", limit=rows)
    after_ranking = heap_mb()
    peak = after_ranking

    def sampled():  # noqa: ANN202
        nonlocal peak
        for i, row in enumerate(data.rows):
            if i % export.BATCH == 0:
                peak = max(peak, heap_mb())
            yield row

    written = 0
    with open("/dev/null", "wb") as out:
        for chunk in export.write(sampled(), fmt):
            out.write(chunk)
            written += len(chunk)
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": data.total, "seconds": seconds, "bytes": written,
                      "heap_after_ranking_mb": after_ranking, "heap_peak_mb": peak}))


def measure_export(index_dir: Path, rows: int, fmt: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--export-child", str(index_dir),
                             "--rows", str(rows), "--format", fmt],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--word", default="发展")
    parser.add_argument("--keep", action="store_true", help="Keep the corpus and index.")
    parser.add_argument("--export-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--format", default="csv", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.export_child:
        export_child(args.export_child, args.rows, args.format)
        return
    from searchapp.index import build

    work = args.work or Path(tempfile.mkdtemp(prefix="searchapp-research-bench-"))
    index_dir = work / f"index-{args.scale}x"
    try:
        started = time.perf_counter()
        corpus = corpora.build(work / f"corpus-{args.scale}x", args.scale)
        build.reindex([corpus.root], index_dir, full=True)
        print(f"{args.scale}×: {corpus.reports} reports, {corpus.paragraphs} paragraphs, "
              f"generated and indexed in {time.perf_counter() - started:.0f} s")
        report(measure_timeline(index_dir, args.word, args.requests, work), args.word)
        print("\n| export | rows | s | rows/s | MB | heap after ranking MB | heap peak MB |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for rows in (args.rows // 10, args.rows):
            for fmt in ("csv", "jsonl", "xlsx"):
                e = measure_export(index_dir, rows, fmt)
                print(f"| {fmt} | {e['rows']:,} | {e['seconds']:.1f} | "
                      f"{e['rows'] / e['seconds']:,.0f} | {e['bytes'] / 2**20:.0f} | "
                      f"{e['heap_after_ranking_mb']:.0f} | {e['heap_peak_mb']:.0f} |")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(result: dict, word: str) -> None:
    print(f"\ntimeline of {word}: {result['paragraphs']:,} paragraphs in "
          f"{result['reports']:,} reports")
    print("| path | first ms | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|")
    for name, label in (("library", "research.timeline()"), ("page", "GET /timeline"),
                        ("api", "GET /api/timeline")):
        r = result[name]
        print(f"| {label} | {r['first_ms']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} |")


if __name__ == "__main__":
    main()
