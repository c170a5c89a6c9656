"""Speed at scale (issue 5): indexing, queries and memory of searchapp at 1×, 10× and
50× the corpus, next to the naive setup and reference engines, in one bounded run.

    python bench/run.py                    # all scales, within --budget seconds
    python bench/run.py --quick            # 1× only, few queries: a smoke run
    python bench/run.py --scales 1,10 --out /tmp/bench

searchapp is measured as users run it: `searchapp reindex` and `searchapp serve`
as subprocesses (wall time, peak RSS), queries through search.run in a fresh
process and through HTTP. Every phase is skipped, with the reason recorded, when
its estimate (from the smaller scale) no longer fits the time budget, so the run
always ends in time and says what it left out. Writes results.json and
results.md to --out and prints the Markdown; when a 1× target is missed it also
writes cProfile reports of reindex and search.run and prints their top lines.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import corpora
import procs
import queries
import report

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
SEARCHAPP = str(Path(PYTHON).parent / "searchapp")
SUMMARY = re.compile(r"(\d+) reports, (\d+) paragraphs in ([\d.]+) s")


@dataclass
class Options:
    scales: list[int]
    out: Path
    budget: float
    repeat: int  # warm passes over the mix per library/engine measurement
    http_requests: dict[int, int]  # clients -> requests
    http_seconds: float  # per concurrency level, at most
    workers: int
    keep: bool


class Budget:
    """Wall-clock budget of the whole run; phases ask before they start."""

    def __init__(self, seconds: float) -> None:
        self.started = time.perf_counter()
        self.seconds = seconds
        self.skipped: list[str] = []

    def left(self) -> float:
        return self.seconds - (time.perf_counter() - self.started)

    def allows(self, what: str, estimate: float | None) -> bool:
        if self.left() < 10:
            self.skipped.append(f"{what}: the budget is spent")
            return False
        if estimate is not None and estimate > self.left():
            self.skipped.append(f"{what}: estimated {estimate:.0f} s, "
                                f"{max(0, self.left()):.0f} s of the budget left")
            log(f"skip {what} (estimated {estimate:.0f} s > {self.left():.0f} s left)")
            return False
        return True


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def environment(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEARCHAPP_")}
    env["SEARCHAPP_INSTANCE"] = str(work / "instance")
    return env


# --- searchapp --------------------------------------------------------------------------------

def reindex(corpus: corpora.Corpus, index_dir: Path, work: Path, budget: Budget,
            label: str, full: bool) -> dict:
    """One `searchapp reindex` subprocess: wall, peak RSS, and its own summary line."""
    argv = [SEARCHAPP, "reindex", "--corpus", str(corpus.root), "--index", str(index_dir)]
    loadavg = os.getloadavg()[0]
    done = procs.run(argv + (["--full"] if full else []), work / f"reindex-{label}",
                     env=environment(work), timeout=max(1.0, budget.left()))
    match = SUMMARY.search(done.stdout)
    result = {"seconds": done.seconds, "peak_rss_mb": done.peak_rss_mb,
              "returncode": done.returncode, "loadavg_before": loadavg,
              "summary": done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "",
              "internal_s": float(match.group(3)) if match else None}
    if done.returncode != 0:
        result["error"] = done.stderr.strip()[-500:] or "killed at the time budget"
    return result


def measure_reindex(corpus: corpora.Corpus, index_dir: Path, work: Path,
                    budget: Budget) -> dict:
    log(f"{corpus.scale}×: searchapp reindex --full ({corpus.chars:,} chars)")
    full = reindex(corpus, index_dir, work, budget, f"{corpus.scale}x-full", full=True)
    if full["returncode"] == 0:
        full.update(chars_per_s=corpus.chars / full["seconds"],
                    paragraphs_per_s=corpus.paragraphs / full["seconds"],
                    index_mb=procs.dir_size_mb(index_dir))
    return full


def measure_incremental(corpus: corpora.Corpus, index_dir: Path, work: Path,
                        budget: Budget) -> dict:
    """Change one report and add one, reindex; then reindex again with nothing changed;
    then put the corpus back so every engine indexes the same text."""
    startup = procs.run([PYTHON, "-c", "import searchapp.cli, searchapp.index, searchapp.corpus"],
                        work / "startup", timeout=60)
    undo = corpora.change_one_and_add_one(corpus.root)
    try:
        log(f"{corpus.scale}×: incremental reindex (1 changed, 1 added)")
        incremental = reindex(corpus, index_dir, work, budget, f"{corpus.scale}x-incr", False)
        noop = reindex(corpus, index_dir, work, budget, f"{corpus.scale}x-noop", False)
    finally:
        undo()
    return {"startup_s": startup.seconds, "incremental": incremental, "noop": noop}


def measure_library(index_dir: Path, work: Path, budget: Budget, repeat: int,
                    label: str) -> dict:
    log(f"{label}: query mix through search.run")
    done = procs.run([PYTHON, str(HERE / "libquery.py"), str(index_dir), "--repeat", str(repeat)],
                     work / f"library-{label}", timeout=max(1.0, budget.left()))
    return _json_output(done)


def _json_output(done: procs.Finished) -> dict:
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-500:] or "killed at the time budget"}
    result = json.loads(done.stdout)
    result["process_peak_rss_mb"] = done.peak_rss_mb
    return result


def measure_serve(corpus: corpora.Corpus, index_dir: Path, work: Path, budget: Budget,
                  options: Options) -> dict:
    """Cold start of the production server, HTTP latency/throughput, worker memory."""
    port = procs.free_port()
    argv = [SEARCHAPP, "serve", "--host", "127.0.0.1", "--port", str(port), "--index",
            str(index_dir), "--corpus", str(corpus.root), "--workers", str(options.workers)]
    log(f"{corpus.scale}×: searchapp serve on 127.0.0.1:{port}")
    server = procs.Server(argv, environment(work), work / f"serve-{corpus.scale}x.log")
    try:
        url = f"http://127.0.0.1:{port}" + queries.url_path(queries.MIX[0][1])
        result: dict = {"cold_start_s": server.wait_first_answer(url, min(300, budget.left()))}
        result["http"] = {}
        for clients, total in options.http_requests.items():
            seconds = min(options.http_seconds, max(1.0, budget.left() - 20))
            load = queries.http_load(port, clients, total, seconds)
            result["http"][str(clients)] = asdict(load) | {"throughput": load.throughput}
            log(f"{corpus.scale}×: HTTP {clients} clients: {load.requests} requests, "
                f"p95 {load.latency.get('p95', 0):.1f} ms, {load.throughput:.1f} req/s")
        result["http_max_ms"] = max(v["latency"].get("max", 0) for v in result["http"].values())
        result["workers"] = server.worker_memory_mb()
        result["worker_peak_rss_mb"] = max((w["peak_rss_mb"] for w in result["workers"]),
                                           default=None)
    except (RuntimeError, TimeoutError) as error:
        result = {"error": str(error)}
    finally:
        server.stop()
    return result


def measure_searchapp(corpus: corpora.Corpus, work: Path, budget: Budget,
                      options: Options) -> dict:
    index_dir = work / f"index-{corpus.scale}x"
    result = {"reindex": measure_reindex(corpus, index_dir, work, budget)}
    if result["reindex"]["returncode"] != 0:
        return result
    result |= measure_incremental(corpus, index_dir, work, budget)
    result["library"] = measure_library(index_dir, work, budget, options.repeat,
                                        f"{corpus.scale}x-searchapp")
    return result | measure_serve(corpus, index_dir, work, budget, options)


# --- reference setups -------------------------------------------------------------------------

def measure_engine(engine: str, corpus: corpora.Corpus, work: Path, budget: Budget,
                   nprocs: int, repeat: int | None) -> dict:
    """Build (and, unless repeat is None, query) one reference setup in subprocesses."""
    label = f"{corpus.scale}x-{engine}-p{nprocs}"
    index_dir = work / f"index-{label}"
    shutil.rmtree(index_dir, ignore_errors=True)
    log(f"{corpus.scale}×: {engine} build (procs={nprocs})")
    done = procs.run([PYTHON, str(HERE / "engines.py"), "build", engine, str(corpus.root),
                      str(index_dir), "--procs", str(nprocs)], work / f"build-{label}",
                     timeout=max(1.0, budget.left()))
    if done.returncode != 0:
        return {"reindex": {"error": done.stderr.strip()[-500:] or "killed at the time budget"}}
    result = {"reindex": {"seconds": done.seconds, "peak_rss_mb": done.peak_rss_mb,
                          "chars_per_s": corpus.chars / done.seconds,
                          "paragraphs_per_s": corpus.paragraphs / done.seconds,
                          "index_mb": procs.dir_size_mb(index_dir)}}
    if repeat is not None:
        log(f"{corpus.scale}×: {engine} query mix")
        queried = procs.run([PYTHON, str(HERE / "engines.py"), "query", engine, str(index_dir),
                             "--repeat", str(repeat)], work / f"query-{label}",
                            timeout=max(1.0, budget.left()))
        result["library"] = _json_output(queried)
    shutil.rmtree(index_dir, ignore_errors=True)
    return result


def tantivy_available() -> bool:
    check = subprocess.run([PYTHON, "-c", "import tantivy"], capture_output=True)
    return check.returncode == 0


# --- one scale --------------------------------------------------------------------------------

def estimate(previous: dict | None, scale: int, key: str, chars: int) -> float | None:
    """Seconds to build `key` at this scale, from its chars/s at the previous scale."""
    rate = (previous or {}).get(key, {}).get("reindex", {}).get("chars_per_s")
    return chars / rate * 1.1 if rate else None


def run_scale(scale: int, work: Path, budget: Budget, options: Options,
              previous: dict | None) -> dict:
    root = work / f"corpus-{scale}x"
    log(f"{scale}×: writing corpus")
    corpus = corpora.build(root, scale)
    data: dict = {"corpus": {k: v for k, v in asdict(corpus).items() if k != "root"}}
    ours = estimate(previous, scale, "searchapp", corpus.chars)
    if budget.allows(f"{scale}× searchapp (reindex, queries, serve)",
                     ours * 1.5 if ours else None):
        data["searchapp"] = measure_searchapp(corpus, work, budget, options)
    steps = [("naive", 1, options.repeat), ("naive_procs2", 2, None), ("sqlite", 1, options.repeat)]
    if tantivy_available():
        steps.append(("tantivy", 2, options.repeat))
    for key, nprocs, repeat in steps:
        engine = key.split("_")[0]
        guess = estimate(previous, scale, key, corpus.chars)
        if budget.allows(f"{scale}× {key}", guess * 1.3 if guess else None):
            data[key] = measure_engine(engine, corpus, work, budget, nprocs, repeat)
    shutil.rmtree(root, ignore_errors=True)
    return data


# --- profiles ---------------------------------------------------------------------------------

def profile(work: Path, out: Path, budget: Budget) -> list[Path]:
    """Where the time goes: reindex over a sample corpus, search.run over the mix at 1×."""
    written = []
    sample = _sample_corpus(work / "profile-sample")
    target = out / "profile-reindex.txt"
    if budget.allows("reindex profile", 60):
        log("profiling index.reindex over a sample corpus")
        procs.run([PYTHON, str(HERE / "profile_reindex.py"), str(sample),
                   str(work / "index-profile"), str(target)], work / "profile-reindex",
                  timeout=max(1.0, budget.left()))
        written.append(target)
    target = out / "profile-search.txt"
    if (work / "index-1x").exists() and budget.allows("search profile", 40):
        log("profiling search.run over the mix at 1×")
        procs.run([PYTHON, str(HERE / "libquery.py"), str(work / "index-1x"), "--profile",
                   str(target)], work / "profile-search", timeout=max(1.0, budget.left()))
        written.append(target)
    return [path for path in written if path.exists()]


def _sample_corpus(root: Path) -> Path:
    """Both seeds and the first six national reports (~500 paragraphs): every kind of input,
    laid out like one copy of the scaled corpora."""
    shutil.rmtree(root, ignore_errors=True)
    copy = root / "copy-000"
    copy.mkdir(parents=True)
    for seed in corpora.SEEDS.glob("*.txt"):
        shutil.copy(seed, copy / seed.name)
    lines = corpora.NATIONAL.read_text(encoding="utf-8").splitlines()[:6]
    (copy / corpora.NATIONAL.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def head_of(profile_file: Path, lines: int = 22) -> str:
    """The first lines of each section (### ...) of a profile: its cumulative-time top."""
    sections = profile_file.read_text(encoding="utf-8").split("### ")[1:]
    return "\n".join("### " + "\n".join(s.splitlines()[:lines]) for s in sections)


# --- main -------------------------------------------------------------------------------------

def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    return {"date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "nproc": os.cpu_count(),
            "python": f"Python {platform.python_version()}", "cpu": cpu,
            "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def parse_options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,10,50", help="comma-separated (default 1,10,50)")
    parser.add_argument("--quick", action="store_true", help="1× only, few queries")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="default bench/out/")
    parser.add_argument("--budget", type=float, default=840,
                        help="seconds for the whole run (default 840); phases that would not "
                             "fit are skipped and listed")
    parser.add_argument("--workers", type=int, default=2, help="`serve --workers` (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep corpora and indexes in OUT/work")
    args = parser.parse_args(argv)
    try:
        scales = [1] if args.quick else sorted({int(s) for s in args.scales.split(",")})
    except ValueError:
        parser.error(f"--scales must be numbers separated by commas, not {args.scales!r}")
    if not scales or min(scales) < 1:
        parser.error("--scales must be positive numbers")
    light = {1: 20, 4: 40, 16: 48}
    return Options(scales=scales, out=args.out, budget=args.budget,
                   repeat=1 if args.quick else 5,
                   http_requests=light if args.quick else {1: 100, 4: 200, 16: 320},
                   http_seconds=10 if args.quick else 30, workers=args.workers, keep=args.keep)


def main(argv: list[str] | None = None) -> None:
    options = parse_options(argv)
    budget = Budget(options.budget)
    work = options.out / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    results: dict = {"machine": machine(), "options": {
        "scales": options.scales, "budget_s": options.budget, "repeat": options.repeat,
        "http_requests": options.http_requests, "workers": options.workers}, "scales": {}}
    previous = None
    for scale in options.scales:
        previous = results["scales"][str(scale)] = run_scale(scale, work, budget, options,
                                                              previous)
        if scale == options.scales[0]:
            results["targets"] = report.targets(results)
            if not all(t["met"] for t in results["targets"]):
                results["profiles"] = [str(p) for p in profile(work, options.out, budget)]
    results["targets"] = report.targets(results)
    results["skipped"] = budget.skipped
    results["seconds"] = budget.seconds - budget.left()
    finish(results, options, work)


def finish(results: dict, options: Options, work: Path) -> None:
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1),
                                              encoding="utf-8")
    text = report.markdown(results)
    (options.out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    for path in results.get("profiles", []):
        print(f"\n#### Where the time goes: {path} (top lines)\n```\n{head_of(Path(path))}\n```")
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
