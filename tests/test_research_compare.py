"""Comparing localities (or years) side by side: one column per report, matching paragraphs
in document order, shared wording marked; the page, its JSON twin and the search link."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import opened
from flask.testing import FlaskClient

from searchapp.errors import UsageError
from searchapp.model import Query
from searchapp.research.compare import compare, runs
from searchapp.search.searching import mark

SHARED = "坚持把优化营商环境作为头号工程来抓。"  # 18 characters: a sentence taken over


def test_columns_hold_each_reports_paragraphs_in_document_order(seeds_index: Path) -> None:
    found = compare(opened(seeds_index), Query(q="营商环境"), "region", ["孟州市", "沁阳市"], mark)
    assert [(c.value, c.title, c.paragraphs, c.occurrences, [p.n for p in c.passages])
            for c in found.columns] == [
        ("孟州市", "孟州市2023年政府工作报告", 8, 11, [9, 14, 15, 25, 54, 55, 145, 159]),
        ("沁阳市", "2023年沁阳市政府工作报告", 4, 4, [6, 8, 22, 23])]  # and 6, 22 by feedback
    passage = found.columns[0].passages[5]
    assert passage.section == ("2023年工作安排", "(二)坚持以“转”为源,让发展更添活力",
                               "——优化营商环境")
    assert "<mark>营商环境</mark>" in passage.html


def test_years_of_one_region_side_by_side(national_index: Path) -> None:
    found = compare(opened(national_index), Query(q="营商环境", region="全国"), "year",
                    ["2023", "2024"], mark)
    assert [(c.title, [p.n for p in c.passages]) for c in found.columns] == [
        ("2023年中华人民共和国国务院政府工作报告", [28, 48]),
        ("2024年中华人民共和国国务院政府工作报告", [26, 61])]


def test_wording_shared_between_columns_is_marked(make_index, make_report) -> None:
    directory = make_index([
        make_report("a", "一、工作安排", SHARED, "营商环境要一流。", region="孟州市", year=2023),
        make_report("b", "一、工作安排", "我们" + SHARED, region="沁阳市", year=2023),
        make_report("c", "营商环境持续改善。", region="温县", year=2023)])
    found = compare(opened(directory), Query(q="营商环境"), "region", ["孟州市", "沁阳市", "温县"],
                    mark)
    assert [[p.shared_with for p in c.passages] for c in found.columns] == [
        [(1,), ()], [(0,)], [()]]


def test_a_run_is_twelve_characters_of_folded_text() -> None:
    assert runs("营商环境 一流", size=4) == {"营商环境", "商环境一", "环境一流"}


def test_a_region_without_matches_gets_an_empty_column(seeds_index: Path) -> None:
    found = compare(opened(seeds_index), Query(q="营商环境"), "region", ["孟州市", "温县"], mark)
    assert (found.columns[1].doc, found.columns[1].passages) == (None, [])


@pytest.mark.parametrize("values", [["孟州市"], [f"地区{i}" for i in range(7)]], ids=len)
def test_two_to_six_columns(seeds_index: Path, values: list[str]) -> None:
    with pytest.raises(UsageError, match="请给出 2–6 个要对比的地区"):
        compare(opened(seeds_index), Query(q="营商环境"), "region", values, mark)


def test_the_page_has_counts_columns_and_phone_tabs(client: FlaskClient) -> None:
    response = client.get("/compare?q=营商环境&region=孟州市&region=沁阳市")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<div class="compare cols-2">' in html
    assert html.count('class="tab-radio" type="radio"') == 2
    assert "<strong>8</strong> 段 · 11 次" in html and "<strong>5</strong> 段 · 4 次" in html
    assert 'href="/doc/000_1d81e7ffc4b419a3?p=55&amp;a=2531bbea#p-2531bbea"' in html


def test_the_json_twin(client: FlaskClient) -> None:
    data = client.get("/api/compare?q=营商环境&region=孟州市&region=沁阳市").get_json()
    assert data["axis"] == "region"
    assert [(c["value"], c["paragraphs"], [p["n"] for p in c["passages"]])
            for c in data["columns"]] == [("孟州市", 8, [9, 14, 15, 25, 54, 55, 145, 159]),
                                          ("沁阳市", 5, [6, 8, 21, 22, 23])]


@pytest.mark.parametrize("url", ["/compare?q=营商环境&region=孟州市",
                                 "/api/compare?q=营商环境&region=孟州市",
                                 "/compare?region=孟州市&region=沁阳市"])
def test_bad_requests_are_400s(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 400


def test_the_search_page_links_to_a_comparison_of_its_regions(client: FlaskClient) -> None:
    html = client.get("/search?q=营商环境").get_data(as_text=True)
    assert ('<a class="compare-link" href="/compare?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83'
            '&amp;region=%E5%AD%9F%E5%B7%9E%E5%B8%82&amp;region=%E6%B2%81%E9%98%B3%E5%B8%82">'
            '对比这些地区</a>') in html


def test_document_text_is_escaped_in_columns(client: FlaskClient) -> None:
    html = client.get("/compare?q=试验田&region=修武县&region=孟州市").get_data(as_text=True)
    assert '<script>alert("xss")' not in html and "&lt;script&gt;" in html
