"""Defects of the search page found in a real browser, pinned down over HTTP: focus, filter
OR precedence, the way back from a report, its header, typed filters, the no-results page,
synonyms, the feed, deleted short links, accessibility, national hits, `--corpus a:b`."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree as ET

import pytest
from conftest import SEEDS, build_report, run_cli
from flask.testing import FlaskClient

from searchapp.config import Settings
from searchapp.search.querylang import And, Filter, Or, Term, parse

ATOM = {"a": "http://www.w3.org/2005/Atom"}
ENCODED = "https://www.gov.cn/%E6%94%BF%E5%BA%9C%E5%B7%A5%E4%BD%9C%E6%8A%A5%E5%91%8A.htm"


def text(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def hrefs(html: str, css_class: str) -> list[str]:
    return [unescape(h) for h in re.findall(
        rf'<p class="{css_class}"><a href="([^"]+)"', html)]


@pytest.fixture
def national(make_index, tmp_path: Path) -> FlaskClient:
    """A national report without a date whose 来源 and 原文 are one percent-encoded URL."""
    from searchapp.web import create_app

    report = build_report("gov-2019", "一、2018年工作回顾", "就业优先政策全面发力。",
                          title="2019年国务院政府工作报告", region="全国", level="national",
                          year=2019, source=ENCODED, url=ENCODED)
    index_dir = make_index([report])
    settings = Settings(corpus=(), index_dir=index_dir, instance_dir=tmp_path / "instance")
    return create_app(settings, {"TESTING": True}).test_client()


# 1. Back from a report keeps the reader's place: only the empty home page takes focus.
@pytest.mark.parametrize(("url", "focused"), [
    ("/", True), ("/search?q=营商环境", False), ("/search?region=孟州市", False),
    ("/help", False),
], ids=["home", "results", "filter-only", "help"])
def test_only_the_empty_home_page_focuses_the_box(client: FlaskClient, url: str,
                                                  focused: bool) -> None:
    box = re.search(r'<input id="q"[^>]*>', text(client, url)).group(0)
    assert ("autofocus" in box) is focused


# 3. Filters of one field joined by OR restrict the words before them.
def test_filter_or_binds_tighter_than_the_words_around_it() -> None:
    assert parse("营商环境 region:孟州 OR region:沁阳").node == And((
        Term("营商环境"), Or((Filter("region", "孟州"), Filter("region", "沁阳")))))
    assert parse("氢能 OR 储能 产业").node == Or((Term("氢能"), And((Term("储能"), Term("产业")))))
    assert parse("region:孟州 OR 氢能").node == Or((Filter("region", "孟州"), Term("氢能")))


def test_filter_or_hits_all_hold_the_words(client: FlaskClient) -> None:
    def search(q: str) -> dict:
        return client.get("/api/search", query_string={"q": q, "per_page": "100"}).get_json()

    loose = search("营商环境 region:孟州市 OR region:修武县")
    grouped = search("营商环境 (region:孟州市 OR region:修武县)")
    assert loose["hits"] and loose["hits"] == grouped["hits"]
    assert {hit["region"] for hit in loose["hits"]} == {"孟州市"}  # 修武 has no 营商环境


def test_help_explains_precedence(client: FlaskClient) -> None:
    html = text(client, "/help")
    assert "先后次序" in html
    assert "<code>营商环境 (region:孟州 OR region:沁阳)</code>" in html


# 4. The way back from a report keeps filters, sort and page; the title lands on the paragraph.
def test_report_links_carry_the_whole_search_and_come_back_to_it(client: FlaskClient) -> None:
    search = "/search?q=%E5%8F%91%E5%B1%95&region=%E5%AD%9F%E5%B7%9E%E5%B8%82&sort=date&page=2"
    html = text(client, search)
    titles = [unescape(h) for h in re.findall(r'<h3 class="hit-title"><a href="([^"]+)"', html)]
    opens = hrefs(html, "open")
    assert opens and titles == opens
    link = urlsplit(opens[0])
    assert re.fullmatch(r"p-\d+", link.fragment)
    assert parse_qsl(link.query) == [("q", "发展"), ("region", "孟州市"), ("sort", "date"),
                                     ("page", "2")]
    report = text(client, f"{link.path}?{link.query}")
    assert f'<a class="back" href="{search}">返回检索结果</a>' in report.replace("&amp;", "&")
    assert "<mark>发展</mark>" in report


# 5. 来源 and 原文 the same address: shown once, readable.
def test_report_header_shows_one_readable_address(national: FlaskClient) -> None:
    html = text(national, "/doc/gov-2019")
    assert "<dt>来源</dt>" not in html
    assert ('<dt>原文</dt><dd><a href="' + ENCODED + '" rel="noopener noreferrer nofollow">'
            "https://www.gov.cn/政府工作报告.htm</a></dd>") in html


def test_report_meta_labels_never_wrap() -> None:
    css = (Path(__file__).parents[1] / "searchapp/web/static/style.css").read_text("utf-8")
    assert re.search(r"\.report-meta dt \{[^}]*white-space: nowrap", css)


# 6. On phones: the outline and the filters fold into <details>, filters before the hits.
def test_outline_is_a_details_and_filters_come_before_the_hits(client: FlaskClient) -> None:
    doc = client.get("/api/search?q=营商环境").get_json()["hits"][0]["doc"]
    report = text(client, f"/doc/{doc}")
    assert re.search(r'<nav class="outline"[^>]*>\s*(\{#.*?#\}\s*)?<details data-open-wide',
                     report)
    html = text(client, "/search?q=营商环境")
    assert html.index('id="filters"') < html.index('class="hit"')
    assert '<details open data-open-wide="filters">' in html  # app.js folds it on phones


# 7. Filters typed in the query are chips and ✓ in the sidebar.
def test_typed_filters_are_chips_and_checked_facets(client: FlaskClient) -> None:
    html = text(client, "/search?q=发展 year:2019..2023 level:county")
    chips = re.findall(r'class="chip typed"[^>]*>([^<]+)<', html)
    assert [c.strip() for c in chips] == ["年份：2019–2023", "级别：县级"]
    active = re.findall(r'class="active" aria-current="true"[^>]*><span aria-hidden="true">'
                        r"✓ </span>([^<]+)</a>", html)
    assert set(active) == {"2023", "县级"}
    remove = unescape(re.search(r'<a class="chip typed" href="([^"]+)"', html).group(1))
    assert dict(parse_qsl(urlsplit(remove).query))["q"] == "发展 level:county"


# 8. The no-results page: no empty 筛选, quote advice only for quotes, long text is not cut.
def test_no_results_page_has_no_empty_filters_and_fitting_advice(client: FlaskClient) -> None:
    plain = text(client, "/search?q=xyzzyq")
    assert "没有结果" in plain and "筛选</h2>" not in plain and 'id="filters"' not in plain
    assert "去掉引号" not in plain
    assert "去掉引号" in text(client, '/search?q="xyzzyq"')


def test_the_box_does_not_cut_pasted_text_silently(client: FlaskClient) -> None:
    assert "maxlength" not in re.search(r'<input id="q"[^>]*>', text(client, "/")).group(0)
    html = text(client, "/search?q=" + "营商环境" * 60)
    assert "查询过长，只使用了前 200 个字符。" in html


# 9. Each synonym expansion is one quoted item.
def test_expansions_are_quoted_items(client: FlaskClient) -> None:
    line = re.search(r'<p class="expanded">(.*?)</p>', text(client, "/search?q=放管服")).group(1)
    assert '<span class="exp">「简政放权、放管结合、优化服务」</span>' in line
    assert "只搜原词</a>" in line


# 10. The feed: a page for people, dates never invented, a title naming the filters.
def test_subscribe_opens_a_page_for_people_naming_the_feed(client: FlaskClient) -> None:
    results = text(client, "/search?q=发展&region=孟州市")
    subscribe = unescape(re.search(r'<a href="(/subscribe\?[^"]+)">订阅', results).group(1))
    html = text(client, subscribe)
    assert "<h1>订阅检索：发展 · 地区：孟州市</h1>" in html
    feed = "http://localhost/feed?q=%E5%8F%91%E5%B1%95&amp;region=%E5%AD%9F%E5%B7%9E%E5%B8%82"
    assert f'value="{feed}"' in html
    assert client.get(unescape(feed)).mimetype == "application/atom+xml"


def test_feed_dates_undated_reports_by_the_index_build_and_names_filters(
        national: FlaskClient) -> None:
    root = ET.fromstring(national.get("/feed?q=就业&level=national").data)
    assert root.findtext("a:title", namespaces=ATOM) == "政府工作报告检索：就业 · 级别：全国"
    built = root.findtext("a:updated", namespaces=ATOM)
    assert built != "2019-01-01T00:00:00Z"
    stamp = datetime.strptime(built, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 600  # built just now
    assert [e.findtext("a:updated", namespaces=ATOM)
            for e in root.findall("a:entry", ATOM)] == [built]


# 11. A deleted short link says the saved search is gone, not a report.
def test_deleted_short_link_says_the_saved_search_is_gone(client: FlaskClient) -> None:
    page = text(client, "/search?q=营商环境")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    created = client.post("/saved", data={"csrf_token": csrf, "name": "x", "q": "营商环境"})
    slug = urlsplit(created.location).query.removeprefix("created=")
    confirm = text(client, f"/saved/{slug}/delete")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', confirm).group(1)
    assert client.post(f"/saved/{slug}/delete", data={"csrf_token": csrf}).status_code == 303
    html = text(client, f"/s/{slug}", 404)
    main = html[html.index("<main"):html.index("</main>")]
    assert "没有这条保存的检索" in main and "报告" not in main


# 12. Accessibility: an h1, a skip link to the filters, the copy announced, one title a state.
def test_results_page_has_h1_skip_link_and_live_copy_status(client: FlaskClient) -> None:
    html = text(client, "/search?q=营商环境")
    assert '<h1 class="results-h">检索结果：营商环境</h1>' in html
    assert '<a class="skip" href="#filters">跳到筛选</a>' in html
    assert 'role="status" aria-live="polite" data-copy-status' in html


@pytest.mark.parametrize(("url", "title"), [
    ("/search?q=营商环境", "营商环境 - 政府工作报告检索"),
    ("/search?q=营商环境&region=孟州市", "营商环境 · 地区：孟州市 - 政府工作报告检索"),
    ("/search?q=发展&page=2", "发展 · 第 2 页 - 政府工作报告检索"),
    ("/search?q=发展&sort=date", "发展 · 按最新 - 政府工作报告检索"),
    ("/search?region=孟州市&year=2023", "地区：孟州市 · 年份：2023年 - 政府工作报告检索"),
], ids=["query", "filter", "page", "sort", "filters-only"])
def test_each_state_has_its_own_title(client: FlaskClient, url: str, title: str) -> None:
    assert f"<title>{title}</title>" in text(client, url)


# 13. A national hit does not repeat 全国 as its level.
def test_national_hit_names_its_region_once(national: FlaskClient) -> None:
    meta = re.search(r'<p class="meta">(.*?)</p>', text(national, "/search?q=就业")).group(1)
    assert re.sub(r"<[^>]+>", "", meta) == "全国 · 2019年"


def test_county_hit_keeps_its_level(client: FlaskClient) -> None:
    meta = re.search(r'<p class="meta">(.*?)</p>', text(client, "/search?q=营商环境")).group(1)
    assert re.sub(r"<[^>]+>", "", meta).endswith("2023年 · 县级")


# 14. `--corpus a:b` means what SEARCHAPP_CORPUS=a:b means.
def test_corpus_flag_splits_on_the_path_separator_like_the_variable(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    one, two = sorted(SEEDS.iterdir())[:2]
    shutil.copy(one, first)
    shutil.copy(two, second)
    by_flag = run_cli("reindex", "--corpus", f"{first}:{second}", "--index", tmp_path / "i1")
    by_env = run_cli("reindex", "--index", tmp_path / "i2",
                     env={"SEARCHAPP_CORPUS": f"{first}:{second}"})
    assert (by_flag.exit_code, by_env.exit_code) == (0, 0), by_flag.output
    reports = [re.search(r"(\d+) 篇报告|(\d+) reports", r.output) for r in (by_flag, by_env)]
    assert reports[0] and reports[0].group(0) == reports[1].group(0)


def test_typed_region_checks_the_places_it_finds(client: FlaskClient) -> None:
    html = text(client, "/search?q=营商环境 region:孟州")
    assert re.findall(r'class="chip typed"[^>]*>([^<]+)<', html) == ["地区：孟州 "]
    assert re.findall(r'class="active" aria-current="true"[^>]*><span aria-hidden="true">'
                      r"✓ </span>([^<]+)</a>", html) == ["孟州市"]
