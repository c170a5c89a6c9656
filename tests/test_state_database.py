"""The app's database on either backend: versioned migrations recorded in schema_version,
the session key created once and shared, the URL setting, and the errors a user can meet."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from searchapp.config import Settings, from_env
from searchapp.errors import DatabaseProblem
from searchapp.state import migrate, open_database, secret
from searchapp.state.database import Database, describe_url
from searchapp.web import create_app

UNREACHABLE = "postgresql://nobody@/nowhere?host=/nonexistent-socket-dir&connect_timeout=2"


def versions(database: Database) -> list[tuple[int, str]]:
    with database.transaction() as tx:
        return [tuple(row) for row in
                tx.execute("SELECT version, name FROM schema_version ORDER BY version")]


def test_migrations_are_applied_once_and_recorded(database: Database) -> None:
    assert database.migrate() == [1, 2, 3]
    assert database.migrate() == []  # once per Database object
    again = Database(database.url, database.instance_dir)
    assert again.migrate() == []  # and once per database
    assert versions(again) == [(1, "saved"), (2, "owner"), (3, "app_secret")]


def test_the_migration_files_are_numbered_without_gaps() -> None:
    assert [(m.version, m.name) for m in migrate.migrations()] == [
        (1, "saved"), (2, "owner"), (3, "app_secret")]
    assert migrate.statements("-- a comment\nCREATE TABLE a (x TEXT);\n\nDROP TABLE b;\n") == (
        "CREATE TABLE a (x TEXT)", "DROP TABLE b")


def test_a_schema_newer_than_this_searchapp_is_refused(database: Database) -> None:
    database.migrate()
    with database.transaction(write=True) as tx:
        tx.execute("INSERT INTO schema_version VALUES (99, 'future', 'x')")
    with pytest.raises(DatabaseProblem, match="schema version 99, newer than this searchapp"):
        Database(database.url, database.instance_dir).migrate()


START = """
import sys
from pathlib import Path
from searchapp.state import secret
from searchapp.state.database import Database

database = Database(sys.argv[1] or None, Path(sys.argv[2]))
print(database.migrate(), secret.session_key(database).hex())
"""


def test_servers_starting_together_migrate_once_and_share_one_key(
        database_url: str | None, tmp_path: Path) -> None:
    command = [sys.executable, "-c", START, database_url or "", str(tmp_path / "instance")]
    starts = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(6)]
    outputs = sorted(start.communicate(timeout=60)[0] for start in starts)
    assert len({line.split()[-1] for line in outputs}) == 1  # one key
    assert [line.rpartition(" ")[0] for line in outputs] == ["[1, 2, 3]"] + ["[]"] * 5
    assert [v for v, _ in versions(Database(database_url, tmp_path / "instance"))] == [1, 2, 3]


def _open_new_files_together(barrier: Any, folders: list[str], failures: Any) -> None:
    for folder in folders:
        barrier.wait()
        try:
            with Database(instance_dir=Path(folder)).transaction(write=True) as tx:
                tx.execute("SELECT 1")
        except Exception as error:  # noqa: BLE001 - counted, and named in the assertion
            failures.put(f"{type(error).__name__}: {error}")


def test_sqlite_processes_opening_a_new_file_at_the_same_instant_all_get_in(
        tmp_path: Path) -> None:
    # Each switches the new file to WAL; SQLite answers one of two such switches "database is
    # locked" at once (a deadlock, no busy timeout): 1 first open in 16 failed before.
    folders = [str(tmp_path / str(n)) for n in range(64)]
    context = multiprocessing.get_context("spawn")
    barrier, failures = context.Barrier(4), context.Queue()
    processes = [context.Process(target=_open_new_files_together,
                                 args=(barrier, folders, failures)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * 4
    found = []
    while not failures.empty():
        found.append(failures.get())
    assert found == []


def test_with_postgresql_the_key_is_a_row_and_no_instance_folder_is_made(
        postgres_url: str, tmp_path: Path) -> None:
    database = Database(postgres_url, tmp_path / "instance")
    key = secret.session_key(database)
    with database.transaction() as tx:
        stored = tx.execute("SELECT value FROM app_secret WHERE name = 'session_key'").fetchone()
    assert bytes.fromhex(stored[0]) == key
    assert not (tmp_path / "instance").exists()


def test_the_url_comes_from_the_environment_and_sqlite_stays_the_default(tmp_path: Path) -> None:
    url = "postgresql://app:secret@db.internal:5433/searchapp"
    assert from_env({"SEARCHAPP_DATABASE_URL": url}).database_url == url
    assert from_env({"SEARCHAPP_DATABASE_URL": " "}).database_url is None
    default = open_database(Settings(index_dir=tmp_path / "index"))
    assert (default.dialect, default.describe()) == (
        "sqlite", str(tmp_path / "instance" / "saved.sqlite3"))
    assert describe_url(url) == "postgresql://app@db.internal:5433/searchapp"  # no password


@pytest.mark.parametrize("url", ["mysql://db/x", "sqlite:///tmp/x", "postgresql://h/x?nonsense=1"],
                         ids=["other-database", "sqlite-url", "unknown-parameter"])
def test_a_url_that_is_not_postgresql_is_one_line(url: str) -> None:
    with pytest.raises(DatabaseProblem, match=r"^SEARCHAPP_DATABASE_URL / --database .*"
                                              r"postgresql://USER:PASSWORD@HOST:PORT/DATABASE$"):
        Database(url)


def test_serve_with_an_unreachable_database_exits_1_naming_it(web_index: Path) -> None:
    result = run_cli("serve", "--index", web_index, "--database", UNREACHABLE)
    assert result.exit_code == 1
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("Error: cannot use the database "
                              "postgresql://nobody@/nowhere?host=/nonexistent-socket-dir: ")
    assert message.endswith("check SEARCHAPP_DATABASE_URL or serve --database")


def test_saved_pages_answer_503_while_the_database_is_down_and_search_works(
        web_index: Path, postgres_url: str, tmp_path: Path) -> None:
    app = create_app(Settings(index_dir=web_index, database_url=postgres_url), {"TESTING": True})
    app.extensions["searchapp.database"].url = UNREACHABLE  # the database goes away
    client = app.test_client()
    response = client.get("/saved")
    assert response.status_code == 503
    assert "保存的检索暂时无法读取或保存（数据库不可用）" in response.get_data(as_text=True)
    assert client.get("/search?q=营商环境").status_code == 200
