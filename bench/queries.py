"""The fixed query mix, latency statistics, and HTTP load at a given concurrency.

The mix covers what researchers type: common and rare words, two-word AND,
quoted phrases, one- and two-character queries, filters (and a filters-only
listing, all facets over a large set), page 5, date sort, OR and NOT, and a
query with no hits. The same mix goes through the library, HTTP and the
reference engines (which see only the `q` text: they have no filters).
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass

MIX: list[tuple[str, dict[str, str | int]]] = [
    ("common word", {"q": "发展"}),
    ("common word 2", {"q": "经济"}),
    ("rare word", {"q": "氢能"}),
    ("mid word", {"q": "营商环境"}),
    ("two words AND", {"q": "乡村振兴 营商环境"}),
    ("two common AND", {"q": "经济 发展"}),
    ("phrase", {"q": '"高质量发展"'}),
    ("long phrase", {"q": '"坚持稳中求进工作总基调"'}),
    ("1 char", {"q": "水"}),
    ("1 char rare", {"q": "粮"}),
    ("2 chars", {"q": "就业"}),
    ("filter region", {"q": "农业", "region": "孟州"}),
    ("filter years", {"q": "改革", "year": "2010..2025"}),
    ("filter level", {"q": "改革", "level": "national"}),
    ("filters only", {"year": "2023"}),
    ("page 5", {"q": "发展", "page": 5}),
    ("sort date", {"q": "改革", "sort": "date"}),
    ("OR", {"q": "氢能 OR 储能"}),
    ("NOT", {"q": "就业 -疫情"}),
    ("no hits", {"q": "量子纠缠宇宙飞船"}),
]
ORDER = ("q", "region", "year", "level", "section", "sort", "page")  # canonical URL order


def url_path(params: dict[str, str | int]) -> str:
    pairs = [(name, str(params[name])) for name in ORDER if name in params]
    return "/api/search?" + urllib.parse.urlencode(pairs)


def percentiles(values_ms: list[float]) -> dict[str, float]:
    """p50/p95/p99/max/mean in ms (nearest-rank on the sorted sample)."""
    if not values_ms:
        return {}
    ordered = sorted(values_ms)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]

    return {"n": len(ordered), "p50": rank(50), "p95": rank(95), "p99": rank(99),
            "max": ordered[-1], "mean": statistics.fmean(ordered)}


@dataclass
class Load:
    clients: int
    requests: int
    errors: int
    seconds: float
    latency: dict[str, float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def http_load(port: int, clients: int, total: int, time_limit: float) -> Load:
    """`total` requests of the mix (in turn) from `clients` threads with keep-alive
    connections; stops early at `time_limit` seconds so a slow server can't stall the run."""
    paths = [url_path(params) for _, params in MIX]
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    deadline = time.perf_counter() + time_limit

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            ok, elapsed = _get(connection, paths[i % len(paths)])
            if not ok:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return Load(clients, len(latencies), errors[0], seconds, percentiles(latencies))


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        ok = response.status == 200
    except (OSError, http.client.HTTPException):
        ok = False
    return ok, (time.perf_counter() - started) * 1000
