"""Turning ranked paragraphs into Hits (highlight, fragment, the 不含「X」 note) and facets."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from searchapp.index.generation import Generation
from searchapp.model import FacetValue, Hit
from searchapp.search import ranking
from searchapp.search.highlight import find_spans, fragment, render
from searchapp.search.matching import (
    EXPANSION,
    FEEDBACK,
    OWN,
    PART,
    PIECES,
    SECTION,
    Alternative,
    Leaf,
    alternative_set,
)

NOTE_WORDS = 8  # words a note names: a paragraph of the feedback tier may hold all 16


def hit(gen: Generation, docnum: int, tier: int, score: float, leaves: Iterable[Leaf],
        required: bool = False) -> Hit:
    """`required`: the reader asked for every word (no OR), so a paragraph the last resort
    found with only some of them (searching._any_word) says which it lacks: 不含「保护」."""
    record, body = gen.record(docnum), gen.body(docnum)
    needles, notes = [], []
    at = np.asarray([docnum])
    for leaf in leaves:
        for tiers in ((OWN, EXPANSION), (PIECES,), (SECTION,), (PART,), (FEEDBACK,)):  # best
            chosen = [a for a in leaf.alternatives if a.tier in tiers]
            needles += [n for a in chosen for n in (*a.needles, *a.riders)]
            held = [a for a in chosen if gen.members(at, alternative_set(gen, a))[0]]
            if held:
                notes += _note(leaf, held, body, record.text)
                break
        else:  # in no tier: the last resort found it with other words (耕地 OR 保护)
            notes += [f"不含「{_typed(leaf)}」"] if required else []
    spans = find_spans(body, needles)
    return Hit(doc=record.doc, paragraph=record.n, region=record.region, year=record.year,
               level=record.level, title=record.title, date=record.date,
               parents=record.parents, section=record.section, text=record.text,
               highlight=render(record.text, spans), fragment=fragment(record.text, spans),
               spans=tuple(spans), score=ranking.display_score(tier, score),
               note="；".join(notes) or None)


def _note(leaf: Leaf, held: list[Alternative], body: str, text: str) -> list[str]:
    """不含「X」，含「Y」 when the paragraph lacks the word the reader typed: X as typed (AI+,
    not the needle ai+), each Y as the report writes it (經濟 in a Traditional report, PM2.5:
    the normalised body maps character for character onto the text, as for highlighting)."""
    if any(a.tier == OWN for a in held):  # the word itself, perhaps with quotation marks
        return []
    typed = _typed(leaf)
    if held[0].tier == SECTION:  # the word, or a long form or synonym of it (normalised)
        heading = typed if held[0].needles[0] == leaf.alternatives[0].needles[0] \
            else held[0].needles[0]
        return [f"不含「{typed}」，所在章节标题含「{heading}」"]
    found = list(dict.fromkeys(text[at:at + len(n)] for a in held for n in a.needles
                               for at in [body.find(n)] if at >= 0))
    more = "等" if len(found) > NOTE_WORDS else ""  # feedback words: the best weighted first
    return [f"不含「{typed}」，含「{'」「'.join(found[:NOTE_WORDS])}」{more}"] if found else []


def _typed(leaf: Leaf) -> str:
    """The word as the reader typed it (AI+, not the needle ai+)."""
    return leaf.word.strip() or leaf.alternatives[0].needles[0]


def facet_values(gen: Generation, matched: np.ndarray) -> dict[str, list[FacetValue]]:
    """Facets over the whole result set; years newest first, the rest by count."""
    counts = gen.facet_counts(matched)
    facets = {name: [FacetValue(v, c) for v, c in sorted(counter.items(),
                                                          key=lambda vc: (-vc[1], vc[0]))]
              for name, counter in counts.items()}
    facets["year"] = sorted(facets["year"], key=lambda f: f.value, reverse=True)
    return facets
