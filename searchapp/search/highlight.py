"""Highlighting: where the query's strings occur in a paragraph, and the HTML for it.

Spans are found on the *normalised* text (the same folding the index uses),
which has the same length as the stored text, so every offset lands on the
original characters. We compute marks ourselves instead of asking Whoosh to
re-analyse each hit: it is exact for substrings and far cheaper per hit.

The HTML built here is the only document text the web layer marks safe, so
every character of the paragraph goes through markupsafe.escape.

The work is bounded whatever a paragraph holds (a 16 MB file of one line is one
paragraph): at most MAX_SPANS marks per paragraph (the first occurrences of each
string; later ones stay unmarked), the fragment window chosen in one pass over
them, and at most MAX_RENDER_CHARS characters rendered, the rest cut with an
ellipsis. A 1.2 MB paragraph of '发展' × 200,000 searched for '发' (200,000
matches) highlights in milliseconds; it took minutes when every mark was
compared with every other.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import escape

Span = tuple[int, int]

FRAGMENT_CHARS = 160  # a paragraph longer than this is cut to a window in the result list
CONTEXT_CHARS = 30  # characters kept before the first mark (at most a quarter of the window)
ELLIPSIS = "…"
MAX_SPANS = 2000  # marks per paragraph; real paragraphs have a few dozen at most
MAX_RENDER_CHARS = 20_000  # characters `render` writes; real paragraphs stay under 5,000


def find_spans(normalized_text: str, needles: Iterable[str],
               limit: int = MAX_SPANS) -> list[Span]:
    """The first `limit` marks: occurrences of the needles, merged where they overlap or
    touch (from each needle's first `limit` occurrences, so the cost is bounded)."""
    found = []
    for needle in set(needles):
        if not needle:
            continue
        start, count = normalized_text.find(needle), 0
        while start >= 0 and count < limit:
            found.append((start, start + len(needle)))
            count += 1
            start = normalized_text.find(needle, start + 1)
    return merge(found)[:limit]


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, disjoint spans; touching ones become one mark (乡村振兴|战略 reads as one)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def render(text: str, spans: Iterable[Span], limit: int = MAX_RENDER_CHARS) -> str:
    """Escaped `text` with <mark> around each (sorted, disjoint) span; a text longer than
    `limit` characters is cut there and ends in an ellipsis."""
    suffix = ""
    if len(text) > limit:
        text, suffix = text[:limit], ELLIPSIS
    parts = []
    cursor = 0
    for start, end in spans:
        if start >= len(text):
            break
        parts.append(str(escape(text[cursor:start])))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = min(end, len(text))
    parts.append(str(escape(text[cursor:])))
    return "".join(parts) + suffix


def fragment(text: str, spans: list[Span], width: int = FRAGMENT_CHARS) -> str:
    """Like render, but cut to the `width`-character window holding the most marks."""
    start, end, inside = window(text, spans, width)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    return prefix + render(text[start:end], inside) + suffix


def window(text: str, spans: list[Span],
           width: int = FRAGMENT_CHARS) -> tuple[int, int, list[Span]]:
    """(start, end, spans clipped and shifted into text[start:end]) of the fragment window;
    shared by the HTML fragment and the terminal printer."""
    if len(text) <= width:
        return 0, len(text), list(spans)
    spans = merge(spans)
    end = min(len(text), _best_window(spans, width) + width)
    start = max(0, end - width)
    inside = [(max(s, start) - start, min(e, end) - start)
              for s, e in spans if s < end and e > start]
    return start, end, inside


def _best_window(spans: list[Span], width: int) -> int:
    """Start of the window (a little context before some mark) covering the most marks,
    the earliest of equals. `spans` are sorted and disjoint, so the starts and the ends
    both ascend and one pass with two pointers counts every window."""
    best_start, best_count = 0, -1
    context = min(CONTEXT_CHARS, width // 4)
    first_inside = last_inside = 0  # spans[first_inside:last_inside] lie in the window
    for first, _ in spans:
        start = max(0, first - context)
        while first_inside < len(spans) and spans[first_inside][0] < start:
            first_inside += 1
        last_inside = max(last_inside, first_inside)
        while last_inside < len(spans) and spans[last_inside][1] <= start + width:
            last_inside += 1
        if last_inside - first_inside > best_count:
            best_start, best_count = start, last_inside - first_inside
    return best_start
