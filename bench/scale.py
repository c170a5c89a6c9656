"""Scale curve: build and serve the benchmark corpus at 1×, 10×, 50× and 200× copies.

    .venv/bin/python bench/scale.py [--scales 1,10,50,200] [--out bench/out] [--requests N]
    .venv/bin/python bench/scale.py --index DIR --corpus DIR   (serving only, no build)

Per scale: the corpus is generated into a temporary directory (deleted after), then
  * `searchapp reindex --full` as a subprocess: wall s and peak RSS (os.wait4: the
    largest of the process and its writer children), the index size on disk;
  * `searchapp serve --workers 2`: cold start to the first answer, HTTP p50/p95 of the
    query mix (1 client), and each worker's RSS and USS (private memory:
    Private_Clean + Private_Dirty of /proc/PID/smaps_rollup) after the load, and the
    gunicorn master's (it loads the app and opens the index before forking the workers).
Writes scale.json and prints a Markdown table (README "Benchmark").
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpora  # noqa: E402
import procs  # noqa: E402
import queries  # noqa: E402
from measure import SEARCHAPP, environment  # noqa: E402


def smaps_mb(pid: int) -> dict[str, float]:
    """RSS, PSS, USS and heap of a process, MB. USS counts the mapped index pages that only
    this worker happened to touch (Private_Clean: page cache, shared as soon as another
    worker reads them); the heap (anonymous memory) is what the process itself holds."""
    values: dict[str, int] = {}
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return {}
    for line in lines[1:]:
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            values[key] = int(parts[0])
    uss = values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)
    return {"rss_mb": values.get("Rss", 0) / 1024, "pss_mb": values.get("Pss", 0) / 1024,
            "uss_mb": uss / 1024, "heap_mb": values.get("Anonymous", 0) / 1024}


def measure_scale(scale: int, work: Path, requests: int, seconds: float,
                  env_extra: dict[str, str]) -> dict:
    corpus_dir, index_dir = work / f"corpus-{scale}x", work / f"index-{scale}x"
    started = time.perf_counter()
    corpus = corpora.build(corpus_dir, scale)
    result: dict = {"scale": scale, "reports": corpus.reports, "paragraphs": corpus.paragraphs,
                    "chars": corpus.chars, "generate_s": time.perf_counter() - started}
    env = environment(work) | env_extra
    done = procs.run([SEARCHAPP, "reindex", "--full", "--corpus", str(corpus_dir), "--index",
                      str(index_dir)], work / f"reindex-{scale}x", env=env, timeout=3600)
    result |= {"build_s": done.seconds, "build_peak_rss_mb": done.peak_rss_mb,
               "build_rc": done.returncode, "summary": done.stdout.strip()[-300:],
               "index_mb": procs.dir_size_mb(index_dir)}
    if done.returncode != 0:
        result["error"] = done.stderr[-1000:]
        return result
    try:
        result |= measure_serving(index_dir, corpus_dir, work, requests, seconds, env,
                                  f"{scale}x")
    finally:
        shutil.rmtree(corpus_dir, ignore_errors=True)
        shutil.rmtree(index_dir, ignore_errors=True)
    return result


def measure_serving(index_dir: Path, corpus_dir: Path, work: Path, requests: int,
                    seconds: float, env: dict[str, str], label: str) -> dict:
    """`searchapp serve --workers 2` over a built index: cold start, HTTP latency of the
    mix, each worker's memory after it."""
    port = procs.free_port()
    server = procs.Server([SEARCHAPP, "serve", "--host", "127.0.0.1", "--port", str(port),
                           "--index", str(index_dir), "--corpus", str(corpus_dir),
                           "--workers", "2"], env, work / f"serve-{label}.log")
    result: dict = {}
    try:
        url = f"http://127.0.0.1:{port}" + queries.url_path(queries.MIX[0][1])
        result["cold_start_s"] = server.wait_first_answer(url, 600)
        load = queries.http_load(port, 1, requests, seconds)
        result["http_1"] = load.latency | {"errors": load.errors}
        result["workers"] = [w | smaps_mb(w["pid"]) for w in server.worker_memory_mb()]
        result["master"] = smaps_mb(server.process.pid)  # preload_app: it holds the app too
    finally:
        server.stop()
    return result


def table(results: list[dict]) -> str:
    rows = ["| scale | paragraphs | build s | build peak RSS MB | index MB | cold start s | "
            "HTTP p50 ms | HTTP p95 ms | worker RSS MB | worker USS MB | worker heap MB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        workers = r.get("workers") or [{}]
        rss = max(w.get("rss_mb", 0) for w in workers)
        uss = max(w.get("uss_mb", 0) for w in workers)
        heap = max(w.get("heap_mb", 0) for w in workers)
        http = r.get("http_1", {})
        rows.append(f"| {r['scale']}× | {r['paragraphs']:,} | {r['build_s']:.1f} | "
                    f"{r['build_peak_rss_mb']:,.0f} | {r['index_mb']:,.0f} | "
                    f"{r.get('cold_start_s', 0):.2f} | {http.get('p50', 0):.1f} | "
                    f"{http.get('p95', 0):.1f} | {rss:.0f} | {uss:.0f} | {heap:.0f} |")
    return "\n".join(rows)


def serve_only(options: argparse.Namespace, extra: dict[str, str]) -> None:
    """The serving half of a scale row, over an index built before (--index, --corpus)."""
    with tempfile.TemporaryDirectory(prefix="searchapp-scale-") as work:
        (Path(work) / "instance").mkdir()
        result = measure_serving(options.index, options.corpus, Path(work), options.requests,
                                 options.seconds, environment(Path(work)) | extra, "index")
    workers = result.get("workers") or [{}]
    http = result.get("http_1", {})
    print(json.dumps(result, ensure_ascii=False))
    print(f"cold start {result.get('cold_start_s', 0):.2f} s, HTTP p50 {http.get('p50', 0):.1f}"
          f" p95 {http.get('p95', 0):.1f} ms; workers USS "
          + ", ".join(f"{w.get('uss_mb', 0):.0f}" for w in workers) + " MB, heap "
          + ", ".join(f"{w.get('heap_mb', 0):.0f}" for w in workers) + " MB; master USS "
          f"{result.get('master', {}).get('uss_mb', 0):.0f} MB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,10,50,200")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--requests", type=int, default=400, help="HTTP requests per scale")
    parser.add_argument("--seconds", type=float, default=60, help="HTTP time limit per scale")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for searchapp")
    parser.add_argument("--index", type=Path, help="measure only serving this built index "
                        "(with --corpus): repeatable, no build")
    parser.add_argument("--corpus", type=Path, help="the corpus the --index was built from")
    options = parser.parse_args(argv)
    options.out.mkdir(parents=True, exist_ok=True)
    extra = dict(item.split("=", 1) for item in options.env)
    if options.index:
        serve_only(options, extra)
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="searchapp-scale-") as work:
        (Path(work) / "instance").mkdir()
        for scale in (int(s) for s in options.scales.split(",")):
            result = measure_scale(scale, Path(work), options.requests, options.seconds, extra)
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
            (options.out / "scale.json").write_text(json.dumps(results, indent=1,
                                                               ensure_ascii=False))
    print(table(results))


if __name__ == "__main__":
    main()
