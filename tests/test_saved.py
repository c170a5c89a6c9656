"""Saved searches: a named canonical URL that survives restarts and concurrent workers, the
same on SQLite (the default) and on PostgreSQL (several app servers): every test taking
`database` runs against both."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from searchapp.state import saved
from searchapp.state.database import SQLITE_FILE, Database


def test_create_then_get_returns_the_same_record(database: Database) -> None:
    created = saved.create(database, "氢能 焦作", "q=%E6%B0%A2%E8%83%BD&region=%E7%84%A6", 7)
    assert saved.get(database, created.slug) == created
    assert (created.name, created.query_string, created.total) == (
        "氢能 焦作", "q=%E6%B0%A2%E8%83%BD&region=%E7%84%A6", 7)
    assert saved.SLUG_RE.match(created.slug)
    assert created.created.endswith("+00:00")


@pytest.mark.parametrize(("name", "stored"), [
    ("  营商\n 环境  ", "营商 环境"),
    ("", "未命名检索"),
    ("长" * 500, "长" * saved.MAX_NAME),
], ids=["whitespace-collapsed", "empty-gets-default", "long-truncated"])
def test_names_are_normalised(database: Database, name: str, stored: str) -> None:
    assert saved.create(database, name, "q=x", 0).name == stored


def test_list_is_newest_first_and_delete_removes(database: Database) -> None:
    first = saved.create(database, "一", "q=1", 1)
    second = saved.create(database, "二", "q=2", 2)
    listed = saved.list_all(database)
    assert {s.slug for s in listed} == {first.slug, second.slug}
    assert [s.created for s in listed] == sorted((s.created for s in listed), reverse=True)
    assert saved.delete(database, first.slug) is True
    assert saved.delete(database, first.slug) is False
    assert saved.list_all(database) == [second]


@pytest.mark.parametrize("slug", ["../etc", "a", "x" * 40, "a b c d", "';--"],
                         ids=["traversal", "too-short", "too-long", "space", "sql"])
def test_malformed_slugs_are_rejected_without_touching_the_db(tmp_path: Path, slug: str) -> None:
    database = Database(instance_dir=tmp_path)
    assert saved.get(database, slug) is None
    assert saved.delete(database, slug) is False
    assert not (tmp_path / SQLITE_FILE).exists()


def test_database_runs_in_wal_mode(tmp_path: Path) -> None:
    saved.create(Database(instance_dir=tmp_path), "x", "q=x", 0)
    with sqlite3.connect(tmp_path / SQLITE_FILE) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def _create_many(args: tuple[str | None, str, int]) -> list[str]:
    url, instance, worker = args
    database = Database(url, Path(instance))
    return [saved.create(database, f"w{worker}-{i}", f"q={i}", i).slug for i in range(25)]


def test_concurrent_writers_in_separate_processes_lose_nothing(
        database_url: str | None, tmp_path: Path) -> None:
    jobs = [(database_url, str(tmp_path / "instance"), w) for w in range(4)]
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        slugs = [s for batch in pool.map(_create_many, jobs) for s in batch]
    assert len(set(slugs)) == 100
    database = Database(database_url, tmp_path / "instance")
    assert {s.slug for s in saved.list_all(database)} == set(slugs)
