"""Citations in the GB/T 7714-2015 style for electronic resources, checked by hand against
paragraphs of the seeds and the national reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import opened

from searchapp.research.citation import Cited, author, citation, section_path
from searchapp.research.export import row

ACCESSED = date(2026, 12, 2)
MENGZHOU = "000_1d81e7ffc4b419a3"  # seeds: 孟州市2023年政府工作报告


@pytest.mark.parametrize(("cited", "expected"), [
    pytest.param(
        Cited("孟州市", "county", "孟州市2023年政府工作报告", "2023-03-29",
              ("2023年工作安排", "(二)坚持以“转”为源,让发展更添活力", "——优化营商环境"), 55,
              "https://example.org/doc/000_1d81e7ffc4b419a3?p=55&a=2531bbea#p-2531bbea"),
        "孟州市人民政府. 孟州市2023年政府工作报告[EB/OL]. (2023-03-29)[2026-12-02]. "
        "2023年工作安排 › (二)坚持以“转”为源,让发展更添活力 › ——优化营商环境, 第55段. "
        "https://example.org/doc/000_1d81e7ffc4b419a3?p=55&a=2531bbea#p-2531bbea",
        id="county-seed-with-date"),
    pytest.param(
        Cited("全国", "national", "2013年中华人民共和国国务院政府工作报告", None,
              ("三、对今年政府工作的建议", "（一）加快转变经济发展方式，促进经济持续健康发展。"),
              44,
              "/doc/government_work_reports-024?p=44&a=40ca0040#p-40ca0040"),
        "中华人民共和国国务院. 2013年中华人民共和国国务院政府工作报告[EB/OL]. [2026-12-02]. "
        "三、对今年政府工作的建议 › （一）加快转变经济发展方式，促进经济持续…, 第44段. "
        "/doc/government_work_reports-024?p=44&a=40ca0040#p-40ca0040",
        id="national-undated-long-heading-cut"),
    pytest.param(
        Cited("unknown", "unknown", "unknown", None, (), 3, "/doc/x?p=3&a=00000000#p-00000000"),
        "佚名. 政府工作报告[EB/OL]. [2026-12-02]. 第3段. /doc/x?p=3&a=00000000#p-00000000",
        id="nothing-known-before-first-heading"),
])
def test_citation_format(cited: Cited, expected: str) -> None:
    assert citation(cited, ACCESSED) == expected


@pytest.mark.parametrize(("region", "level", "expected"), [
    ("孟州市", "county", "孟州市人民政府"),
    ("河南省", "province", "河南省人民政府"),
    ("全国", "national", "中华人民共和国国务院"),
    ("unknown", "unknown", "佚名"),
])
def test_the_author_is_the_government_that_delivers_the_report(region: str, level: str,
                                                               expected: str) -> None:
    assert author(region, level) == expected


def test_section_path_cuts_long_headings_and_their_full_stop() -> None:
    assert section_path(("一、过去一年工作回顾。", "（一）" + "很" * 30)) == \
        "一、过去一年工作回顾 › （一）" + "很" * 17 + "…"


def test_an_indexed_paragraph_is_cited_from_its_stored_fields(seeds_index: Path) -> None:
    gen = opened(seeds_index).generation()
    [docnum] = [d for d in gen.live_docs.tolist()
                if gen.record(d).doc == MENGZHOU and gen.record(d).n == 55]
    exported = row(gen.record(docnum), "https://example.org", ACCESSED)
    assert exported["citation"] == (
        "孟州市人民政府. 孟州市2023年政府工作报告[EB/OL]. (2023-03-29)[2026-12-02]. "
        "2023年工作安排 › (二)坚持以“转”为源,让发展更添活力 › ——优化营商环境, 第55段. "
        "https://example.org/doc/000_1d81e7ffc4b419a3?p=55&a=2531bbea#p-2531bbea")


def test_the_json_hit_carries_permalink_and_citation(client) -> None:
    hit = client.get("/api/search?q=营商环境&region=孟州市").get_json()["hits"][0]
    assert hit["permalink"].startswith(f"/doc/{hit['doc']}?p={hit['paragraph']}&a=")
    assert hit["citation"].startswith("孟州市人民政府. 孟州市2023年政府工作报告[EB/OL]. "
                                      "(2023-03-29)[")
    assert hit["citation"].endswith(f"第{hit['paragraph']}段. {hit['permalink']}")


def test_every_hit_card_has_a_copy_citation_button(client) -> None:
    html = client.get("/search?q=营商环境").get_data(as_text=True)
    assert html.count('<button type="button" class="cite" hidden>复制引用</button>') == \
        html.count('<article class="hit">') > 0
    assert '<span class="citation" hidden>孟州市人民政府. ' in html
    assert "http://localhost/doc/" in html

