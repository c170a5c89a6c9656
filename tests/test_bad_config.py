"""Bad configuration (issue 6): a missing or unusable index directory, an index from an
incompatible version, damaged index files, an empty or missing corpus, an unusable instance
folder. The CLI says what is wrong and how to fix it, with a non-zero exit and no traceback;
the web answers 503 with a page that says to run `searchapp reindex`, never a traceback or a
path of the server; the `--dev` server never turns on Werkzeug's debugger."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import run_cli

from searchapp.config import Settings
from searchapp.index import build as index
from searchapp.web import create_app

REPO = Path(__file__).resolve().parents[1]
NO_INDEX = "Error: no search index in {dir}: run `searchapp reindex` to build it"
OTHER_VERSION = ("Error: the index in {dir} was built by another version of searchapp: "
                 "run `searchapp reindex` to rebuild it")
DAMAGED = ("Error: the index in {dir} is incomplete or damaged: run `searchapp reindex --full` "
           "to rebuild it")
NOT_A_DIR = ("Error: cannot use {path}: not a directory; check --index, --corpus and "
             "SEARCHAPP_INSTANCE")


def generation(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def older_format(index_dir: Path) -> None:
    meta = generation(index_dir) / "meta.json"
    meta.write_text(json.dumps(dict(json.loads(meta.read_text()), format=0)))


def garbage_files(index_dir: Path) -> None:
    """Every file of the generation but meta.json overwritten: a disk that lost its data."""
    for path in generation(index_dir).rglob("*"):
        if path.is_file() and path.name != "meta.json":
            path.write_bytes(b"\x00garbage")


def damaged_reports_json(index_dir: Path) -> None:
    (generation(index_dir) / "reports.json").write_text("junk")


def current_points_outside(index_dir: Path) -> None:
    (index_dir / "CURRENT").write_text("../../etc\n")


# name -> (how to break a good index, or None for "leave no index", the CLI's message)
BROKEN: dict[str, tuple[Callable[[Path], None] | None, str]] = {
    "missing-dir": (None, NO_INDEX),
    "empty-dir": (lambda d: d.mkdir(), NO_INDEX),
    "a-file": (lambda d: d.write_text("not an index"), NO_INDEX),
    "older-format": (older_format, OTHER_VERSION),
    "garbage-files": (garbage_files, DAMAGED),
    "CURRENT-outside": (current_points_outside, NO_INDEX),
}


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus of one seed report, a good index over it), copied by tests that break it."""
    root = tmp_path_factory.mktemp("small")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(sorted((REPO / "seeds").iterdir())[-1], corpus)
    index.reindex([corpus], root / "index")
    return corpus, root / "index"


@pytest.fixture(params=list(BROKEN), ids=list(BROKEN))
def broken(request: pytest.FixtureRequest, small_index: tuple[Path, Path],
           tmp_path: Path) -> tuple[Path, str]:
    """(a broken index directory, what `searchapp search` must say about it)."""
    target = tmp_path / "index"
    breaker, message = BROKEN[request.param]
    if breaker in (older_format, garbage_files, current_points_outside):
        shutil.copytree(small_index[1], target)
    if breaker:
        breaker(target)
    return target, message.format(dir=target)


def assert_clean_failure(result: Result, message: str) -> None:
    assert (result.exit_code, result.output.strip()) == (1, message)
    assert isinstance(result.exception, SystemExit)


def test_search_explains_a_broken_index(broken: tuple[Path, str]) -> None:
    directory, message = broken
    assert_clean_failure(run_cli("search", "营商环境", "--index", str(directory)), message)


def test_search_explains_an_index_path_below_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert_clean_failure(run_cli("search", "营商环境", "--index", str(tmp_path / "file" / "index")),
                         NO_INDEX.format(dir=tmp_path / "file" / "index"))


@pytest.mark.parametrize("command", ["reindex", "serve"])
def test_corpus_problems_fail_with_a_sentence(command: str, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "only-binary").mkdir()
    (tmp_path / "only-binary" / "a.txt").write_bytes(bytes(range(256)))
    index_dir = str(tmp_path / "index")
    assert_clean_failure(run_cli(command, "--corpus", str(tmp_path / "nowhere"), "--index",
                             index_dir), f"Error: corpus path not found: {tmp_path / 'nowhere'}")
    assert_clean_failure(run_cli(command, "--corpus", tmp_path / "empty", "--index", index_dir),
                         f"Error: no reports found in {tmp_path / 'empty'}: add .txt, .md, "
                         ".pdf, .docx, .html, .jsonl or .csv files, or pass --corpus")
    result = run_cli(command, "--corpus", str(tmp_path / "only-binary"), "--index", index_dir)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith("Error: no reports found in ")


@pytest.mark.parametrize("command", ["reindex", "serve"])
def test_unusable_index_directory_fails_with_a_sentence(command: str, small_index,
                                                        tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    for path in (tmp_path / "file", tmp_path / "file" / "index"):
        assert_clean_failure(run_cli(command, "--corpus", small_index[0], "--index", path),
                             NOT_A_DIR.format(path=path))


def test_serve_refuses_an_unusable_instance_folder(small_index, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("SEARCHAPP_INSTANCE", str(tmp_path / "file" / "instance"))
    assert_clean_failure(run_cli("serve", "--index", str(small_index[1])),
                         NOT_A_DIR.format(path=tmp_path / "file" / "instance"))


@pytest.mark.parametrize("breaker", [older_format, garbage_files],
                         ids=["older-format", "garbage-files"])
def test_reindex_rebuilds_an_incompatible_index(breaker, small_index, tmp_path: Path) -> None:
    shutil.copytree(small_index[1], tmp_path / "index")
    breaker(tmp_path / "index")
    result = run_cli("reindex", "--corpus", str(small_index[0]), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0, result.output
    assert "(full rebuild: 1 added, 0 changed, 0 removed; gen-000002)" in result.output
    assert run_cli("search", "营商环境", "--index", str(tmp_path / "index")).exit_code == 0


URLS = ["/search?q=营商环境", "/search?region=孟州", "/api/search?q=营商环境", "/feed?q=营商环境",
        "/doc/003_2d80b49f8694d6dd", "/api/doc/003_2d80b49f8694d6dd"]


@pytest.mark.parametrize("url", URLS)
def test_web_answers_503_with_how_to_fix_and_no_internals(broken: tuple[Path, str], url: str,
                                                          tmp_path: Path) -> None:
    app = create_app(Settings(index_dir=broken[0], instance_dir=tmp_path / "instance"))
    response = app.test_client().get(url)
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    if url.startswith(("/api/", "/feed")):
        body = json.loads(body)["error"]["message"]
    assert "管理员可运行 `searchapp reindex` 建立索引后再访问。" in body
    for leak in (str(tmp_path), "Traceback", "Error:", "whoosh", ".py"):
        assert leak not in body


@pytest.mark.parametrize("url", [u for u in URLS if "/doc/" in u])
def test_report_views_answer_503_when_reports_json_is_damaged(small_index, url: str,
                                                             tmp_path: Path) -> None:
    """Search does not read reports.json, the report views do: a damaged one is an
    index to rebuild (503 with how to fix), never a 500."""
    shutil.copytree(small_index[1], tmp_path / "index")
    damaged_reports_json(tmp_path / "index")
    app = create_app(Settings(index_dir=tmp_path / "index", instance_dir=tmp_path / "instance"))
    response = app.test_client().get(url)
    assert response.status_code == 503
    assert "searchapp reindex" in response.get_data(as_text=True)


def test_serve_rebuilds_an_incompatible_index_and_then_serves(small_index, tmp_path: Path,
                                                              start_server) -> None:
    shutil.copytree(small_index[1], tmp_path / "index")
    older_format(tmp_path / "index")
    server = start_server(["--index", str(tmp_path / "index"), "--corpus", str(small_index[0]),
                           "--workers", "1"], tmp_path / "instance")
    with urllib.request.urlopen(server.url + "/api/search?q=%E8%90%A5%E5%95%86") as response:
        assert json.load(response)["total"] > 0
    assert "已建立索引：1 篇报告" in server.stop()


def test_dev_server_never_shows_the_debugger_even_when_flask_debug_is_set(
        small_index, tmp_path: Path, start_server, monkeypatch: pytest.MonkeyPatch) -> None:
    """A damaged reports.json makes the search page fail: the answer must be our plain
    error page, not Werkzeug's interactive traceback (which would allow running code)."""
    shutil.copytree(small_index[1], tmp_path / "index")
    (generation(tmp_path / "index") / "reports.json").write_text("{damaged")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    server = start_server(["--index", str(tmp_path / "index"), "--dev"], tmp_path / "instance")
    for url in ("/search?q=%E8%90%A5%E5%95%86", "/?__debugger__=yes&cmd=resource&f=debugger.js"):
        try:
            with urllib.request.urlopen(server.url + url) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        assert status in (200, 500, 503)
        assert '<a class="brand"' in body
        for leak in ("Traceback", "Werkzeug Debugger", "__debugger__", "CONSOLE_MODE"):
            assert leak not in body
    log = server.stop()
    assert "Debug mode: off" in log and "Debugger is active" not in log
