"""The report view: outline, paragraphs with the query's terms marked, glossary notes.

Paragraph HTML comes only from search.mark (escaped text + <mark>); the glossary
step then wraps terms in <abbr title="…"> inside the text between those tags. It
matches terms against the text itself (each piece unescaped, matched, escaped again),
never against its entities, so a term such as `lt` cannot split `&lt;`; the term and
its explanation are escaped, so the result is still safe to mark as HTML.
Each term is also explained once in a note under the first paragraph using it,
because a title tooltip is invisible on a phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

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
class MatchPosition:
    """Where a paragraph holding the query stands among those that do: 3 / 12, and the
    paragraph numbers of the previous and next ones (None at either end)."""

    index: int  # 1-based
    total: int
    previous: int | None
    next: int | None


@dataclass(frozen=True)
class DocView:
    outline: list[OutlineEntry]
    paragraphs: list[DocParagraph]
    matched: tuple[int, ...] = ()  # paragraph numbers where the query is marked, in order

    def position(self, n: int) -> MatchPosition | None:
        """上一处 / 下一处 of paragraph `n` (None if the query is not marked in it)."""
        if n not in self.matched:
            return None
        i = self.matched.index(n)
        return MatchPosition(i + 1, len(self.matched), self.matched[i - 1] if i else None,
                             self.matched[i + 1] if i + 1 < len(self.matched) else None)


def _abbr_pattern(glossary: dict[str, str]) -> re.Pattern[str] | None:
    terms = sorted((t for t in glossary if t.strip()), key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in terms))


def with_abbr(html: str, glossary: dict[str, str], pattern: re.Pattern[str] | None) -> Markup:
    """Wrap glossary terms found in the text parts of already-escaped HTML."""
    if pattern is None:
        return Markup(html)

    def marked(escaped: str) -> str:
        text = unescape(escaped)  # undoes search.mark's escaping: &lt; &amp; &#34; …
        out, end = [], 0
        for match in pattern.finditer(text):
            term = match.group(0)
            out += [str(escape(text[end:match.start()])),
                    f'<abbr title="{escape(glossary[term])}">{escape(term)}</abbr>']
            end = match.end()
        return "".join(out) + str(escape(text[end:]))

    parts = _TAG.split(html)
    return Markup("".join(p if p.startswith("<") else marked(p) for p in parts))


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
    return DocView(outline, paragraphs, tuple(p.n for p in paragraphs if "<mark>" in p.html))
