"""Highlighting: where the query's strings occur in a paragraph, and the HTML for it.

Spans are found on the *normalised* text (the same folding the index uses),
which has the same length as the stored text, so every offset lands on the
original characters. We compute marks ourselves instead of asking Whoosh to
re-analyse each hit: it is exact for substrings and far cheaper per hit.

The HTML built here is the only document text the web layer marks safe, so
every character of the paragraph goes through markupsafe.escape.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import escape

Span = tuple[int, int]

FRAGMENT_CHARS = 160  # a paragraph longer than this is cut to a window in the result list
CONTEXT_CHARS = 30  # characters kept before the first mark (at most a quarter of the window)
ELLIPSIS = "…"


def find_spans(normalized_text: str, needles: Iterable[str]) -> list[Span]:
    """Every occurrence of every needle, merged where occurrences overlap or touch."""
    found = []
    for needle in set(needles):
        if not needle:
            continue
        start = normalized_text.find(needle)
        while start >= 0:
            found.append((start, start + len(needle)))
            start = normalized_text.find(needle, start + 1)
    return merge(found)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, disjoint spans; touching ones become one mark (乡村振兴|战略 reads as one)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def render(text: str, spans: Iterable[Span]) -> str:
    """Escaped `text` with <mark> around each (sorted, disjoint) span."""
    parts = []
    cursor = 0
    for start, end in spans:
        parts.append(str(escape(text[cursor:start])))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    parts.append(str(escape(text[cursor:])))
    return "".join(parts)


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
    end = min(len(text), _best_window(spans, width) + width)
    start = max(0, end - width)
    inside = [(max(s, start) - start, min(e, end) - start)
              for s, e in spans if s < end and e > start]
    return start, end, inside


def _best_window(spans: list[Span], width: int) -> int:
    """Start of the window (a little context before some mark) covering the most marks."""
    best_start, best_count = 0, -1
    context = min(CONTEXT_CHARS, width // 4)
    for first, _ in spans:
        start = max(0, first - context)
        count = sum(1 for s, e in spans if s >= start and e <= start + width)
        if count > best_count:
            best_start, best_count = start, count
    return best_start
