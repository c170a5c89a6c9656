"""The report view model: outline from headings, glossary explained where terms occur,
and nothing unescaped (the <abbr> step works on already-escaped HTML)."""

from __future__ import annotations

import html

from searchapp.model import Paragraph, Report
from searchapp.web import docview


def plain_mark(text: str, q: str) -> str:
    """Stand-in for search.mark's contract (escape, then <mark> the literal query)."""
    escaped = html.escape(text, quote=False)
    return escaped.replace(html.escape(q), f"<mark>{html.escape(q)}</mark>") if q else escaped


REPORT = Report(
    id="r", source_path="r.txt", title="报告",
    paragraphs=[
        Paragraph(1, "一、工作回顾", (), 1),
        Paragraph(2, "落实“两个健康”要求，<b>两个健康</b>。", ("一、工作回顾",), 0),
        Paragraph(3, "（一）经济", ("一、工作回顾",), 2),
        Paragraph(4, "再谈两个健康与A&B。", ("一、工作回顾", "（一）经济"), 0),
    ],
    glossary={"两个健康": "指“健康发展”与<健康成长>", "A&B": "甲与乙"},
)


def test_outline_lists_headings_with_their_level() -> None:
    view = docview.build(REPORT, "", plain_mark)
    assert view.outline == [docview.OutlineEntry(1, "一、工作回顾", 1),
                            docview.OutlineEntry(3, "（一）经济", 2)]


def test_glossary_note_appears_once_under_the_first_paragraph_using_the_term() -> None:
    view = docview.build(REPORT, "", plain_mark)
    assert [p.notes for p in view.paragraphs] == [
        (), (("两个健康", "指“健康发展”与<健康成长>"),), (), (("A&B", "甲与乙"),)]


def test_terms_are_wrapped_in_abbr_with_an_escaped_title() -> None:
    view = docview.build(REPORT, "", plain_mark)
    title = "指“健康发展”与&lt;健康成长&gt;"
    assert str(view.paragraphs[1].html) == (
        f'落实“<abbr title="{title}">两个健康</abbr>”要求，&lt;b&gt;'
        f'<abbr title="{title}">两个健康</abbr>&lt;/b&gt;。')
    assert str(view.paragraphs[3].html) == (
        f'再谈<abbr title="{title}">两个健康</abbr>与<abbr title="甲与乙">A&amp;B</abbr>。')


def test_query_marks_survive_and_tags_are_never_rewritten() -> None:
    view = docview.build(REPORT, "要求", plain_mark)
    assert str(view.paragraphs[1].html).startswith(
        '落实“<abbr title="指“健康发展”与&lt;健康成长&gt;">两个健康</abbr>”<mark>要求</mark>')


def test_a_report_without_glossary_is_only_marked() -> None:
    report = Report(id="x", source_path="x", paragraphs=[Paragraph(1, "<script>x</script>")])
    view = docview.build(report, "x", plain_mark)
    assert str(view.paragraphs[0].html) == "&lt;script&gt;<mark>x</mark>&lt;/script&gt;"
