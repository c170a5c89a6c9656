"""store: n-gram postings equal a brute-force scan; parts save, open and stack up."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import numpy as np
from conftest import build_report
from hypothesis import given, settings
from hypothesis import strategies as st

from searchapp.index import columns as store
from searchapp.index import columns_write as write
from searchapp.model import Report
from searchapp.text.normalize import normalize

_ALPHABET = st.sampled_from("改革开放发展乡村振兴ab 1，。ＧＤＰ國")


def _grams(bodies: list[str]) -> set[str]:
    found = {c for b in bodies for c in b if c != " "}
    return found | {b[i:i + 2] for b in bodies for i in range(len(b) - 1)}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(_ALPHABET, max_size=12), min_size=1, max_size=8),
       st.sampled_from([1, 7, write.GRAM_SPAN]))
def test_postings_are_exactly_the_bodies_holding_the_gram(texts: list[str], span: int) -> None:
    """Whatever the span of bodies turned into pairs at a time (a span of 1 character still
    takes whole bodies)."""
    with patch.object(write, "GRAM_SPAN", span):
        part = write.build_part([build_report("r", *texts)])
    bodies = [normalize(t) for t in texts]
    for gram in _grams(bodies) | {" ", "  ", "革命"}:
        grams = part.grams1 if len(gram) == 1 else part.grams2
        expected = [d for d, body in enumerate(bodies) if gram in body and gram != " "]
        assert grams.postings(gram).tolist() == expected, gram


def _reports() -> tuple[list[Report], list[Report]]:
    first = [build_report("mz", "一、过去一年工作回顾", "坚持“万人助万企”，優化營商環境。",
                          title="孟州市政府工作报告", region="孟州市", level="county",
                          year=2023, date="2023-01-05", parents=("河南省", "焦作市")),
             build_report("qy", "推进乡村振兴。", title="沁陽市政府工作報告", region="沁阳市",
                          level="county", year=2022)]
    second = [build_report("aa", "营商环境持续优化。", "乡村振兴。", region="孟州市",
                           parents=("河南省", "焦作市"))]
    return first, second


def _save(generation: Path, parts: list[store.Part], live: np.ndarray) -> store.Columns:
    names = [f"p{i}" for i in range(len(parts))]
    for name, part in zip(names, parts, strict=True):
        write.save_part(part, generation / store.COLUMNS_DIR / name)
    write.save_generation(generation, names, parts, live)
    return store.open_columns(generation)


def test_a_saved_part_opens_with_the_same_bodies_columns_and_values(tmp_path: Path) -> None:
    first, _ = _reports()
    part = write.build_part(first)
    opened = _save(tmp_path, [part], np.ones(part.size, dtype=bool))
    assert [opened.body(d) for d in range(opened.size)] == [
        "一、过去一年工作回顾", "坚持“万人助万企”,优化营商环境。", "推进乡村振兴。"]
    assert opened.column("year").tolist() == [2023, 2023, 2022]
    assert opened.column("date").tolist() == [20230105, 20230105, 0]
    assert opened.parts[0].values["places"] == [["孟州市", "河南省", "焦作市"], ["沁阳市"]]
    assert opened.parts[0].values["titles"] == ["孟州市政府工作报告", "沁阳市政府工作报告"]
    assert opened.postings("营商").tolist() == [1] and opened.doc_freq("振兴") == 1


def test_parts_stack_docnums_and_merge_values(tmp_path: Path) -> None:
    first, second = _reports()
    parts = [write.build_part(first), write.build_part(second)]
    live = np.array([True, True, False, True, True])  # qy#1 was replaced
    opened = _save(tmp_path, parts, live)
    assert opened.bases == (0, 3)
    assert opened.postings("振兴").tolist() == [2, 4]
    assert opened.doc_freq("振兴") == 2
    assert opened.body(4) == "乡村振兴。"
    assert opened.live.tolist() == live.tolist()
    places, values = store.concat_values(opened, "place", "places")
    assert [values[i] for i in places.tolist()] == [["孟州市", "河南省", "焦作市"]] * 2 + [
        ["沁阳市"]] + [["孟州市", "河南省", "焦作市"]] * 2
    assert opened.whole.values["region"] == ["孟州市", "沁阳市"]
    assert opened.whole.arrays["region"].tolist() == [0, 0, 1, 0, 0]
    assert opened.whole.values["year"] == ["2022", "2023"]
    assert opened.whole.arrays["year_id"].tolist() == [1, 1, 0, -1, -1]
    assert opened.whole.arrays["live_docs"].tolist() == [0, 1, 3, 4]
    assert opened.body_lengths().tolist() == [10, 17, 7, 9, 5]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(_ALPHABET, max_size=12), min_size=1, max_size=8))
def test_postings_count_the_occurrences_of_each_gram_in_each_body(texts: list[str]) -> None:
    """Overlapping, as a sliding window sees them (常常常 holds 常常 twice)."""
    part = write.build_part([build_report("r", *texts)])
    bodies = [normalize(t) for t in texts]
    for gram in _grams(bodies) - {" "}:
        docs, counts = (part.grams1 if len(gram) == 1 else part.grams2).counted(gram)
        expected = [sum(b.startswith(gram, i) for i in range(len(b))) for b in bodies]
        assert dict(zip(docs.tolist(), counts.tolist(), strict=True)) == {
            d: n for d, n in enumerate(expected) if n}, gram


def test_counts_saturate_and_a_body_beyond_the_bmp_is_saved_as_utf32(tmp_path: Path) -> None:
    part = write.build_part([build_report("r", "水" * 300 + "𠀀", "水𠀀水")])
    assert part.grams1.counted("水")[1].tolist() == [store.COUNT_MAX, 2]
    opened = _save(tmp_path, [part], np.ones(2, dtype=bool))
    assert (tmp_path / store.COLUMNS_DIR / "p0" / "bodies.u32").exists()
    assert [opened.body(1), opened.body(0)[-2:]] == ["水𠀀水", "水𠀀"]
    assert opened.gram_counts("水", np.array([1, 0])).tolist() == [2, store.COUNT_MAX]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=12),
       st.sampled_from([(1, 1), (8, 0), (1 << 18, 1 << 11)]))
def test_texts_of_any_docs_in_any_order_are_their_bodies(tmp_path_factory, docs: list[int],
                                                          sizes: tuple[int, int]) -> None:
    """Across parts (one of them UTF-32), repeated, out of order, in chunks and runs of any
    size: each body is where texts() says it is."""
    first, second = _reports()
    second = [build_report("aa", "营商环境持续优化𠀀。", "乡村振兴。")]
    opened = _save(tmp_path_factory.mktemp("texts"),
                   [write.build_part(first), write.build_part(second)], np.ones(5, dtype=bool))
    with patch.object(store, "CHUNK_CHARS", sizes[0]), patch.object(store, "GAP_CHARS", sizes[1]):
        texts, starts, ends = opened.texts(np.asarray(docs, dtype=np.int32))
        found = [text[s:e] for text, s, e in zip(texts, starts, ends, strict=True)]
    assert found == [opened.body(d) for d in docs]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(_ALPHABET | st.sampled_from("國国,，ＧgG𠀀"), max_size=12), min_size=1,
                max_size=8))
def test_the_texts_as_written_come_back_from_the_normalised_bodies(tmp_path_factory,
                                                                    texts: list[str]) -> None:
    """Even where one normalised character stands for several originals in a part (， and ,
    both written as ,) or a character lies beyond the BMP."""
    part = write.build_part([build_report("r", *texts)])
    opened = _save(tmp_path_factory.mktemp("originals"), [part], np.ones(part.size, bool))
    assert [opened.original(d) for d in range(opened.size)] == texts
    assert [opened.body(d) for d in range(opened.size)] == [normalize(t) for t in texts]


def test_tie_ranks_order_by_report_id_then_paragraph_across_parts() -> None:
    first, second = _reports()
    ranks = write.tie_ranks([write.build_part(first), write.build_part(second)])
    # docnums: mz#1 mz#2 qy#1 | aa#1 aa#2 -> order aa#1 aa#2 mz#1 mz#2 qy#1
    assert ranks.tolist() == [2, 3, 4, 0, 1]


def test_layout_finds_the_paragraphs_of_reports_and_parts_can_be_shared(tmp_path: Path) -> None:
    first, second = _reports()
    _save(tmp_path / "old", [write.build_part(first), write.build_part(second)],
          np.ones(5, dtype=bool))
    layout = write.read_layout(tmp_path / "old")
    assert (layout.names, layout.sizes) == (["p0", "p1"], [3, 2])
    assert layout.docnums_of(["qy", "aa", "unknown"]).tolist() == [2, 3, 4]
    write.link_parts(tmp_path / "old", tmp_path / "new", layout.names)
    write.save_generation(tmp_path / "new", layout.names, layout.parts, layout.live)
    assert store.open_columns(tmp_path / "new").body(3) == "营商环境持续优化。"


def test_more_distinct_characters_than_a_packed_bigram_holds() -> None:
    many = "".join(chr(c) for c in range(0x20000, 0x20000 + 70_000))  # > 65,535 distinct
    part = write.build_part([build_report("r", many, many[:3] + "改革", "改革")])
    bodies = [normalize(many), normalize(many[:3]) + "改革", "改革"]
    for gram in [many[0:2], many[69_998:70_000], many[2] + "改", "改革", many[5], "改"]:
        grams = part.grams1 if len(gram) == 1 else part.grams2
        assert grams.postings(gram).tolist() == [d for d, b in enumerate(bodies) if gram in b]
    assert len(part.grams2.keys) == len({b[i:i + 2] for b in bodies for i in range(len(b) - 1)})
