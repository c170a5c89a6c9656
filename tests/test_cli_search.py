"""`searchapp search`: the CLI face of search.run (click's CliRunner, real indexes)."""

import dataclasses
import json

import click
import pytest
from conftest import opened, run_cli

from searchapp.model import Query
from searchapp.render import terminal
from searchapp.search import searching as search


@pytest.fixture
def script_index(make_index, make_report):
    return make_index([
        make_report("r", "推进<script>alert(1)</script>乡村振兴。", "加快长期护理保险试点。",
                    region="孟州市", year=2023, level="county", parents=("河南省", "焦作市")),
        make_report("s", "\x1b[31m红色\x1b[0m乡村振兴", region="沁阳市", year=2022),
    ])


def test_prints_breadcrumb_and_bracketed_marks_without_a_terminal(script_index):
    result = run_cli("search", "长护险", "--index", str(script_index))
    assert result.exit_code == 0
    assert result.output.splitlines()[1:] == [
        "提示：没有段落同时包含「长护险」，以下是含相关表述的段落。",
        "也搜索了：长期护理保险",
        "",
        "1. 孟州市 · 2023  [r#2]",
        "   （不含「长护险」，含「长期护理保险」）",  # as the page says it
        "   加快[长期护理保险]试点。",
    ]
    assert result.output.startswith("共 1 个段落，显示 1 个（")


def test_an_also_searched_form_with_its_own_list_mark_reads_as_one(make_index, make_report):
    directory = make_index([make_report("r", "全面推行“双随机、一公开”监管。",
                                        "加快发展现代农业。")])
    result = run_cli("search", "双随机一公开", "--index", str(directory))
    assert "也搜索了：「双随机、一公开」、" in result.output


def test_control_characters_never_reach_the_terminal(script_index):
    result = run_cli("search", "乡村振兴", "--index", str(script_index), "--region", "沁阳")
    assert "\x1b" not in result.output
    assert result.output.splitlines()[-1] == "   [31m红色[0m[乡村振兴]"  # ESC dropped when indexed


def test_region_year_and_limit_options(script_index):
    result = run_cli("search", "乡村振兴", "--index", script_index, "--year", "2023",
                     "--limit", "1")
    assert [line for line in result.output.splitlines() if line[:2] == "1."] == [
        "1. 孟州市 · 2023  [r#1]"]
    assert "共 1 个段落，显示 1 个" in result.output


def test_notice_is_printed(script_index):
    result = run_cli("search", '"乡村振兴', "--index", str(script_index))
    assert result.output.splitlines()[1] == "提示：引号没有配对，已按普通文字检索。"


def test_json_is_the_api_shape_with_escaped_html(script_index):
    result = run_cli("search", "乡村振兴", "--index", script_index, "--region", "孟州",
                     "--json")
    data = json.loads(result.output)
    assert list(data) == ["query", "total", "notice", "expanded", "took_ms", "page", "pages",
                          "hits", "facets"]
    assert [(h["doc"], h["paragraph"], h["highlight"]) for h in data["hits"]] == [
        ("r", 1, "推进&lt;script&gt;alert(1)&lt;/script&gt;<mark>乡村振兴</mark>。")]
    # region is multi-select: its facet counts as if no region were chosen, offering others
    assert data["facets"]["region"] == [{"value": "孟州市", "count": 1},
                                        {"value": "沁阳市", "count": 1}]


def test_missing_index_says_how_to_fix_it(tmp_path):
    result = run_cli("search", "乡村振兴", "--index", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert "run `searchapp reindex`" in result.output


def test_index_defaults_to_searchapp_index_variable(script_index):
    result = run_cli("search", "长期护理保险", env={"SEARCHAPP_INDEX": str(script_index)})
    assert "1. 孟州市 · 2023  [r#2]" in result.output


def test_seeds_index_answers_with_section_breadcrumbs(seeds_index):
    result = run_cli("search", '"万人助万企"', "--index", str(seeds_index), "--json")
    data = json.loads(result.output)
    assert data["total"] == 5
    assert {h["region"] for h in data["hits"]} == {"孟州市", "沁阳市"}
    assert all(h["section"] for h in data["hits"])


def test_marks_are_coloured_on_a_terminal(script_index):
    [hit] = search.run(opened(script_index), Query(q="长期护理保险")).hits
    assert terminal.marked_text(hit, color=True) == (
        "加快" + click.style("长期护理保险", fg="red", bold=True) + "试点。")


def test_controls_in_a_hit_from_an_older_index_are_shown_as_replacement_marks(script_index):
    """Indexing drops control characters; the terminal still never trusts stored text."""
    [hit] = search.run(opened(script_index), Query(q="长期护理保险")).hits
    older = dataclasses.replace(hit, text="\x1b[31m" + hit.text, spans=((7, 13),))
    assert terminal.marked_text(older, color=False) == "\ufffd[31m加快[长期护理保险]试点。"
