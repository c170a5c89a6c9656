"""Sustained mixed load against the production server (issue 6), as numbers, not asserts.

    python -m bench.load --seconds 30 --clients 20            # index over seeds/ in a temp dir
    python -m bench.load --seconds 30 --clients 20 --index DIR

Starts `searchapp serve` (gunicorn) on 127.0.0.1 and a free port, then keeps `clients`
keep-alive connections busy for `seconds` with a mix of what researchers do: common and rare
words, phrases, OR/NOT, filters, pagination, date sort, as HTML pages, JSON and the feed.
Every response is checked (status 200, parseable, security headers); prints p50/p95/p99
latency, throughput, errors and the workers' RSS at the start and the end.

`run_load(base_url, seconds, clients)` is the reusable part (bench/run.py, tests/test_load.py);
it imports nothing from this repository, so it works as `bench.load` and as `load`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

REPO = Path(__file__).resolve().parents[1]

# (what it exercises, parameters); each goes out as /api/search, /search and a few as /feed.
MIX: list[tuple[str, dict[str, str]]] = [
    ("common word", {"q": "发展"}),
    ("common word 2", {"q": "经济"}),
    ("rare word", {"q": "氢能"}),
    ("mid word", {"q": "营商环境"}),
    ("two words AND", {"q": "乡村振兴 营商环境"}),
    ("phrase", {"q": '"高质量发展"'}),
    ("1 char", {"q": "水"}),
    ("OR", {"q": "氢能 OR 储能"}),
    ("NOT", {"q": "就业 -疫情"}),
    ("field syntax", {"q": "section:工作 改革"}),
    ("filter region", {"q": "农业", "region": "孟州"}),
    ("filter year", {"q": "改革", "year": "2020..2025"}),
    ("filter level", {"q": "改革", "level": "county"}),
    ("filters only", {"year": "2023"}),
    ("page 2", {"q": "发展", "page": "2"}),
    ("page 5", {"q": "建设", "page": "5"}),
    ("sort date", {"q": "改革", "sort": "date"}),
    ("no hits", {"q": "量子纠缠宇宙飞船"}),
]
FEEDS = ("发展", "氢能")
ORDER = ("q", "region", "year", "level", "section", "sort", "page")
REQUIRED_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")

Check = Callable[[str, int, dict[str, str], bytes], str | None]


def mix_paths() -> list[str]:
    """The request paths of the mix, JSON and HTML twins of every search plus feeds."""
    paths = []
    for _, params in MIX:
        query = urllib.parse.urlencode([(k, params[k]) for k in ORDER if k in params])
        paths += [f"/api/search?{query}", f"/search?{query}"]
    paths += ["/feed?" + urllib.parse.urlencode({"q": q}) for q in FEEDS]
    return paths


def well_formed(path: str, status: int, headers: dict[str, str], body: bytes) -> str | None:
    """Why the response is not a correct answer to `path`, or None when it is."""
    if status != 200:
        return f"status {status}"
    missing = [h for h in REQUIRED_HEADERS if h.lower() not in headers]
    if missing:
        return f"missing headers {missing}"
    kind = headers.get("content-type", "")
    try:
        if path.startswith("/api/"):
            data = json.loads(body)
            if not (isinstance(data.get("hits"), list) and data["total"] >= len(data["hits"])):
                return "JSON without hits/total"
        elif path.startswith("/feed"):
            ET.fromstring(body)
        elif not (kind.startswith("text/html") and body.rstrip().endswith(b"</html>")):
            return f"incomplete HTML ({kind}, {len(body)} bytes)"
    except (ValueError, KeyError, TypeError, ET.ParseError) as error:
        return f"unparsable body: {error}"
    return None


def percentiles(values_ms: list[float]) -> dict[str, float]:
    """Nearest-rank p50/p95/p99 and the slowest, in ms."""
    if not values_ms:
        return {}
    ordered = sorted(values_ms)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, -(-len(ordered) * p // 100) - 1))]

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99), "max": ordered[-1]}


def run_load(base_url: str, seconds: float, clients: int, *, paths: list[str] | None = None,
             check: Check = well_formed, stop: threading.Event | None = None) -> dict:
    """`clients` keep-alive connections sending `paths` (default: the mix, each client from
    its own random start) for `seconds`, or until `stop` is set. Every response goes through
    `check`; the first 20 failures are kept as (path, reason). Never raises on a bad answer."""
    paths = paths or mix_paths()
    url = urllib.parse.urlsplit(base_url)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    failures: list[tuple[str, str]] = []
    errors = [0]
    lock = threading.Lock()
    stop = stop or threading.Event()
    deadline = time.perf_counter() + seconds

    def client(seed: int) -> None:
        order = paths[seed % len(paths):] + paths[:seed % len(paths)]
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        i = 0
        while time.perf_counter() < deadline and not stop.is_set():
            path = order[i % len(order)]
            i += 1
            status, headers, body, elapsed = _get(connection, path)
            problem = check(path, status, headers, body)
            if status == 0 or headers.get("connection") == "close":
                connection.close()
                connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1
                if problem:
                    errors[0] += 1
                    if len(failures) < 20:
                        failures.append((path, problem))
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(random.randrange(10**6),))
               for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"clients": clients, "seconds": round(wall, 2), "requests": len(latencies),
            "throughput": round(len(latencies) / wall, 1) if wall else 0.0,
            "errors": errors[0], "statuses": dict(statuses), "failures": failures,
            "latency_ms": {k: round(v, 1) for k, v in percentiles(latencies).items()}}


def _get(connection: http.client.HTTPConnection,
         path: str) -> tuple[int, dict[str, str], bytes, float]:
    """(status, lower-cased headers, body, ms); status 0 when the connection failed."""
    started = time.perf_counter()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        status, headers = response.status, {k.lower(): v for k, v in response.getheaders()}
    except (OSError, http.client.HTTPException) as error:
        status, headers, body = 0, {}, repr(error).encode()
    return status, headers, body, (time.perf_counter() - started) * 1000


# --- the server under load -------------------------------------------------------------------

def worker_rss_mb(master_pid: int) -> dict[int, float]:
    """Current RSS of each child (gunicorn worker) of `master_pid`, from /proc."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return {}
    rss = {}
    for pid in map(int, children):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1]) / 1024
    return rss


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"searchapp serve exited with status {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url} within {timeout:.0f} s")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--index", type=Path, help="serve this index (default: seeds/ in tmp)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="searchapp-load-") as tmp:
        index_dir = args.index or Path(tmp) / "index"
        port = _free_port()
        command = [sys.executable, "-m", "searchapp", "serve", "--host", "127.0.0.1", "--port",
                   str(port), "--workers", str(args.workers), "--index", str(index_dir),
                   "--corpus", str(REPO / "seeds")]
        env = dict(os.environ, SEARCHAPP_INSTANCE=str(Path(tmp) / "instance"))
        with open(Path(tmp) / "serve.log", "w") as log:
            server = subprocess.Popen(command, stdout=log, stderr=log, env=env,
                                      start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(base + "/", server, timeout=600)
            before = worker_rss_mb(server.pid)
            result = run_load(base, args.seconds, args.clients)
            result["rss_mb_start"] = before
            result["rss_mb_end"] = worker_rss_mb(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    _print(result)
    return result


def _print(result: dict) -> None:
    latency = result["latency_ms"]
    print(f"{result['requests']} requests in {result['seconds']} s from {result['clients']} "
          f"clients: {result['throughput']} req/s")
    print(f"latency ms: p50 {latency.get('p50')}  p95 {latency.get('p95')}  "
          f"p99 {latency.get('p99')}  slowest {latency.get('max')}")
    print(f"errors: {result['errors']}  statuses: {result['statuses']}")
    for path, problem in result["failures"]:
        print(f"  {problem}: {path}")
    for when in ("start", "end"):
        rss = ", ".join(f"{mb:.0f}" for mb in result[f"rss_mb_{when}"].values())
        print(f"worker RSS MB at the {when}: {rss}")


if __name__ == "__main__":
    main()
