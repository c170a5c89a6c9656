"""Run the query mix through the library (search.run) in a fresh process; print JSON.

A process of its own, per index, so each scale starts cold (nothing cached from a
smaller index) and its peak RSS is that of one searching process.

    python bench/libquery.py INDEX_DIR [--repeat N] [--profile FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import tempfile
import time
from pathlib import Path

from queries import MIX, percentiles, url_path

from searchapp.config import Settings
from searchapp.index.read import Index
from searchapp.model import Query
from searchapp.search import searching as search
from searchapp.web import create_app


def timed(index: Index, params: dict) -> tuple[float, int]:
    started = time.perf_counter()
    results = search.run(index, Query(**params))
    return (time.perf_counter() - started) * 1000, results.total


def measure(index_dir: Path, repeat: int) -> dict:
    """Load time, then the mix: first (cold-cache) pass and the warm passes after it."""
    started = time.perf_counter()
    index = Index(index_dir)
    search.warm(index)
    load_s = time.perf_counter() - started
    first = {name: timed(index, params) for name, params in MIX}
    warm: dict[str, list[float]] = {name: [] for name, _ in MIX}
    for _ in range(repeat):
        for name, params in MIX:
            warm[name].append(timed(index, params)[0])
    every = [ms for ms, _ in first.values()] + [ms for v in warm.values() for ms in v]
    return {
        "load_s": load_s,
        "overall": percentiles(every),
        "cold_pass": percentiles([ms for ms, _ in first.values()]),
        "queries": {name: {"total": first[name][1], "first_ms": first[name][0],
                           "warm": percentiles(warm[name])} for name, _ in MIX},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def profile(index_dir: Path, out: Path, top: int = 25) -> None:
    """cProfile of loading (what every `serve` worker does before its first answer), one
    cold pass over the mix, then one warm pass: where search time goes."""
    profiler = cProfile.Profile()
    profiler.enable()
    index = Index(index_dir)
    search.warm(index)
    profiler.disable()
    sections = [f"### search.warm: dictionary and index loaded into memory\n{_top(profiler, top)}"]
    for label in ("cold pass (first time each query runs)", "warm pass"):
        profiler = cProfile.Profile()
        profiler.enable()
        for _, params in MIX:
            search.run(index, Query(**params))
        profiler.disable()
        sections.append(f"### search.run over the mix, {label}\n{_top(profiler, top)}")
    sections.append(_profile_api(index_dir, top))
    out.write_text("\n".join(sections), encoding="utf-8")


def _profile_api(index_dir: Path, top: int) -> str:
    """The same warm mix as GET /api/search through Flask's test client: what the web layer
    (parameters, JSON, headers) adds to search.run, without sockets or gunicorn."""
    with tempfile.TemporaryDirectory() as instance:
        client = create_app(Settings(index_dir=index_dir, instance_dir=Path(instance))) \
            .test_client()
        profiler = cProfile.Profile()
        profiler.enable()
        for _, params in MIX:
            client.get(url_path(params))
        profiler.disable()
    return f"### GET /api/search over the mix (Flask test client, warm)\n{_top(profiler, top)}"


def _top(profiler: cProfile.Profile, top: int) -> str:
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", type=Path, help="write a profile here instead of timing")
    args = parser.parse_args()
    if args.profile:
        profile(args.index_dir, args.profile)
    else:
        print(json.dumps(measure(args.index_dir, args.repeat)))


if __name__ == "__main__":
    main()
