"""Stable paragraph anchors: a link to a paragraph survives a reindex that renumbers it,
and one whose paragraph changed lands nearby with a notice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from searchapp.config import Settings
from searchapp.model import Paragraph
from searchapp.research.anchors import anchors, permalink, resolve, text_hash, text_hashes

BEFORE = ["政府工作报告", "一、过去一年工作回顾", "我们深化改革，推进放管服。",
          "坚持“最多跑一次”改革。", "二、今年工作安排"]
# the same report after a reindex in which the second paragraph was split in two
AFTER = ["政府工作报告", "一、过去一年", "工作回顾", "我们深化改革，推进放管服。",
         "坚持“最多跑一次”改革。", "二、今年工作安排"]


def paragraphs(texts: list[str]) -> list[Paragraph]:
    return [Paragraph(n=i, text=t) for i, t in enumerate(texts, start=1)]


def test_the_hash_ignores_width_case_and_spacing() -> None:
    assert text_hash("坚持“最多跑一次”改革。") == text_hash("坚持 “最多跑一次” 改革。")
    assert text_hash("ＧＤＰ增长５％") == text_hash("gdp增长5%")
    assert text_hash("坚持“最多跑一次”改革。") != text_hash("坚持“最多跑两次”改革。")


def test_a_hit_alone_hashes_as_it_does_inside_its_whole_report() -> None:
    """Hits are hashed one by one, a report's paragraphs in one vectorised pass: the same
    anchors either way, Traditional script and full-width digits included."""
    texts = [line for path in sorted(Path("seeds").iterdir())
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += ["一九五四年國民經濟計劃完成１２０％", "ＡＢＣ　互聯網＋"]
    assert len(texts) > 100
    assert [text_hash(t) for t in texts] == text_hashes(texts)


def test_repeated_texts_get_numbered_ids_unique_in_the_report() -> None:
    ids = anchors(paragraphs(["（一）", "正文", "（一）", "（一）"]))
    h = text_hash("（一）")
    assert ids == [f"p-{h}", f"p-{text_hash('正文')}", f"p-{h}-2", f"p-{h}-3"]


def test_a_link_made_before_a_line_was_split_finds_the_same_paragraph() -> None:
    link = permalink("r1", 4, BEFORE[3])
    args = dict(re.findall(r"[?&](\w)=([^&#]+)", link))
    target = resolve(paragraphs(AFTER), args)
    assert (target.n, target.changed) == (5, False)
    assert target.anchor == link.split("#")[1]


def test_a_link_to_a_changed_paragraph_lands_on_the_nearest_one_and_says_so() -> None:
    target = resolve(paragraphs(AFTER), {"p": "4", "a": text_hash("删掉的一段")})
    assert (target.n, target.changed) == (4, True)


def test_of_equal_texts_the_one_nearest_the_old_number_wins() -> None:
    texts = ["（一）", "甲", "（一）", "乙", "（一）"]
    target = resolve(paragraphs(texts), {"p": "4", "a": text_hash("（一）")})
    assert (target.n, target.anchor) == (3, f"p-{text_hash('（一）')}-2")


@pytest.mark.parametrize("args", [{}, {"p": "abc"}, {"p": "-3"}, {"a": "ffffffff"},
                                  {"p": "9" * 20}], ids=repr)
def test_nonsense_or_no_target_resolves_to_nothing(args: dict) -> None:
    assert resolve(paragraphs(BEFORE), args) is None


def test_the_report_page_has_stable_ids_and_keeps_numbered_ones(client: FlaskClient) -> None:
    hit = client.get("/api/search?q=营商环境&region=孟州市").get_json()["hits"][0]
    html = client.get(f"/doc/{hit['doc']}").get_data(as_text=True)
    anchor = hit["permalink"].split("#")[1]
    assert f'id="p-{hit["paragraph"]}" class="para' in html
    assert f'<a class="pn" id="{anchor}" href="#{anchor}"' in html
    assert len(set(re.findall(r'class="pn" id="(p-[0-9a-f]{8}(?:-\d+)?)"', html))) == \
        html.count('class="pn" id="')


def test_a_permalink_lands_on_its_paragraph_without_a_notice(client: FlaskClient) -> None:
    hit = client.get("/api/search?q=营商环境&region=孟州市").get_json()["hits"][0]
    html = client.get(hit["permalink"].split("#")[0]).get_data(as_text=True)
    assert f'data-landing="{hit["permalink"].split("#")[1]}"' in html
    assert "已修改或删除" not in html


def test_after_a_reindex_an_old_link_still_finds_its_paragraph(make_index, make_report,
                                                               tmp_path: Path) -> None:
    from searchapp.web import create_app

    old = make_report("r1", *BEFORE, title="孟州市2023年政府工作报告", region="孟州市")
    directory = make_index([old])
    link = permalink("r1", 4, BEFORE[3])
    make_index([make_report("r1", *AFTER, title="孟州市2023年政府工作报告", region="孟州市")],
               directory)
    client = create_app(Settings(corpus=(), index_dir=directory,
                                 instance_dir=tmp_path / "instance"), {"TESTING": True}
                        ).test_client()
    html = client.get(link.split("#")[0]).get_data(as_text=True)
    assert f'data-landing="{link.split("#")[1]}"' in html
    assert re.search(rf'id="p-5" class="para"><a class="pn" id="{link.split("#")[1]}"', html)
    moved = client.get(f"/doc/r1?p=4&a={text_hash('不存在的段落')}").get_data(as_text=True)
    assert "链接所指的段落在报告更新后已修改或删除，已转到原位置附近的第 4 段。" in moved
