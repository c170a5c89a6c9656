"""Syntax readers bring from other search engines: read as meant, or a notice — never 0 silently."""

from __future__ import annotations

import pytest

from searchapp.search import querylang as ql
from searchapp.search.querylang import And, Not, Or, Phrase, Term


@pytest.mark.parametrize(("text", "node"), [
    ("营商环境 AND 民营", And((Term("营商环境"), Term("民营")))),
    ("营商环境 NOT 疫情", And((Term("营商环境"), Not(Term("疫情"))))),
    ("氢能 or 储能", Or((Term("氢能"), Term("储能")))),
    ("+氢能 储能", And((Term("氢能"), Term("储能")))),
    ('"C++ 经济"', Phrase("C++ 经济")),
], ids=["AND", "NOT", "lowercase or", "plus", "operators inside quotes stay text"])
def test_operators_of_other_engines_work(text, node):
    assert ql.parse(text) == ql.Parsed(node, None)


def test_proximity_is_searched_as_all_words_with_a_notice():
    parsed = ql.parse('"乡村 振兴"~5')
    assert parsed.node == And((Term("乡村"), Term("振兴"))) and parsed.near
    assert parsed.notice == "暂不支持 ~5 邻近检索，已改为同时包含这些词（彼此靠近的排在前面）。"


def test_a_near_operator_is_searched_as_all_words_with_a_notice():
    parsed = ql.parse("乡村 NEAR/3 振兴")
    assert parsed.node == And((Term("乡村"), Term("振兴"))) and parsed.near
    assert parsed.notice == "暂不支持 NEAR/3 邻近检索，已改为同时包含这些词（彼此靠近的排在前面）。"


@pytest.mark.parametrize("text", ["营商环境^2 民营", "营商环境~ 民营", "营商环境~0.8 民营"],
                         ids=["boost", "fuzzy", "fuzzy with a similarity"])
def test_boosts_and_fuzzy_marks_are_dropped_with_a_notice(text):
    parsed = ql.parse(text)
    assert parsed.node == And((Term("营商环境"), Term("民营")))
    assert parsed.notice == "不支持 ^ 加权和 ~ 模糊检索，已按普通文字检索。"


def test_a_tilde_inside_a_year_range_is_not_a_fuzzy_mark():
    assert ql.parse("year:2019~2023 营商环境").notice is None


def test_wildcards_are_dropped_with_a_notice():
    parsed = ql.parse("经济* 改革")
    assert parsed.node == And((Term("经济"), Term("改革")))
    assert "不需要通配符" in parsed.notice


def test_a_question_mark_is_not_a_wildcard():
    assert ql.parse("如何优化营商环境?").notice is None


def test_a_page_past_the_end_ranks_nothing_and_deep_pages_are_capped(make_index, make_report):
    from conftest import opened

    from searchapp.model import Query
    from searchapp.search import searching

    directory = make_index([make_report("r", *[f"第{i}条：推进改革。" for i in range(30)])])
    past = searching.run(opened(directory), Query(q="改革", page=50))
    assert (past.total, past.hits, past.query.page) == (30, [], 50)
    deep = searching.run(opened(directory), Query(q="改革", page=5000, per_page=10))
    assert deep.query.page == searching.MAX_DEPTH // 10
    assert deep.notice.startswith(f"只能查看前 {searching.MAX_DEPTH} 个结果")
