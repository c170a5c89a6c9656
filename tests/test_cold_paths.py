"""The shortcuts of a query's first run give what the plain definitions give: bodies read in
docnum order and handed back in the order asked, counts kept from the literal lookup, heading
counts kept per column, word statistics kept per generation, a feedback word counted only
where it occurs, mentions found with one search for the sentence's end, the common words'
statistics looked up at start."""

from __future__ import annotations

import re
from collections.abc import Callable
from unittest.mock import patch

import numpy as np
import pytest
from conftest import build_report, opened

from searchapp.index import build, columns, generation
from searchapp.index.generation import Generation
from searchapp.search import feedback, ranking, scoring
from searchapp.search.matching import FEEDBACK, Alternative

_PARAGRAPHS = [
    "（一）持续优化营商环境。深化放管服改革，营商环境持续改善。",
    "培育新能源、“营商环境”、数字经济等新兴产业，营商环境评价领先。",
    "营商环境：指市场主体在准入、生产经营、退出等过程中涉及的政务环境、市场环境。",
    "国营商业和私营商业并存，营商营商环境，常常常常常。",
    "推进乡村振兴。乡村全面振兴取得新进展！发展乡村产业？",
    "发展、改革、稳定。“发展”等工作。发展",
    "一带一路建设，共建一带一路高质量发展，打造开放高地。",
]


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Generation:
    reports = [build_report(f"r{i}", *_PARAGRAPHS[i:] + _PARAGRAPHS[:i], title=f"报告{i}",
                            region="孟州市", year=2000 + i) for i in range(4)]
    directory = tmp_path_factory.mktemp("cold") / "index"
    build.index_reports(reports, directory)
    return opened(directory).generation()


def _bodies(gen: Generation) -> dict[int, str]:
    return {d: gen.body(d) for d in gen.live_docs.tolist()}


@pytest.mark.parametrize(("few", "scattered"), [(columns.FEW_BODIES, columns.SCATTERED_CHARS),
                                                (0, columns.SCATTERED_CHARS), (0, 0)])
def test_bodies_come_back_in_the_order_asked(gen: Generation, few: int, scattered: int) -> None:
    """Few (each read alone), scattered (a reranked head, best first: read sorted), repeated,
    or past SCATTERED_CHARS (read lazily in the order given): each doc gets its own body,
    with NUL or the string's start before it (what a look-behind at its start sees)."""
    bodies = _bodies(gen)
    rng = np.random.default_rng(7)
    orders = [rng.permutation(gen.live_docs), gen.live_docs[::-1], gen.live_docs,
              np.concatenate([gen.live_docs[::-2], gen.live_docs[:3]]), gen.live_docs[:1]]
    with patch.object(columns, "FEW_BODIES", few), \
            patch.object(columns, "SCATTERED_CHARS", scattered):
        for docs in orders:
            texts, starts, ends = gen.slices(docs)
            got = [(t[s:e], t[s - 1] if s else "\x00", t[e]) for t, s, e
                   in zip(texts, starts, ends, strict=True)]
            assert got == [(bodies[d], "\x00", "\x00") for d in docs.tolist()]


@pytest.mark.parametrize("needle", ["营商环境", "常常常", "一带一路", "营商", "不存在的词"])
def test_counts_kept_by_the_literal_lookup_are_the_bodies_counts(gen: Generation,
                                                                 needle: str) -> None:
    bodies = _bodies(gen)
    holding = gen.literal(needle)
    assert holding.tolist() == [d for d, b in bodies.items() if needle in b]
    for docs in (holding, holding[::-1], holding[1::2]):
        counts = gen.body_counts(needle, docs, holding)
        assert counts.tolist() == [bodies[d].count(needle) for d in docs.tolist()]


def test_heading_counts_are_kept_per_column_and_stay_exact(gen: Generation) -> None:
    """bm25f over section paths and titles: the same score the first time and from the
    column's memory, and the counts are those of a scan of each distinct text."""
    section = ranking.columns_of(gen)[1]
    for needle in ("营商环境", "优化", "报告1", "没有"):
        found = ranking._distinct_counts(needle, section)
        expected = np.asarray([text.count(needle) for text in section.joined.split("\x00")]
                              + [0], dtype=np.float64)
        ids = np.arange(-1, len(expected) - 1)
        got = ranking._at(found, ids) if found is not None else np.zeros(len(ids))
        assert got.tolist() == expected[ids].tolist()
        assert ranking._distinct_counts(needle, section) is found
    docs = gen.live_docs
    counts = np.ones(len(docs))
    first = ranking.bm25f("营商环境", docs, counts, ranking.columns_of(gen), 5, gen.size)
    again = ranking.bm25f("营商环境", docs, counts, ranking.columns_of(gen), 5, gen.size)
    assert first.tolist() == again.tolist()


def test_heading_memory_is_bounded(gen: Generation) -> None:
    column = ranking.columns_of(gen)[1]
    with patch.object(ranking, "FOUND_REMEMBERED", 2):
        for needle in ("甲", "乙", "丙", "丁"):
            ranking._distinct_counts(needle, column)
            assert len(column.found) <= 2


def test_a_feedback_word_is_counted_where_it_occurs(gen: Generation) -> None:
    """_held_counts reads only the paragraphs holding the word; the others count 0."""
    bodies = _bodies(gen)
    docs = gen.live_docs[::-1]
    for needle in ("营商环境", "一带一路", "发展", "不存在的词"):
        assert scoring._held_counts(gen, needle, docs).tolist() == \
            [bodies[d].count(needle) for d in docs.tolist()]
    scored = scoring._alternative_scores(gen, Alternative(("营商环境", "一带一路"), FEEDBACK),
                                         docs, ranking.DEFAULT, refine=False)
    assert scored.shape == (len(docs),) and (scored >= 0).all()


def test_word_statistics_are_remembered_and_bounded(gen: Generation) -> None:
    words = ["营商环境", "发展", "乡村", "没有这个词"]
    direct = [gen.word_doc_frequency(w) for w in words]
    with gen._lock:
        reader = gen.ix.reader()
        try:
            assert direct == [reader.doc_frequency("body", w) for w in words]
        finally:
            reader.close()
    gen._word_df.clear()
    with patch.object(generation, "WORD_DF_REMEMBERED", 2):
        for word, known in zip(words * 2, direct * 2, strict=True):
            assert gen.word_doc_frequency(word) == known
            assert len(gen._word_df) <= 2


def _mentions_by_definition(body: str, needle: str) -> tuple[int, int, int]:
    """(in an enumeration, at the opening, in a clause with a figure), written from
    ranking.mentions' rules."""
    stops = [m.start() for m in re.finditer("[。！？]", body)]
    stop = stops[0] if stops else len(body)
    first = body.find(needle)
    opening = int(0 <= first < ranking.OPENING_CHARS and stop < len(body) - 1)
    listed, at, figured = 0, first, 0
    while at >= 0:
        reach = ranking.CLAUSE_MAX  # the clause, at most this far on each side
        clause = re.split("[，。；：！？,;:]", body[max(0, at - reach):at])[-1] + \
            re.split("[，。；：！？,;:]", body[at:at + len(needle) + reach])[0]
        figured |= bool(ranking._FIGURE.search(clause))  # what a figure is: test_ranking_substance
        before = body[at - 1] if at > 0 else ""
        if before in "“「‘\"" and at - 1 > 0:
            before = body[at - 2]
        end = at + len(needle)
        after = body[end] if end < len(body) else ""
        if after in "”」’\"" and end + 1 < len(body):
            after = body[end + 1]
        listed += before == "、" or after in ("、", "等")  # ending the paragraph is no list
        at = body.find(needle, end)
    return listed, opening, int(figured)


@pytest.mark.parametrize("needle", ["营商环境", "发展", "常常", "乡村", "一带一路"])
def test_mentions_follow_their_definition(gen: Generation, needle: str) -> None:
    bodies = _bodies(gen)
    docs = gen.literal(needle)[::-1]
    found = ranking.mentions(gen, needle, docs)
    expected = [_mentions_by_definition(bodies[d], needle) for d in docs.tolist()]
    assert found.shape == (3, len(docs)) and found.dtype == np.int32
    assert list(zip(*found.tolist(), strict=True)) == expected


def test_grams_are_found_by_key(gen: Generation) -> None:
    part = gen.columns.parts[0]
    bodies = list(_bodies(gen).values())
    for gram in ("营商", "营", "常常", "ab", "\U00020000"):
        grams: Callable[[str], int] = (part.grams1 if len(gram) == 1 else part.grams2).find
        assert (grams(gram) >= 0) == any(gram in b for b in bodies), gram


def test_start_up_looks_up_the_common_words_statistics_once(gen: Generation) -> None:
    gen._word_df.clear()
    assert feedback.warm(gen) == 0  # a corpus too small for profiles: nothing to look up
    with patch.object(feedback, "MIN_PARAGRAPHS", 1), patch.object(feedback, "WARM_SHARED", 4):
        looked_up = feedback.warm(gen)
    common = {"营商环境", "发展", "乡村"}  # in every report's paragraphs, so in 4 of the sample
    assert looked_up == len(gen._word_df) and common <= set(gen._word_df)
    with gen._lock:
        reader = gen.ix.reader()
        try:
            expected = {w: reader.doc_frequency("body", w) for w in common}
        finally:
            reader.close()
    with patch.object(Generation, "_words", side_effect=AssertionError("looked up again")):
        assert {w: gen.word_doc_frequency(w) for w in common} == expected
