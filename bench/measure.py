"""Measuring one setup on one corpus: searchapp through its own commands (reindex,
serve, search.run in a fresh process) and the reference setups through engines.py,
each in subprocesses so wall time and peak RSS are theirs alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import corpora
import procs
import queries
from budget import Budget, log

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
    quick: bool = False
    load_seconds: float = 30  # the sustained 20-client load (issue 6) at the smallest scale
    reindex_only: bool = False  # measure searchapp's reindex, nothing after it


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
    startup = procs.run([PYTHON, "-c",
                         "import searchapp.cli, searchapp.index.build, searchapp.ingest.corpus"],
                        work / "startup", timeout=60)
    undo = corpora.change_one_and_add_one(corpus.root)
    try:
        log(f"{corpus.scale}×: incremental reindex (1 changed, 1 added)")
        incremental = reindex(corpus, index_dir, work, budget, f"{corpus.scale}x-incr", False)
        noop = reindex(corpus, index_dir, work, budget, f"{corpus.scale}x-noop", False)
    finally:
        undo()
    return {"startup_s": startup.seconds, "incremental": incremental, "noop": noop,
            "incremental_profile": reindex_back(corpus, index_dir, work, budget)}


def reindex_back(corpus: corpora.Corpus, index_dir: Path, work: Path,
                 budget: Budget) -> str | None:
    """Bring the index back to the corpus every setup indexes (1 report changed back, 1
    removed), so all are queried on the same paragraphs. The reindex is profiled when the
    budget allows: where an incremental reindex spends its time at this scale (printed
    if its target is missed); returns that profile's path."""
    target = work.parent / f"profile-incremental-{corpus.scale}x.txt"
    if not budget.allows(f"{corpus.scale}× incremental profile", 10):
        reindex(corpus, index_dir, work, budget, f"{corpus.scale}x-back", False)
        return None
    procs.run([PYTHON, str(HERE / "profile_reindex.py"), str(corpus.root), str(index_dir),
               str(target), "--as-is", f"incremental at {corpus.scale}×, 1 changed + 1 removed"],
              work / f"profile-incremental-{corpus.scale}x", timeout=max(1.0, budget.left()))
    return str(target) if target.exists() else None


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
        if corpus.scale == min(options.scales):
            import load  # issue 6's sustained load: 20 clients, mixed HTML and JSON
            log(f"{corpus.scale}×: sustained load, 20 clients, {options.load_seconds:.0f} s")
            result["load"] = load.run_load(f"http://127.0.0.1:{port}", options.load_seconds, 20)
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
    if options.reindex_only:
        return result
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
