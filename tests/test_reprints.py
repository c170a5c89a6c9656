"""Newspaper reprints of provincial reports: page buttons, the paper's byline, figures split off
their sentence by the scrape, and an appendix after the last numbered part."""

import json

import pytest

from searchapp.ingest import cleaning, corpus, sections

RULES = cleaning.load_rules()
BODY = "过去一年，我们坚持稳中求进工作总基调，全省经济运行稳中有进，各项事业取得新进展。"
SUBTITLE = "——2026年1月25日在河南省第十四届人民代表大会第四次会议上"
BYLINE = ["来源：河南日报", "时间：2026-02-03 08:15", "作者：", "编辑：李四"]
BUTTONS = ["加大", "减小", "全屏", "打印", "分享", "收藏", "关闭", "字号"]
REVIEW = "一、2025年工作回顾"
PLAN = "二、2026年工作安排"
LAST = "（十四）全面加强政府自身建设。"
APPEAL = "各位代表！新征程上，让我们更加紧密地团结在以习近平同志为核心的党中央周围，奋勇前进！"
ANNEX = "2026年省十件民生实事"
ITEMS = ["一、实施城乡居民增收行动。", "二、提升养老托育服务水平。", "三、推进城镇老旧小区改造。"]
REPRINT = [
    "政府工作报告", *BYLINE, *BUTTONS, SUBTITLE, "河南省省长  王凯", "各位代表：", REVIEW, BODY,
    "生态环境持续改善，全省细颗粒物（PM", "2.5", "）平均浓度下降5.2%，优良天数比例稳步提高。",
    "全年粮食产量达到1343亿斤，增长", "5%", "，连续多年稳定在1300亿斤以上。",
    PLAN, LAST, BODY, APPEAL, ANNEX, *ITEMS,
]
# (heading level, text, section) of every paragraph: no button, no byline, no figure heading
EXPECTED = [
    (0, "政府工作报告", ()),
    (0, SUBTITLE, ()),
    (0, "河南省省长  王凯", ()),
    (0, "各位代表：", ()),
    (1, REVIEW, ()),
    (0, BODY, (REVIEW,)),
    (0, "生态环境持续改善，全省细颗粒物（PM2.5）平均浓度下降5.2%，优良天数比例稳步提高。",
     (REVIEW,)),
    (0, "全年粮食产量达到1343亿斤，增长", (REVIEW,)),
    (0, "5%", (REVIEW,)),
    (0, "，连续多年稳定在1300亿斤以上。", (REVIEW,)),
    (1, PLAN, ()),
    (2, LAST, (PLAN,)),
    (0, BODY, (PLAN, LAST.rstrip("。"))),
    (0, APPEAL, (PLAN, LAST.rstrip("。"))),
    (1, ANNEX, ()),
    *[(0, item, (ANNEX,)) for item in ITEMS],
]


def outline(report) -> list[tuple[int, str, tuple[str, ...]]]:
    return [(p.heading_level, p.text, p.section) for p in report.paragraphs]


def meta(report) -> tuple:
    return report.title, report.region, report.year, report.date, report.source


def test_text_reprint_keeps_only_report_text_and_reads_its_byline(tmp_path):
    path = tmp_path / "henan.txt"
    path.write_text("\n".join(REPRINT), encoding="utf-8")
    (report,) = corpus.read_file(path)
    assert outline(report) == EXPECTED
    # the subtitle dates the report; the byline's 2026-02-03 is only when the paper printed it
    assert meta(report) == ("河南省2026年政府工作报告", "河南省", 2026, "2026-01-25", "河南日报")


def test_collection_reprint_whose_byline_and_buttons_were_joined_into_one_paragraph(tmp_path):
    """In a .jsonl record the lines of a block are joined: "加大减小全屏…", "来源：…时间：…"."""
    blocks = [REPRINT[0], "\n".join(BYLINE), "\n".join(BUTTONS), *REPRINT[13:]]
    path = tmp_path / "reprints.jsonl"
    path.write_text(json.dumps({"content": "\n\n".join(blocks)}, ensure_ascii=False),
                    encoding="utf-8")
    (report,) = corpus.read_file(path)
    assert outline(report) == EXPECTED
    assert meta(report) == ("河南省2026年政府工作报告", "河南省", 2026, "2026-01-25", "河南日报")


def test_byline_date_is_used_when_the_report_carries_none(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("\n".join(["河南省政府工作报告", "发布时间：2026-02-03", "来源：大河网",
                               "各位代表：", BODY]), encoding="utf-8")
    (report,) = corpus.read_file(path)
    assert [p.text for p in report.paragraphs] == ["河南省政府工作报告", "各位代表：", BODY]
    assert meta(report) == ("河南省政府工作报告", "河南省", 2026, "2026-02-03", "大河网")


def test_byline_lines_are_handed_to_metadata_not_kept_as_text():
    paragraphs = ["政府工作报告", "来源：河南日报", "时间：2026-02-03", "责任编辑：王五", BODY]
    assert cleaning.split_trailer(paragraphs, RULES) == (
        ["政府工作报告", BODY], ["来源：河南日报", "时间：2026-02-03", "责任编辑：王五"])


def test_a_byline_shaped_line_inside_the_report_is_text():
    paragraphs = ["各位代表：", *[BODY] * 15, "时间：2026年底前全面完成。"]
    assert cleaning.split_trailer(paragraphs, RULES) == (paragraphs, [])


@pytest.mark.parametrize("line", [*BUTTONS, "加大减小全屏打印分享收藏关闭字号", "打印 关闭",
                                  "字号：大中小"])
def test_page_buttons_standing_alone_or_joined_are_chrome(line):
    assert cleaning.split_trailer([BODY, line, BODY], RULES) == ([BODY, BODY], [])


@pytest.mark.parametrize("line", ["加大投入", "关闭落后产能。", "分享经济", "大中型企业"])
def test_words_of_report_text_made_partly_of_button_labels_are_kept(line):
    assert cleaning.split_trailer([line], RULES) == ([line], [])


@pytest.mark.parametrize("lines, joined", [
    (["细颗粒物（PM", "2.5", "）浓度下降。"], ["细颗粒物（PM2.5）浓度下降。"]),
    (["排放CO", "2", "下降5%。"], ["排放CO2", "下降5%。"]),  # the next line starts a clause
    (["增长", "5%", "，连续多年。"], ["增长", "5%", "，连续多年。"]),  # no Latin seam: as it was
    (["居民收入增长", "12.3", BODY], ["居民收入增长", "12.3", BODY]),
], ids=["PM2.5", "CO2", "percent", "decimal"])
def test_figures_split_off_by_the_scrape_rejoin_only_a_latin_seam(lines, joined):
    assert cleaning.split_trailer(lines, RULES) == (joined, [])


@pytest.mark.parametrize("line", ["2.5", "5%", "12.3", "2026", "5."])
def test_a_line_of_figures_between_body_paragraphs_is_never_a_heading(line):
    assert sections.is_bare_heading(line, BODY, BODY) is False
    assert [(p.heading_level, p.section) for p in
            sections.split(["各位代表：", REVIEW, BODY, line, BODY]).paragraphs[-2:]] == [
        (0, (REVIEW,)), (0, (REVIEW,))]


@pytest.mark.parametrize("title", [ANNEX, "附：2026年省十件民生实事", "附件1：2026年重点项目"],
                         ids=["bare-title", "fu-colon", "fujian-1"])
def test_appendix_after_the_last_numbered_part_is_a_part_of_its_own(title):
    paragraphs = sections.split(["各位代表：", PLAN, LAST, BODY, title, "一、实施增收行动",
                                 BODY]).paragraphs
    assert [(p.heading_level, p.text, p.section) for p in paragraphs[-3:]] == [
        (1, title, ()), (2, "一、实施增收行动", (title,)), (0, BODY, (title, "一、实施增收行动"))]
