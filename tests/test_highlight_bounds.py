"""Highlighting costs what the paragraph's length costs, never its number of matches squared:
a pathological paragraph (a 1.2 MB line of one repeated word) answers like any other, with at
most MAX_SPANS marks and MAX_RENDER_CHARS characters of highlight."""

from __future__ import annotations

import time

from conftest import hang_detector, opened
from hypothesis import given
from hypothesis import strategies as st

from searchapp.model import Query
from searchapp.search import highlight, searching
from searchapp.search.highlight import (
    CONTEXT_CHARS,
    ELLIPSIS,
    MAX_RENDER_CHARS,
    MAX_SPANS,
    find_spans,
    fragment,
    merge,
    render,
    window,
)

HUGE = "发展" * 200_000  # one line of 1.2 MB (UTF-8), 200,000 matches of 发
HANG = 30  # seconds: a hang detector, not a speed target (bench/ measures speed)




def test_a_huge_paragraph_with_200000_matches_answers_in_time(make_index, make_report):
    directory = make_index([make_report("huge", HUGE), make_report("small", "推动高质量发展。")])
    opened(directory).generation()
    with hang_detector(HANG):
        started = time.perf_counter()
        results = searching.run(opened(directory), Query(q="发"))
        seconds = time.perf_counter() - started
    huge = next(h for h in results.hits if h.doc == "huge")
    print(f"search over a 1.2 MB paragraph with 200,000 matches: {seconds:.3f} s")
    assert (results.total, len(huge.spans), huge.spans[0], huge.spans[-1]) == (
        2, MAX_SPANS, (0, 1), (2 * (MAX_SPANS - 1), 2 * MAX_SPANS - 1))
    assert huge.highlight.count("<mark>") == MAX_SPANS and huge.highlight.endswith(ELLIPSIS)
    assert huge.fragment == "<mark>发</mark>展" * 80 + ELLIPSIS


def test_highlighting_functions_alone_are_fast_on_the_huge_paragraph():
    with hang_detector(HANG):
        spans = find_spans(HUGE, ["发", "展发", "发展发展"])
        assert spans == [(0, 2 * MAX_SPANS + 2)]  # each string's first MAX_SPANS, touching
        spans = find_spans(HUGE, ["发"])
        assert len(spans) == MAX_SPANS
        assert fragment(HUGE, spans).count("<mark>") == 80
        assert len(render(HUGE, spans)) == MAX_RENDER_CHARS + MAX_SPANS * len("<mark></mark>") + 1


def test_find_spans_keeps_the_first_marks_in_text_order():
    assert find_spans("甲乙" * 10, ["甲", "乙"], limit=3) == [(0, 6)]  # 3 of each, merged
    assert find_spans("甲丙乙丙" * 5, ["乙", "甲"], limit=3) == [(0, 1), (2, 3), (4, 5)]


def test_render_cuts_a_huge_text_with_an_ellipsis_and_keeps_marks_inside():
    text = "甲" * 10 + "<乡村>" + "乙" * 10
    assert render(text, [(10, 14), (20, 22)], limit=12) == "甲" * 10 + "<mark>&lt;乡</mark>…"
    assert render(text, [(10, 14)], limit=len(text)) == render(text, [(10, 14)])


def _old_best_window(spans: list[tuple[int, int]], width: int) -> int:
    """The quadratic definition the linear pass must agree with."""
    best_start, best_count = 0, -1
    context = min(CONTEXT_CHARS, width // 4)
    for first, _ in spans:
        start = max(0, first - context)
        count = sum(1 for s, e in spans if s >= start and e <= start + width)
        if count > best_count:
            best_start, best_count = start, count
    return best_start


_SPANS = st.lists(st.tuples(st.integers(0, 400), st.integers(1, 12)), max_size=40).map(
    lambda pairs: merge((s, s + n) for s, n in pairs))


@given(_SPANS, st.integers(1, 200))
def test_the_linear_window_choice_equals_the_quadratic_one(spans, width):
    assert highlight._best_window(spans, width) == _old_best_window(spans, width)


def test_window_accepts_unsorted_overlapping_spans():
    text = "甲" * 100 + "乡村振兴" + "乙" * 100
    assert window(text, [(102, 104), (100, 103)], 20)[2] == window(text, [(100, 104)], 20)[2]
