"""The HTML pages through Flask's test client: search, facets, chips, sort, pages,
the report view and the feed, over a real index of seeds/ plus one hostile report."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from flask.testing import FlaskClient

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def links(html: str, css_class: str) -> list[str]:
    tags = re.findall(rf'<a\b[^>]*\bclass="{css_class}"[^>]*>', html)
    return [unescape(re.search(r'href="([^"]+)"', tag).group(1)) for tag in tags]


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def cards(html: str) -> list[dict[str, str]]:
    """Region, year, breadcrumb and 查看原文 link of each hit card, in page order."""
    out = []
    for card in re.findall(r'<article class="hit">(.*?)</article>', html, re.S):
        out.append({
            "region": re.search(r'<span class="region">(.*?)</span>', card).group(1),
            "year": re.search(r'<span class="year">(.*?)</span>', card).group(1),
            "crumb": unescape(re.search(r'<p class="crumb"[^>]*>(.*?)</p>', card).group(1)),
            "text": re.search(r'<p class="text">(.*?)</p>', card, re.S).group(1),
            "open": unescape(re.search(r'<p class="open"><a href="([^"]+)"', card).group(1)),
        })
    return out


def test_home_has_a_labelled_focused_search_box_and_help_link(client: FlaskClient) -> None:
    html = page(client, "/")
    assert '<label for="q" class="search-label">检索词</label>' in html
    assert re.search(r'<input id="q" name="q" type="search"[^>]* autofocus', html)
    assert 'href="/help"' in html
    assert "检索语法" in page(client, "/help")


def test_hits_show_highlight_region_year_section_and_link_to_the_paragraph(
        client: FlaskClient) -> None:
    html = page(client, "/search?q=营商环境")
    found = cards(html)
    assert len(found) == 10
    for card in found:
        assert card["region"] in {"孟州市", "沁阳市"} and card["year"] == "2023年"
        assert "<mark>" in card["text"] and card["crumb"]
        assert re.fullmatch(r"/doc/[\w-]+\?q=营商环境#p-\d+", card["open"].replace(
            "%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83", "营商环境"))
    assert re.search(r"找到 <strong>\d+</strong> 个段落", html)
    assert re.search(r"用时 \d+ 毫秒", html)


def test_hostile_report_is_found_and_escaped(client: FlaskClient) -> None:
    html = page(client, "/search?q=试验田")
    assert [(c["region"], c["year"]) for c in cards(html)][:1] == [("修武县", "2024年")]
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html


def test_region_facet_groups_under_parent_regions(client: FlaskClient) -> None:
    html = page(client, "/search?q=营商环境")
    region = html[html.index("<h3>地区</h3>"):html.index("<h3>年份</h3>")]
    rows = re.findall(r'<li class="depth-(\d)">\s*(?:<a href="([^"]*)"[^>]*>|<span class="group">)'
                      r'(?:<span aria-hidden="true">✓ </span>)?([^<]+)<', region)
    assert [(depth, name) for depth, _, name in rows][:2] == [("0", "河南省"), ("1", "焦作市")]
    leaves = {name: unescape(url) for depth, url, name in rows if depth == "2"}
    assert set(leaves) == {"孟州市", "沁阳市"}
    assert params(leaves["孟州市"]) == {"q": ["营商环境"], "region": ["孟州市"]}


def test_facet_link_filters_and_chip_removes(client: FlaskClient) -> None:
    html = page(client, "/search?q=营商环境&region=孟州市")
    assert {c["region"] for c in cards(html)} == {"孟州市"}
    chip = links(html, "chip")
    assert [params(u) for u in chip] == [{"q": ["营商环境"]}]
    active = re.search(r'<a href="([^"]+)" class="active"[^>]*>.*?孟州市', html)
    assert params(unescape(active.group(1))) == {"q": ["营商环境"]}  # clicking again removes


@pytest.mark.parametrize(("name", "value"), [("year", "2023"), ("level", "county")],
                         ids=["year", "level"])
def test_year_and_level_facets_link_with_counts(client: FlaskClient, name: str,
                                                value: str) -> None:
    html = page(client, "/search?q=营商环境")
    url = next(unescape(u) for u in re.findall(r'<a href="([^"]+)">[^<]*</a> <span class="n">',
                                               html) if f"{name}={value}" in u)
    assert params(url) == {"q": ["营商环境"], name: [value]}
    assert cards(page(client, url))


def test_section_facet_filters_to_a_top_level_section(client: FlaskClient) -> None:
    html = page(client, "/search?q=营商环境")
    section = html[html.index("<h3>章节</h3>"):]
    url = unescape(re.search(r'<a href="([^"]+)"', section).group(1))
    chosen = params(url)["section"][0]
    found = cards(page(client, url))
    assert found and all(chosen in c["crumb"] for c in found)


def test_sort_by_newest_puts_the_2024_report_first(client: FlaskClient) -> None:
    html = page(client, "/search?q=发展&sort=date")
    assert cards(html)[0]["year"] == "2024年"
    assert '<strong aria-current="true">最新</strong>' in html


def test_pagination_links_keep_the_query(client: FlaskClient) -> None:
    html = page(client, "/search?q=发展&page=2")
    assert '<ol class="hit-list" start="11">' in html
    prev = re.search(r'<a rel="prev" href="([^"]+)"', html).group(1)
    assert params(unescape(prev)) == {"q": ["发展"]}
    nxt = re.search(r'<a rel="next" href="([^"]+)"', html).group(1)
    assert params(unescape(nxt)) == {"q": ["发展"], "page": ["3"]}


def test_page_past_the_end_links_to_the_last_page(client: FlaskClient) -> None:
    pages = client.get("/api/search?q=发展").get_json()["pages"]
    html = page(client, "/search?q=发展&page=999")
    last = re.search(r'<a href="([^"]+)">转到最后一页</a>', html).group(1)
    assert pages > 1 and params(unescape(last)) == {"q": ["发展"], "page": [str(pages)]}


def test_no_results_names_active_filters_and_offers_to_drop_them(client: FlaskClient) -> None:
    html = page(client, "/search?q=试验田&region=孟州市")
    assert "没有结果" in html and "地区「孟州市」" in html
    drop = re.search(r'<a href="([^"]+)">去掉全部筛选条件再检索</a>', html).group(1)
    assert params(unescape(drop)) == {"q": ["试验田"]}
    assert cards(page(client, unescape(drop)))


def test_malformed_query_shows_results_and_the_notice(client: FlaskClient) -> None:
    html = page(client, '/search?q="营商环境')
    assert '<p class="notice" role="note">' in html
    assert cards(html)


@pytest.mark.parametrize(("query_string", "ignored"), [
    ("q=营商环境&page=abc", "页码“abc”无效"),
    ("q=营商环境&sort=random", "排序方式“random”无效"),
    ("q=营商环境&year=twenty", "twenty"),
], ids=["page", "sort", "year"])
def test_bad_parameters_are_a_400_that_still_shows_results(client: FlaskClient,
                                                           query_string: str,
                                                           ignored: str) -> None:
    html = page(client, f"/search?{query_string}", 400)
    errors = re.search(r'<div class="notice param-errors" role="alert">(.*?)</div>', html, re.S)
    assert ignored in errors.group(1)
    assert cards(html)


def test_empty_search_shows_the_home_page(client: FlaskClient) -> None:
    assert "一搜即达" in page(client, "/search?q=")


def test_permalink_is_canonical(client: FlaskClient) -> None:
    html = page(client, "/search?page=1&sort=date&region=孟州市&q=营商环境")
    permalink = unescape(re.search(r'class="permalink" href="([^"]+)"', html).group(1))
    assert urlsplit(permalink).query == (
        "q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83&region=%E5%AD%9F%E5%B7%9E%E5%B8%82&sort=date")


def test_report_view_has_outline_anchors_marks_and_glossary(client: FlaskClient) -> None:
    hit = client.get("/api/search?q=两个健康").get_json()["hits"][0]
    html = page(client, f"/doc/{hit['doc']}?q=两个健康")
    report = client.get(f"/api/doc/{hit['doc']}").get_json()
    ids = [int(n) for n in re.findall(r' id="p-(\d+)" class="para', html)]
    assert ids == [p["n"] for p in report["paragraphs"]]
    outline = re.findall(r'<li class="level-\d"><a href="#p-(\d+)">', html)
    assert [int(n) for n in outline] == [p["n"] for p in report["paragraphs"]
                                         if p["heading_level"]]
    explanation = report["glossary"]["两个健康"]
    assert f'<mark><abbr title="{explanation}">两个健康</abbr></mark>' in html
    assert f"<dfn>两个健康</dfn>：{explanation}" in html


def test_report_view_escapes_hostile_text(client: FlaskClient) -> None:
    doc = client.get("/api/search?q=试验田").get_json()["hits"][0]["doc"]
    html = page(client, f"/doc/{doc}?q=试验田")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;<mark>试验田</mark>" in html
    assert "javascript:alert" not in re.findall(r'href="([^"]+)"', html)
    hostile_query = page(client, f"/doc/{doc}?q=<script>")
    assert "<mark>&lt;script&gt;</mark>" in hostile_query
    assert 'value="&lt;script&gt;"' in hostile_query


@pytest.mark.parametrize("report_id", ["no-such-report", "..%2F..%2Fetc%2Fpasswd", "a.b"],
                         ids=["unknown", "traversal", "dot"])
def test_unknown_report_is_a_404_page(client: FlaskClient, report_id: str) -> None:
    assert "找不到页面" in page(client, f"/doc/{report_id}", 404)


def test_feed_lists_newest_reports_first_with_paragraph_links(client: FlaskClient) -> None:
    response = client.get("/feed?q=发展")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    updated = [e.findtext("a:updated", namespaces=ATOM) for e in root.findall("a:entry", ATOM)]
    assert updated and updated == sorted(updated, reverse=True)
    assert updated[0].startswith("2024-01-20")
    link = root.find("a:entry/a:link", ATOM).get("href")
    assert re.fullmatch(r"http://localhost/doc/[\w-]+\?q=%E5%8F%91%E5%B1%95#p-\d+", link)


def test_feed_escapes_hostile_text(client: FlaskClient) -> None:
    raw = client.get("/feed?q=试验田").get_data(as_text=True)
    assert "<script>" not in raw and "<img" not in raw
    contents = [e.text for e in ET.fromstring(raw).iterfind("a:entry/a:content", ATOM)]
    hits = client.get("/api/search?q=试验田&sort=date").get_json()["hits"]
    assert contents == [h["fragment"] for h in hits]  # the escaped HTML, carried as text
    assert "&lt;script&gt;" in contents[0]


def test_feed_rejects_bad_parameters(client: FlaskClient) -> None:
    assert client.get("/feed?q=x&page=abc").status_code == 400


@pytest.mark.slow
def test_long_facets_fold_the_tail_and_national_reports_render(national_index, tmp_path) -> None:
    from searchapp.config import Settings
    from searchapp.web import create_app

    settings = Settings(index_dir=national_index, instance_dir=tmp_path / "instance")
    client = create_app(settings, {"TESTING": True}).test_client()
    html = page(client, "/search?q=发展")
    facet_year = html[html.index("<h3>年份</h3>"):html.index("<h3>级别</h3>")]
    shown = re.findall(r"<li class=\"depth-0\">", facet_year.split("<details")[0])
    hidden = int(re.search(r"<summary>其余 (\d+) 项</summary>", facet_year).group(1))
    years = client.get("/api/search?q=发展").get_json()["facets"]["year"]
    assert (len(shown), len(shown) + hidden) == (12, len(years))
    doc = client.get("/api/search?q=发展&region=全国").get_json()["hits"][0]["doc"]
    assert 'class="para' in page(client, f"/doc/{doc}?q=发展")


def test_a_long_list_of_strings_searched_too_names_the_first_and_counts_them(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from searchapp.web import present
    expanded = client.get("/api/search?q=放管服").get_json()["expanded"]
    monkeypatch.setattr(present, "EXPANDED_SHOWN", 1)
    line = re.search(r'<p class="expanded">(.*?)</p>', page(client, "/search?q=放管服")).group(1)
    assert len(expanded) > 1
    assert re.findall(r'<span class="exp">(.*?)</span>', line) == [
        f"「{expanded[0]}」", f"等 {len(expanded)} 个"]


def test_synonyms_searched_too_are_named(client: FlaskClient) -> None:
    expanded = client.get("/api/search?q=放管服").get_json()["expanded"]
    html = page(client, "/search?q=放管服")
    assert expanded
    label = "同时检索了相关说法（排在含原词的段落之后）："
    items = "".join(f'<span class="exp">「{e}」</span>' for e in expanded)  # each quoted
    assert f'<p class="expanded">{label}{items} · ' \
        '<a href="/search?q=%3D%E6%94%BE%E7%AE%A1%E6%9C%8D">只搜原词</a></p>' in html
