"""A saved web page -> the report's text, a line per paragraph of the page.

Governments publish their work reports as web pages first, and a user saves the page as it
is: the report's paragraphs among the site's menus, breadcrumbs, share buttons and footer.
Each block of the page (p, div, li, td, a heading, a line break) is a line. What a reader of
the report never reads is left out: scripts and styles, the page's navigation, header,
footer and asides, and every line made mostly of links (a menu, "上一篇 下一篇", related
reports), since a report's paragraphs link nothing or little. A sloppy page is read as a
browser shows it: a head whose optional end tag is left out ends where the body begins, and a
region never closed (<nav> with no </nav>) hides nothing after it. The cleaning rules then drop
the rest of the chrome as they do in a copied page (打印 关闭, 当前位置：…, 版权所有…). Where
the page's source wraps a paragraph, the text runs on as in a wrapped collection
(unwrap.join): no space between Chinese characters or inside a number, one between two
Latin words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from searchapp.ingest import unwrap

LINKED_SHARE = 0.5  # a line whose text is more than this share of links is navigation
_SKIPPED = {"script", "style", "noscript", "template", "head", "nav", "header", "footer",
            "aside", "select", "button", "form", "svg"}
_REGIONS = {"nav", "header", "footer", "aside", "form"}  # page regions a sloppy page may leave
#                                                     open (page_text keeps their text then)
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "dd", "dt", "dl", "td", "th", "tr", "table",
           "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main", "blockquote",
           "pre", "hr", "center", "body", "html", "tbody", "thead", "figure", "figcaption"}
_SOURCE_BREAK = re.compile(r"\s*\n\s*")  # where the page's source wraps its lines


def page_text(html: str) -> str:
    """The lines of the page's readable text, joined by newlines. A page region left open
    (a <nav> or <header> never closed: browsers show what follows it) would hide the rest of
    the page, so the page is read again with that region's text kept."""
    kept: set[tuple[int, int]] = set()
    while True:
        parser = _Lines(kept)
        parser.feed(html)
        parser.close()
        parser.end_line()
        unclosed = {at for tag, at in parser.skipping if tag in _REGIONS} - kept
        if not unclosed:
            return "\n".join(parser.lines)
        kept |= unclosed


class _Lines(HTMLParser):
    """Collects the text of each block, with how much of it sits inside links. `kept`: where
    (line, column) skipped elements start whose text is kept after all (page_text)."""

    def __init__(self, kept: set[tuple[int, int]]) -> None:
        super().__init__(convert_charrefs=True)
        self.kept = kept
        self.lines: list[str] = []
        self.skipping: list[tuple[str, tuple[int, int]]] = []  # open elements whose text is
        #                                                         not the report's, and where
        self.links = 0  # open <a> elements
        self.text: list[str] = []
        self.linked = 0  # characters of the current line inside links

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS and tag != "html":  # </head> may be left out: the body starts it
            self._close("head")
        if tag in _SKIPPED and self.getpos() not in self.kept:
            self.skipping.append((tag, self.getpos()))
        elif tag == "a":
            self.links += 1
        if tag in _BLOCKS:
            self.end_line()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.end_line()

    def handle_endtag(self, tag: str) -> None:
        if not self._close(tag) and tag == "a" and self.links:
            self.links -= 1
        if tag in _BLOCKS:
            self.end_line()

    def _close(self, tag: str) -> bool:
        """Close the innermost open skipped `tag` and every skipped element inside it;
        whether one was open."""
        if not any(open_tag == tag for open_tag, _ in self.skipping):
            return False
        while self.skipping.pop()[0] != tag:
            pass
        return True

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        self.text.append(data)
        if self.links:
            self.linked += len(data.strip())

    def end_line(self) -> None:
        line = " ".join(unwrap.join(_SOURCE_BREAK.split("".join(self.text))).split())
        if line and self.linked <= LINKED_SHARE * len(line.replace(" ", "")):
            self.lines.append(line)
        self.text, self.linked = [], 0
