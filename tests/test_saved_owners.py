"""Saved searches belong to the browser that saved them (an owner cookie): /saved lists
one's own, 50 a page, only the owner deletes, anyone with the short link opens it; limits
per owner and in total; older rows without an owner keep working by link; the database
is private (0600) and an older one gains the owner column. The tests through the app run
against SQLite and PostgreSQL (the `backend` fixture); the file checks are SQLite's."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from searchapp.config import Settings
from searchapp.state import saved
from searchapp.state.database import SQLITE_FILE, Database
from searchapp.web import owners, saved_views


def token(client: FlaskClient, url: str = "/search?q=营商环境") -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def save(client: FlaskClient, name: str, q: str = "营商环境") -> str:
    response = client.post("/saved", data={"csrf_token": token(client), "name": name, "q": q})
    assert response.status_code == 303, response.get_data(as_text=True)
    return urlsplit(response.location).query.removeprefix("created=")


def listed(client: FlaskClient, url: str = "/saved") -> list[str]:
    """Names in the /saved table, in order."""
    html = client.get(url).get_data(as_text=True)
    return re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a>', html)


def owner_of(client: FlaskClient) -> str:
    """The owner id the app stores for this client's browser (visiting /saved issues it)."""
    client.get("/saved")
    return owners.owner_id(client.get_cookie(owners.COOKIE).value)


def bulk_insert(database: Database, owner: str | None, count: int, start: int = 0) -> None:
    """Rows written straight into the database: thousands of saves without thousands of POSTs."""
    rows = [(f"bulk{i:06d}", f"检索{i}", f"q={i}", f"2024-01-01T00:{i // 60 % 60:02d}:"
             f"{i % 60:02d}+00:00", i, owner) for i in range(start, start + count)]
    with database.transaction(write=True) as tx:
        tx.executemany(f"INSERT INTO saved ({saved.COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", rows)


@pytest.fixture
def web_settings(web_index: Path, tmp_path: Path, database_url: str | None) -> Settings:
    return Settings(corpus=(), index_dir=web_index, instance_dir=tmp_path / "instance",
                    database_url=database_url)


@pytest.fixture
def instance(app: Flask) -> Database:
    """The app's database (the name is from when it could only be the instance folder's)."""
    return app.extensions["searchapp.database"]


def test_each_browser_lists_only_its_own_searches(app: Flask) -> None:
    alice, bob = app.test_client(), app.test_client()
    save(alice, "甲的检索")
    save(bob, "乙的检索")
    assert listed(alice) == ["甲的检索"]
    assert listed(bob) == ["乙的检索"]
    assert listed(app.test_client()) == []


def test_the_owner_cookie_is_random_long_lived_httponly_and_samesite(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    cookies = [c.get("/saved").headers.getlist("Set-Cookie") for c in (first, second)]
    owned = [next(c for c in cs if c.startswith(f"{owners.COOKIE}=")) for cs in cookies]
    for cookie in owned:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert f"Max-Age={owners.MAX_AGE}" in cookie and owners.MAX_AGE >= 365 * 24 * 3600
    assert owned[0].split(";")[0] != owned[1].split(";")[0]


def test_a_forged_owner_cookie_is_replaced_not_trusted(client: FlaskClient) -> None:
    save(client, "我的检索")
    client.set_cookie(owners.COOKIE, "not-a-token")
    assert listed(client) == []


def test_anyone_with_the_short_link_can_open_it(app: Flask) -> None:
    slug = save(app.test_client(), "分享")
    response = app.test_client().get(f"/s/{slug}")
    assert (response.status_code, response.location) == (302, "/search?q=%E8%90%A5%E5%95%86"
                                                                "%E7%8E%AF%E5%A2%83")


def test_only_the_owner_may_delete(app: Flask, instance: Database) -> None:
    owner, other = app.test_client(), app.test_client()
    slug = save(owner, "我的")
    for response in (other.get(f"/saved/{slug}/delete"),
                     other.post(f"/saved/{slug}/delete", data={"csrf_token": token(other)})):
        html = response.get_data(as_text=True)
        assert response.status_code == 403
        assert "只有保存这条检索的浏览器可以删除它" in html and '<a class="brand"' in html
    assert [s.slug for s in saved.list_all(instance)] == [slug]
    confirm = owner.get(f"/saved/{slug}/delete")
    assert confirm.status_code == 200
    response = owner.post(f"/saved/{slug}/delete", data={"csrf_token": token(owner)})
    assert response.status_code == 303 and saved.list_all(instance) == []


def test_rows_without_an_owner_open_by_link_and_belong_to_nobody(client: FlaskClient,
                                                                instance: Database) -> None:
    old = saved.create(instance, "旧的检索", "q=%E8%90%A5%E5%95%86", 3)
    assert old.owner is None
    assert client.get(f"/s/{old.slug}").status_code == 302
    assert listed(client) == []
    assert client.get(f"/saved/{old.slug}/delete").status_code == 403
    assert client.post(f"/saved/{old.slug}/delete",
                       data={"csrf_token": token(client)}).status_code == 403
    assert saved.get(instance, old.slug) == old


def test_an_older_database_gains_the_owner_column(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / SQLITE_FILE) as conn:
        conn.execute("CREATE TABLE saved (slug TEXT PRIMARY KEY, name TEXT NOT NULL, "
                     "query_string TEXT NOT NULL, created TEXT NOT NULL, total INTEGER NOT NULL)")
        conn.execute("INSERT INTO saved VALUES ('oldslug1', '旧', 'q=x', "
                     "'2023-01-01T00:00:00+00:00', 5)")
    database = Database(instance_dir=tmp_path)
    assert saved.get(database, "oldslug1") == saved.SavedSearch(
        "oldslug1", "旧", "q=x", "2023-01-01T00:00:00+00:00", 5, None)
    mine = saved.create(database, "新", "q=y", 1, owner="o1")
    assert saved.list_owned(database, "o1") == ([mine], 1)
    with sqlite3.connect(tmp_path / SQLITE_FILE) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(saved)")]
    assert columns == ["slug", "name", "query_string", "created", "total", "owner"]


def test_the_database_is_created_private(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    saved.create(Database(instance_dir=instance), "x", "q=x", 0)
    with closing(sqlite3.connect(instance / SQLITE_FILE)) as conn:  # open: -wal and -shm
        conn.execute("DELETE FROM saved")
        files = sorted(p.name for p in instance.iterdir())
        assert files == [SQLITE_FILE, f"{SQLITE_FILE}-shm", f"{SQLITE_FILE}-wal"]
        modes = [oct((instance / name).stat().st_mode & 0o777) for name in files]
    assert modes == ["0o600"] * 3


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_apps_database_is_private(client: FlaskClient, instance: Database) -> None:
    save(client, "x")
    assert oct((instance.sqlite_path()).stat().st_mode & 0o777) == "0o600"


def test_the_per_owner_limit_is_a_clear_409(client: FlaskClient, instance: Database) -> None:
    bulk_insert(instance, owner_of(client), saved.MAX_PER_OWNER)
    response = client.post("/saved", data={"csrf_token": token(client), "name": "再存一个",
                                           "q": "营商环境"})
    assert response.status_code == 409
    assert (f"您已保存 {saved.MAX_PER_OWNER} 条检索，达到上限。"
            "请先删除不再需要的检索，再保存新的。") in response.get_data(as_text=True)
    assert len(saved.list_all(instance)) == saved.MAX_PER_OWNER


def test_the_total_limit_is_a_clear_409(client: FlaskClient, instance: Database) -> None:
    bulk_insert(instance, None, saved.MAX_TOTAL)
    response = client.post("/saved", data={"csrf_token": token(client), "name": "x",
                                           "q": "营商环境"})
    assert response.status_code == 409
    assert f"本站保存的检索已达总数上限（{saved.MAX_TOTAL} 条）" in response.get_data(as_text=True)


@pytest.mark.parametrize(("limits", "owner", "message"), [
    ((2, 10), "me", "您已保存 2 条检索"), ((10, 2), "me", "已达总数上限（2 条）"),
    ((10, 2), None, "已达总数上限（2 条）")], ids=["per-owner", "total", "total-no-owner"])
def test_limits_are_checked_before_saving(database: Database, limits: tuple[int, int],
                                          owner: str | None, message: str) -> None:
    for i in range(2):
        saved.create(database, f"s{i}", "q=x", 0, owner, limits)
    with pytest.raises(saved.LimitReached, match=message):
        saved.create(database, "one too many", "q=x", 0, owner, limits)
    assert len(saved.list_all(database)) == 2


def test_saved_is_paginated_50_a_page(client: FlaskClient, instance: Database) -> None:
    bulk_insert(instance, owner_of(client), 120)
    pages = [listed(client, f"/saved?page={n}") for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [50, 50, 20]
    assert pages[0][0] == "检索119" and pages[2][-1] == "检索0"  # newest first
    html = client.get("/saved?page=2").get_data(as_text=True)
    assert '<a rel="prev" href="/saved?page=1">' in html
    assert '<a rel="next" href="/saved?page=3">' in html
    assert "共 120 条" in html


@pytest.mark.parametrize(("page", "status"), [("4", 404), ("0", 400), ("²", 400),
                                              ("9" * 5000, 400), ("abc", 400)])
def test_a_bad_saved_page_is_a_sentence(client: FlaskClient, instance: Database, page: str,
                                        status: int) -> None:
    bulk_insert(instance, owner_of(client), 120)
    response = client.get("/saved", query_string={"page": page})
    assert response.status_code == status
    assert re.search(r"页码“.{1,21}”无效|没有第 4 页", response.get_data(as_text=True))


def test_hits_now_reruns_only_the_page_shown_and_once_per_generation(
        client: FlaskClient, instance: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    bulk_insert(instance, owner_of(client), 120)
    reruns: list[str] = []
    run_total = saved_views._run_total
    monkeypatch.setattr(saved_views, "_run_total", lambda qs: reruns.append(qs) or run_total(qs))
    client.get("/saved")
    assert len(reruns) == saved_views.PER_PAGE
    client.get("/saved")
    assert len(reruns) == saved_views.PER_PAGE  # the same generation: nothing rerun
    client.get("/saved?page=3")
    assert len(reruns) == saved_views.PER_PAGE + 20


def test_hits_now_are_the_current_totals(client: FlaskClient, web_settings: Settings) -> None:
    save(client, "营商", q="营商环境")
    html = client.get("/saved").get_data(as_text=True)
    total = client.get("/api/search?q=营商环境").get_json()["total"]
    cells = re.findall(r"<td>(\d+)</td>", html)
    assert cells == [str(total), str(total)]
