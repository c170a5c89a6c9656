"""Web robustness (the robustness issue): hosts we do not serve, numbers that are not
ASCII numbers, methods an address does not take, forms posted from other sites, and
glossary terms that look like HTML entities. Each answers with a sentence, never a 500."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from conftest import build_report
from flask.testing import FlaskClient

from searchapp.config import Settings, from_env
from searchapp.index import build
from searchapp.model import Paragraph, Report
from searchapp.search import searching as search
from searchapp.state import open_database, saved
from searchapp.web import create_app, docview, security

# --- numbers: ASCII digits only --------------------------------------------------------------

NOT_NUMBERS = {"superscript-two": "²", "circled-one": "①", "5000-digits": "9" * 5000,
               "arabic-indic": "٣", "fullwidth": "２"}


@pytest.mark.parametrize("path", ["/search", "/api/search", "/feed"])
@pytest.mark.parametrize("page", NOT_NUMBERS.values(), ids=NOT_NUMBERS.keys())
def test_a_page_that_is_not_an_ascii_number_is_a_400_with_a_sentence(
        client: FlaskClient, path: str, page: str) -> None:
    response = client.get(path, query_string={"q": "营商环境", "page": page})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    if path == "/search":
        sentence = re.search(r"页码“[^”]*”无效（应为 1 到 1000 的整数），已显示第 1 页。", body)
    else:
        details = response.get_json()["error"]["details"]
        sentence = re.fullmatch(r"页码“[^”]*”无效（应为 1 到 1000 的整数），已显示第 1 页。",
                                details[0])
    assert sentence and len(sentence.group(0)) < 60  # a 5,000-digit value is quoted cut short


# --- methods: 405 or 404 before the CSRF check -------------------------------------------------

@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH", "TRACE"])
@pytest.mark.parametrize(("path", "status"), [
    ("/", 405), ("/search", 405), ("/help", 405), ("/saved", 405), ("/api/search", 405),
    ("/feed", 405), ("/s/abcdef", 405), ("/nowhere", 404), ("/api/nowhere", 404)])
def test_other_methods_get_405_or_404_not_the_csrf_message(
        client: FlaskClient, method: str, path: str, status: int) -> None:
    response = client.open(path, method=method)
    assert response.status_code == status
    assert "表单已过期" not in response.get_data(as_text=True)
    assert {name: response.headers.get(name) for name in security.HEADERS} == security.HEADERS


def test_post_to_a_get_only_page_is_405_with_the_site_look(client: FlaskClient) -> None:
    response = client.post("/search")
    assert response.status_code == 405
    assert '<a class="brand"' in response.get_data(as_text=True)


# --- forms from other origins -----------------------------------------------------------------

def _form(client: FlaskClient) -> dict[str, str]:
    html = client.get("/search?q=营商环境").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return {"csrf_token": token, "name": "营商环境", "q": "营商环境"}


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost.evil.example",
                                    "null", "http://[::1", "http://localhost:8080"])
def test_a_post_from_another_origin_is_refused_even_with_a_valid_token(
        client: FlaskClient, web_settings: Settings, origin: str) -> None:
    response = client.post("/saved", data=_form(client), headers={"Origin": origin})
    assert response.status_code == 403
    assert "不接受来自其他网站的表单提交" in response.get_data(as_text=True)
    assert saved.list_all(open_database(web_settings)) == []


def test_a_post_from_our_own_origin_or_without_origin_is_accepted(client: FlaskClient) -> None:
    form = _form(client)
    assert client.post("/saved", data=form, headers={"Origin": "http://localhost"}) \
        .status_code == 303
    assert client.post("/saved", data=form).status_code == 303


# --- hosts: an allow-list -----------------------------------------------------------------------

MALFORMED_HOSTS = {"dots": "..", "empty-label": "a..localhost", "empty": "",
                   "long-label": "a" * 64 + ".localhost", "bad-port": "localhost:99999"}
BAD_HOSTS = [pytest.param(host, allowed, id=f"{name}-{label}")
             for name, host in {"not-allowed": "evil.example", **MALFORMED_HOSTS}.items()
             for label, allowed in (("default", None), ("any", ("*",)))
             if host != "evil.example" or allowed is None]  # '*' allows any valid name


@pytest.mark.parametrize(("host", "allowed"), BAD_HOSTS)
def test_a_bad_host_is_a_400_with_our_headers_and_one_log_line(
        web_settings: Settings, host: str, allowed: tuple[str, ...] | None,
        caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(index_dir=web_settings.index_dir,
                              instance_dir=web_settings.instance_dir, allowed_hosts=allowed))
    with caplog.at_level(logging.INFO):
        for path in ("/search?q=营商环境", "/feed?q=营商环境"):
            caplog.clear()
            response = app.test_client().get(path, headers={"Host": host})
            assert response.status_code == 400
            assert {n: response.headers.get(n) for n in security.HEADERS} == security.HEADERS
            assert security.BAD_HOST in response.get_data(as_text=True)
            assert len(caplog.records) == 1
            assert caplog.records[0].getMessage().startswith(f"refused a request for Host {host!r}")
            assert caplog.records[0].exc_info is None


def test_allowed_hosts_default_to_loopback_and_the_bound_host() -> None:
    assert Settings().trusted_hosts() == ["localhost", "127.0.0.1", "[::1]"]
    assert Settings(host="10.1.2.3").trusted_hosts() == [
        "localhost", "127.0.0.1", "[::1]", "10.1.2.3"]
    assert Settings(allowed_hosts=("*",)).trusted_hosts() is None


def test_allowed_hosts_come_from_the_environment() -> None:
    settings = from_env({"SEARCHAPP_ALLOWED_HOSTS": " search.example.org, .gov.example ,"})
    assert settings.trusted_hosts() == ["search.example.org", ".gov.example"]
    assert from_env({"SEARCHAPP_ALLOWED_HOSTS": "*"}).trusted_hosts() is None


def test_the_allow_list_is_flask_trusted_hosts(web_settings: Settings) -> None:
    app = create_app(Settings(index_dir=web_settings.index_dir,
                              instance_dir=web_settings.instance_dir,
                              allowed_hosts=("search.example.org",)))
    assert app.config["TRUSTED_HOSTS"] == ["search.example.org"]


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1:8000"])
def test_loopback_hosts_are_served_by_default(client: FlaskClient, host: str) -> None:
    assert client.get("/search?q=营商环境", headers={"Host": host}).status_code == 200


def test_permalinks_and_feed_links_only_name_an_allowed_host(web_settings: Settings) -> None:
    app = create_app(Settings(index_dir=web_settings.index_dir,
                              instance_dir=web_settings.instance_dir,
                              allowed_hosts=("search.example.org",)))
    client = app.test_client()
    page = client.get("/search?q=营商环境", base_url="https://search.example.org")
    assert 'class="permalink" href="https://search.example.org/search?q=' in \
        page.get_data(as_text=True)
    feed = client.get("/feed?q=营商环境", base_url="https://search.example.org")
    links = set(re.findall(r'href="(https?://[^/"]+)/', feed.get_data(as_text=True)))
    assert links == {"https://search.example.org"}
    for host in ("evil.example", "search.example.org.evil.example", "localhost"):
        refused = client.get("/feed?q=营商环境", headers={"Host": host})
        assert refused.status_code == 400 and host not in refused.get_data(as_text=True)


# --- glossary terms that look like entities ---------------------------------------------------

def test_glossary_terms_never_split_an_escaped_entity() -> None:
    text = 'a<b 与 "lt" & quot; amp'
    report = Report(id="r", source_path="r.txt", paragraphs=[Paragraph(1, text)],
                    glossary={"lt": "小于", "quot": "引号", "amp": "和"})
    html = docview.build(report, "", search.mark).paragraphs[0].html
    assert str(html) == ('a&lt;b 与 &#34;<abbr title="小于">lt</abbr>&#34; &amp; '
                         '<abbr title="引号">quot</abbr>; <abbr title="和">amp</abbr>')


def test_glossary_markup_keeps_query_marks_and_escapes_terms() -> None:
    report = Report(id="r", source_path="r.txt",
                    paragraphs=[Paragraph(1, "推进<lt>试验田建设，lt 与试验田")],
                    glossary={"<lt>": "尖括号", "lt": "小于"})
    html = str(docview.build(report, "试验田", search.mark).paragraphs[0].html)
    assert html == ('推进<abbr title="尖括号">&lt;lt&gt;</abbr><mark>试验田</mark>建设，'
                    '<abbr title="小于">lt</abbr> 与<mark>试验田</mark>')


def test_report_page_with_entity_like_glossary_terms(web_settings: Settings,
                                                     tmp_path: Path) -> None:
    """The whole page: a report's own glossary defines `lt`; its `<` stays escaped text."""
    report = build_report("entity", "一、说明", "比较 a<b 时 lt 表示小于。", title="实体",
                          glossary={"lt": "小于号"})
    build.index_reports([report], tmp_path / "index")
    app = create_app(Settings(index_dir=tmp_path / "index", instance_dir=tmp_path / "i"))
    html = app.test_client().get("/doc/entity").get_data(as_text=True)
    assert 'a&lt;b 时 <abbr title="小于号">lt</abbr> 表示小于' in html
    assert "&<abbr" not in html
