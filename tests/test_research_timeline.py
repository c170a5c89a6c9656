"""The term timeline: counts per year (and region, level), first appearance, expansions
apart; checked against numbers counted by hand on the seeds and the national reports
(`grep -o 营商环境` finds 15 in seeds/ and 24 in the national collection: 39)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import opened, run_cli
from flask.testing import FlaskClient

from searchapp.errors import UsageError
from searchapp.model import Query
from searchapp.research.timeline import First, Row, timeline
from searchapp.text.normalize import normalize

NATIONAL_2014 = "government_work_reports-022"


def test_counts_per_year_of_a_term(national_index: Path) -> None:
    found = timeline(opened(national_index), Query(q="营商环境"))
    assert [(r.year, r.paragraphs, r.occurrences, r.reports, r.reports_in_scope)
            for r in found.rows] == [
        (2014, 1, 1, 1, 1), (2015, 1, 1, 1, 1), (2018, 4, 4, 1, 1), (2019, 5, 5, 1, 1),
        (2021, 4, 4, 1, 1), (2022, 2, 3, 1, 1), (2023, 12, 18, 3, 3), (2024, 2, 2, 1, 1),
        (2025, 1, 1, 1, 1)]
    assert (found.total.paragraphs, found.total.occurrences, found.total.reports) == (32, 39, 11)


def test_the_share_counts_reports_not_the_congress_resolutions(national_index: Path) -> None:
    # 2023: 孟州, 沁阳 and the national report; the congress's resolution is not a report
    found = timeline(opened(national_index), Query(q="发展", year="2023"))
    assert [(r.reports, r.reports_in_scope, r.share) for r in found.rows] == [(3, 3, 1.0)]
    resolutions = timeline(opened(national_index), Query(q="发展", year="2023",
                                                         doctype="resolution"))
    assert [(r.reports, r.reports_in_scope) for r in resolutions.rows] == [(1, 1)]
    rare = timeline(opened(national_index), Query(q="最多跑一次"))
    assert [(r.year, r.reports, r.reports_in_scope) for r in rare.rows] == [
        (2018, 1, 1), (2019, 1, 1), (2023, 1, 3)]


def test_counts_agree_with_counting_every_paragraph(national_index: Path) -> None:
    gen = opened(national_index).generation()
    paragraphs = occurrences = 0
    for report_id in gen.reports:
        for p in gen.report(report_id).paragraphs:
            n = normalize(p.text).count("放管服")
            paragraphs, occurrences = paragraphs + bool(n), occurrences + n
    total = timeline(opened(national_index), Query(q="放管服")).total
    assert (total.paragraphs, total.occurrences) == (paragraphs, occurrences) == (12, 12)


def test_first_appearance_overall_and_per_region(national_index: Path) -> None:
    found = timeline(opened(national_index), Query(q="营商环境"))
    assert found.first == First("全国", 2014, None, NATIONAL_2014,
                                "2014年中华人民共和国国务院政府工作报告", 61)
    assert "营商环境" in found.first_text
    assert [(f.region, f.year, f.n) for f in found.first_by_region] == [
        ("全国", 2014, 61), ("沁阳市", 2023, 8), ("孟州市", 2023, 9)]  # 沁阳 spoke first (02-08)


def test_counts_per_region(national_index: Path) -> None:
    found = timeline(opened(national_index), Query(q="营商环境"), by="region")
    assert [r for r in found.rows if r.group != "全国"] == [
        Row("孟州市", 2023, 8, 11, 1, 1), Row("沁阳市", 2023, 2, 4, 1, 1)]


@pytest.mark.parametrize(("q", "region", "expected"), [
    ("营商环境 region:孟州", None, [Row("", 2023, 8, 11, 1, 1)]),
    ("营商环境", "孟州", [Row("", 2023, 8, 11, 1, 1)]),
    ("营商环境 (region:孟州 OR region:沁阳)", None, [Row("", 2023, 10, 15, 2, 2)]),
    ("营商环境 year:2023", None, [Row("", 2023, 12, 18, 3, 3)]),
], ids=["typed", "parameter", "typed-or", "year"])
def test_filters_narrow_counts_and_the_share(national_index: Path, q: str, region: str | None,
                                             expected: list[Row]) -> None:
    assert timeline(opened(national_index), Query(q=q, region=region)).rows == expected


def test_expansions_are_counted_apart_from_the_word(national_index: Path) -> None:
    found = timeline(opened(national_index), Query(q="双碳"))
    assert found.rows == [] and found.first is None
    assert [(s.word, [(r.year, r.paragraphs) for r in s.rows]) for s in found.expansions] == [
        ("碳达峰、碳中和", [(2021, 1)]),
        ("碳达峰碳中和", [(2022, 1), (2023, 1), (2024, 1), (2025, 1)])]


def test_an_unknown_grouping_is_a_usage_error(seeds_index: Path) -> None:
    with pytest.raises(UsageError, match="无法按“month”分组：可用 year、region、level。"):
        timeline(opened(seeds_index), Query(q="发展"), by="month")


def test_the_page_draws_an_accessible_chart_beside_its_table(client: FlaskClient) -> None:
    response = client.get("/timeline?q=营商环境")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<svg class="chart"' in html and 'role="img"' in html
    assert '<title id="chart-1-t">「营商环境」各年段落数</title>' in html
    assert "2023–2023 年每年含该词的段落数；1 个年份出现，最多为 2023 年（10 段）。" in html
    assert "<title>2023年：10 段，15 次，2 份报告</title>" in html
    assert "<td>2023</td><td>10</td><td>0</td><td>15</td><td>2</td><td>2/2（100%）</td>" in html
    assert 'href="/export?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83&amp;format=csv"' in html


def test_small_multiples_by_region(client: FlaskClient) -> None:
    html = client.get("/timeline?q=营商环境&by=region").get_data(as_text=True)
    assert html.count('<svg class="chart"') == 2
    assert "孟州市：「营商环境」各年段落数" in html


def test_the_query_is_escaped_on_the_page(client: FlaskClient) -> None:
    html = client.get('/timeline?q=<script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


@pytest.mark.parametrize(("url", "message"), [
    ("/timeline?q=发展&by=month", "分组方式“month”无效：可用 year、region、level。"),
    ("/timeline?q=", "请输入检索词（或至少一个筛选条件）。"),
    ("/api/timeline?q=发展&year=abc", "已忽略该条件"),
])
def test_bad_requests_are_400s_that_say_why(client: FlaskClient, url: str, message: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_json_twin(client: FlaskClient) -> None:
    data = client.get("/api/timeline?q=营商环境").get_json()
    assert data["counted"] == ["营商环境"]
    assert data["rows"] == [{"group": "", "year": 2023, "paragraphs": 10, "occurrences": 15,
                             "reports": 2, "reports_in_scope": 2, "copied": 0, "share": 1.0}]
    assert data["first"]["region"] == "沁阳市" and data["first"]["n"] == 8


def test_cli_prints_a_table_csv_or_json(seeds_index: Path) -> None:
    table = run_cli("timeline", "营商环境", "--index", seeds_index)
    assert table.exit_code == 0
    assert table.stdout.splitlines()[:4] == [
        "「营商环境」按原文统计：10 段（照录上级 0 段），15 次，2 份报告",
        "最早出现：2023年 沁阳市《2023年沁阳市政府工作报告》第8段 (003_2d80b49f8694d6dd)",
        "年份\t段落\t照录上级\t次数\t报告\t占比",
        "2023\t10\t0\t15\t2\t2/2 (100%)"]
    csv_out = run_cli("timeline", "营商环境", "--index", seeds_index, "--by", "region",
                      "--format", "csv")
    assert csv_out.stdout.splitlines() == [
        "series,group,year,paragraphs,copied,occurrences,reports,reports_in_scope,share",
        "营商环境,孟州市,2023,8,0,11,1,1,1.0", "营商环境,沁阳市,2023,2,0,4,1,1,1.0"]
    data = json.loads(run_cli("timeline", "营商环境", "--index", seeds_index,
                              "--format", "json").stdout)
    assert data["total"]["paragraphs"] == 10


def test_the_word_written_with_quotation_marks_inside_is_counted_apart(national_index: Path
                                                                       ) -> None:
    """The reports write “放管服”改革, never 放管服改革: the search finds it as the word itself,
    so the timeline counts it too, in a table of its own."""
    found = timeline(opened(national_index), Query(q="放管服改革"))
    assert found.rows == []
    quoted = [s for s in found.expansions if s.word == "放管服”改革"]
    assert [(r.year, r.paragraphs) for r in quoted[0].rows] == [  # as grep counts them
        (2017, 1), (2018, 2), (2019, 1), (2021, 4), (2022, 2)]
