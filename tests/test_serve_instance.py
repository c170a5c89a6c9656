"""Where `serve` keeps saved searches (--instance, SEARCHAPP_INSTANCE, else next to the
index, whatever the working directory), the warning when that folder is new beside an
index that already existed, and gunicorn answering bad Host headers with our 400."""

from __future__ import annotations

import logging
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from searchapp.config import Settings, from_env
from searchapp.web import create_app, security
from searchapp.web.server import check_instance


def test_the_default_instance_folder_sits_next_to_the_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    index = tmp_path / "srv" / "index"
    folders = []
    for cwd in ("a", "b"):
        monkeypatch.chdir(tmp_path / cwd)
        folders.append(Settings(index_dir=index).instance_path())
    assert folders == [tmp_path / "srv" / "instance"] * 2
    monkeypatch.chdir(tmp_path / "a")
    assert Settings().instance_path() == tmp_path / "a" / "instance"  # index/ here: as before


def test_the_instance_folder_comes_from_the_environment(tmp_path: Path) -> None:
    settings = from_env({"SEARCHAPP_INSTANCE": str(tmp_path / "mine"),
                         "SEARCHAPP_INDEX": str(tmp_path / "index")})
    assert settings.instance_path() == tmp_path / "mine"
    assert from_env({"SEARCHAPP_INDEX": str(tmp_path / "index")}).instance_path() == \
        tmp_path / "instance"


def test_the_app_keeps_its_key_next_to_the_index(web_index: Path, tmp_path: Path) -> None:
    shutil.copytree(web_index, tmp_path / "srv" / "index")
    app = create_app(Settings(index_dir=tmp_path / "srv" / "index"))
    assert app.extensions["searchapp"].instance_dir == tmp_path / "srv" / "instance"
    assert (tmp_path / "srv" / "instance" / "secret_key").is_file()


def test_a_new_empty_instance_beside_an_existing_index_is_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(index_dir=tmp_path / "index", instance_dir=tmp_path / "instance")
    with caplog.at_level(logging.WARNING, logger="searchapp"):
        check_instance(settings, index_existed=True)
        check_instance(settings, index_existed=True)  # now it holds the key: no warning
        check_instance(Settings(instance_dir=tmp_path / "other"), index_existed=False)
    assert [r.getMessage().split(";")[0] for r in caplog.records] == [
        f"warning: created a new, empty instance folder {tmp_path / 'instance'} although the "
        f"index {tmp_path / 'index'} already existed"]


def test_serve_instance_flag_beats_the_environment_and_warns(web_index: Path, tmp_path: Path,
                                                             start_server) -> None:
    server = start_server(["--index", str(web_index), "--instance", str(tmp_path / "flag"),
                           "--workers", "1"], tmp_path / "from-env")
    log = server.stop()
    assert (tmp_path / "flag" / "secret_key").is_file()
    assert not (tmp_path / "from-env").exists()
    assert f"created a new, empty instance folder {tmp_path / 'flag'}" in log


def raw_request(url: str, host: str) -> bytes:
    """A request with a Host header no HTTP library would send for us."""
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(f"GET /search?q=x HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                     .encode("ascii"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_gunicorn_answers_bad_hosts_with_our_400(web_index: Path, tmp_path: Path,
                                                 start_server) -> None:
    server = start_server(["--index", str(web_index), "--workers", "1"], tmp_path / "instance")
    hosts = ["..", "a" * 64 + ".localhost", "evil.example"]
    for host in hosts:
        head, _, body = raw_request(server.url, host).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400 "), head
        for name, value in security.HEADERS.items():
            assert f"{name}: {value}".encode() in head
        assert security.BAD_HOST in body.decode()
    log = server.stop()
    refused = [line for line in log.splitlines() if "refused a request for Host" in line]
    assert len(refused) == len(hosts)
    assert "Traceback" not in log
