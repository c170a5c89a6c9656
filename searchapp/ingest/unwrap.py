"""Lines of text -> paragraphs, undoing hard wraps.

Reports reach users as text copied out of PDFs and word processors as often as with one
paragraph per line: every line cut at the page's width (…加快建设现代化\\n产业体系…), a
paragraph begun by indentation or a blank line. Read line by line, such a file splits a
phrase across two paragraphs (a quoted search misses it) and cuts sentences from their
headings. So a file is taken as wrapped when many of its lines have one same length, the
width of its page: a line that fills the page goes on in the next one, unless that one is
indented or blank. A file with one paragraph per line has lines of every length, and those
of one length still end their sentences, where a wrap cuts mostly inside one; such a file is
read line by line as before.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence

from searchapp.ingest import cleaning

MIN_LENGTH = 16  # lines shorter than this say nothing about the page's width
MIN_WRAPPED = 5  # full lines a wrapped text has at least
WRAPPED_SHARE = 0.3  # of the lines of MIN_LENGTH or more, this share has the page's width
SLACK = 2  # a full line may fall this short of the width: a wide character that did not fit
#            in the last column, or punctuation a typesetter kept off the start of a line
ENDED_SHARE = 0.5  # full lines ending a sentence: fewer in wrapped text (a cut falls there
#                   by chance), nearly all where each line is a paragraph
_INDENT = re.compile(r"[\s\u3000]")
_SENTENCE_END = re.compile(r"[。！？；：.!?;:”」）)]$")


def paragraphs(lines: Sequence[str]) -> list[str]:
    """The paragraphs of a text's lines: each line, or, in hard-wrapped text, each run of
    lines that fill the page joined with the line after them."""
    cleaned = [cleaning.normalize_line(line) for line in lines]
    length = _page_length(cleaned)
    if length is None:
        return [line for line in cleaned if line]
    measure, full = length
    indents = _indents_begin_paragraphs(lines, cleaned)
    found: list[list[str]] = []
    going_on = False  # the last line filled the page
    for raw, line in zip(lines, cleaned, strict=True):
        if not line:
            going_on = False
            continue
        if going_on and not (indents and _INDENT.match(raw)):
            found[-1].append(line)
        else:
            found.append([line])
        going_on = measure(line) >= full - SLACK
    return ["".join(part) for part in found]  # no space even between Latin letters: a
    #  wrapper cuts inside a word (CP|I) as often as between two, and a missing space costs
    #  a search nothing (matching is on substrings) where a space inside CPI loses it


def join(lines: Sequence[str]) -> str:
    """Lines a collection wrapped at its words (Wikisource) as one paragraph: Chinese runs
    on without a space, but a space comes back between two Latin words (GDP\\ngrowth),
    though not inside a number (1803\\n0张)."""
    joined = ""
    for line in filter(None, lines):
        last, first = joined[-1:], line[0]
        seam = last.isascii() and last.isalnum() and first.isascii() and first.isalnum() \
            and not (last.isdigit() and first.isdigit())
        joined += (" " if seam else "") + line
    return joined


def _page_length(lines: Sequence[str]) -> tuple[Callable[[str], int], int] | None:
    """How wrapped lines are measured (characters, or display columns where a Chinese
    character takes two) and the page's width in that measure; None for unwrapped text.
    Wrappers count either way, and a line with digits in it is shorter in the other one."""
    best: tuple[int, Callable[[str], int], int] | None = None
    for measure in (len, _columns):
        lengths = Counter(measure(line) for line in lines if len(line) >= MIN_LENGTH)
        ended = Counter(measure(line) for line in lines
                        if len(line) >= MIN_LENGTH and _SENTENCE_END.search(line))
        total = sum(lengths.values())
        for width in lengths:
            full = lengths[width] + lengths[width - 1]  # width − 1: a wide character left over
            if full >= MIN_WRAPPED and full >= WRAPPED_SHARE * total and \
                    ended[width] + ended[width - 1] < ENDED_SHARE * full and \
                    (best is None or full > best[0]):
                best = (full, measure, width)
    return (best[1], best[2]) if best else None


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _indents_begin_paragraphs(raw: Sequence[str], cleaned: Sequence[str]) -> bool:
    """Indentation marks a paragraph's first line, unless most lines are indented (a margin
    the whole text has)."""
    written = [line for line, text in zip(raw, cleaned, strict=True) if text]
    indented = sum(1 for line in written if _INDENT.match(line))
    return 0 < indented <= len(written) / 2
