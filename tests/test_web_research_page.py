"""The search page a researcher lives in (issue 15's features), through Flask's test client
over a small real index: hits grouped by report, several regions and levels at once, the
year range, the section-kind and document-type facets, sorting oldest first, the advanced
form, 上一处 / 下一处 inside a report, and completions for the box."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import jsonschema
import pytest
from conftest import opened, run_cli
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from searchapp.config import Settings
from searchapp.index import build as index
from searchapp.model import Paragraph, Query, Report
from searchapp.search import searching as search
from searchapp.web import create_app

REVIEW, PLAN = "一、2022年工作回顾", "二、2023年工作安排"


def report(report_id: str, region: str, level: str, year: int, parts: dict[str, list[str]],
           **meta: object) -> Report:
    """A report with numbered parts: each heading, then its paragraphs under it."""
    paragraphs: list[Paragraph] = []
    for heading, texts in parts.items():
        paragraphs.append(Paragraph(len(paragraphs) + 1, heading, (), 1))
        paragraphs += [Paragraph(len(paragraphs) + 1 + i, t, (heading,)) for i, t in
                       enumerate(texts)]
    parents = ("河南省", "焦作市") if level == "county" else ()
    return Report(id=report_id, source_path=f"{report_id}.txt",
                  title=meta.pop("title", f"{region}{year}年政府工作报告"), region=region,
                  level=level, year=year, date=f"{year}-03-01", parents=parents,
                  paragraphs=paragraphs, **meta)  # type: ignore[arg-type]


REPORTS = [
    report("mz-2023", "孟州市", "county", 2023, {
        REVIEW: ["营商环境持续优化，新登记市场主体增长。", "推进<b>营商环境</b>评价改革。"],
        PLAN: ["持续优化营商环境，开展“万人助万企”活动。", "建设高标准农田。",
               "营商环境再上台阶。", "全面实施乡村振兴战略。", "打造一流营商环境。"]}),
    report("qy-2022", "沁阳市", "county", 2022, {
        REVIEW: ["营商环境明显改善。"], PLAN: ["深化放管服改革，优化营商环境。"]}),
    report("cn-2020", "全国", "national", 2020, {
        "一、2019年工作回顾": ["营商环境持续改善。"],
        "二、2020年政府工作任务": ["优化营商环境，激发市场主体活力。"]}),
    report("cn-2020-resolution", "全国", "national", 2020, {"决议": [
        "会议同意报告提出的优化营商环境的各项任务。"]},
        title="第十三届全国人民代表大会第三次会议关于政府工作报告的决议", doctype="resolution"),
]


@pytest.fixture(scope="module")
def research_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("research") / "index"
    index.index_reports(REPORTS, directory)
    return directory


@pytest.fixture
def client(research_index: Path, tmp_path: Path) -> Iterator[FlaskClient]:
    app: Flask = create_app(Settings(corpus=(), index_dir=research_index,
                                     instance_dir=tmp_path / "instance"), {"TESTING": True})
    yield app.test_client()


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(unescape(url)).query)


def group_cards(html: str) -> list[tuple[str, str, str | None]]:
    """(region, year, 本报告另有 K 处) of each report card, in page order."""
    out = []
    for card in re.findall(r'<article class="hit group">(.*?)</article>', html, re.S):
        more = re.search(r"<summary>(本报告另有 \d+ 处)</summary>", card)
        out.append((re.search(r'<span class="region">(.*?)</span>', card).group(1),
                    re.search(r'<span class="year">(.*?)</span>', card).group(1),
                    more.group(1) if more else None))
    return out


# --- grouping by report -----------------------------------------------------------------------

def test_grouped_page_counts_paragraphs_and_reports_and_shows_each_report_once(
        client: FlaskClient) -> None:
    html = page(client, "/search?q=营商环境&group=report")
    assert "共 <strong>10</strong> 段，来自 <strong>4</strong> 份报告" in html
    assert sorted(group_cards(html), key=lambda c: (c[0], c[2] or "")) == [
        ("全国", "2020年", None), ("全国", "2020年", "本报告另有 1 处"),
        ("孟州市", "2023年", "本报告另有 4 处"), ("沁阳市", "2022年", "本报告另有 1 处")]


def test_a_reports_other_paragraphs_fold_under_its_best_and_link_to_all(
        client: FlaskClient) -> None:
    html = page(client, "/search?q=营商环境&group=report&region=孟州市")
    card = re.search(r'<article class="hit group">(.*?)</article>', html, re.S).group(1)
    others = re.search(r'<details class="others">(.*?)</details>', card, re.S).group(1)
    assert others.count("<li>") == 3  # the next three; the rest in the report itself
    assert "在报告中逐处查看全部 5 处" in others
    assert "推进&lt;b&gt;<mark>营商环境</mark>&lt;/b&gt;评价改革。" in html  # escaped


def test_the_switch_goes_between_reports_and_paragraphs_and_keeps_the_search(
        client: FlaskClient) -> None:
    html = page(client, "/search?q=营商环境&region=沁阳市&group=report")
    switch = re.search(r'<nav class="group-switch".*?</nav>', html, re.S).group(0)
    assert '<strong aria-current="true">按报告分组</strong>' in switch
    url = re.search(r'<a href="([^"]+)">逐段列出</a>', switch).group(1)
    assert query_of(url) == [("q", "营商环境"), ("region", "沁阳市")]
    listed = page(client, unescape(url))
    assert "找到 <strong>2</strong> 个段落" in listed and 'class="hit group"' not in listed


def test_a_new_search_from_the_box_starts_grouped(client: FlaskClient) -> None:
    assert '<input type="hidden" name="group" value="report">' in page(client, "/")
    paragraphs = page(client, "/search?q=营商环境")
    assert '<input type="hidden" name="group" value="paragraph">' in paragraphs


def test_the_api_keeps_its_shape_and_adds_the_groups(client: FlaskClient) -> None:
    plain = client.get("/api/search?q=营商环境").get_json()
    assert "groups" not in plain and "reports" not in plain and len(plain["hits"]) == 10
    grouped = client.get("/api/search?q=营商环境&group=report").get_json()
    assert (grouped["total"], grouped["reports"], grouped["pages"]) == (10, 4, 1)
    assert [h["doc"] for h in grouped["hits"]] == [g["doc"] for g in grouped["groups"]]
    assert sorted((g["doc"], g["count"], len(g["hits"])) for g in grouped["groups"]) == [
        ("cn-2020", 2, 2), ("cn-2020-resolution", 1, 1), ("mz-2023", 5, 4), ("qy-2022", 2, 2)]
    assert all(g["hits"][0] == h for g, h in zip(grouped["groups"], grouped["hits"],
                                                 strict=True))


def test_grouped_pages_count_reports(research_index: Path) -> None:
    pages = [search.run(opened(research_index), Query(q="营商环境", group="report",
                                                      per_page=3, page=p)) for p in (1, 2)]
    assert [r.pages for r in pages] == [2, 2]
    docs = [g.best.doc for r in pages for g in r.groups or []]
    assert sorted(docs) == ["cn-2020", "cn-2020-resolution", "mz-2023", "qy-2022"]


@pytest.mark.parametrize(("sort", "years"), [
    ("date", [2023, 2022, 2020, 2020]), ("oldest", [2020, 2020, 2022, 2023]),
], ids=["newest", "oldest"])
def test_grouped_reports_follow_the_date_sort(research_index: Path, sort: str,
                                              years: list[int]) -> None:
    results = search.run(opened(research_index), Query(q="营商环境", group="report", sort=sort))
    assert [g.best.year for g in results.groups or []] == years


# --- several regions and levels; the year range -----------------------------------------------

def test_several_regions_find_either_and_each_is_a_chip_and_a_checked_box(
        client: FlaskClient) -> None:
    html = page(client, "/search?q=营商环境&region=孟州市&region=沁阳市&per_page=20")
    assert set(re.findall(r'<span class="region">(.*?)</span>', html)) == {"孟州市", "沁阳市"}
    assert "找到 <strong>7</strong> 个段落" in html
    checked = re.findall(r'<input type="checkbox" class="pick" name="region" value="([^"]+)"'
                         r'[^>]* checked>', html)
    assert sorted(checked) == ["孟州市", "沁阳市"]
    chips = re.findall(r'<a class="chip" href="([^"]+)"', html)
    assert [query_of(u) for u in chips] == [
        [("q", "营商环境"), ("region", "沁阳市"), ("per_page", "20")],
        [("q", "营商环境"), ("region", "孟州市"), ("per_page", "20")]]


def test_the_region_form_carries_the_search_and_ticks_add_regions(client: FlaskClient) -> None:
    html = page(client, "/search?q=营商环境&region=孟州市&sort=oldest")
    form = re.search(r'<form class="facet-form"[^>]*>(.*?)</form>', html, re.S).group(1)
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    assert hidden == [("q", "营商环境"), ("sort", "oldest")]
    boxes = re.findall(r'<input type="checkbox" class="pick" name="region" value="([^"]+)"'
                       r'[^>]*?( checked)?>', form)
    assert dict(boxes) == {"孟州市": " checked", "沁阳市": "", "全国": ""}  # all still offered
    assert "应用多选" in form
    link = re.search(r'<a href="([^"]+)">沁阳市</a>', html).group(1)  # the name: that one alone
    assert query_of(link) == [("q", "营商环境"), ("region", "沁阳市"), ("sort", "oldest")]


def test_several_levels_find_either(research_index: Path) -> None:
    both = search.run(opened(research_index), Query(q="营商环境", level=("county", "national")))
    county = search.run(opened(research_index), Query(q="营商环境", level="county"))
    assert (both.total, county.total) == (10, 7)


def test_the_year_range_boxes_become_one_year_filter(client: FlaskClient) -> None:
    html = page(client, "/search?q=营商环境&year_from=2021&year_to=2023")
    assert set(re.findall(r'<span class="year">(.*?)</span>', html)) == {"2022年", "2023年"}
    assert re.search(r'aria-label="移除筛选：年份 2021–2023"', html)
    assert 'name="year_from" inputmode="numeric"' in html and 'value="2021"' in html
    permalink = re.search(r'data-copy-url="([^"]+)"', html).group(1)
    assert query_of(permalink) == [("q", "营商环境"), ("year", "2021..2023")]


@pytest.mark.parametrize(("url", "message"), [
    ("/api/search?q=a&year_from=20", "起始年份“20”应为四位数字"),
    ("/api/search?q=a&year_from=2023&year_to=2020", "起止颠倒"),
    ("/api/search?q=a&kind=回顾", "章节类型“回顾”无效"),
    ("/api/search?q=a&type=决议", "文件类型“决议”无效"),
    ("/api/search?q=a&group=all", "分组方式“all”无效"),
], ids=["short year", "reversed", "kind", "type", "group"])
def test_bad_values_of_the_new_parameters_are_400_with_a_sentence(
        client: FlaskClient, url: str, message: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert message in str(response.get_json())


# --- section kinds and document types ---------------------------------------------------------

def test_kind_facet_files_year_specific_headings_under_one_kind(client: FlaskClient) -> None:
    facets = client.get("/api/search?q=营商环境").get_json()["facets"]
    assert facets["kind"] == [{"value": "工作回顾", "count": 4}, {"value": "工作安排", "count": 5},
                              {"value": "其他", "count": 1}]
    html = page(client, "/search?q=营商环境&kind=工作回顾")
    crumbs = set(re.findall(r'<p class="crumb" aria-label="所在章节">(.*?)</p>', html))
    assert crumbs == {REVIEW, "一、2019年工作回顾"}


def test_type_facet_keeps_resolutions_apart(client: FlaskClient) -> None:
    facets = client.get("/api/search?q=营商环境").get_json()["facets"]
    assert facets["type"] == [{"value": "report", "count": 9}, {"value": "resolution", "count": 1}]
    html = page(client, "/search?q=营商环境&type=resolution")
    assert "找到 <strong>1</strong> 个段落" in html and "文件类型：决议" in html
    link = re.search(r'<a href="([^"]*)">政府工作报告</a> <span class="n">9',
                     page(client, "/search?q=营商环境")).group(1)
    assert query_of(link) == [("q", "营商环境"), ("type", "report")]


def test_a_resolution_record_is_typed_at_ingestion_and_parse_shows_it(tmp_path: Path) -> None:
    collection = tmp_path / "c.jsonl"
    collection.write_text(
        '{"title": "第十三届全国人民代表大会第三次会议关于政府工作报告的决议", '
        '"content": "会议同意报告提出的各项任务。"}\n'
        '{"title": "2020年政府工作报告", "content": "各位代表：\\n\\n一、回顾\\n\\n正文。"}\n',
        encoding="utf-8")
    result = run_cli("parse", str(collection), "--json")
    assert [r["type"] for r in json.loads(result.stdout)] == ["resolution", "report"]


# --- sorting ----------------------------------------------------------------------------------

def test_sort_offers_relevance_newest_and_oldest(client: FlaskClient) -> None:
    html = page(client, "/search?q=营商环境&sort=oldest")
    nav = re.search(r'<nav class="sort".*?</nav>', html, re.S).group(0)
    assert re.findall(r">(相关度|最新|最早)<", nav) == ["相关度", "最新", "最早"]
    assert '<strong aria-current="true">最早</strong>' in nav
    years = re.findall(r'<span class="year">(\d+)年</span>', html)
    assert years == sorted(years) and years[0] == "2020"


def test_newest_is_the_readers_word_for_date(client: FlaskClient) -> None:
    newest = client.get("/api/search?q=营商环境&sort=newest").get_json()
    date = client.get("/api/search?q=营商环境&sort=date").get_json()
    assert [h["year"] for h in newest["hits"]] == [h["year"] for h in date["hits"]]
    assert newest["hits"][0]["year"] == 2023


def test_cli_sorts_oldest_first(research_index: Path) -> None:
    result = run_cli("search", "营商环境", "--index", str(research_index), "--sort", "oldest",
                     "--json", "--limit", "3")
    assert result.exit_code == 0, result.output
    assert [h["year"] for h in json.loads(result.stdout)["hits"]] == [2020, 2020, 2020]
    bad = run_cli("search", "营商环境", "--index", str(research_index), "--sort", "random")
    assert bad.exit_code == 2 and "'random' is not one of" in bad.output


# --- the advanced form ------------------------------------------------------------------------

def test_advanced_form_has_a_label_for_every_box(client: FlaskClient) -> None:
    html = page(client, "/advanced")
    for box in ("all", "any", "none", "phrase", "region", "from", "to"):
        assert f'<label for="adv-{box}"' in html
    assert re.findall(r'<option value="([^"]+)">', html) == ["孟州市", "全国", "沁阳市"]


def test_the_year_boxes_offer_the_years_the_index_holds(client: FlaskClient) -> None:
    for html in (page(client, "/advanced"), page(client, "/search?q=营商环境")):
        assert re.findall(r'name="year_(?:from|to)"[^>]*placeholder="(\d*)"', html) == [
            "2020", "2023"]


def test_advanced_form_writes_the_query_syntax_into_the_box(client: FlaskClient) -> None:
    response = client.get("/advanced/search", query_string=[
        ("all", "营商环境 市场主体"), ("any", "氢能 储能"), ("none", "疫情"),
        ("phrase", "放管服 改革"), ("region", "孟州市"), ("year_from", "2020"),
        ("year_to", ""), ("level", "county"), ("level", "national"), ("group", "report")])
    assert response.status_code == 303
    assert parse_qsl(urlsplit(response.location).query) == [
        ("q", '营商环境 市场主体 (氢能 OR 储能) -疫情 "放管服 改革"'), ("region", "孟州市"),
        ("year", "2020.."), ("level", "county"), ("level", "national"), ("group", "report")]
    html = page(client, response.location)
    assert 'value="营商环境 市场主体 (氢能 OR 储能) -疫情 &#34;放管服 改革&#34;"' in html


# --- 上一处 / 下一处 in a report ----------------------------------------------------------

def test_report_steps_between_the_querys_matches(client: FlaskClient) -> None:
    html = page(client, "/doc/mz-2023?q=营商环境")
    navs = re.findall(r'<nav class="match-nav"[^>]*>(.*?)</nav>', html, re.S)
    steps = [(re.search(r'href="#p-(\d+)" rel="prev"', n), re.search(r'>(\d+ / \d+)<', n).group(1),
              re.search(r'href="#p-(\d+)" rel="next"', n)) for n in navs]
    assert [(p and p.group(1), at, n and n.group(1)) for p, at, n in steps] == [
        (None, "1 / 5", "3"), ("2", "2 / 5", "5"), ("3", "3 / 5", "7"), ("5", "4 / 5", "9"),
        ("7", "5 / 5", None)]
    assert "「营商环境」在本文标出 5 处" in html and '<a href="#p-2">第一处</a>' in html
    assert 'class="match-nav"' not in page(client, "/doc/mz-2023")


# --- completions ------------------------------------------------------------------------------

def test_suggest_offers_index_words_and_regions_by_frequency(client: FlaskClient,
                                                             research_index: Path) -> None:
    data = client.get("/api/suggest?q=营商").get_json()
    gen = opened(research_index).generation()
    assert data["terms"][0] == {"term": "营商环境",
                                "count": gen.word_doc_frequency("营商环境")}
    counts = [t["count"] for t in data["terms"]]
    assert counts == sorted(counts, reverse=True) and data["regions"] == []
    regions = client.get("/api/suggest?q=州").get_json()["regions"]
    assert regions == [{"region": "孟州市", "count": 9}]
    assert client.get("/api/suggest?q=").get_json() == {"query": "", "terms": [], "regions": []}
    spec = client.get("/api/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/Suggestions", "components": spec["components"]}
    for text in ("营商", "州", "", "<script>", "发" * 300):
        jsonschema.Draft202012Validator(schema).validate(
            client.get("/api/suggest", query_string={"q": text}).get_json())


def test_the_box_works_without_the_completion_script(client: FlaskClient) -> None:
    html = page(client, "/")
    assert re.search(r'<input id="q" name="q" type="search"[^>]*>', html).group(0).count(
        "list=") == 0  # app.js adds the datalist; without it the box is plain
    assert 'data-suggest="/api/suggest"' in html


def test_a_saved_multi_region_search_keeps_every_region(client: FlaskClient) -> None:
    url = "/search?q=营商环境&region=孟州市&region=沁阳市&group=report"
    html = page(client, url)
    start = html.index('<details class="save">')
    form = html[start:html.index("</details>", start)]
    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form)
    assert fields[1:] == [("q", "营商环境"), ("region", "孟州市"), ("region", "沁阳市"),
                          ("group", "report")]
    response = client.post("/saved", data=MultiDict([*fields, ("name", "两地")]))
    assert response.status_code == 303
    saved = page(client, unescape(response.location))
    then, now = re.findall(r"<td>(\d+)</td>", saved)
    assert (then, now) == ("7", "7")  # hits when saved and now, both regions
    link = re.search(r'href="(/s/[^"]+)"', saved).group(1)
    target = client.get(link).location
    assert parse_qsl(urlsplit(target).query) == [
        ("q", "营商环境"), ("region", "孟州市"), ("region", "沁阳市"), ("group", "report")]
    assert "共 <strong>7</strong> 段，来自 <strong>2</strong> 份报告" in page(client, target)


def test_grouping_past_the_ranking_depth_still_counts_every_report(
        research_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only MAX_DEPTH paragraphs are ranked; the reports of the rest still get a card."""
    monkeypatch.setattr(search, "MAX_DEPTH", 2)
    results = search.run(opened(research_index), Query(q="营商环境 OR 乡村振兴 OR 放管服",
                                                       group="report", sort="date"))
    assert (results.total, results.reports) == (11, 4)
    assert sorted(g.count for g in results.groups or []) == [1, 2, 2, 6]


def test_chosen_values_are_escaped_wherever_they_are_shown(client: FlaskClient) -> None:
    html = page(client, "/search?q=营商环境&region=<script>x</script>&region=孟州市&group=report")
    assert "<script>x" not in html
    assert html.count("&lt;script&gt;x&lt;/script&gt;") >= 3  # chip, hidden field, title
    suggestions = client.get("/api/suggest?q=<script>").get_json()
    assert suggestions == {"query": "<script>", "terms": [], "regions": []}
