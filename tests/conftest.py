"""Shared fixtures: real indexes, never mocks of our own engine.

    seeds_index      Path of an index over seeds/ (the two 2023 reports), built once per session.
    national_index   Path of an index over seeds/ + the 72 national reports (jsonl next to the
                     repository, ../shared/corpus/national/); built once per session, skipped
                     when that file is absent. Slow to build (~1 min): use it where scale matters.
    make_index       make_index(reports) -> Path: a tiny index in tmp_path from inline Reports
                     (or plain strings: one report per string, one paragraph per line).
    make_report      make_report(id, *paragraph_texts, **metadata) -> Report, for make_index.
    opened(dir)      the session's Index for an index directory (import from conftest), with
                     load_report(dir, id) and list_reports(dir) over its generation.
    run_cli(*args)   `searchapp ARGS…` in-process (click's CliRunner; import from conftest):
                     a Result with exit_code, output, stdout, stderr. The one CLI runner.
    web_index        seeds/ + a report with markup in its text, for the web tests (session).
    app, client      create_app over web_index with a fresh instance folder; its test client.
    start_server     start_server(serve_args, instance) -> RunningServer (`searchapp serve`).
    live_server      base URL of gunicorn serving web_index (module scope, browser tests).
    postgres_cluster a throwaway PostgreSQL cluster (tests/postgres.py), started once per
                     session with Debian's binaries; skipped, saying why, when they are missing.
    postgres_url     the URL of a new, empty database (a schema of its own) in that cluster.
    backend          "sqlite" or "postgresql": a test using it (or database_url, database)
                     runs once against each.
    database_url     None for SQLite, else postgres_url: what Settings.database_url takes.
    database         a state Database on that backend (SQLite in tmp_path/instance).

Session indexes are shared: tests must not reindex them; copy the corpus and build your own.
Others may append fixtures here (owner: index work).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import postgres
import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

from searchapp.cli import main
from searchapp.config import Settings
from searchapp.index import build as index
from searchapp.index.read import Index
from searchapp.model import Paragraph, Report
from searchapp.state.database import Database

REPO = Path(__file__).parents[1]
SEEDS = REPO / "seeds"
NATIONAL = REPO.parent / "shared/corpus/national/government_work_reports.jsonl"


_OPENED: dict[Path, Index] = {}


def opened(directory: Path) -> Index:
    """One Index per directory for the whole session, as an app keeps one: it reopens the
    generation itself when a reindex publishes a new one."""
    return _OPENED.setdefault(Path(directory), Index(Path(directory)))


def load_report(directory: Path, report_id: str) -> Report | None:
    return opened(directory).generation().report(report_id)


def list_reports(directory: Path) -> list[Report]:
    return opened(directory).generation().report_list()


def run_cli(*args: str | Path, env: Mapping[str, str] | None = None) -> Result:
    """Run `searchapp ARGS…` in this process with click's CliRunner; `env` is added to the
    environment. The Result has exit_code, output (stdout and stderr interleaved, as on a
    terminal), stdout, stderr and exception. An exception other than the CLI's own exit is
    raised, not swallowed: the CLI turns every failure into a message and exit status 1."""
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def build_report(report_id: str, *texts: str, **metadata: object) -> Report:
    """A Report with one paragraph per text (n = 1, 2, ...); metadata as Report fields."""
    paragraphs = [Paragraph(n=i, text=t) for i, t in enumerate(texts, start=1)]
    metadata.setdefault("source_path", f"{report_id}.txt")
    return Report(id=report_id, paragraphs=paragraphs, **metadata)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("seeds-index") / "index"
    index.reindex([SEEDS], directory)
    return directory


@pytest.fixture(scope="session")
def national_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not NATIONAL.is_file():
        pytest.skip(f"national reports not found at {NATIONAL}")
    directory = tmp_path_factory.mktemp("national-index") / "index"
    index.reindex([SEEDS, NATIONAL], directory)
    return directory


@pytest.fixture
def make_report() -> Callable[..., Report]:
    return build_report


@pytest.fixture
def make_index(tmp_path: Path) -> Callable[[Iterable[Report | str]], Path]:
    def make(reports: Iterable[Report | str], directory: Path | None = None) -> Path:
        directory = directory or tmp_path / "index"
        built = [r if isinstance(r, Report) else build_report(f"r{i}", *r.splitlines())
                 for i, r in enumerate(reports, start=1)]
        index.index_reports(built, directory)
        return directory

    return make


# --- web fixtures (web helper, issue 4) -------------------------------------------------------

HOSTILE_REPORT = """2024年修武县政府工作报告
信息来源:修武县人民政府 发布日期:2024-01-20

——在修武县第十七届人民代表大会第三次会议上

各位代表:

一、2023年工作回顾

推进<script>alert("xss")</script>试验田建设，<img src=x onerror=alert(1)>试验田示范区扩容。

二、2024年工作安排

（一）发展数字经济。

打造“试验田”品牌，访问 javascript:alert(1) 也只是文字。
"""


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """seeds/ plus a report whose text holds markup, indexed once for all web tests."""
    root = tmp_path_factory.mktemp("web")
    corpus = root / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "xiuwu-2024.txt").write_text(HOSTILE_REPORT, encoding="utf-8")
    index.reindex([corpus], root / "index")
    return root / "index"


@pytest.fixture
def web_settings(web_index: Path, tmp_path: Path) -> Settings:
    return Settings(corpus=(), index_dir=web_index, instance_dir=tmp_path / "instance")


@pytest.fixture
def app(web_settings: Settings) -> Flask:
    from searchapp.web import create_app

    return create_app(web_settings, {"TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class RunningServer:
    """A `searchapp serve` child process on a free loopback port."""

    url: str
    process: subprocess.Popen[str]
    log_path: Path

    def stop(self) -> str:
        """Terminate (SIGTERM, then SIGKILL) and return everything it printed."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(args: list[str], instance: Path, log_path: Path) -> RunningServer:
    port = _free_port()
    env = dict(os.environ, SEARCHAPP_INSTANCE=str(instance), PYTHONUNBUFFERED="1")
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "searchapp", "serve", "--host", "127.0.0.1",
             "--port", str(port), *args], stdout=log, stderr=subprocess.STDOUT, env=env, text=True)
    server = RunningServer(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(server.url + "/", timeout=2).close()
            return server
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server did not start:\n{server.stop()}")


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[[list[str], Path], RunningServer]]:
    """Factory for servers that are stopped when the test ends."""
    servers: list[RunningServer] = []

    def start(args: list[str], instance: Path) -> RunningServer:
        servers.append(_start(args, instance, tmp_path / f"server-{len(servers)}.log"))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def live_server(web_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn serving web_index, as in production, for browser tests."""
    root = tmp_path_factory.mktemp("live")
    server = _start(["--index", str(web_index), "--workers", "2"], root / "instance",
                    root / "server.log")
    yield server.url
    server.stop()


# --- the app's database on both backends (several app servers, one PostgreSQL) -------------

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[postgres.Cluster]:
    bin_dir = postgres.binaries()
    if bin_dir is None:
        pytest.skip(postgres.MISSING)
    cluster = postgres.Cluster(bin_dir).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: postgres.Cluster) -> Iterator[str]:
    url = postgres_cluster.fresh_url()
    yield url
    postgres_cluster.drop(url)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("postgres_url") if backend == "postgresql" else None


@pytest.fixture
def database(database_url: str | None, tmp_path: Path) -> Database:
    return Database(database_url, tmp_path / "instance")


@contextmanager
def hang_detector(seconds: int) -> Iterator[None]:
    """Fail with TimeoutError after `seconds` instead of running on (a hang, not a speed
    target: speed lives in bench/). Import it: `from conftest import hang_detector`."""
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
