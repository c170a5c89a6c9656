"""Web hardening: headers on every response, no inline script, errors that reveal
nothing, oversized input refused, a missing index explained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from searchapp.config import Settings
from searchapp.web import create_app, security

URLS = ["/", "/search?q=营商环境", "/search?q=x&page=abc", "/help", "/saved", "/feed?q=发展",
        "/api/search?q=营商环境", "/api/openapi.json", "/nowhere", "/static/style.css"]


@pytest.mark.parametrize("url", URLS)
def test_security_headers_on_every_response(client: FlaskClient, url: str) -> None:
    headers = client.get(url).headers
    assert {name: headers.get(name) for name in security.HEADERS} == security.HEADERS
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/", "/search?q=营商环境", "/help", "/saved", "/nowhere",
                                 "/search?q=x&page=abc"])
def test_pages_have_no_inline_script_or_event_handlers(client: FlaskClient, url: str) -> None:
    html = client.get(url).get_data(as_text=True)
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/app.js" defer>']
    assert not re.search(r"<[^>]+\son\w+\s*=", html)
    assert "javascript:" not in html


def test_report_page_has_no_inline_script(client: FlaskClient) -> None:
    doc = client.get("/api/search?q=营商环境").get_json()["hits"][0]["doc"]
    html = client.get(f"/doc/{doc}").get_data(as_text=True)
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/app.js" defer>']


def failing_app(settings: Settings) -> Flask:
    app = create_app(settings, {"PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError(f"secret detail in {Path(__file__)}")

    return app


def test_500_page_reveals_nothing_internal(web_settings: Settings) -> None:
    response = failing_app(web_settings).test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "服务器内部错误" in html and '<a class="brand"' in html
    for leak in ("secret detail", "Traceback", "RuntimeError", str(Path(__file__).parent)):
        assert leak not in html


def test_oversized_query_is_refused_with_a_clear_message(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": "长" * 5000})
    assert response.status_code == 413
    assert "检索请求过长" in response.get_data(as_text=True)
    api = client.get("/api/search", query_string={"q": "长" * 5000})
    assert api.status_code == 413 and "检索请求过长" in api.get_json()["error"]["message"]


def test_wrong_method_gets_the_site_look(client: FlaskClient) -> None:
    response = client.post("/search")
    assert response.status_code in (400, 405)  # CSRF check may answer first: both are clean
    assert '<a class="brand"' in response.get_data(as_text=True)


def test_missing_index_gives_a_friendly_page_that_says_how_to_fix(tmp_path: Path) -> None:
    app = create_app(Settings(index_dir=tmp_path / "none", instance_dir=tmp_path / "i"))
    response = app.test_client().get("/search?q=营商环境")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "searchapp reindex" in html and str(tmp_path) not in html


def test_session_cookie_is_httponly_and_samesite(client: FlaskClient) -> None:
    cookie = client.get("/search?q=营商环境").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secret_key_is_shared_by_apps_on_the_same_instance(tmp_path: Path) -> None:
    first = security.load_secret_key(tmp_path)
    assert len(first) == 32 and security.load_secret_key(tmp_path) == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


# --- issue 6: path-like parameters and cross-session forms ----------------------------------

TRAVERSALS = ["/doc/..%2F..%2F..%2Fetc%2Fpasswd", "/api/doc/..%2F..%2Fetc%2Fpasswd",
              "/doc/%2e%2e", "/doc/CURRENT", "/api/doc/gen-000001", "/doc/reports",
              "/static/..%2F..%2F..%2Fpyproject.toml", "/static/../../pyproject.toml",
              "/static/%2e%2e/web/security.py", "/s/..%2F..%2Fsecret_key",
              "/saved/..%2Fsecret_key/delete", "/doc/" + "a" * 5000]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_path_like_parameters_never_reach_the_file_system(client: FlaskClient, url: str,
                                                          web_settings: Settings) -> None:
    response = client.get(url)
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert {name: response.headers.get(name) for name in security.HEADERS} == security.HEADERS
    index_path = str(web_settings.index_dir)
    for leak in ("root:x:0:0", "[build-system]", "def load_secret_key", index_path):
        assert leak not in body


def test_a_csrf_token_from_another_session_is_refused(app: Flask) -> None:
    from searchapp.state import saved

    mine, theirs = app.test_client(), app.test_client()
    html = theirs.get("/search?q=营商环境").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    mine.get("/search?q=营商环境")  # a session of my own, with a different token
    response = mine.post("/saved", data={"csrf_token": token, "name": "x", "q": "营商环境"})
    assert response.status_code == 400
    assert "表单已过期或来源无效" in response.get_data(as_text=True)
    assert saved.list_all(app.extensions["searchapp.database"]) == []


@pytest.mark.parametrize(("base_url", "secure"), [("https://localhost", True),
                                                  ("http://127.0.0.1:5000", False)],
                         ids=["https", "http"])
def test_session_cookie_is_secure_exactly_when_the_request_is_https(
        client: FlaskClient, base_url: str, secure: bool) -> None:
    cookie = client.get("/search?q=营商环境", base_url=base_url).headers["Set-Cookie"]
    assert ("; Secure" in cookie) is secure
