"""Speed at scale (issue 5): indexing, queries and memory of searchapp at 1×, 10× and
50× the corpus, next to the naive setup and reference engines, in one bounded run.

    python bench/run.py                    # all scales, within --budget seconds
    python bench/run.py --quick            # 1× only, few queries: a smoke run
    python bench/run.py --scales 1,10 --out /tmp/bench
    python bench/run.py --scales 1,50 --reindex-only   # searchapp's reindex figures alone

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
import shutil
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import corpora
import procs
import report
from budget import Budget, log
from measure import HERE, PYTHON, Options, measure_engine, measure_searchapp, tantivy_available

# --- phases -----------------------------------------------------------------------------------

# (scale, setup, writer processes, warm passes or None for build only, margin over the build
# for what follows it). In priority order: what the targets are about first (searchapp at
# every scale and the naive setup it is compared with), the reference columns after.
PHASES = [(1, "searchapp", 0, 0, 25.0), (1, "naive", 1, 5, 1.3), (1, "sqlite", 1, 5, 1.3),
          (1, "tantivy", 2, 5, 1.3), (1, "naive_procs2", 2, None, 1.1),
          (10, "searchapp", 0, 0, 4.0), (50, "searchapp", 0, 0, 2.5), (10, "naive", 1, 5, 1.3),
          (10, "sqlite", 1, 5, 1.3), (10, "tantivy", 2, 5, 1.3), (10, "naive_procs2", 2, None, 1.1),
          (50, "naive", 1, 5, 1.3), (50, "sqlite", 1, 5, 1.3), (50, "tantivy", 2, 5, 1.3)]


def estimate(results: dict, key: str, scale: int, margin: float) -> float | None:
    """Seconds `key` needs at this scale: its indexing rate at the largest scale that
    measured it, applied to this corpus, times `margin` for what follows the build."""
    for data in reversed(list(results.values())):
        rate = data.get(key, {}).get("reindex", {}).get("chars_per_s")
        if rate:
            corpus = data["corpus"]
            return corpus["chars"] / corpus["scale"] * scale / rate * margin
    return None


def run_phases(options: Options, work: Path, budget: Budget, results: dict) -> None:
    """Every phase whose estimate fits what is left of the budget; a scale's corpus is
    written when its first phase runs and removed after its last."""
    phases = [p for p in PHASES if p[0] in options.scales and
              (p[1] != "tantivy" or tantivy_available())]
    if options.quick:
        phases = [p for p in phases if p[1] in ("searchapp", "naive")]
    if options.reindex_only:
        phases = [p for p in phases if p[1] == "searchapp"]
    corpora_built: dict[int, corpora.Corpus] = {}
    for i, (scale, key, nprocs, repeat, margin) in enumerate(phases):
        guess = estimate(results, key, scale, margin)
        if budget.allows(f"{scale}× {key}", guess):
            if scale not in corpora_built:
                log(f"{scale}×: writing corpus")
                corpora_built[scale] = corpora.build(work / f"corpus-{scale}x", scale)
            corpus = corpora_built[scale]
            data = results.setdefault(str(scale), {"corpus": {
                k: v for k, v in asdict(corpus).items() if k != "root"}})
            if key == "searchapp":
                data[key] = measure_searchapp(corpus, work, budget, options)
            else:
                data[key] = measure_engine(key.split("_")[0], corpus, work, budget, nprocs,
                                           None if repeat is None else options.repeat)
        if scale in corpora_built and all(p[0] != scale for p in phases[i + 1:]):
            shutil.rmtree(corpora_built.pop(scale).root, ignore_errors=True)


# --- profiles ---------------------------------------------------------------------------------

def profile(work: Path, out: Path, budget: Budget, search: bool = True) -> list[Path]:
    """Where the time goes: reindex over a sample corpus, search.run over the mix at 1×
    (unless not `search`)."""
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
    if search and (work / "index-1x").exists() and budget.allows("search profile", 40):
        log("profiling search.run over the mix at 1×")
        procs.run([PYTHON, str(HERE / "libquery.py"), str(work / "index-1x"), "--profile",
                   str(target)], work / "profile-search", timeout=max(1.0, budget.left()))
        written.append(target)
    return [path for path in written if path.exists()]


def incremental_profiles(results: dict) -> list[str]:
    """The incremental-reindex profile of each scale whose incremental target was missed."""
    missed = {t["target"].split("×")[0] for t in results["targets"]
              if not t["met"] and "incremental" in t["target"]}
    return [path for scale, data in results["scales"].items() if scale in missed
            if (path := data.get("searchapp", {}).get("incremental_profile"))]


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
    parser.add_argument("--reindex-only", action="store_true",
                        help="searchapp's full and incremental reindex only (no queries, no "
                             "server, no other engines)")
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
                   http_seconds=10 if args.quick else 30, workers=args.workers, keep=args.keep,
                   quick=args.quick, load_seconds=5 if args.quick else 30,
                   reindex_only=args.reindex_only)


def main(argv: list[str] | None = None) -> None:
    options = parse_options(argv)
    budget = Budget(options.budget)
    work = options.out / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    results: dict = {"machine": machine(), "options": {
        "scales": options.scales, "budget_s": options.budget, "repeat": options.repeat,
        "http_requests": options.http_requests, "workers": options.workers}, "scales": {}}
    run_phases(options, work, budget, results["scales"])
    results["targets"] = report.targets(results)
    if not all(t["met"] for t in results["targets"]):
        results["profiles"] = [*incremental_profiles(results),
                               *map(str, profile(work, options.out, budget,
                                                 search=not options.reindex_only))]
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
