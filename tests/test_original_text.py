"""「只看本地原创表述」 and the timeline's 照录上级 column: paragraphs half or more made of a
higher-level report's text are hidden by the filter and counted by the timeline.

The corpus is the seeds, the 2023 national report, and 温县's 2023 report, whose plan part
opens with the national report's 「今年政府工作的总体要求」 paragraph word for word, between
two paragraphs of its own. The seeds' own borrowings stay below half (沁阳 25 shares 30%
with the same national paragraph), so the filter keeps them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import NATIONAL, SEEDS, opened, run_cli
from flask.testing import FlaskClient

from searchapp.config import Settings
from searchapp.index import build
from searchapp.model import Query
from searchapp.research.timeline import timeline
from searchapp.search import searching
from searchapp.search.params import from_params, to_params

WENXIAN = "wenxian-2023"
NATIONAL_2023 = "national-2023-001"
QINYANG = "003_2d80b49f8694d6dd"
OPENING = "今年是全面贯彻党的二十大精神的开局之年"
OWN_REVIEW = "过去一年，我县坚持推动高质量发展，新建怀药产业园区两个，太极文化旅游收入增长一成。"
OWN_PLAN = "全县上下推动高质量发展，建设怀药种植基地一万亩，办好太极拳国际交流大会。"


def wenxian_report(copied: str) -> str:
    return f"""2023年温县政府工作报告
信息来源:温县人民政府 发布日期:2023-02-10

各位代表:

一、2022年工作回顾

{OWN_REVIEW}

二、2023年工作安排

{copied}

{OWN_PLAN}
"""


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not NATIONAL.is_file():
        pytest.skip(f"national reports not found at {NATIONAL}")
    root = tmp_path_factory.mktemp("original")
    corpus = root / "corpus"
    shutil.copytree(SEEDS, corpus)
    record = next(line for line in NATIONAL.read_text(encoding="utf-8").splitlines()
                  if json.loads(line)["title"].startswith("2023年"))
    (corpus / "national-2023.jsonl").write_text(record + "\n", encoding="utf-8")
    copied = next(line.strip() for line in json.loads(record)["content"].splitlines()
                  if line.strip().startswith(OPENING))
    (corpus / "wenxian-2023.txt").write_text(wenxian_report(copied), encoding="utf-8")
    build.reindex([corpus], root / "index")
    return root / "index"


@pytest.fixture
def client(index_dir: Path, tmp_path: Path) -> FlaskClient:
    from searchapp.web import create_app

    settings = Settings(corpus=(), index_dir=index_dir, instance_dir=tmp_path / "instance")
    return create_app(settings, {"TESTING": True}).test_client()


def found(index_dir: Path, **query: object) -> list[tuple[str, int]]:
    results = searching.run(opened(index_dir), Query(**query))  # type: ignore[arg-type]
    return [(h.doc, h.paragraph) for h in results.hits]


# --- the filter -------------------------------------------------------------------------------

@pytest.mark.parametrize("query, everything, original", [
    ({"q": "高质量发展 region:温县"}, [(WENXIAN, 8), (WENXIAN, 5), (WENXIAN, 7)],
     [(WENXIAN, 8), (WENXIAN, 5)]),
    ({"q": "高质量发展", "region": "温县", "sort": "oldest"},
     [(WENXIAN, 5), (WENXIAN, 7), (WENXIAN, 8)], [(WENXIAN, 5), (WENXIAN, 8)]),
    ({"q": f'"{OPENING}"'}, [(NATIONAL_2023, 94), (WENXIAN, 7)], [(NATIONAL_2023, 94)]),
    ({"q": '"六个走在全省前列"'}, [(QINYANG, 25)], [(QINYANG, 25)]),  # 30%: kept
], ids=["relevance", "oldest first", "the source itself stays", "a borrowing below half stays"])
def test_original_hides_the_paragraphs_mostly_copied_from_above(index_dir, query, everything,
                                                                original) -> None:
    assert found(index_dir, **query) == everything
    assert found(index_dir, **query, original=True) == original


def test_grouped_by_report_counts_only_what_is_shown(index_dir) -> None:
    query = Query(q="高质量发展 region:温县", group="report")
    grouped = searching.run(opened(index_dir), query)
    kept = searching.run(opened(index_dir), Query(q=query.q, group="report", original=True))
    assert [(g.best.doc, g.count) for g in grouped.groups] == [(WENXIAN, 3)]
    assert [(g.best.doc, g.count) for g in kept.groups] == [(WENXIAN, 2)]
    assert (grouped.total, kept.total) == (3, 2)


def test_the_research_tools_see_the_same_result_set(index_dir) -> None:
    index = opened(index_dir)
    phrase = f'"{OPENING}"'
    kept = searching.select(index, Query(q=phrase, original=True))
    assert (len(searching.select(index, Query(q=phrase)).matched), len(kept.matched)) == (2, 1)
    assert searching.ranked(kept).tolist() == kept.matched.tolist()


@pytest.mark.parametrize("params, original, url", [
    ({"q": "发展", "original": "1"}, True, [("q", "发展"), ("original", "1")]),
    ({"q": "发展", "original": "on"}, True, [("q", "发展"), ("original", "1")]),
    ({"q": "发展", "original": "0"}, False, [("q", "发展")]),
    ({"q": "发展", "sort": "oldest", "type": "report", "original": "true"}, True,
     [("q", "发展"), ("type", "report"), ("original", "1"), ("sort", "oldest")]),
], ids=["1", "a checkbox's on", "0 is off", "after type, before sort"])
def test_the_url_parameter_round_trips_in_its_place(params, original, url) -> None:
    query, errors = from_params(params)
    assert (query.original, errors, to_params(query)) == (original, [], url)


def test_a_bad_value_is_ignored_with_a_sentence() -> None:
    query, errors = from_params({"q": "发展", "original": "maybe"})
    assert query.original is False
    assert errors == ["“只看本地原创表述”的取值“maybe”无效（应为 1 或 0），已忽略该条件。"]


# --- the page, the API, saved searches, the CLI ----------------------------------------------

def test_the_page_hides_them_and_shows_a_chip_that_removes_the_filter(client) -> None:
    html = client.get("/search?q=高质量发展&region=温县&original=1").get_data(as_text=True)
    assert "怀药种植基地" in html and "怀药产业园区" in html
    assert f"/doc/{WENXIAN}" in html and "#p-7" not in html
    chip = re.search(r'<a class="chip" href="([^"]+)"[^>]*>表述：只看本地原创', html)
    assert chip is not None
    back = dict(parse_qsl(urlsplit(chip.group(1).replace("&amp;", "&")).query))
    assert back == {"q": "高质量发展", "region": "温县"}
    assert "#p-7" in client.get("/search?q=高质量发展&region=温县").get_data(as_text=True)


def test_the_checkbox_works_without_javascript(client) -> None:
    """Ticked on a filtered page and not also sent as a hidden field, so unticking it and
    searching again turns the filter off."""
    checkbox = re.compile(r'<input type="checkbox" name="original" value="1"( checked)?')
    home = client.get("/").get_data(as_text=True)
    assert checkbox.search(home).group(1) is None
    html = client.get("/search?q=高质量发展&original=1").get_data(as_text=True)
    form = re.search(r'<form class="search-form".*?</form>', html, re.S).group()
    assert checkbox.search(form).group(1) == " checked"
    assert 'type="hidden" name="original"' not in form


def test_the_api_takes_original(client) -> None:
    everything = client.get("/api/search?q=高质量发展&region=温县").get_json()
    original = client.get("/api/search?q=高质量发展&region=温县&original=1").get_json()
    assert (everything["total"], original["total"]) == (3, 2)
    assert [h["copied_from"] is not None for h in everything["hits"]] == [False, False, True]
    assert client.get("/api/search?q=发展&original=2").status_code == 400


def test_a_saved_search_keeps_the_filter(client) -> None:
    """The page's save form carries the filter; the saved link gives it back."""
    html = client.get("/search?q=高质量发展&region=温县&original=1").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/saved".*?</form>', html, re.S).group()
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    created = client.post("/saved", data=dict(fields, name="温县原创"))
    assert created.status_code == 303
    slug = dict(parse_qsl(urlsplit(created.location).query))["created"]
    target = client.get(f"/s/{slug}").location
    assert parse_qsl(urlsplit(target).query) == [("q", "高质量发展"), ("region", "温县"),
                                                  ("original", "1")]


def test_the_cli_takes_original(index_dir) -> None:
    args = ("search", "高质量发展 region:温县", "--index", index_dir, "--json")
    everything = json.loads(run_cli(*args).stdout)
    result = run_cli(*args, "--original")
    assert result.exit_code == 0, result.output
    assert [h["paragraph"] for h in everything["hits"]] == [8, 5, 7]
    assert [h["paragraph"] for h in json.loads(result.stdout)["hits"]] == [8, 5]


# --- the timeline's 照录上级 ------------------------------------------------------------------

def test_the_timeline_counts_the_copied_paragraphs_per_row(index_dir) -> None:
    found = timeline(opened(index_dir), Query(q="高质量发展"), by="region")
    assert [(r.group, r.year, r.paragraphs, r.copied) for r in found.rows] == [
        ("全国", 2023, 6, 0), ("孟州市", 2023, 6, 0), ("沁阳市", 2023, 1, 0),
        ("温县", 2023, 3, 1)]
    assert found.total.copied == 1


def test_the_timeline_shows_the_column_on_the_page_and_in_every_format(client,
                                                                       index_dir) -> None:
    html = client.get("/timeline?q=高质量发展&region=温县").get_data(as_text=True)
    assert ">照录上级</abbr></th>" in html
    assert "<td>2023</td><td>3</td><td>1</td>" in html
    data = client.get("/api/timeline?q=高质量发展&region=温县").get_json()
    assert (data["total"]["copied"], data["rows"][0]["copied"]) == (1, 1)
    csv_out = run_cli("timeline", "高质量发展", "--index", index_dir, "--region", "温县",
                      "--format", "csv").stdout.splitlines()
    assert csv_out[:2] == [
        "series,group,year,paragraphs,copied,occurrences,reports,reports_in_scope,share",
        "高质量发展,,2023,3,1,3,1,1,1.0"]
    table = run_cli("timeline", "高质量发展", "--index", index_dir, "--region", "温县").stdout
    assert table.splitlines()[0] == \
        "「高质量发展」按原文统计：3 段（照录上级 1 段），3 次，1 份报告"
