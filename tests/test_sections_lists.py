"""—— lists: the text after the last item goes back to the part the list stands in.

A —— item is a leaf: a goal line or a short title with its own elaboration. The last item of a
run keeps as many body paragraphs as the most any earlier item of the run had; what follows
("回顾过去一年……", "一是……", "各位代表！") belongs to the section above the list.
"""

import re
from collections import Counter

import pytest
from conftest import NATIONAL, SEEDS

from searchapp.ingest import corpus, sections

MENGZHOU = SEEDS / "000_1d81e7ffc4b419a3.txt"

needs_national = pytest.mark.skipif(not NATIONAL.exists(), reason="shared national corpus absent")

PART = "一、2021年工作回顾"
FIGURES = "国内生产总值达到114万亿元，增长8.1%。城镇新增就业1269万人，城镇调查失业率平均为5.1%。"
REVIEW = "回顾过去一年，成绩得来殊为不易。我国经济尚处在突发疫情等严重冲击后的恢复发展过程中。"
ONE = "一是保持宏观政策连续性针对性，推动经济运行保持在合理区间。宏观政策适应跨周期调节需要。"
TWO = "二是优化和落实助企纾困政策，巩固经济恢复基础。上亿市场主体承载着数亿人就业创业。"


def texts(*lines: str) -> list[tuple[int, str, tuple[str, ...]]]:
    return [(p.heading_level, p.text, p.section) for p in sections.split(list(lines)).paragraphs]


def test_national_shape_items_with_one_elaboration_each_then_the_part_resumes():
    assert texts("各位代表：", PART, "——经济保持恢复发展。", FIGURES, "——疫情防控成果持续巩固。",
                 FIGURES, REVIEW, ONE, TWO, "二、2022年经济社会发展总体要求和政策取向") == [
        (0, "各位代表：", ()),
        (1, PART, ()),
        (2, "——经济保持恢复发展。", (PART,)),
        (0, FIGURES, (PART, "——经济保持恢复发展")),
        (2, "——疫情防控成果持续巩固。", (PART,)),
        (0, FIGURES, (PART, "——疫情防控成果持续巩固")),
        (0, REVIEW, (PART,)),
        (0, ONE, (PART,)),
        (0, TWO, (PART,)),
        (1, "二、2022年经济社会发展总体要求和政策取向", ()),
    ]


def test_run_of_goal_lines_is_closed_by_the_next_ordinary_paragraph():
    goals = ["——地区生产总值增长5.5%左右。", "——城镇新增就业50万人以上。",
             "——居民收入增长与经济增长同步。"]
    after = "实现上述目标，必须坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。"
    part = "（一）主要预期目标"
    assert texts("各位代表：", part, *goals, after)[-2:] == [
        (2, goals[-1], (part,)),
        (0, after, (part,)),
    ]


def test_the_last_item_keeps_as_many_paragraphs_as_its_most_elaborate_sibling():
    paragraphs = texts("各位代表：", PART, "——创新能力进一步增强。", FIGURES, FIGURES,
                       "——改革开放不断深化。", FIGURES,
                       "——生态文明建设持续推进。", FIGURES, FIGURES, REVIEW)
    assert [section for _, _, section in paragraphs[-3:]] == [
        (PART, "——生态文明建设持续推进"), (PART, "——生态文明建设持续推进"), (PART,)]


def test_a_list_closed_by_the_next_heading_keeps_every_paragraph_of_its_last_item():
    paragraphs = texts("各位代表：", PART, "——经济保持恢复发展。", FIGURES,
                       "——疫情防控成果持续巩固。", FIGURES, "二、2022年工作安排")
    assert paragraphs[-2] == (0, FIGURES, (PART, "——疫情防控成果持续巩固"))


def test_a_single_item_is_no_list_and_keeps_what_follows():
    """Without a sibling there is nothing to learn the item's length from."""
    paragraphs = texts("各位代表：", PART, "——经济保持恢复发展。", FIGURES, REVIEW)
    assert paragraphs[-1] == (0, REVIEW, (PART, "——经济保持恢复发展"))


def test_numbered_headings_after_a_closed_list_are_parts_of_the_section_not_of_the_item():
    """2023 national report: （一）…（十） followed the 8 —— items and were filed under the last."""
    heading = "（一）创新宏观调控，保持经济运行在合理区间。"
    paragraphs = texts("各位代表：", PART, "——经济发展再上新台阶。", FIGURES,
                       "——人民生活水平不断提高。", FIGURES, REVIEW, heading, ONE)
    assert paragraphs[-3:] == [
        (0, REVIEW, (PART,)),
        (2, heading, (PART,)),
        (0, ONE, (PART, heading.rstrip("。"))),
    ]


def test_the_closing_appeal_of_the_seed_belongs_to_its_part_not_to_the_last_item():
    (report,) = corpus.read_file(MENGZHOU)
    appeal = next(p for p in report.paragraphs if p.text.startswith("各位代表!开局关系全局"))
    assert appeal.section == ("2023年工作安排", "(七)坚持以“干”为荣,让发展更加出彩")


# --- the 72 national reports ------------------------------------------------------------------

@pytest.fixture(scope="module")
def national():
    return {int(r.id.rsplit("-", 1)[1]): r for r in corpus.read_file(NATIONAL)}


def under_item(paragraph) -> bool:
    return not paragraph.heading_level and bool(paragraph.section) and \
        paragraph.section[-1].startswith("——")


# record: (last —— item, start of the paragraph after its elaboration, that paragraph's section)
RESUMES = {
    3: ("——民生保障有力有效", "回顾过去一年，多重困难挑", ("一、2023年工作回顾",)),
    5: ("——人民生活水平不断提高", "经过多年精心筹办，成功举", ("一、过去一年和五年工作回顾",)),
    7: ("——疫情防控成果持续巩固", "回顾过去一年，成绩得来殊", ("一、2021年工作回顾",)),
    12: ("——人民生活持续改善", "我们隆重庆祝改革开放40", ("一、2018年工作回顾",)),
    16: ("——人民生活继续改善", "我国成功主办二十国集团领", ("一、2016年工作回顾",)),
    18: ("——人民生活进一步改善", "科技领域一批创新成果达到", ("一、2015年工作回顾",)),
    22: ("——社会事业蓬勃发展", "过去一年，困难比预料的多", ("一、2013年工作回顾",)),
}


@needs_national
@pytest.mark.parametrize("record", RESUMES, ids=lambda r: f"record-{r:03d}")
def test_national_review_resumes_in_its_part_after_the_list(national, record):
    item, start, section = RESUMES[record]
    paragraphs = national[record].paragraphs
    i = next(i for i, p in enumerate(paragraphs) if p.text == item + "。")
    assert [(p.text[:12], p.section) for p in paragraphs[i + 1 : i + 3]] == [
        (paragraphs[i + 1].text[:12], (*section, item)), (start, section)]


@needs_national
@pytest.mark.parametrize("record", RESUMES, ids=lambda r: f"record-{r:03d}")
def test_every_item_of_these_reports_holds_exactly_its_one_elaboration(national, record):
    paragraphs = national[record].paragraphs
    items = [p.text.rstrip("。") for p in paragraphs if p.heading_level and p.text[:2] == "——"]
    assert Counter(p.section[-1] for p in paragraphs if under_item(p)) == dict.fromkeys(items, 1)


@needs_national
def test_no_national_enumeration_or_address_is_filed_under_a_list_item(national):
    """一是…/二是… and 各位代表！ speak for the whole part; before the fix 50 of them sat under
    the last item of the list above them."""
    stray = [(number, p.text[:10]) for number, report in national.items()
             for p in report.paragraphs
             if under_item(p) and re.match("^(?:[一二三四五六七八九十]+是|各位代表)", p.text)]
    assert stray == []


@needs_national
def test_2023_review_subsections_are_parts_of_the_review(national):
    review = "一、过去一年和五年工作回顾"
    headings = [(p.heading_level, p.section, p.text[:3]) for p in national[5].paragraphs
                if p.heading_level and p.section[:1] == (review,)]
    numbers = "一二三四五六七八九十"
    assert headings[8:] == [(2, (review,), f"（{n}）") for n in numbers]  # after the 8 items
