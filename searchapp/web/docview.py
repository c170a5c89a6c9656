"""The report view: outline, paragraphs with the query's terms marked, glossary notes.

Paragraph HTML comes only from search.mark (escaped text + <mark>); the glossary
step then wraps terms in <abbr title="…"> inside the text between those tags,
escaping the explanation itself, so the result is still safe to mark as HTML.
Each term is also explained once in a note under the first paragraph using it,
because a title tooltip is invisible on a phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from searchapp.model import Report

_TAG = re.compile(r"(<[^>]*>)")


@dataclass(frozen=True)
class OutlineEntry:
    n: int
    text: str
    level: int


@dataclass(frozen=True)
class DocParagraph:
    n: int
    html: Markup
    heading_level: int
    notes: tuple[tuple[str, str], ...]  # glossary (term, explanation) first used here


@dataclass(frozen=True)
class DocView:
    outline: list[OutlineEntry]
    paragraphs: list[DocParagraph]


def _abbr_pattern(glossary: dict[str, str]) -> re.Pattern[str] | None:
    terms = sorted((t for t in glossary if t.strip()), key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join(re.escape(str(escape(t))) for t in terms))


def with_abbr(html: str, glossary: dict[str, str], pattern: re.Pattern[str] | None) -> Markup:
    """Wrap glossary terms found in the text parts of already-escaped HTML."""
    if pattern is None:
        return Markup(html)
    by_escaped = {str(escape(term)): explanation for term, explanation in glossary.items()}

    def wrap(match: re.Match[str]) -> str:
        title = escape(by_escaped[match.group(0)])
        return f'<abbr title="{title}">{match.group(0)}</abbr>'

    parts = _TAG.split(html)
    return Markup("".join(p if p.startswith("<") else pattern.sub(wrap, p) for p in parts))


def build(report: Report, q: str, mark: Callable[[str, str], str]) -> DocView:
    """`mark` is search.mark: the one place that escapes and highlights report text."""
    pattern = _abbr_pattern(report.glossary)
    explained: set[str] = set()
    paragraphs = []
    for p in report.paragraphs:
        notes = tuple((t, e) for t, e in report.glossary.items()
                      if t.strip() and t not in explained and t in p.text)
        explained.update(t for t, _ in notes)
        html = with_abbr(mark(p.text, q), report.glossary, pattern)
        paragraphs.append(DocParagraph(p.n, html, p.heading_level, notes))
    outline = [OutlineEntry(p.n, p.text, p.heading_level)
               for p in report.paragraphs if p.heading_level > 0]
    return DocView(outline, paragraphs)
