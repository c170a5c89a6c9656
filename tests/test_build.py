"""What a reindex does around the writing: the spool it reads into, the garbage collector
it spares, the segmenter it takes over from rjieba."""

from __future__ import annotations

import gc
from pathlib import Path

import rjieba

from searchapp.index import build
from searchapp.index.spool import Spool
from searchapp.model import Paragraph, Report
from searchapp.text import dictionary


def test_the_spool_gives_back_what_was_put_and_nothing_for_a_report_without_paragraphs(
        tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    try:
        full = Report("a", "a.txt", paragraphs=[Paragraph(1, "一段", ("一、总体",), 0)])
        empty = Report("b", "b.txt")  # as a report reused from files.marshal arrives
        spool.put(full)
        spool.put(empty)
        assert full.paragraphs == []
        assert spool.paragraphs("a") == [Paragraph(1, "一段", ("一、总体",))]
        assert (spool.paragraphs("b"), spool.size("b")) == ([], 0)
    finally:
        spool.close()


def test_a_reindex_leaves_the_collector_as_it_found_it(tmp_path: Path, make_report) -> None:
    reports = [make_report("r", "第一段。", "第二段。")]
    build.index_reports(reports, tmp_path / "a")
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a server's master froze what it holds: it stays frozen
    try:
        build.index_reports(reports, tmp_path / "b")
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_each_dictionary_has_a_segmenter_of_its_own() -> None:
    """The first dictionary may take the segmenter rjieba built at import; either way
    another dictionary's words never reach it."""
    plain = dictionary.Dictionary(("测试词甲",))
    other = dictionary.Dictionary(("测试词乙",))
    first, second = dictionary.jieba_for(plain), dictionary.jieba_for(other)
    assert first is not second
    assert (first.has_word("测试词甲"), first.has_word("测试词乙")) == (True, False)
    assert (second.has_word("测试词乙"), second.has_word("测试词甲")) == (True, False)
    assert isinstance(first, rjieba.Jieba)
