"""The production server under load (issue 6): short versions of bench/load.py.

gunicorn (`searchapp serve`) on 127.0.0.1 takes 20 concurrent keep-alive clients sending the
mixed query load (words, phrases, OR/NOT, filters, pagination, date sort; HTML, JSON, feed).
Only correctness is asserted — every response 200 and well-formed, no worker lost or replaced,
and during a reindex every answer from the old or the new index — never speed or memory:
bench/load.py prints the latencies and the workers' RSS. The client is tests/load_client.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from load_client import mix_paths, run_load, started_workers, well_formed, worker_pids

from searchapp.index import build as index

pytestmark = pytest.mark.slow  # seconds of sustained load against real gunicorn workers

REPO = Path(__file__).resolve().parents[1]
CLIENTS = 20
SECONDS = 8

REPORT = "{year}年{region}政府工作报告\n信息来源:{region}人民政府 发布日期:{year}-02-01\n\n" \
         "各位代表:\n\n一、{year}年工作安排\n\n{body}\n"
NEW_REPORT = REPORT.format(year=2024, region="修武县", body="布局钙钛矿光伏，优化营商环境。")
OLD_ALPHA = REPORT.format(year=2023, region="博爱县", body="发展低空经济，优化营商环境。")
NEW_ALPHA = REPORT.format(year=2023, region="博爱县", body="发展银发经济。")
PROBES = {name: "/api/search?" + urlencode({"q": "=" + name})  # the word alone: its count
          for name in ("钙钛矿光伏", "低空经济", "银发经济", "营商环境")}  # follows the reports


def total(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)["total"]


def test_sustained_mixed_load_answers_every_request_correctly(seeds_index: Path, tmp_path: Path,
                                                              start_server) -> None:
    server = start_server(["--index", str(seeds_index), "--workers", "2"], tmp_path / "inst")
    workers = started_workers(server.process.pid, 2)
    result = run_load(server.url, SECONDS, CLIENTS)
    assert result["failures"] == []
    assert result["statuses"] == {200: result["requests"]}
    assert result["requests"] >= len(mix_paths())  # the whole mix went through at least once
    assert len(workers) == 2
    assert worker_pids(server.process.pid) == workers  # no worker died or was replaced


class TotalsSeen:
    """A load check that also records the totals each probe query returned."""

    def __init__(self) -> None:
        self.totals: dict[str, set[int]] = {path: set() for path in PROBES.values()}
        self.lock = threading.Lock()

    def __call__(self, path: str, status: int, headers: dict[str, str],
                 body: bytes) -> str | None:
        problem = well_formed(path, status, headers, body)
        if problem is None and path in self.totals:
            with self.lock:
                self.totals[path].add(json.loads(body)["total"])
        return problem


def test_full_reindex_under_load_switches_without_errors_or_restart(tmp_path: Path,
                                                                    start_server) -> None:
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(REPO / "seeds", corpus)
    (corpus / "alpha.txt").write_text(OLD_ALPHA, encoding="utf-8")
    index.reindex([corpus], index_dir)
    server = start_server(["--index", str(index_dir), "--workers", "2"], tmp_path / "inst")
    workers = started_workers(server.process.pid, 2)
    before = {name: total(server.url + path) for name, path in PROBES.items()}
    (corpus / "xiuwu-2024.txt").write_text(NEW_REPORT, encoding="utf-8")
    (corpus / "alpha.txt").write_text(NEW_ALPHA, encoding="utf-8")

    seen, stop = TotalsSeen(), threading.Event()
    outcome: dict = {}
    load = threading.Thread(target=lambda: outcome.update(run_load(
        server.url, 180, CLIENTS, paths=list(PROBES.values()) + mix_paths(), check=seen,
        stop=stop)))
    load.start()
    try:
        stop.wait(1)  # answers from the old generation first
        reindex = subprocess.run(
            [sys.executable, "-m", "searchapp", "reindex", "--full", "--corpus", str(corpus),
             "--index", str(index_dir)], capture_output=True, text=True, timeout=170)
        stop.wait(2)  # keep the load on the new generation for a moment
    finally:
        stop.set()
        load.join()

    after = {name: total(server.url + path) for name, path in PROBES.items()}
    assert reindex.returncode == 0, reindex.stderr
    assert outcome["failures"] == []
    assert outcome["statuses"] == {200: outcome["requests"]}
    common = before["营商环境"]  # one paragraph with it removed (alpha), one added (xiuwu)
    assert common > 0
    assert (before, after) == ({"钙钛矿光伏": 0, "低空经济": 1, "银发经济": 0, "营商环境": common},
                               {"钙钛矿光伏": 1, "低空经济": 0, "银发经济": 1, "营商环境": common})
    assert {name: seen.totals[path] <= {before[name], after[name]}
            for name, path in PROBES.items()} == {name: True for name in PROBES}, seen.totals
    assert seen.totals[PROBES["钙钛矿光伏"]] == {0, 1}  # answers came from both generations
    assert server.process.poll() is None
    assert len(workers) == 2
    assert worker_pids(server.process.pid) == workers  # same workers: no restart
