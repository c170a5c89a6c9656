"""`searchapp serve`: builds a missing index with progress, serves with gunicorn,
and uses Flask's server (without the debugger) only behind --dev."""

from __future__ import annotations

import re
import shutil
import urllib.request
from pathlib import Path
from urllib.parse import quote

from conftest import run_cli

from searchapp.config import Settings
from searchapp.web.server import gunicorn_options

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_first_run_builds_the_index_then_serves_with_gunicorn(tmp_path: Path,
                                                             start_server) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    server = start_server(["--index", str(tmp_path / "index"), "--corpus", str(corpus),
                           "--workers", "1"], tmp_path / "instance")
    with urllib.request.urlopen(server.url + "/api/search?q=" + quote("营商环境")) as r:
        assert r.status == 200
        assert r.headers["Server"].startswith("gunicorn")
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert b'"total"' in r.read()
    log = server.stop()
    assert "已建立索引：2 篇报告" in log
    assert re.search(r"index: (\d+)/\1 paragraphs", log)  # reindex progress, as log lines
    assert "Booting worker" in log


def test_dev_flag_runs_flask_without_the_debugger(web_index: Path, tmp_path: Path,
                                                  start_server) -> None:
    server = start_server(["--index", str(web_index), "--dev"], tmp_path / "instance")
    with urllib.request.urlopen(server.url + "/") as r:
        assert r.headers["Server"].startswith("Werkzeug")
    log = server.stop()
    assert "Debug mode: off" in log
    assert "Debugger" not in log
    assert "已建立索引" not in log  # an existing index is used as is


def test_empty_corpus_fails_with_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("serve", "--corpus", tmp_path / "empty", "--index", tmp_path / "index")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output


def test_gunicorn_options_come_from_settings() -> None:
    options = gunicorn_options(Settings(host="0.0.0.0", port=8123, workers=3))
    assert (options["bind"], options["workers"], options["worker_class"]) == (
        "0.0.0.0:8123", 3, "gthread")
