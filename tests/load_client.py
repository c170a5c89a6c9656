"""The load client of tests/test_load.py: keep-alive HTTP clients sending the mixed query load
and checking every answer. Counts and failures only, no latencies: speed is bench/load.py's
and bench/run.py's business, and tests never import bench/.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

# What researchers do; each goes out as /api/search and /search, a few as /feed.
MIX: list[dict[str, str]] = [
    {"q": "发展"}, {"q": "经济"}, {"q": "氢能"}, {"q": "营商环境"}, {"q": "乡村振兴 营商环境"},
    {"q": '"高质量发展"'}, {"q": "水"}, {"q": "氢能 OR 储能"}, {"q": "就业 -疫情"},
    {"q": "section:工作 改革"}, {"q": "农业", "region": "孟州"},
    {"q": "改革", "year": "2020..2025"}, {"q": "改革", "level": "county"}, {"year": "2023"},
    {"q": "发展", "page": "2"}, {"q": "建设", "page": "5"}, {"q": "改革", "sort": "date"},
    {"q": "量子纠缠宇宙飞船"},
]
FEEDS = ("发展", "氢能")
ORDER = ("q", "region", "year", "level", "section", "sort", "page")
REQUIRED_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")
HANG_S = 60  # a request without an answer this long is a hang, reported as a failure

Check = Callable[[str, int, dict[str, str], bytes], str | None]


def mix_paths() -> list[str]:
    """The request paths of the mix: JSON and HTML twins of every search, plus feeds."""
    paths = []
    for params in MIX:
        query = urllib.parse.urlencode([(k, params[k]) for k in ORDER if k in params])
        paths += [f"/api/search?{query}", f"/search?{query}"]
    return paths + ["/feed?" + urllib.parse.urlencode({"q": q}) for q in FEEDS]


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


def run_load(base_url: str, seconds: float, clients: int, *, paths: list[str] | None = None,
             check: Check = well_formed, stop: threading.Event | None = None) -> dict:
    """`clients` keep-alive connections sending `paths` round-robin (each from its own
    offset) for `seconds`, or until `stop` is set. Every response goes through `check`;
    returns {"requests", "statuses": {status: count}, "failures": first 20 (path, reason)}."""
    paths = paths or mix_paths()
    url = urllib.parse.urlsplit(base_url)
    statuses: Counter[int] = Counter()
    failures: list[tuple[str, str]] = []
    lock = threading.Lock()
    stop = stop or threading.Event()
    deadline = time.monotonic() + seconds

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(url.hostname, url.port, timeout=HANG_S)

    def client(offset: int) -> None:
        order = paths[offset:] + paths[:offset]
        connection, i = connect(), 0
        while time.monotonic() < deadline and not stop.is_set():
            path = order[i % len(order)]
            i += 1
            status, headers, body = _get(connection, path)
            problem = check(path, status, headers, body)
            if status == 0 or headers.get("connection") == "close":
                connection.close()
                connection = connect()
            with lock:
                statuses[status] += 1
                if problem and len(failures) < 20:
                    failures.append((path, problem))
        connection.close()

    threads = [threading.Thread(target=client, args=(n * 7 % len(paths),))
               for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"requests": sum(statuses.values()), "statuses": dict(statuses),
            "failures": failures}


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[int, dict[str, str], bytes]:
    """(status, lower-cased headers, body); status 0 when the connection failed."""
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    except (OSError, http.client.HTTPException) as error:
        return 0, {}, repr(error).encode()


def worker_pids(master_pid: int) -> set[int]:
    """The children (gunicorn workers) of `master_pid`, from /proc."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    except OSError:
        return set()
    return set(map(int, children.split()))


def started_workers(master_pid: int, count: int, timeout: float = 15.0) -> set[int]:
    """The workers once `count` of them are up: the server answers as soon as one worker
    does, and the master may still be forking the next (what the workers were is then
    compared with what they are after the load)."""
    deadline = time.monotonic() + timeout
    found = worker_pids(master_pid)
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.05)
        found = worker_pids(master_pid)
    return found
