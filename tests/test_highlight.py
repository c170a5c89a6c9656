"""Highlighting: spans on normalised text, escaped HTML with <mark>, fragments."""

import pytest

from searchapp.search.highlight import (
    CONTEXT_CHARS,
    FRAGMENT_CHARS,
    find_spans,
    fragment,
    merge,
    render,
)

SPANS = [
    ("every occurrence", "乡村振兴，振兴乡村", ["乡村"], [(0, 2), (7, 9)]),
    ("several needles", "营商环境和乡村振兴", ["乡村振兴", "营商环境"], [(0, 4), (5, 9)]),
    ("overlapping needles merge", "乡村振兴战略", ["乡村振兴", "振兴战略"], [(0, 6)]),
    ("touching needles merge", "乡村振兴战略", ["乡村振兴", "战略"], [(0, 6)]),
    ("overlapping occurrences of one needle", "啊啊啊", ["啊啊"], [(0, 3)]),
    ("no occurrence", "营商环境", ["乡村"], []),
    ("empty needle ignored", "营商环境", [""], []),
]


@pytest.mark.parametrize("text, needles, spans", [c[1:] for c in SPANS], ids=[c[0] for c in SPANS])
def test_find_spans(text, needles, spans):
    assert find_spans(text, needles) == spans


def test_merge_sorts_and_joins():
    assert merge([(5, 7), (0, 2), (1, 3), (7, 8)]) == [(0, 3), (5, 8)]


def test_render_escapes_text_inside_and_outside_marks():
    text = '<script>alert("x")</script> & 乡村'
    assert render(text, [(0, 8), (30, 32)]) == (
        "<mark>&lt;script&gt;</mark>alert(&#34;x&#34;)&lt;/script&gt; &amp; <mark>乡村</mark>")


def test_render_without_spans_is_just_escaped():
    assert render("a<b", []) == "a&lt;b"


def test_short_paragraph_fragment_is_the_whole_highlight():
    assert fragment("推进乡村振兴。", [(2, 6)]) == "推进<mark>乡村振兴</mark>。"


def test_long_paragraph_fragment_keeps_context_around_the_marks():
    text = "甲" * 100 + "乡村振兴" + "乙" * 200
    assert fragment(text, [(100, 104)]) == (
        "…" + "甲" * CONTEXT_CHARS + "<mark>乡村振兴</mark>"
        + "乙" * (FRAGMENT_CHARS - CONTEXT_CHARS - 4) + "…")


def test_fragment_prefers_the_window_with_most_marks():
    text = "乡" + "甲" * 100 + "乡甲乡" + "乙" * 100
    assert fragment(text, [(0, 1), (101, 102), (103, 104)], width=40) == (
        "…" + "甲" * 10 + "<mark>乡</mark>甲<mark>乡</mark>" + "乙" * 27 + "…")


def test_fragment_near_the_end_is_not_shorter_than_the_window():
    text = "甲" * 100 + "乡村"
    assert fragment(text, [(100, 102)], width=20) == "…" + "甲" * 18 + "<mark>乡村</mark>"


def test_fragment_without_marks_is_the_beginning():
    assert fragment("甲" * 30, [], width=10) == "甲" * 10 + "…"


def test_fragment_clips_a_mark_crossing_the_window_edge():
    text = "乡村振兴" + "甲" * 20
    assert fragment(text, [(0, 4)], width=2) == "<mark>乡村</mark>…"
