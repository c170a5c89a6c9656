"""Results -> Markdown: one table per scale (every engine side by side, plus searchapp's
figure as a ratio to the naive setup) and the issue's targets, met or missed.

Works on the plain JSON the run writes, so a saved results file can be re-rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ENGINES = [("searchapp", "searchapp"), ("naive", "naive (default writer)"),
           ("naive_procs2", "naive procs=2"), ("sqlite", "SQLite FTS5 trigram"),
           ("tantivy", "tantivy + jieba")]

# (label, getter, better): better is "low" or "high" (how the ratio to naive reads) or None
Row = tuple[str, Callable[[dict], float | None], str | None]


def _get(*keys: str) -> Callable[[dict], float | None]:
    def getter(data: dict) -> float | None:
        for key in keys:
            if not isinstance(data, dict) or key not in data:
                return None
            data = data[key]
        return data if isinstance(data, int | float) else None
    return getter


ROWS: list[Row] = [
    ("full index: wall s", _get("reindex", "seconds"), "low"),
    ("full index: chars/s", _get("reindex", "chars_per_s"), "high"),
    ("full index: paragraphs/s", _get("reindex", "paragraphs_per_s"), "high"),
    ("full index: peak RSS MB", _get("reindex", "peak_rss_mb"), "low"),
    ("index size on disk MB", _get("reindex", "index_mb"), "low"),
    ("incremental (1 changed + 1 added): wall s", _get("incremental", "seconds"), None),
    ("incremental: time in reindex (summary line) s", _get("incremental", "internal_s"), None),
    ("reindex, nothing changed: wall s", _get("noop", "seconds"), None),
    ("start-up (imports of `reindex`) s", _get("startup_s"), None),
    ("query mix: p50 ms", _get("library", "overall", "p50"), "low"),
    ("query mix: p95 ms", _get("library", "overall", "p95"), "low"),
    ("query mix: p99 ms", _get("library", "overall", "p99"), "low"),
    ("query mix: slowest ms", _get("library", "overall", "max"), "low"),
    ("searching process: load s", _get("library", "load_s"), None),
    ("searching process: peak RSS MB", _get("library", "peak_rss_mb"), "low"),
    ("HTTP 1 client: p50 ms", _get("http", "1", "latency", "p50"), None),
    ("HTTP 1 client: p95 ms", _get("http", "1", "latency", "p95"), None),
    ("HTTP 1 client: p99 ms", _get("http", "1", "latency", "p99"), None),
    ("HTTP 1 client: req/s", _get("http", "1", "throughput"), None),
    ("HTTP 4 clients: p95 ms", _get("http", "4", "latency", "p95"), None),
    ("HTTP 4 clients: req/s", _get("http", "4", "throughput"), None),
    ("HTTP 16 clients: p95 ms", _get("http", "16", "latency", "p95"), None),
    ("HTTP 16 clients: p99 ms", _get("http", "16", "latency", "p99"), None),
    ("HTTP 16 clients: req/s", _get("http", "16", "throughput"), None),
    ("HTTP: slowest ms (all clients)", _get("http_max_ms"), None),
    ("sustained load, 20 clients (HTML+JSON+feed): requests", _get("load", "requests"), None),
    ("sustained load: req/s", _get("load", "throughput"), None),
    ("sustained load: p50 ms", _get("load", "latency_ms", "p50"), None),
    ("sustained load: p95 ms", _get("load", "latency_ms", "p95"), None),
    ("sustained load: p99 ms", _get("load", "latency_ms", "p99"), None),
    ("sustained load: errors", _get("load", "errors"), None),
    ("`serve` cold start to first answer s", _get("cold_start_s"), None),
    ("serving worker peak RSS MB (largest)", _get("worker_peak_rss_mb"), None),
]


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value < 10 else f"{value:.1f}"


def _ratio(ours: float | None, naive: float | None, better: str | None) -> str:
    """Reads as a sentence: '3.2× faster', '2.0× slower', '1.5× more memory'."""
    if better is None or not ours or not naive:
        return ""
    factor = naive / ours if better == "low" else ours / naive
    if factor >= 1:
        return f"**{factor:.1f}× better**"
    return f"{1 / factor:.1f}× worse"


def scale_table(scale: str, data: dict[str, Any]) -> str:
    corpus = data.get("corpus", {})
    engines = [(key, label) for key, label in ENGINES if data.get(key)]
    lines = [f"### {scale}× — {corpus.get('reports', '?')} reports, "
             f"{corpus.get('paragraphs', 0):,} paragraphs, {corpus.get('chars', 0):,} characters",
             "", "| | " + " | ".join(label for _, label in engines) + " | searchapp vs naive |",
             "|---|" + "---:|" * len(engines) + "---|"]
    for label, getter, better in ROWS:
        values = [getter(data[key]) for key, _ in engines]
        if all(v is None for v in values):
            continue
        ratio = _ratio(getter(data.get("searchapp", {})), getter(data.get("naive", {})), better)
        lines.append(f"| {label} | " + " | ".join(_number(v) for v in values) + f" | {ratio} |")
    return "\n".join(lines)


def per_query_table(data: dict[str, Any]) -> str:
    """First run / warm median in ms of each query of the mix, and what it found: which
    kinds of query are slow, per setup."""
    engines = [(key, label) for key, label in ENGINES
               if data.get(key, {}).get("library", {}).get("queries")]
    if not engines:
        return ""
    lines = ["| query (ms: first / warm p50) | " + " | ".join(label for _, label in engines) + " |",
             "|---|" + "---:|" * len(engines)]
    names = list(data[engines[0][0]]["library"]["queries"])
    for name in names:
        cells = []
        for key, _ in engines:
            q = data[key]["library"]["queries"].get(name)
            found = q.get("total", q.get("shown")) if q else None
            cells.append(f"{q['first_ms']:.1f} / {q['warm'].get('p50', 0):.1f} ({found})"
                         if q else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n(in brackets: searchapp's total hits; the others' hits shown)"


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each of issue 5's targets that this run measured: value, bound, met."""
    found = []

    def check(name: str, value: float | None, bound: float, at_most: bool = True) -> None:
        if value is not None:
            met = value <= bound if at_most else value >= bound
            found.append({"target": name, "value": value, "bound": bound, "met": met,
                          "at_most": at_most})

    for scale, data in results["scales"].items():
        ours = data.get("searchapp", {})
        naive = _get("reindex", "seconds")(data.get("naive", {}))
        wall = _get("reindex", "seconds")(ours)
        check(f"{scale}×: full reindex speed-up vs naive default writer",
              naive / wall if naive and wall else None, 3.0, at_most=False)
        if scale in ("1", "10"):
            check(f"{scale}×: full reindex chars/s", _get("reindex", "chars_per_s")(ours),
                  290_000, at_most=False)
        incremental, startup = _get("incremental", "seconds")(ours), _get("startup_s")(ours)
        check(f"{scale}×: incremental reindex minus start-up, s",
              incremental - startup if incremental and startup else None, 1.0)
        bound = {"1": 20, "10": 50, "50": 200}.get(scale)
        if bound:
            check(f"{scale}×: HTTP top-10 p95 ms (1 client)",
                  _get("http", "1", "latency", "p95")(ours), bound)
        if scale == "50":
            check("50×: slowest query of the mix, ms (HTTP)", _get("http_max_ms")(ours), 500)
        if scale == "1":
            check("1×: serve cold start to first answer, s", _get("cold_start_s")(ours), 2.0)
        if scale == "10":
            check("10×: serving worker peak RSS MB", _get("worker_peak_rss_mb")(ours), 300)
    return found


def targets_table(found: list[dict[str, Any]]) -> str:
    lines = ["| target | measured | bound | met |", "|---|---:|---:|---|"]
    for t in found:
        sign = "≤" if t["at_most"] else "≥"
        lines.append(f"| {t['target']} | {_number(t['value'])} | {sign} {_number(t['bound'])} "
                     f"| {'yes' if t['met'] else '**no**'} |")
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    parts = [f"Measured {machine['date']} on {machine['cpu']} ({machine['nproc']} cores), "
             f"{machine['python']}, load average at start {machine['loadavg']}; "
             f"run took {results.get('seconds', 0):.0f} s.", ""]
    for scale, data in results["scales"].items():
        parts += [scale_table(scale, data), "", per_query_table(data), ""]
    if results.get("skipped"):
        parts += ["Not measured in this run (time budget):", ""]
        parts += [f"- {line}" for line in results["skipped"]] + [""]
    parts += ["#### Targets (issue 5)", "", targets_table(results.get("targets", [])), ""]
    return "\n".join(parts)
