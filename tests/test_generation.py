"""docstore as a specification: literal lookup is exact substring search, filters and facets
count the live paragraphs of the published generation, nothing more."""

import gc
import random
import weakref

import numpy as np
import pytest
from conftest import opened
from hypothesis import given, settings
from hypothesis import strategies as st

from searchapp.errors import IndexDamaged
from searchapp.index import build as index
from searchapp.index import generations as publish
from searchapp.index.generation import Generation
from searchapp.model import Paragraph, Report
from searchapp.search.matching import filter_set
from searchapp.search.querylang import Filter
from searchapp.text.normalize import normalize

ALPHABET = "乡村振兴发展经济營商環境ＡＩai 1９"


def random_reports(seed: int = 5) -> list[Report]:
    """Paragraphs over a tiny alphabet, so every gram and needle occurs often."""
    rng = random.Random(seed)
    reports = []
    for r in range(6):
        paragraphs = [Paragraph(n, "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40))))
                      for n in range(1, 31)]
        reports.append(Report(id=f"r{r}", source_path=f"r{r}.txt", paragraphs=paragraphs,
                              region=("孟州市", "沁阳市", "全国")[r % 3], year=2020 + r % 4,
                              level="national" if r % 3 == 2 else "county",
                              parents=("河南省", "焦作市") if r % 3 < 2 else ()))
    return reports


@pytest.fixture(scope="module")
def random_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Generation, dict]:
    directory = tmp_path_factory.mktemp("random") / "index"
    reports = random_reports()
    index.index_reports(reports, directory)
    texts = {(r.id, p.n): normalize(p.text) for r in reports for p in r.paragraphs}
    return opened(directory).generation(), texts


def keys(store: Generation, docs: np.ndarray) -> set[tuple[str, int]]:
    return {(record.doc, record.n) for record in map(store.record, docs)}


def brute_force(texts: dict, needle: str) -> set[tuple[str, int]]:
    return {key for key, text in texts.items() if needle in text}


@pytest.mark.parametrize("needle", ["乡", "发展", "乡村振兴", "营商环境", "ai", "a", "19", "展经济",
                                    "振兴乡村振兴", "i 1"],
                         ids=["1 char", "2 chars", "4 chars", "folded", "latin", "1 latin",
                              "folded digits", "3 chars", "6 chars", "with space"])
def test_literal_is_exactly_substring_search(random_index, needle):
    store, texts = random_index
    found = store.literal(needle)
    assert list(found) == sorted(set(found.tolist()))  # sorted docnums, no repeats
    assert keys(store, found) == brute_force(texts, needle)


@settings(max_examples=200, deadline=None)
@given(needle=st.text(ALPHABET, min_size=1, max_size=6).map(normalize))
def test_literal_matches_brute_force_for_any_needle(random_index, needle):
    store, texts = random_index
    if needle.isspace():  # nobody searches for a lone space: the store does not index it
        return
    assert keys(store, store.literal(needle)) == brute_force(texts, needle)


def test_a_needle_never_spans_two_paragraphs(make_index, make_report):
    store = opened(make_index([make_report("r", "推进乡村", "振兴产业")])).generation()
    assert (len(store.literal("乡村振兴")), len(store.literal("村振"))) == (0, 0)
    assert keys(store, store.literal("振兴")) == {("r", 2)}


def test_replaced_paragraphs_are_not_found(make_index, make_report, tmp_path):
    directory = tmp_path / "index"
    make_index([make_report("a", "旧的氢能规划。"), make_report("b", "储能电站。")], directory)
    make_index([make_report("a", "新的氢能规划。"), make_report("b", "储能电站。")], directory)
    store = opened(directory).generation()
    assert (keys(store, store.literal("旧的")), keys(store, store.literal("氢能"))) == (
        set(), {("a", 1)})
    assert store.size == 2


def test_a_new_generation_replaces_the_old_store(make_index, make_report, tmp_path):
    directory = tmp_path / "index"
    make_index([make_report("a", "旧的氢能规划。")], directory)
    old = weakref.ref(opened(directory).generation())
    make_index([make_report("a", "新的氢能规划。")], directory)
    current = opened(directory).generation()
    assert keys(current, current.literal("新的")) == {("a", 1)}
    gc.collect()
    assert old() is None  # a long-running server does not keep every generation


@pytest.mark.parametrize("needle", ["乡", "发展", "乡村振兴", "ai"])
def test_body_counts_are_occurrences_in_each_paragraph(random_index, needle):
    store, texts = random_index
    holding = store.literal(needle)
    expected = [texts[key].count(needle) for key in
                ((r.doc, r.n) for r in map(store.record, holding))]
    assert store.body_counts(needle, holding[::5]).tolist() == expected[::5]  # counted
    assert store.body_counts(needle, holding, holding).tolist() == expected  # all, kept
    assert store.body_counts(needle, holding[1::2], holding).tolist() == expected[1::2]


def test_paragraphs_of_several_parts_read_like_one(make_index, make_report, tmp_path):
    """An incremental reindex adds a store part; docnums run on across parts."""
    directory = tmp_path / "index"
    others = [make_report(f"c{i}", "其他段落。") for i in range(10)]  # few dead: no full rebuild
    make_index([make_report("a", "氢能一。", "氢能氢能二。"), make_report("b", "储能。"), *others],
               directory)
    make_index([make_report("a", "氢能一。", "氢能氢能二。"), make_report("b", "储能和氢能。"),
                *others], directory)
    store = opened(directory).generation()
    holding = store.literal("氢能")
    assert (len(store.columns.parts), store.size) == (2, 13)
    assert [(r.doc, r.n) for r in map(store.record, holding)] == [
        ("a", 1), ("a", 2), ("b", 1)]
    assert store.body_counts("氢能", holding).tolist() == [1, 2, 1]
    assert [store.body(d) for d in holding] == ["氢能一。", "氢能氢能二。", "储能和氢能。"]


@pytest.mark.parametrize("field, value, expected", [
    ("region", "孟州", {"r0", "r3"}),
    ("region", "焦作", {"r0", "r1", "r3", "r4"}),
    ("year", "2021..2022", {"r1", "r2", "r5"}),
    ("year", "..2020", {"r0", "r4"}),
    ("level", "national", {"r2", "r5"}),
], ids=["region", "parent region", "year range", "open year range", "level"])
def test_filters_select_whole_reports(random_index, field, value, expected):
    store, _ = random_index
    assert {doc for doc, _ in keys(store, filter_set(store, Filter(field, value)))} == expected


def test_section_filter_matches_the_path_or_the_heading_itself(make_index):
    report = Report(id="r", source_path="r.txt", paragraphs=[
        Paragraph(1, "一、工作回顾", heading_level=1),
        Paragraph(2, "道路建设。", ("一、工作回顾",)),
        Paragraph(3, "二、工作安排", heading_level=1),
        Paragraph(4, "工作回顾表明……", ("二、工作安排",))])
    store = opened(make_index([report])).generation()
    assert keys(store, filter_set(store, Filter("section", "工作回顾"))) == {("r", 1), ("r", 2)}


def test_facet_counts_count_each_value_over_the_given_paragraphs(random_index):
    store, _ = random_index
    docs = filter_set(store, Filter("region", "焦作"))  # r0, r1, r3, r4: 30 paragraphs each
    assert store.facet_counts(docs) == {
        "region": {"孟州市": 60, "沁阳市": 60}, "year": {"2020": 60, "2021": 30, "2023": 30},
        "level": {"county": 120}, "section": {}}


def test_record_holds_the_stored_text_not_the_normalised_one(make_index, make_report):
    directory = make_index([make_report("r", "持續優化營商環境。", region="沁阳市")])
    store = opened(directory).generation()
    [docnum] = store.literal("营商环境")
    record = store.record(docnum)
    assert (record.doc, record.n, record.text, record.region) == (
        "r", 1, "持續優化營商環境。", "沁阳市")


def test_index_without_columns_asks_for_a_full_rebuild(make_index, make_report):
    directory = make_index([make_report("r", "氢能。")])
    generation = publish.current(directory)
    (generation / "store" / "parts.json").unlink()
    with pytest.raises(IndexDamaged, match="reindex --full"):
        opened(directory).generation()


@pytest.mark.parametrize("needle", ["乡", "发展"])
def test_counts_from_the_postings_are_the_same_for_few_docs_and_many(random_index, needle):
    """A few docs are looked up in the postings one by one; many (a common word's own
    paragraphs) through one byte per docnum."""
    store, texts = random_index
    every = store.live_docs
    expected = [texts[(r.doc, r.n)].count(needle) for r in map(store.record, every)]
    assert store.columns.gram_counts(needle, every).tolist() == expected
    assert store.columns.gram_counts(needle, every[::40]).tolist() == expected[::40]


def test_a_set_against_itself_takes_the_short_way_with_the_same_answer(random_index):
    store, _ = random_index
    own, other = store.literal("发展"), store.literal("乡")
    assert store.members(own.copy(), own).all()
    assert store.positions(own.copy(), own).tolist() == list(range(len(own)))
    assert store.members(other, own).tolist() == np.isin(other, own).tolist()
    assert own[store.positions(np.intersect1d(other, own), own)].tolist() == \
        np.intersect1d(other, own).tolist()


def test_remembered_facet_counts_are_those_of_the_very_set(random_index, monkeypatch):
    store, _ = random_index
    monkeypatch.setattr("searchapp.index.generation.FACETS_REMEMBERED", 0)
    first, second = store.literal("发展"), store.literal("乡")
    expected = [store._facet_counts(first), store._facet_counts(second)]
    assert [store.facet_counts(first.copy()), store.facet_counts(second)] == expected
    assert store.facet_counts(first) == expected[0]  # remembered


def test_a_per_paragraph_feature_is_computed_once_per_paragraph_whatever_the_sets(
        random_index):
    """The heads of two rankings overlap: what one computed, the other reuses, in its own
    order, and the answer is what computing it afresh gives."""
    gen, _ = random_index
    asked: list[list[int]] = []

    def lengths(g: Generation, needle: str, docs: np.ndarray) -> np.ndarray:
        asked.append(docs.tolist())
        return np.asarray([[len(g.body(d)) for d in docs], list(docs)])

    first, second = np.asarray([9, 3, 5], np.int32), np.asarray([5, 12, 3, 1], np.int32)
    assert gen.per_doc("发展", first, lengths).tolist() == lengths(gen, "", first).tolist()
    asked.clear()
    got = gen.per_doc("发展", second, lengths)
    assert asked == [[1, 12]]  # only the paragraphs the first set did not hold
    assert got.tolist() == [[len(gen.body(d)) for d in second], second.tolist()]


def test_threads_asking_for_overlapping_paragraphs_all_get_their_own_answers(random_index):
    """The server's threads share a generation: whatever order their memo writes land in,
    each answer is the feature of the paragraphs it asked for."""
    import threading

    gen, _ = random_index

    def doubled(g: Generation, needle: str, docs: np.ndarray) -> np.ndarray:
        return np.asarray(docs, dtype=np.int64) * 2

    rng = random.Random(11)
    asks = [np.asarray(rng.sample(range(gen.size), 40), dtype=np.int32) for _ in range(32)]
    wrong: list[int] = []

    def ask(i: int) -> None:
        if gen.per_doc("乡村", asks[i], doubled).tolist() != (asks[i] * 2).tolist():
            wrong.append(i)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(asks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
