"""Cleaned paragraphs -> Paragraphs with a stable ordinal and a section path; the glossary.

Reports number their parts in several styles (一、 / （一） / —— / 1. / bare part titles) and mix
them freely: an appendix under a bare title restarts at 一、, a county report may use bare part
titles where the national report uses 一、. So levels are not fixed per style. Like a reader, we
keep a stack of the numbering styles currently open: a heading of a style already open closes
everything below it and replaces its sibling; a new style opens one level deeper. A bare title
("2023年工作安排", "关于教育改革问题") is a part of its own or a topic inside a 一、 part, never
inside （一）/——/1.; glossaries, appendices, 结束语 and a bare title under which the numbering
starts over at 一、 ("2025年省十件民生实事") always start over at level 1.

A —— item is a leaf of the outline, and nothing marks where it ends: after the last item of a
list the enclosing part simply goes on ("回顾过去一年……", "一是……"). `list_ends` lets the
siblings decide how long the last item is.

Run-in headings ("（一）逆势奋进，综合实力迈上新台阶。按照……") become two paragraphs: the heading
(text up to and including the first 。) and the body (the rest), so each is searchable on its own
and the body's section path ends with its heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from searchapp.model import Paragraph

_CN = "一二三四五六七八九十百"
STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn", re.compile(rf"^(?:第?[{_CN}]+[、．.]|[{_CN}]+$"
                      rf"|第[{_CN}]+(?:部分|章|篇|节)(?!\w*[，,。]))")),
    ("paren", re.compile(rf"^[（(][{_CN}]+[）)]")),
    ("arabic", re.compile(r"^\d{1,2}[.．、](?!\d)")),
    ("arabic_paren", re.compile(r"^[（(]\d{1,2}[）)]")),
    ("circled", re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]")),
    ("dash", re.compile(r"^——(?!—)")),
)
STANDALONE_MAX = 60  # a numbered line this short without 。 inside is a heading on its own
RUN_IN_MAX = 60  # a run-in heading is the first sentence, if the sentence is this short
BARE_MAX = 30
ADDRESS_MAX = 12  # characters of a paragraph that is only an address (各位代表，同志们！)
_SENTENCE_END = re.compile(r"[。！？!?]")
_CLAUSE_PUNCT = re.compile(r"[，,。；;：:！!？?]")
_SALUTATION = re.compile(r"^(各位代表|各位委员|同志们|代表们)(?:[，,：:！!]|$)")
_GLOSSARY_HEADING = re.compile(r"(词语|名词|词汇)(解释|注释|说明)|^注释$")
_APPENDIX = re.compile(r"^(附件|附录|附表|附[:：]|结束语|结语)")  # parts that close a report
_APPENDIX_LABEL = re.compile(r"^附(?:件\s*[\d一二三四五六七八九十]*|录|表)?\s*[:：]\s*")
_RESTART = re.compile(r"^第?一[、．.]")  # the numbering starting over at 一、
_WORDY = re.compile(r"[^\W\d_]")  # a letter or a character: "2.5", "5%" are not titles
_GLOSSARY_ENTRY = re.compile(r"^(.{1,30}?)[:：](.+)$")
TRAILING_PUNCT = "。：:；;，,！!？? "  # dropped from a heading where it names a section


@dataclass(frozen=True)
class Split:
    paragraphs: list[Paragraph]
    glossary: dict[str, str]


def split(texts: list[str]) -> Split:
    """Number the paragraphs, find headings and section paths, collect the glossary."""
    front = front_matter_end(texts)
    out = [Paragraph(n, t) for n, t in enumerate(texts[:front], start=1)]
    pieces = [piece for i in range(front, len(texts)) for piece in _pieces(
        texts[i], texts[i - 1] if i else "", texts[i + 1] if i + 1 < len(texts) else None)]
    ends = list_ends([style for _, style in pieces])
    stack: list[tuple[str, str]] = []  # (style, title) of the open headings, outermost first
    glossary: dict[str, str] = {}
    for j, (text, style) in enumerate(pieces):
        if j in ends and stack and stack[-1][0] == "dash":
            stack.pop()
        if style == "part":  # a glossary, an appendix, 结束语: a new part at level 1
            stack.clear()
            style = "bare"
        if style is None and is_address(text):
            del stack[1:]
        out.append(_place(len(out) + 1, text, style, stack))
        if style is None and any(_GLOSSARY_HEADING.search(title) for _, title in stack):
            _add_glossary_entry(text, glossary)
    return Split(out, glossary)


def list_ends(styles: list[str | None]) -> set[int]:
    """Indexes of the body pieces that close a —— list and go back to the section above it.

    A —— item is a leaf: a goal line ("——城镇新增就业50万人。") or a short title with its own
    elaboration ("——经济运行稳中向好。" + one paragraph of figures). Nothing marks where the
    last item ends and the text of the enclosing part resumes ("回顾过去一年……", "一是……"), so
    the siblings tell: the last item of a run of two or more keeps as many body paragraphs as
    the most any earlier item had; the paragraphs after that belong to the part above.
    """
    ends: set[int] = set()
    items: list[int] = []  # positions of the —— headings of the current run
    for j, style in enumerate([*styles, "end"]):
        if style == "dash":
            items.append(j)
        elif style is not None:  # any other heading, or the end, closes the run
            if len(items) >= 2:
                quota = max(b - a - 1 for a, b in pairwise(items))
                if j - items[-1] - 1 > quota:
                    ends.add(items[-1] + quota + 1)
            items = []
    return ends


def front_matter_end(texts: list[str]) -> int:
    """Paragraphs before the body: title lines, source, subtitle, speaker, salutation.

    They are searchable but never headings ("——在孟州市第六届人民代表大会…" is a subtitle).
    """
    for i, text in enumerate(texts[:15]):
        if _SALUTATION.match(text) and len(text) <= 80:
            return i + 1
    i = 0
    while i < len(texts) and len(texts[i]) <= 60 and not _SENTENCE_END.search(texts[i]):
        if _style(texts[i]) is not None:
            break
        i += 1
    return i


def is_address(text: str) -> bool:
    """A paragraph that only addresses the audience ("各位代表！"). In the body it closes the
    sub-parts open below the outermost heading: the report turns to the next matter. After the
    last （九） of the year's tasks come government self-building, nationalities, defence, Hong
    Kong and foreign affairs, each after its own 各位代表！; 197 such paragraphs in the national
    reports, and every one at depth 2 stood after the last sub-item (the 2014 report had filed
    18 paragraphs on those matters under （九）努力建设生态文明的美好家园)."""
    return len(text) <= ADDRESS_MAX and _SALUTATION.match(text) is not None


def _style(text: str) -> str | None:
    return next((name for name, pattern in STYLES if pattern.match(text)), None)


def _pieces(text: str, prev: str, nxt: str | None) -> list[tuple[str, str | None]]:
    """[(text, heading style or None)]: one piece, or heading + body for a run-in heading.

    一、 items that end like a sentence ("一、兴修水利。") or run on are enumerations inside body
    text, not part titles; any numbered line ending in ； is a list item. A bare title that
    closes the report (a glossary, 附件, 结束语) or whose next line starts the numbering over at
    一、 (an appendix such as "2025年省十件民生实事") is a "part" of its own at level 1.
    A line of figures only ("2.5" split off "PM2.5" by a scrape, "5%") is never a heading.
    """
    if not _WORDY.search(text):
        return [(text, None)]
    style = _style(text)
    if style is None and is_bare_heading(text, prev, nxt):
        starts_over = _GLOSSARY_HEADING.search(text) or _APPENDIX.match(text)
        return [(text, "part" if starts_over or _RESTART.match(nxt or "") else "bare")]
    if style is None:
        return [(text, None)]
    end = _SENTENCE_END.search(text)
    if text.endswith(("；", ";")) or (style == "cn" and end is not None):
        return [(text, None)]
    if end is None or end.end() == len(text):
        return [(text, style if len(text) <= STANDALONE_MAX else None)]
    if end.end() <= RUN_IN_MAX:
        return [(text[: end.end()], style), (text[end.end() :].strip(), None)]
    return [(text, None)]


def is_bare_heading(text: str, prev: str, nxt: str | None) -> bool:
    """A part title without numbering ("2023年工作安排", "重要词语解释").

    What gives it away in real reports: a short line without clause punctuation, not wrapped in
    brackets, between body text (or numbered items) and body text. A run of such short lines is
    a list, a table or a signature block instead, so neither neighbour may look like one.
    """
    if not _short_plain(_APPENDIX_LABEL.sub("", text)) or text[0] in "（(【[《" or nxt is None:
        return False
    return not _short_plain(prev) and not _short_plain(nxt)


def _short_plain(text: str) -> bool:
    """Short, unnumbered, without clause punctuation: the shape of titles and list lines."""
    return (2 <= len(text) <= BARE_MAX and not _CLAUSE_PUNCT.search(text)
            and _style(text) is None and _WORDY.search(text) is not None)


def _place(n: int, text: str, style: str | None, stack: list[tuple[str, str]]) -> Paragraph:
    """Update the open-heading stack for a heading; return the paragraph with its path."""
    if style is None:
        return Paragraph(n, text, tuple(title for _, title in stack), 0)
    if style == "bare" and not any(s == style for s, _ in stack):
        del stack[1 if stack and stack[0][0] == "cn" else 0 :]
    if any(s == style for s, _ in stack):
        while stack[-1][0] != style:
            stack.pop()
        stack.pop()
    section = tuple(title for _, title in stack)
    stack.append((style, text.rstrip(TRAILING_PUNCT) or text))
    return Paragraph(n, text, section, len(stack))


def _add_glossary_entry(text: str, glossary: dict[str, str]) -> None:
    match = _GLOSSARY_ENTRY.match(text)
    if match and match.group(2).strip():
        glossary.setdefault(match.group(1).strip(), match.group(2).strip())
