"""index: incremental reindex, atomic generations, crash and lock safety, reading back."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import list_reports, load_report, opened
from whoosh.query import Every, Term
from whoosh.util.numeric import byte_to_length, length_to_byte

from searchapp.errors import BuildFailed, IndexBusy, IndexIncompatible, IndexMissing
from searchapp.index import build as index
from searchapp.index import columns as store
from searchapp.index import columns_write, segment, writing
from searchapp.index import generations as publish
from searchapp.index.generations import FORMAT
from searchapp.index.read import Index
from searchapp.ingest.corpus import read_corpus
from searchapp.model import Paragraph, Query, Report
from searchapp.search import searching as search
from searchapp.text import dictionary
from searchapp.text.normalize import normalize
from searchapp.text.tokenize import word_tokens

SEEDS = Path(__file__).parents[1] / "seeds"


@pytest.fixture
def two_reports(make_report) -> Callable[[], list[Report]]:
    return lambda: [
        make_report("mz", "一、过去一年工作回顾", "坚持“万人助万企”，优化营商环境。",
                    title="孟州市政府工作报告", region="孟州市", level="county", year=2023,
                    parents=("河南省", "焦作市"), glossary={"万企": "万人助万企的简称"}),
        make_report("qy", "推进乡村振兴。", "发展长护险。", region="沁阳市", year=2023),
    ]


def _keys(index_dir: Path, query) -> list[str]:
    """Keys of the paragraphs Whoosh finds for `query` (what they are: from the store)."""
    gen = opened(index_dir).generation()
    with gen.ix.searcher() as searcher:
        docnums = [hit.docnum for hit in searcher.search(query, limit=None)]
    return sorted(f"{r.doc}#{r.n}" for r in map(gen.record, docnums))


def _found(index_dir: Path, q: str) -> list[str]:
    """Keys of the paragraphs a search for `q` finds, as a reader would get them."""
    results = search.run(opened(index_dir), Query(q=q, per_page=1000))
    assert results.total == len(results.hits)
    return sorted(f"{hit.doc}#{hit.paragraph}" for hit in results.hits)


def _query_words(index_dir: Path, text: str) -> list[str]:
    """How queries on the published generation cut `text` (with the index's dictionary)."""
    return word_tokens(text, analyzer=opened(index_dir).generation().analyzer)


def _reprocessed(index_dir: Path, reports: list[Report], **kwargs) -> tuple[index.ReindexSummary,
                                                                            int]:
    """Run index_reports; also return how many paragraphs were (re)written."""
    written: list[int] = [0]

    def progress(stage: str, done: int, total: int | None) -> None:
        if stage == "index":
            written[0] = done

    summary = index.index_reports(reports, index_dir, progress=progress, **kwargs)
    return summary, written[0]


def test_first_build_indexes_every_paragraph(tmp_path: Path, two_reports) -> None:
    summary, written = _reprocessed(tmp_path, two_reports())
    assert (summary.reports, summary.paragraphs, summary.added, summary.full, written) == \
        (2, 4, 2, True, 4)
    assert _found(tmp_path, '"万人助万企"') == ["mz#2"]
    assert _keys(tmp_path, Term("doc", "mz")) == ["mz#1", "mz#2"]


def test_the_text_is_kept_once_whoosh_stores_nothing(tmp_path: Path, make_report) -> None:
    """The store's normalised body is the one copy; the text as written and its section
    come back from it (originals.py), full-width commas, traditional characters and all."""
    report = make_report("mz", "一、工作回顾", "優化營商環境，GDP增長5%,好。", region="孟州市")
    report.paragraphs[1] = replace(report.paragraphs[1], section=("一、工作回顾",))
    index.index_reports([report], tmp_path)
    gen = opened(tmp_path).generation()
    assert [gen.ix.reader().stored_fields(d) for d in range(2)] == [{}, {}]
    record = gen.record(1)
    assert (record.text, record.section, record.region, gen.body(1)) == (
        "優化營商環境，GDP增長5%,好。", ("一、工作回顾",), "孟州市", "优化营商环境,gdp增长5%,好。")
    assert [p.text for p in gen.report("mz").paragraphs] == [
        "一、工作回顾", "優化營商環境，GDP增長5%,好。"]


def test_changing_one_report_reprocesses_only_that_report(tmp_path: Path, two_reports,
                                                          make_report) -> None:
    reports = two_reports()
    index.index_reports(reports, tmp_path)
    reports[1] = make_report("qy", "推进乡村振兴。", "发展长护险。", "新增一段。", region="沁阳市")
    summary, written = _reprocessed(tmp_path, reports)
    assert (summary.added, summary.changed, summary.removed, summary.full, written) == \
        (0, 1, 0, False, 3)
    assert _found(tmp_path, '"新增"') == ["qy#3"]
    assert _keys(tmp_path, Term("doc", "qy")) == ["qy#1", "qy#2", "qy#3"]


def test_unchanged_corpus_publishes_nothing_new(tmp_path: Path, two_reports) -> None:
    first = index.index_reports(two_reports(), tmp_path)
    summary, written = _reprocessed(tmp_path, two_reports())
    assert (summary.generation, summary.added, summary.changed, written) == \
        (first.generation, 0, 0, 0)


def test_removed_report_disappears(tmp_path: Path, two_reports) -> None:
    index.index_reports(two_reports(), tmp_path)
    summary = index.index_reports(two_reports()[:1], tmp_path)
    assert (summary.removed, summary.reports, summary.paragraphs) == (1, 1, 2)
    assert _keys(tmp_path, Term("doc", "qy")) == []
    assert [r.id for r in list_reports(tmp_path)] == ["mz"]
    assert load_report(tmp_path, "qy") is None


def test_new_dictionary_term_forces_a_full_rebuild(tmp_path: Path, two_reports,
                                                   make_report) -> None:
    reports = two_reports()
    index.index_reports(reports, tmp_path)
    reports[1] = make_report("qy", "推进“桑坡模式”。", region="沁阳市")
    summary, written = _reprocessed(tmp_path, reports)
    assert (summary.full, summary.changed, written) == (True, 1, 3)
    assert _found(tmp_path, '"桑坡模式"') == ["qy#1"]
    assert _query_words(tmp_path, "推广桑坡模式") == ["推广", "桑坡模式"]


def test_editing_the_user_dictionary_forces_a_full_rebuild(tmp_path: Path, two_reports,
                                                           monkeypatch) -> None:
    index.index_reports(two_reports(), tmp_path)
    edited = dictionary._userdict_text() + "推进乡村振兴\n"
    monkeypatch.setattr(dictionary, "_userdict_text", lambda: edited)
    summary, written = _reprocessed(tmp_path, two_reports())
    assert (summary.full, summary.changed, written) == (True, 0, 4)
    assert _query_words(tmp_path, "推进乡村振兴") == ["推进乡村振兴"]


def test_full_flag_rebuilds_everything(tmp_path: Path, two_reports) -> None:
    index.index_reports(two_reports(), tmp_path)
    summary, written = _reprocessed(tmp_path, two_reports(), full=True)
    assert (summary.full, summary.changed, written) == (True, 0, 4)


def _store_keys(index_dir: Path) -> list[str]:
    """key of every live paragraph, from the store's columns (what the search side reads)."""
    st = store.open_columns(publish.current(index_dir))
    return sorted(k for d, k in enumerate(_store_keys_by_docnum(st)) if st.live[d])


def test_an_update_adds_a_segment_and_a_part_and_deletes_stale_paragraphs(
        tmp_path: Path, make_report) -> None:
    many = [make_report(f"r{i:03d}", f"第{i}号报告推进乡村振兴。", "优化营商环境。")
            for i in range(150)]
    index.index_reports(many, tmp_path)
    many[7] = make_report("r007", "改写后的段落。")
    summary = index.index_reports(many, tmp_path)
    generation = publish.current(tmp_path)
    assert (summary.full, summary.changed) == (False, 1)
    assert [s.deleted_count() for s in segment.read_segments(generation)] == [2, 0]
    assert len(store.open_columns(generation).parts) == 2
    assert _keys(tmp_path, Term("doc", "r007")) == ["r007#1"]
    assert len(_found(tmp_path, '"乡村振兴"')) == 149
    assert _store_keys(tmp_path) == sorted(_keys(tmp_path, Every()))


def test_two_writer_processes_index_everything(tmp_path: Path, make_report,
                                               monkeypatch) -> None:
    monkeypatch.setattr(writing, "PARALLEL_MIN", 1)
    monkeypatch.setattr(writing, "_idle_cores", lambda: 2.0)
    many = [make_report(f"r{i:03d}", f"第{i}号报告推进乡村振兴。", "优化营商环境。")
            for i in range(150)]
    assert index.index_reports(many, tmp_path).paragraphs == 300
    generation = publish.current(tmp_path)
    counts = [s.doc_count_all() for s in segment.read_segments(generation)]
    assert (len(counts), sum(counts)) == (2, 300)  # halves by spooled bytes
    assert len(_found(tmp_path, '"乡村振兴"')) == 150
    assert _store_keys(tmp_path) == sorted(_keys(tmp_path, Every()))
    many[7] = make_report("r007", "改写后的段落。")
    assert index.index_reports(many, tmp_path).changed == 1
    assert _keys(tmp_path, Term("doc", "r007")) == ["r007#1"]
    assert _store_keys(tmp_path) == sorted(_keys(tmp_path, Every()))


def test_a_failing_writer_process_publishes_nothing(tmp_path: Path, two_reports,
                                                    monkeypatch) -> None:
    index.index_reports(two_reports(), tmp_path)
    monkeypatch.setattr(writing, "PARALLEL_MIN", 1)
    monkeypatch.setattr(writing, "_idle_cores", lambda: 2.0)
    parent, real = os.getpid(), columns_write.build_part

    def full_disk_in_the_second_process(*args, **kwargs):  # noqa: ANN202
        if os.getpid() != parent:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(columns_write, "build_part", full_disk_in_the_second_process)
    with pytest.raises(BuildFailed, match=r"index writer process failed \(OSError: .*space"):
        index.index_reports(two_reports(), tmp_path, full=True)
    assert publish.current(tmp_path).name == "gen-000001"
    assert list(tmp_path.glob(publish.BUILD_PREFIX + "*")) == []


def test_too_many_parts_are_merged_by_a_full_rebuild(tmp_path: Path, make_report,
                                                     monkeypatch) -> None:
    monkeypatch.setattr(writing, "MAX_PARTS", 1)  # incremental parts: the full build's own
    reports = [make_report("a", "甲。"), make_report("b", "乙。")]  # part does not count
    index.index_reports(reports, tmp_path)
    fulls = []
    for text in ("丙。", "丁。"):
        reports[0] = make_report("a", text)
        fulls.append(index.index_reports(reports, tmp_path).full)
    assert fulls == [False, True]
    assert len(store.open_columns(publish.current(tmp_path)).parts) == 1
    assert _store_keys(tmp_path) == ["a#1", "b#1"]


def _fingerprints(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in directory.rglob("*") if p.is_file()}


def test_readers_of_the_old_generation_are_unaffected(tmp_path: Path, two_reports) -> None:
    index.index_reports(two_reports(), tmp_path)
    old_generation = publish.current(tmp_path)
    before = _fingerprints(old_generation)
    old = opened(tmp_path).generation()
    old_searcher = old.ix.searcher()
    index.index_reports(two_reports()[:1], tmp_path)
    assert sorted(f"{r.doc}#{r.n}" for r in (old.record(h.docnum) for h in
                                             old_searcher.search(Term("doc", "qy")))) == [
        "qy#1", "qy#2"]
    old_searcher.close()
    assert _fingerprints(old_generation) == before
    assert _keys(tmp_path, Term("doc", "qy")) == []


def test_only_the_last_two_generations_are_kept(tmp_path: Path, two_reports, make_report) -> None:
    reports = two_reports()
    for i in range(4):
        reports[0] = make_report("mz", f"第{i}版。")
        index.index_reports(reports, tmp_path)
    assert [p.name for p in publish.generations(tmp_path)] == ["gen-000003", "gen-000004"]
    assert publish.current(tmp_path).name == "gen-000004"


class Killed(Exception):
    pass


def _die_midway(stage: str, done: int, total: int | None) -> None:
    if stage == "index":
        raise Killed


def test_a_build_that_dies_midway_leaves_the_previous_index_usable(tmp_path: Path, two_reports,
                                                                   make_report) -> None:
    index.index_reports(two_reports(), tmp_path)
    published = publish.current(tmp_path)
    with pytest.raises(Killed):
        index.index_reports(two_reports()[:1] + [make_report("new", "新报告。")], tmp_path,
                            progress=_die_midway)
    assert publish.current(tmp_path) == published
    assert _keys(tmp_path, Term("doc", "qy")) == ["qy#1", "qy#2"]
    assert list(tmp_path.glob(publish.BUILD_PREFIX + "*")) == []


def test_leftovers_of_a_killed_run_are_cleaned_up(tmp_path: Path, two_reports) -> None:
    index.index_reports(two_reports(), tmp_path)
    with publish.building(tmp_path, None) as leftover:  # a run killed while building
        (leftover / "MAIN_WRITELOCK").write_text("")
    assert leftover.name == f"{publish.BUILD_PREFIX}gen-000002"
    summary = index.index_reports(two_reports()[:1], tmp_path)
    assert (leftover.exists(), summary.removed) == (False, 1)


def test_a_generation_renamed_but_never_published_is_discarded(tmp_path: Path,
                                                               two_reports) -> None:
    index.index_reports(two_reports(), tmp_path)
    with publish.building(tmp_path, None) as build:  # a run killed after renaming its build
        (build / "half-written").write_text("")
    orphan = build.rename(tmp_path / "gen-000002")
    summary = index.index_reports(two_reports()[:1], tmp_path)
    assert (summary.generation, (orphan / "half-written").exists()) == ("gen-000002", False)
    assert [p.name for p in publish.generations(tmp_path)] == ["gen-000001", "gen-000002"]


_KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from searchapp.index import build as index
from searchapp.model import Paragraph, Report

def die(stage, done, total):
    if stage == sys.argv[2]:
        os.kill(os.getpid(), signal.SIGKILL)

report = Report(id="new", source_path="new.txt", paragraphs=[Paragraph(1, "新报告。")])
index.index_reports([report], Path(sys.argv[1]), progress=die)
"""


@pytest.mark.parametrize("stage", ["read", "index"])
def test_sigkill_midway_leaves_the_index_usable_and_needs_no_cleanup(tmp_path: Path, stage: str,
                                                                     two_reports) -> None:
    index.index_reports(two_reports(), tmp_path)
    killed = subprocess.run([sys.executable, "-c", _KILLED_RUN, str(tmp_path), stage])
    assert killed.returncode == -9
    assert _keys(tmp_path, Term("doc", "qy")) == ["qy#1", "qy#2"]
    summary = index.index_reports(two_reports()[:1], tmp_path)
    assert (summary.removed, list(tmp_path.glob(publish.BUILD_PREFIX + "*"))) == (1, [])


def test_a_second_writer_gets_a_clear_message(tmp_path: Path) -> None:
    with publish.writer_lock(tmp_path):
        with pytest.raises(IndexBusy, match=r"another reindex \(pid \d+\) is updating"):
            with publish.writer_lock(tmp_path, wait=0.2):
                pass


def test_a_killed_writer_leaves_no_lock_behind(tmp_path: Path, two_reports) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from searchapp.index.generations import writer_lock\n"
         "with writer_lock(Path(sys.argv[1])):\n print('locked', flush=True); time.sleep(60)",
         str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.wait()
    assert index.index_reports(two_reports(), tmp_path).added == 2


def test_missing_index_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match="run `searchapp reindex`"):
        Index(tmp_path / "nothing").generation()


def test_index_of_another_format_is_detected_and_rebuilt(tmp_path: Path, two_reports) -> None:
    index.index_reports(two_reports(), tmp_path)
    meta = publish.current(tmp_path) / "meta.json"
    meta.write_text(meta.read_text().replace(f'"format": {FORMAT}', '"format": 0'))
    with pytest.raises(IndexIncompatible, match="run `searchapp reindex`"):
        Index(tmp_path).generation()
    assert index.index_reports(two_reports(), tmp_path).full
    assert _keys(tmp_path, Term("doc", "qy")) == ["qy#1", "qy#2"]


@pytest.mark.parametrize("damage", ["store/parts.json", "store/live.npy", "_MAIN_0.toc"])
def test_a_generation_missing_a_file_is_rebuilt_in_full(tmp_path: Path, two_reports,
                                                        damage: str) -> None:
    index.index_reports(two_reports(), tmp_path)
    (publish.current(tmp_path) / damage).unlink()
    summary = index.index_reports(two_reports(), tmp_path)
    assert (summary.full, summary.added) == (True, 2)
    assert _store_keys(tmp_path) == ["mz#1", "mz#2", "qy#1", "qy#2"]


def test_an_index_opens_its_generation_once_and_again_after_a_publish(
        tmp_path: Path, two_reports) -> None:
    index.index_reports(two_reports(), tmp_path)
    handle = Index(tmp_path)
    first = handle.generation()
    assert handle.generation() is first
    index.index_reports(two_reports()[:1], tmp_path)
    assert handle.generation() is not first
    assert [r.id for r in handle.generation().report_list()] == ["mz"]


def test_load_report_returns_metadata_paragraphs_and_glossary(make_index) -> None:
    report = Report(id="r", source_path="r.txt", title="某县政府工作报告", region="某县",
                    year=2024, date="2024-01-20", parents=("某省",), glossary={"甲": "乙"},
                    content_hash="h", paragraphs=[
                        Paragraph(1, "一、回顾", (), 1), Paragraph(2, "正文。", ("一、回顾",)),
                        Paragraph(3, "（一）产业", ("一、回顾",), 2),
                        Paragraph(4, "更多正文。", ("一、回顾", "（一）产业"))])
    directory = make_index([report])
    assert load_report(directory, "r") == report
    listed = list_reports(directory)
    assert [(r.id, r.title, r.parents, r.paragraphs) for r in listed] == \
        [("r", "某县政府工作报告", ("某省",), [])]


def test_reports_built_in_code_with_unencodable_text_are_indexed_readably(make_index) -> None:
    report = Report(id="r", source_path="r.txt", title="坏\ud800标题", region="孟州\udc00市",
                    year=2023, parents=("河南\x00省",), glossary={"甲\udfff": "乙"},
                    paragraphs=[Paragraph(1, "一、回\ud800顾", (), 1),
                                Paragraph(2, "优化营商环境\ud800。", ("一、回\ud800顾",))])
    directory = make_index([report])
    stored = load_report(directory, "r")
    assert (stored.title, stored.region, stored.parents, stored.glossary) == \
        ("坏\ufffd标题", "孟州\ufffd市", ("河南省",), {"甲\ufffd": "乙"})
    assert [(p.text, p.section) for p in stored.paragraphs] == \
        [("一、回\ufffd顾", ()), ("优化营商环境\ufffd。", ("一、回\ufffd顾",))]
    assert _found(directory, '"营商环境"') == ["r#2"]


def _word_field(index_dir: Path) -> tuple[dict[str, list[tuple[int, float]]], list[int],
                                          list[str]]:
    """The word field `body` as written: each word's postings (docnum, count), each
    paragraph's stored length, and the paragraphs' texts as written."""
    gen = opened(index_dir).generation()
    with gen.ix.searcher() as searcher:
        reader = searcher.reader()
        postings = {word: list(searcher.postings("body", word).items_as("weight"))
                    for word in reader.field_terms("body")}
        docs = range(reader.doc_count_all())
        return (postings, [reader.doc_field_length(d, "body") for d in docs],
                [gen.record(d).text for d in docs])


def _analyzer_words(index_dir: Path, texts: list[str]) -> list[list[str]]:
    """Brute force: each text's words as the index's analyzer emits them, sub-words too."""
    analyzer = opened(index_dir).generation().analyzer
    return [word_tokens(text, mode="index", analyzer=analyzer) for text in texts]


def _postings_of(words_per_doc: list[list[str]]) -> dict[str, list[tuple[int, float]]]:
    postings: dict[str, list[tuple[int, float]]] = {}
    for docnum, words in enumerate(words_per_doc):
        for word in dict.fromkeys(words):
            postings.setdefault(word, []).append((docnum, float(words.count(word))))
    return postings


def test_word_field_holds_exactly_the_analyzers_words_on_the_seeds(seeds_index: Path) -> None:
    """What the writer's fast path (count_words, numpy postings) stores is what the index's
    analyzer emits for each stored paragraph, sub-words included; the lengths are those
    words' count as Whoosh stores a length (one byte, rounded)."""
    postings, lengths, texts = _word_field(seeds_index)
    words = _analyzer_words(seeds_index, texts)
    assert postings == _postings_of(words)
    assert {"万人助万企", "乡村振兴", "乡村", "振兴"} <= postings.keys()
    assert lengths == [byte_to_length(length_to_byte(len(w))) for w in words]


def test_word_postings_written_a_few_blocks_at_a_time_read_back_whole(tmp_path: Path,
                                                                      make_report) -> None:
    texts = [f"改革{'发展' * (i % 4)}第{i}段，乡村振兴。" if i % 3 else f"营商环境{i}"
             for i in range(700)]  # 改革 holds 466 postings: four blocks of 128

    def word_field(chunk: int) -> dict[str, list[tuple[int, float]]]:
        directory = tmp_path / f"chunk-{chunk}"
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(segment, "CHUNK", chunk)
            index.index_reports([make_report("r", *texts)], directory)
        return _word_field(directory)[0]

    whole = word_field(segment.CHUNK)
    assert whole == _postings_of(_analyzer_words(tmp_path / f"chunk-{segment.CHUNK}", texts))
    assert [doc for doc, _ in whole["改革"]] == [i for i in range(700) if i % 3]
    assert whole["发展"][:3] == [(1, 1.0), (2, 2.0), (5, 1.0)]
    assert word_field(1) == word_field(3) == whole


def test_seeds_round_trip_through_the_index(seeds_index: Path) -> None:
    for report in read_corpus([SEEDS]):
        assert load_report(seeds_index, report.id) == report


def _containing(index_dir: Path, phrase: str) -> list[str]:
    """Keys of the live paragraphs holding `phrase`: candidates from the store's bigram
    postings, confirmed on its normalised bodies."""
    folded = normalize(phrase)
    st = store.open_columns(publish.current(index_dir))
    candidates = set(range(st.size))
    for i in range(len(folded) - 1):
        candidates &= set(st.postings(folded[i:i + 2]).tolist())
    keys = dict(zip(range(st.size), _store_keys_by_docnum(st), strict=True))
    return sorted(keys[d] for d in candidates if st.live[d] and folded in st.body(d))


def _store_keys_by_docnum(st: store.Columns) -> list[str]:
    reports = [part.values["reports"][i] for part in st.parts
               for i in part.columns["report"].tolist()]
    return [f"{r}#{n}" for r, n in zip(reports, st.column("n").tolist(), strict=True)]


@pytest.mark.parametrize("phrase", ["万人助万企", "营商环境", "乡村振兴", "改革开放", "2023年"])
def test_ngram_phrase_is_exact_substring_search_on_seeds(seeds_index: Path, phrase: str) -> None:
    expected = sorted(f"{r.id}#{p.n}" for r in read_corpus([SEEDS]) for p in r.paragraphs
                      if normalize(phrase) in normalize(p.text))
    assert _containing(seeds_index, phrase) == expected


def test_mined_synonyms_are_stored_with_the_index(make_index) -> None:
    directory = make_index(["实施长期护理保险（以下简称长护险）制度。"])
    assert "长护险" in opened(directory).generation().synonyms.get("长期护理保险", [])


@pytest.mark.slow
@pytest.mark.parametrize("phrase", ["万人助万企", "改革开放", "乡村振兴", "1955年", "國務院"])
def test_ngram_phrase_is_exact_substring_search_on_national_reports(national_index: Path,
                                                                    phrase: str) -> None:
    reports = [load_report(national_index, r.id) for r in list_reports(national_index)]
    expected = sorted(f"{r.id}#{p.n}" for r in reports for p in r.paragraphs
                      if normalize(phrase) in normalize(p.text))
    assert expected and _containing(national_index, phrase) == expected
