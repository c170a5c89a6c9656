"""`searchapp serve`: builds a missing index with progress, serves with gunicorn,
and uses Flask's server (without the debugger) only behind --dev."""

from __future__ import annotations

import gc
import re
import shutil
import urllib.request
from pathlib import Path
from urllib.parse import quote

from conftest import run_cli

from searchapp.config import Settings
from searchapp.index import build
from searchapp.web.server import _Gunicorn, gunicorn_options, release_memory

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


def _reindexed(corpus: Path, index_dir: Path, text: str) -> None:
    (corpus / "extra.txt").write_text(text, encoding="utf-8")
    build.reindex([corpus], index_dir)


def test_the_master_loads_the_app_once_warm_and_follows_each_reindex(tmp_path: Path) -> None:
    """preload_app: gunicorn's master opens the generation and warms it up before forking,
    so every worker shares those pages; it holds no Whoosh reader (workers would share its
    file offsets), and after a reindex it opens the new generation for later workers."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    build.reindex([corpus], tmp_path / "index")
    settings = Settings(corpus=(corpus,), index_dir=tmp_path / "index",
                        instance_dir=tmp_path / "instance")
    master = _Gunicorn(settings, gunicorn_options(settings))
    try:
        app = master.wsgi()
        index = app.extensions["searchapp.index"]
        first = index.opened
        assert first is not None and first._reader is None and gc.get_freeze_count() > 0
        master.follow_index()
        assert index.opened is first  # nothing published since: nothing reopened
        _reindexed(corpus, settings.index_dir, "2024年测试县政府工作报告\n\n发展氢能。\n")
        master.follow_index()
        assert index.opened is not first and index.opened.stamp[0] != first.stamp[0]
    finally:
        gc.unfreeze()


def test_gunicorn_preloads_the_app_and_trims_memory_after_each_request() -> None:
    options = gunicorn_options(Settings())
    assert options["preload_app"] is True
    assert options["post_request"] is release_memory
    release_memory(None, None, {}, None)  # glibc's malloc_trim, or nothing elsewhere


def test_the_warm_up_search_is_a_common_word_within_one_region(tmp_path: Path) -> None:
    from searchapp.index.read import Index
    from searchapp.web.server import warm_query
    build.reindex([SEEDS], tmp_path / "index")
    assert warm_query(Index(tmp_path / "index")) in (
        {"q": "工作", "region": "孟州市"}, {"q": "工作", "region": "沁阳市"})
