"""The words and places the connections read: counted in one batch, they are exactly what
the paragraph-at-a-time readers give (the tokenizer's words, gen.record's sections)."""

from __future__ import annotations

from collections import Counter

from conftest import opened

from searchapp.connections import locate
from searchapp.connections.words import content_counts, content_words
from searchapp.text.normalize import normalize

BODIES = [normalize(text) for text in (  # bodies as the index holds them (GDP → gdp)
    "建设高标准农田五万亩，推进智慧农业示范园建设。", "", "2023年GDP增长5.2%，高标准农田建设加快。",
    "——", "乡村振兴战略全面推进，乡村振兴取得新进展。")]


def test_words_counted_in_a_batch_are_those_of_each_paragraph(seeds_index) -> None:
    gen = opened(seeds_index).generation()
    bodies = BODIES + [gen.body(d) for d in gen.live_docs[:50].tolist()]
    assert content_counts(gen, bodies) == [Counter(content_words(gen, b)) for b in bodies]
    assert content_counts(gen, BODIES)[4]["乡村振兴"] == 2
    assert content_counts(gen, []) == []


def test_the_outline_of_paragraphs_is_what_their_records_say(seeds_index) -> None:
    gen = opened(seeds_index).generation()
    docs = gen.live_docs[:80].tolist()
    assert locate.outline(gen, docs) == [
        (gen.record(d).heading_level, gen.record(d).section) for d in docs]
    assert any(level for level, _ in locate.outline(gen, docs))  # headings are among them
