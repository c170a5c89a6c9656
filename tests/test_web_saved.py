"""Saved searches over HTTP: save with a name (CSRF-protected POST), list with hits then
and now, short link to the canonical URL, delete after a confirmation page; on SQLite and
on PostgreSQL (the `backend` fixture)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from searchapp.config import Settings

CANONICAL = "/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83&region=%E5%AD%9F%E5%B7%9E%E5%B8%82"


@pytest.fixture
def web_settings(web_index: Path, tmp_path: Path, database_url: str | None) -> Settings:
    return Settings(corpus=(), index_dir=web_index, instance_dir=tmp_path / "instance",
                    database_url=database_url)


def token(client: FlaskClient, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def save(client: FlaskClient, name: str = "孟州 营商环境") -> str:
    """Save the canonical search through the form on its results page; return the slug."""
    form = {"csrf_token": token(client, CANONICAL), "name": name, "q": "营商环境",
            "region": "孟州市"}
    response = client.post("/saved", data=form)
    assert response.status_code == 303
    return urlsplit(response.location).query.removeprefix("created=")


def test_results_page_form_carries_the_canonical_parameters(client: FlaskClient) -> None:
    html = client.get(CANONICAL + "&page=2").get_data(as_text=True)
    form = html[html.index('<details class="save">'):html.index("</details>")]
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form)
    assert [name for name, _ in hidden] == ["csrf_token", "q", "region"]  # page 1 is saved


def test_save_list_shows_name_time_and_hits_then_and_now(client: FlaskClient) -> None:
    slug = save(client)
    html = client.get(f"/saved?created={slug}").get_data(as_text=True)
    row = re.search(rf'<tr id="s-{slug}" class="just-saved">(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>",
                                                                    row, re.S)]
    total = client.get("/api/search?q=营商环境&region=孟州市").get_json()["total"]
    assert cells[0] == "孟州 营商环境 已保存"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", cells[1])
    assert cells[2:4] == [str(total), str(total)]
    assert cells[4] == f"http://localhost/s/{slug}"


def test_short_link_redirects_to_the_canonical_url(client: FlaskClient) -> None:
    slug = save(client)
    response = client.get(f"/s/{slug}")
    assert (response.status_code, response.location) == (302, CANONICAL)


def test_saving_without_the_csrf_token_is_refused(client: FlaskClient) -> None:
    client.get(CANONICAL)
    for form in ({"name": "x", "q": "营商环境"}, {"csrf_token": "forged", "q": "营商环境"}):
        response = client.post("/saved", data=form)
        assert response.status_code == 400
        assert "表单已过期或来源无效" in response.get_data(as_text=True)
    assert "还没有保存的检索" in client.get("/saved").get_data(as_text=True)


def test_saving_bad_parameters_is_a_400(client: FlaskClient) -> None:
    form = {"csrf_token": token(client, CANONICAL), "name": "x", "q": "a", "page": "zero"}
    assert client.post("/saved", data=form).status_code == 400


def test_delete_asks_for_confirmation_then_needs_the_token(client: FlaskClient) -> None:
    slug = save(client)
    confirm = client.get(f"/saved/{slug}/delete").get_data(as_text=True)
    assert "删除已保存的检索？" in confirm and "孟州 营商环境" in confirm
    assert client.post(f"/saved/{slug}/delete").status_code == 400
    assert client.get(f"/s/{slug}").status_code == 302
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', confirm).group(1)
    response = client.post(f"/saved/{slug}/delete", data={"csrf_token": csrf})
    assert (response.status_code, response.location) == (303, "/saved")
    assert client.get(f"/s/{slug}").status_code == 404


def test_unknown_or_malformed_slugs_are_404(client: FlaskClient) -> None:
    for url in ("/s/nosuchslug", "/s/..%2F..", "/saved/nosuchslug/delete"):
        assert client.get(url).status_code == 404


def test_saved_name_is_escaped(client: FlaskClient) -> None:
    save(client, name="<script>alert(1)</script>")
    html = client.get("/saved").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
