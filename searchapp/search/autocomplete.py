"""Completions for the search box: words of the index's own vocabulary that start with what
the reader typed, and region names containing it, most frequent first.

Words come from the jieba word index (the terms Whoosh holds for `body`), regions from the
region facet, so nothing is offered that the index could not find.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

import numpy as np

from searchapp.index.generation import Generation
from searchapp.text.normalize import normalize

MAX_PREFIX = 20  # characters: a completion of a sentence is not a completion
SCANNED = 2000  # words read from the term list per prefix: one character can start thousands
SHOWN = 8


@dataclass(frozen=True)
class Completion:
    text: str
    count: int  # paragraphs holding it


def terms(gen: Generation, prefix: str, limit: int = SHOWN) -> list[Completion]:
    """Words starting with `prefix` (two characters or more: the word itself excluded),
    by the number of paragraphs holding them."""
    prefix = normalize(prefix.strip())[:MAX_PREFIX]
    if not prefix:
        return []
    def compute(g: Generation) -> list[Completion]:
        with g.ix.reader() as reader:
            words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in
                     islice(reader.expand_prefix("body", prefix), SCANNED)]
            found = [Completion(w, int(reader.doc_frequency("body", w)))
                     for w in words if w != prefix and len(w) > 1]
        return sorted(found, key=lambda c: (-c.count, c.text))
    return gen.derived(f"complete:{prefix}", compute)[:limit]  # type: ignore[index]


def regions(gen: Generation, text: str, limit: int | None = SHOWN) -> list[Completion]:
    """Region names containing `text` (every region for ""), by their number of
    paragraphs."""
    text = text.strip()[:MAX_PREFIX]
    facet = gen.facets["region"]
    counts = np.bincount(facet.ids[gen.live_docs] + 1, minlength=len(facet.values) + 1)[1:]
    found = [Completion(name, int(counts[i])) for i, name in enumerate(facet.values)
             if normalize(text) in normalize(name) and counts[i]]
    return sorted(found, key=lambda c: (-c.count, c.text))[:limit]
