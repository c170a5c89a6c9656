"""Recall beyond the literal string: parts, feedback, labels, 只搜原词, 你是不是要找."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import opened

from searchapp.model import Paragraph, Query, Report
from searchapp.search import hits, searching
from searchapp.search.abbreviations import counted_items, counted_lists
from searchapp.search.matching import FEEDBACK, OWN, Alternative, Leaf
from searchapp.web.present import literal_q


def report_of(*texts: str) -> Report:
    return Report(id="r", source_path="r.txt",
                  paragraphs=[Paragraph(i, t) for i, t in enumerate(texts, start=1)])


def test_parts_of_a_multi_part_synonym_are_found_below_the_word_and_labelled(make_index):
    directory = make_index([report_of("扎实推进双碳工作，完成年度目标。",
                                      "有序推进碳达峰行动，建设零碳园区三个。",
                                      "加快发展现代农业。")])
    results = searching.run(opened(directory), Query(q="双碳"))
    assert [(h.paragraph, h.note) for h in results.hits] == [
        (1, None), (2, "不含「双碳」，含「碳达峰」")]
    assert "碳达峰" in results.expanded


def test_the_note_names_the_word_as_typed_and_what_was_found_as_the_report_writes_it(
        make_index):
    directory = make_index([report_of("有序推進碳達峰行動，建設零碳園區三個。",
                                      "全年國內生產總值增速達到百分之六。")])
    index = opened(directory)
    [hit] = searching.run(index, Query(q="双碳")).hits
    assert hit.note == "不含「双碳」，含「碳達峰」"  # not 碳达峰: the report is Traditional
    [hit] = searching.run(index, Query(q="GDP增速")).hits
    assert hit.note == "不含「GDP增速」，含「國內生產總值增速」"  # not gdp增速, the needle


def test_the_rare_specific_part_of_a_compound_is_searched_alone(make_index):
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(60)]
    directory = make_index([report_of("推广节水灌溉技术，新增高效节水面积十万亩。", *filler)])
    [hit] = searching.run(opened(directory), Query(q="节水农业")).hits
    assert (hit.paragraph, hit.note) == (1, "不含「节水农业」，含「节水」")


def test_every_piece_rare_enough_is_searched_alone_not_only_the_rarest(make_index):
    """上调 is rarer than 养老金 but says nothing of pensions: both are parts."""
    pensions = [f"提高退休人员基本养老金，第{i}次调整标准。" for i in range(3)]
    rates = ["上调存款准备金率。", "上调部分商品出口退税率。"]
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(300)]
    directory = make_index([report_of(*pensions, *rates, *filler)])
    found = {h.paragraph for h in searching.run(opened(directory), Query(q="养老金上调")).hits}
    assert {1, 2, 3, 4, 5} <= found


def test_the_specific_part_alone_must_be_a_word_not_straddle_two(make_index):
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(120)]
    directory = make_index([report_of("鼓励民营资本参与基础设施建设，落实同等待遇。",
                                      "开展全民营养周活动，逐步改善国民营养水平。", *filler)])
    hits = searching.run(opened(directory), Query(q="民营经济")).hits
    assert [(h.paragraph, h.note) for h in hits] == [(1, "不含「民营经济」，含「民营」")]


def test_under_a_heading_naming_two_topics_the_paragraphs_saying_the_part_come_first(make_index):
    heading = "（五）稳外贸稳外资"
    report = Report(id="r", source_path="r.txt", paragraphs=[
        Paragraph(1, heading, heading_level=2),
        Paragraph(2, "支持外贸企业开拓市场，出口增长5%。", section=(heading,)),
        Paragraph(3, "新设外资企业120家，实际使用外资增长8%。", section=(heading,)),
        *(Paragraph(n, f"第{n}项工作按计划推进。", section=("（六）其他",)) for n in range(4, 64))])
    hits = searching.run(opened(make_index([report])), Query(q="稳外资")).hits
    assert [h.paragraph for h in hits] == [1, 3, 2]


def test_a_word_kept_whole_is_found_by_the_one_longer_word_inside_it(make_index):
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(60)]
    directory = make_index([report_of("依法查处垄断和不正当竞争行为。", *filler)])
    results = searching.run(opened(directory), Query(q="反垄断"))
    assert [(h.paragraph, h.note) for h in results.hits] == [(1, "不含「反垄断」，含「垄断」")]


def test_of_the_paragraphs_holding_the_part_those_with_the_other_piece_come_first(make_index):
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(150)]
    city = ["城市建设稳步推进。"] * 4  # 城市 is commoner than 更新: 更新 is the part
    equipment = "加快设备更新，推动设备更新换代。"
    renewal = "更新老旧管网二百公里，完善城市排水设施。"  # the pieces too far apart for PIECES
    directory = make_index([report_of(equipment, renewal, *city, *filler)])
    hits = searching.run(opened(directory), Query(q="城市更新")).hits
    assert [h.paragraph for h in hits][:2] == [2, 1]
    assert [h.note for h in hits][:2] == ["不含「城市更新」，含「城市」「更新」",
                                          "不含「城市更新」，含「更新」"]
    # less than a page: the commoner piece alone follows, as the relaxed last resort
    assert [(h.paragraph, h.note) for h in hits[2:]] == [
        (n, "不含「城市更新」，含「城市」") for n in (3, 4, 5, 6)]


def test_the_one_word_beside_a_verb_names_the_topic_though_commoner_than_a_part(make_index):
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(100)]
    about = ["实际利用外资增长5%。", "外资企业投资项目加快落地。", "优化外资促进服务。"]
    directory = make_index([report_of(*about, *filler)])  # 外资 in 3% of the paragraphs
    hits = searching.run(opened(directory), Query(q="稳外资")).hits
    assert sorted((h.paragraph, h.note) for h in hits) == [(n, "不含「稳外资」，含「外资」")
                                                           for n in (1, 2, 3)]


def test_a_piece_straddling_two_others_is_never_the_specific_part(make_index):
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(120)]
    common = ["培育消费市场。", "落实安全主体责任。"] * 3
    directory = make_index([report_of("激发市场主体活力。", "场主负责日常管理，场主每月报告。",
                                      *common, *filler)])
    results = searching.run(opened(directory), Query(q="市场主体"))
    assert results.hits[0].paragraph == 1
    assert 2 not in {h.paragraph for h in results.hits}  # less than a page: relaxed, still not
    assert "场主" not in results.expanded


def test_a_count_is_never_the_specific_part(make_index):
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(120)]
    directory = make_index([report_of("五大发展理念深入人心。", *filler)])
    assert searching.run(opened(directory), Query(q="五大片区")).total == 0


def headed_report(mention: str, heading: str, under: str) -> Report:
    """A paragraph naming the topic, a heading, a paragraph under it, another section."""
    return Report(id="r", source_path="r.txt", paragraphs=[
        Paragraph(1, mention), Paragraph(2, heading + "。", heading_level=2),
        Paragraph(3, under, section=(heading,)),
        Paragraph(4, "加快发展现代农业。", section=("（三）推进乡村振兴",))])


def test_a_paragraph_under_a_heading_naming_the_word_is_found_below_those_holding_it(make_index):
    report = headed_report("营商环境持续改善，新增市场主体1.2万户。", "（二）着力优化营商环境",
                           "以简审批优服务便利投资兴业，审批事项应减尽减。")
    results = searching.run(opened(make_index([report])), Query(q="营商环境"))
    assert [(h.paragraph, h.note) for h in results.hits][-1] == (
        3, "不含「营商环境」，所在章节标题含「营商环境」")
    assert sorted(h.paragraph for h in results.hits) == [1, 2, 3]
    exact = searching.run(opened(make_index([report])), Query(q='"营商环境"'))
    assert sorted(h.paragraph for h in exact.hits) == [1, 2]


def test_a_heading_naming_the_word_by_its_long_form_also_covers_the_paragraphs_under_it(
        make_index):
    report = headed_report("推进棚改，完善配套设施。", "（一）加快棚户区改造",
                           "今年开工改造安置住房580万套。")
    results = searching.run(opened(make_index([report])), Query(q="棚改"))
    assert [(h.paragraph, h.note) for h in results.hits] == [
        (1, None), (2, "不含「棚改」，含「棚户区改造」"),
        (3, "不含「棚改」，所在章节标题含「棚户区改造」")]


def test_a_word_nothing_contains_gets_a_suggestion_from_the_corpus(make_index):
    directory = make_index([report_of("持续优化营商环境。", "营商环境进一步改善。")])
    results = searching.run(opened(directory), Query(q="营商坏境"))
    assert results.total == 0  # 营商 is in every paragraph: no stand-in even as a last resort
    assert results.notice == "你是不是要找：营商环境？"


def test_as_a_last_resort_a_word_no_tier_finds_is_stood_for_by_its_pieces(make_index):
    """In a small corpus no piece is rare enough to be a part (应急 is in one of these twenty
    paragraphs: above the usual 2 %), so 应急管理 found nothing though one paragraph is about
    应急演练; a piece in more than a tenth of the paragraphs (发展 here) stays out even then."""
    others = [f"第{n}项工作按期完成。" for n in range(15)]
    directory = make_index([report_of(
        "开展防汛应急演练，完善应急预案。", "加强财务管理。", "推动高质量发展。",
        "坚持创新发展。", "促进区域协调发展。", *others)])
    results = searching.run(opened(directory), Query(q="应急管理"))
    assert results.notice == "没有段落同时包含「应急管理」，以下是含相关表述的段落。"
    assert [h.paragraph for h in results.hits] == [1, 2]
    assert results.hits[0].note == "不含「应急管理」，含「应急」"
    assert searching.run(opened(directory), Query(q="发展规划")).total == 0
    assert searching.run(opened(directory), Query(q="=应急管理")).total == 0  # asked exactly


def test_a_word_found_in_less_than_a_page_is_also_stood_for_by_its_pieces_below(make_index):
    """Fewer than a page of results is nearly as bad as none: the relaxed parts come too,
    below what the word itself found, each labelled."""
    texts = ["健全应急管理体系。", "开展防汛应急演练，完善应急预案。", "推动高质量发展。",
             "坚持创新发展。", "促进区域协调发展。", *(f"第{n}项工作按期完成。" for n in range(15))]
    directory = make_index([report_of(*texts)])
    results = searching.run(opened(directory), Query(q="应急管理"))
    assert [(h.paragraph, h.note) for h in results.hits] == [
        (1, None), (2, "不含「应急管理」，含「应急」")]
    assert results.notice is None
    assert searching.run(opened(directory), Query(q="=应急管理")).total == 1  # asked exactly
    # a filter narrowed it (one report, one year): few results say nothing of the wording
    report = replace(report_of(*texts), region="温县", year=2023)
    narrowed = opened(make_index([report], directory.parent / "narrowed"))
    assert searching.run(narrowed, Query(q="应急管理", year="2023")).total == 1
    assert searching.run(narrowed, Query(q="应急管理 -region:孟州")).total == 1
    assert searching.run(narrowed, Query(q="应急管理")).total == 2
    # several words rarely together: that is the answer, nothing relaxed
    together = opened(make_index([report_of("健全应急管理体系，修订预案。", *texts[1:])],
                                 directory.parent / "together"))
    assert [h.paragraph for h in searching.run(together, Query(q="应急管理 预案")).hits] == [1]


def test_a_suggestion_must_be_a_word_not_a_piece_of_two(make_index):
    directory = make_index([report_of("国民经济持续恢复。", "国民经济稳中向好。")])
    results = searching.run(opened(directory), Query(q="夜经济"))
    assert results.total == 0
    assert results.notice == "报告中没有「夜经济」。"  # not 民经济, the tail of 国民经济


def test_a_quoted_phrase_written_with_other_punctuation_is_offered_not_searched(make_index):
    directory = make_index([report_of("全面推行“双随机、一公开”监管。", "推进双随机、一公开。")])
    index = opened(directory)
    for typed in ('"双随机一公开"', '"双随机，一公开"'):
        results = searching.run(index, Query(q=typed))
        assert results.total == 0  # a quoted phrase stays exact
        assert results.notice == '你是不是要找："双随机、一公开"？'


def test_a_word_written_with_quotation_marks_inside_is_the_word_itself(make_index):
    """“十四五”规划 is 十四五规划: the marks are typography, so the hit needs no note and the
    page no 没有段落同时包含; quoted, the phrase stays exact."""
    directory = make_index([report_of("编制“十四五”规划纲要。", "落实国家规划。")])
    index = opened(directory)
    results = searching.run(index, Query(q="十四五规划"))
    assert [(h.paragraph, h.note) for h in results.hits][:1] == [(1, None)]
    assert results.notice is None
    assert results.hits[0].fragment == "编制“<mark>十四五”规划</mark>纲要。"
    assert searching.run(index, Query(q='"十四五规划"')).total == 0


def test_a_long_form_reworded_is_found_below_it_while_the_page_is_not_full(make_index):
    """电改 is 电力体制改革 (synonym table), which the reports also write as 电力、油气等体制改革:
    its pieces close together, like the word's own. Only while the word and its long forms fill
    less than a page: beyond that, the rewordings would crowd out what finds the rest."""
    few = opened(make_index([report_of("加快电力、油气等体制改革。", "深化电力体制改革。",
                                       "推进国有企业改革。")]))
    results = searching.run(few, Query(q="电改"))
    assert [(h.paragraph, h.note) for h in results.hits] == [
        (2, "不含「电改」，含「电力体制改革」"), (1, "不含「电改」，含「电力」「体制改革」")]
    many = opened(make_index([report_of("加快电力、油气等体制改革。",
                                        *[f"第{n}年深化电力体制改革。" for n in range(10)])]))
    assert searching.run(many, Query(q="电改")).total == 10  # not the rewording


def test_when_no_paragraph_holds_the_word_the_page_says_so(make_index):
    directory = make_index([report_of("有序推进碳达峰行动。")])
    results = searching.run(opened(directory), Query(q="双碳"))
    assert results.notice == "没有段落同时包含「双碳」，以下是含相关表述的段落。"


def test_a_word_no_report_writes_is_named_and_the_other_words_are_still_searched(make_index):
    report = report_of("深入实施乡村振兴战略。", "推进城市乡村振兴示范。", "发展现代农业。")
    report.region = "孟州市"
    index = opened(make_index([report]))
    results = searching.run(index, Query(q="乡村振兴 REITs"))
    assert [h.paragraph for h in results.hits] == [1, 2]
    assert results.notice == "报告中没有「REITs」，以下是不含它的段落。"
    assert searching.run(index, Query(q="乡村振兴 REITs 基金")).notice == \
        "报告中没有「REITs」「基金」，以下是不含它们的段落。"
    # an excluded word and a filter stay: only the missing word is dropped
    assert [h.paragraph for h in searching.run(index, Query(q="乡村振兴 REITs -城市")).hits] == [1]
    assert searching.run(index, Query(q="乡村振兴 REITs", region="焦作市")).notice == \
        "报告中没有「REITs」。"


def test_an_unwritten_piece_is_spelled_by_its_inferred_long_form(make_index):
    """全面改薄: no report writes 改薄, and 全面 is everywhere; the reports write 改善薄弱学校,
    the long form 改薄 abbreviates, inferred for the piece of a word written less than a
    page, and standing alone as a part."""
    index = opened(make_index([report_of(
        "全面改善薄弱学校基本办学条件。", "继续改善薄弱学校办学条件。", "持续改善薄弱学校条件。",
        *[f"全面推进第{n}项改革。" for n in range(30)])]))
    results = searching.run(index, Query(q="全面改薄"))
    assert [(h.paragraph, h.note) for h in results.hits][:1] == [
        (1, "不含「全面改薄」，含「全面改善薄弱」")]  # the word so respelled, where written
    assert sorted(h.paragraph for h in results.hits[1:3]) == [2, 3]  # the long form, a part


def test_a_rarely_written_piece_is_spelled_by_its_long_form_beside_the_other_pieces(make_index):
    """固废治理: the reports write 固废 once and 固体废物 often. The long form stands for the
    piece where the word's other pieces stand close to it, not alone: a written piece may
    abbreviate something else too (银发 of 银发经济 is not 银行发行)."""
    index = opened(make_index([report_of(
        "推进固废综合利用。", "加强固体废物综合治理。", "严格固体废物污染治理。",
        "强化固体废物监管和治理。", "固体废物进口实行许可管理。",
        *[f"发展第{n}项产业。" for n in range(60)])]))
    results = searching.run(index, Query(q="固废治理"))
    assert sorted(h.paragraph for h in results.hits) == [1, 2, 3, 4]
    assert {h.note for h in results.hits if h.paragraph != 1} == {
        "不含「固废治理」，含「固体废物」「治理」"}


def test_a_word_written_less_than_a_page_finds_its_words_in_another_order(make_index):
    """就业公共服务: the reports write 公共就业服务, its dictionary words in another order; the
    pieces 就业 + 公共服务 never match that, the finer 公共 + 就业 + 服务 do."""
    index = opened(make_index([report_of(
        "完善就业公共服务制度。", "健全公共就业服务体系。", "加强公共就业服务机构建设。",
        "推进就业和社保等公共服务。",
        *[f"发展第{n}项产业。" for n in range(60)])]))
    results = searching.run(index, Query(q="就业公共服务"))
    assert [h.paragraph for h in results.hits][:1] == [1]
    assert {2, 3} <= {h.paragraph for h in results.hits}


def test_words_written_but_never_together_find_the_paragraphs_with_some_of_them(make_index):
    """Zero results are a last resort: 耕地 and 保护 are each written, never in one paragraph,
    so the page shows those holding either and says so; filters and excluded words stay."""
    report = report_of("严守耕地红线。", "加强生态保护。", "发展现代农业。",
                       "耕地质量提升，粮食增产。")
    index = opened(make_index([report]))
    results = searching.run(index, Query(q="耕地 保护"))
    assert sorted((h.paragraph, h.note) for h in results.hits) == [
        (1, "不含「保护」"), (2, "不含「耕地」"), (4, "不含「保护」")]  # each says what it lacks
    assert results.notice == "没有段落同时包含「耕地」「保护」，以下是只含其中部分词语的段落。"
    by_report = searching.run(index, Query(q="耕地 保护", group="report")).hits
    assert [(h.paragraph, h.note) for h in by_report] == [
        (results.hits[0].paragraph, results.hits[0].note)]  # its best paragraph, so marked
    assert sorted(h.paragraph for h in searching.run(index, Query(q="耕地 保护 -粮食")).hits) \
        == [1, 2]
    either = searching.run(index, Query(q="耕地 OR 保护"))
    assert (either.notice, {h.note for h in either.hits}) == (None, {None})  # asked for either
    assert searching.run(index, Query(q="耕地 保护 农业")).total == 4


def test_when_nothing_is_found_the_notice_names_what_no_report_writes(make_index):
    index = opened(make_index([report_of("开展基础设施投资试点。", "扩大有效投资。")]))
    for q, notice in (("REITs试点", "报告中没有「REITs」。"),  # the piece, not 试点
                      ("REITs 基金", "报告中没有「REITs」「基金」。"),  # both: none dropped
                      ('"REITs"', None)):  # a quoted phrase: exactly as asked
        results = searching.run(index, Query(q=q))
        assert (results.total, results.notice) == (0, notice), q


def test_a_word_found_only_elsewhere_is_not_called_missing(make_index):
    report = report_of("深入实施乡村振兴战略。", "发展现代农业。")
    report.region = "孟州市"
    results = searching.run(opened(make_index([report])), Query(q="乡村振兴", region="焦作市"))
    assert (results.total, results.notice) == (0, None)


def test_literal_search_turns_every_plain_word_off_expansion():
    assert literal_q('(氢能 OR 储能) 产业 -疫情 "万人助万企" region:孟州') == \
        '(=氢能 OR =储能) =产业 -疫情 "万人助万企" region:孟州'


def test_feedback_words_find_paragraphs_that_never_name_the_topic(make_index):
    about = [f"抓好粮食安全，稳定粮食播种面积，加强耕地保护，提高储备能力{i}。" for i in range(4)]
    unnamed = "严格耕地保护，稳定播种面积，充实地方储备。"
    filler = [f"推进第{i}批城市更新项目，改造老旧小区。" for i in range(1000)]
    directory = make_index([report_of(*about, unnamed, *filler)])
    results = searching.run(opened(directory), Query(q="粮食安全"))
    assert [h.paragraph for h in results.hits][:5] == [1, 2, 3, 4, 5]
    assert results.hits[4].note and results.hits[4].note.startswith("不含「粮食安全」")


def test_of_the_paragraphs_found_by_feedback_words_those_saying_a_piece_of_the_word_come_first(
        make_index):
    about = [f"抓好粮食安全，稳定粮食播种面积，加强耕地保护，提高储备能力{i}。" for i in range(4)]
    more_words = "严格耕地保护，稳定播种面积，充实地方储备，提高储备能力。"
    with_a_piece = "稳定粮食播种面积，加强耕地保护。"  # 粮食 of 粮食安全, too common to be a part
    filler = [f"推进第{i}批城市更新项目，改造老旧小区。" for i in range(970)] + \
        [f"第{i}批粮食收购资金按时拨付。" for i in range(30)]
    directory = make_index([report_of(*about, more_words, with_a_piece, *filler)])
    hits = searching.run(opened(directory), Query(q="粮食安全")).hits
    assert [h.paragraph for h in hits][4:6] == [6, 5]
    assert any("粮食" in hits[4].text[s:e] for s, e in hits[4].spans)  # and it is marked


def test_feedback_words_are_the_topics_not_the_reports_way_of_speaking(make_index):
    """In a small corpus 我们 and 二是 are rare enough to pass as a topic's words."""
    about = [f"二是抓好粮食安全，我们稳定粮食播种面积，加强耕地保护，提高储备能力{i}。"
             for i in range(4)]
    filler = [f"推进第{i}批城市更新项目，改造老旧小区。" for i in range(200)]
    results = searching.run(opened(make_index([report_of(*about, *filler)])),
                            Query(q="粮食安全"))
    assert {"播种面积", "储备"} <= set(results.expanded)
    assert not {"我们", "二是"} & set(results.expanded)


@pytest.mark.parametrize(("paragraphs", "found"), [(100, False), (200, True)])
def test_feedback_needs_about_two_reports_of_text_not_one(make_index, paragraphs, found):
    """Document frequencies over one report's hundred paragraphs say too little to choose a
    topic's words; over two reports' (the seeds: 191) they tell them."""
    about = [f"抓好粮食安全，稳定粮食播种面积，加强耕地保护，提高储备能力{i}。" for i in range(4)]
    unnamed = "严格耕地保护，稳定播种面积，充实地方储备。"
    filler = [f"推进第{i}批城市更新项目，改造老旧小区。" for i in range(paragraphs - 5)]
    directory = make_index([report_of(*about, unnamed, *filler)])
    results = searching.run(opened(directory), Query(q="粮食安全"))
    assert (5 in [h.paragraph for h in results.hits]) is found


def test_two_hits_are_enough_for_feedback_from_the_words_both_share(make_index):
    about = [f"统筹推进一老一小服务，扩大普惠托育供给，发展社区养老服务{i}。" for i in range(2)]
    unnamed = "新增普惠托育托位，建设社区养老服务中心。"
    filler = [f"推进第{i}批城市更新项目，改造老旧小区。" for i in range(1000)]
    directory = make_index([report_of(*about, unnamed, *filler)])
    hits = searching.run(opened(directory), Query(q="一老一小")).hits
    assert [h.paragraph for h in hits][:3] == [1, 2, 3]
    assert hits[2].note and hits[2].note.startswith("不含「一老一小」")


def test_a_region_or_year_filter_keeps_the_feedback_tier(make_index):
    about = [f"抓好粮食安全，稳定粮食播种面积，加强耕地保护，提高储备能力{i}。" for i in range(4)]
    unnamed = "严格耕地保护，稳定播种面积，充实地方储备。"
    filler = [f"推进第{i}批城市更新项目，改造老旧小区。" for i in range(1000)]
    report = report_of(*about, unnamed, *filler)
    report.region, report.year = "孟州市", 2024
    directory = make_index([report])
    for query in (Query(q="粮食安全", region="孟州市"), Query(q="粮食安全", year="2024"),
                  Query(q="粮食安全 year:2024")):
        hits = searching.run(opened(directory), query).hits
        assert [h.paragraph for h in hits][:5] == [1, 2, 3, 4, 5], query
        assert hits[4].note and hits[4].note.startswith("不含「粮食安全」"), query


def test_a_short_form_finds_its_long_form_inferred_from_the_corpus(make_index):
    long_form = [f"深化自由贸易试验区改革，第{i}批制度创新成果复制推广。" for i in range(4)]
    directory = make_index([report_of("自贸区建设取得新进展。", *long_form, "发展现代农业。")])
    results = searching.run(opened(directory), Query(q="自贸区"))
    assert [h.paragraph for h in results.hits] == [1, 2, 3, 4, 5]
    assert "自由贸易试验区" in results.expanded
    assert results.hits[1].note == "不含「自贸区」，含「自由贸易试验区」"


def test_a_long_form_counts_the_paragraphs_of_the_longer_forms_it_begins(make_index):
    """jieba cuts 保险制度 as one word, so two paragraphs complete 农险 to 农业保险制度 and two
    to 农业保险: 农业保险 is written in four, enough to be a long form."""
    directory = make_index([report_of(
        "完善农业保险制度，扩大保险覆盖面。", "健全农业保险制度，提高保障水平。",
        "扩大农业保险覆盖面。", "农业保险保费补贴增加。", "发展现代农业。")])
    results = searching.run(opened(directory), Query(q="农险"))
    assert results.expanded[:1] == ["农业保险"]
    assert sorted(h.paragraph for h in results.hits) == [1, 2, 3, 4]


@pytest.mark.parametrize(("written", "inferred"), [("提高企业效益", True), ("高企数量增长", False)])
def test_a_short_form_the_reports_write_only_across_words_still_finds_its_long_form(
        make_index, written, inferred):
    """高企 inside 提高企业 (提高|企业) is no 高企 the reports wrote, however often; 高企数量
    (高企|数量) is one, and a word written this often needs no long form."""
    across = [f"第{i}季度{written}明显。" for i in range(25)]
    long_form = [f"新增高新技术企业{i}家。" for i in range(4)]
    directory = make_index([report_of(*across, *long_form, "发展现代农业。")])
    results = searching.run(opened(directory), Query(q="高企"))
    assert ("高新技术企业" in results.expanded) is inferred
    assert all("高企" in h.text for h in results.hits[:25])  # what the reader typed, first


def test_a_compound_built_on_a_short_form_finds_the_reports_spelling_of_it(make_index):
    """民企融资: 民企 is 民营企业 in the synonym table; the reports write the long form, next
    to the other word, apart from it, or the long form alone."""
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(200)]
    lending = [f"拓宽企业融资渠道，发展第{i}个区域性股权市场。" for i in range(5)]
    directory = make_index([report_of("引导金融机构加大民营企业融资支持，降低综合融资成本。",
                                      "着力缓解民营企业的融资难题，扩大信用贷款。",
                                      "民营企业是推动发展的重要力量，依法保护企业家权益。",
                                      *lending, *filler)])
    results = searching.run(opened(directory), Query(q="民企融资"))
    assert [(h.paragraph, h.note) for h in results.hits][:3] == [
        (1, "不含「民企融资」，含「民营企业融资」"),  # the whole word respelled, literally
        (2, "不含「民企融资」，含「民营企业」「融资」"),  # its pieces respelled, close together
        (3, "不含「民企融资」，含「民营企业」")]  # the short form's long form alone: its part
    assert "民营企业融资" in results.expanded


def test_the_specific_piece_is_searched_alone_in_its_long_form_too(make_index):
    """个税改革: the reports write 个税 once and 个人所得税 often, rarely next to 改革."""
    filler = [f"第{i}项改革按计划推进，完成全年目标。" for i in range(200)]
    directory = make_index([report_of("提高个人所得税起征点，设立专项附加扣除。",
                                      "个税起征点提高到每月五千元。", *filler)])
    results = searching.run(opened(directory), Query(q="个税改革"))
    assert {(h.paragraph, h.note) for h in results.hits} == {
        (1, "不含「个税改革」，含「个人所得税」"), (2, "不含「个税改革」，含「个税」")}


def test_a_respelled_piece_is_still_the_best_hits_vocabulary_for_feedback(make_index):
    """外资准入: 外商投资 is searched next to 准入 (a respelled piece), and is also what the
    best hits share, so paragraphs on 外商投资 without 准入 are found by feedback."""
    about = [f"放宽外资准入限制，外商投资负面清单缩减到{i}条，扩大鼓励外商投资产业目录。"
             for i in range(30, 34)]
    unnamed = "扩大鼓励外商投资产业目录，负面清单之外内外资一视同仁。"
    filler = [f"推进第{i}批城市更新项目，改造老旧小区。" for i in range(1000)]
    results = searching.run(opened(make_index([report_of(*about, unnamed, *filler)])),
                            Query(q="外资准入"))
    assert 5 in [h.paragraph for h in results.hits]
    assert "外商投资" in results.expanded


def test_a_short_form_jieba_cuts_apart_is_still_one_piece_of_the_compound(make_index):
    """jieba cuts 新农合补助 into 新农 合 补助 and 公租房建设 into 公 租房 建设; the table's
    short forms inside them are kept whole, so their long forms are tried in their place."""
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(200)]
    directory = make_index([report_of("新型农村合作医疗财政补助标准提高到每人每年240元。",
                                      "新建公共租赁住房建设任务全面完成，分配入住八万套。",
                                      *filler)])
    index = opened(directory)
    [hit] = searching.run(index, Query(q="新农合补助")).hits
    assert (hit.paragraph, hit.note) == (1, "不含「新农合补助」，含「新型农村合作医疗」「补助」")
    [hit] = searching.run(index, Query(q="公租房建设")).hits
    assert (hit.paragraph, hit.note) == (2, "不含「公租房建设」，含「公共租赁住房建设」")


def test_a_multi_part_long_form_of_a_compounds_short_form_gives_its_parts(make_index):
    """双碳目标: 双碳 is 碳达峰、碳中和; a paragraph saying either part stands for it."""
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(200)]
    directory = make_index([report_of("制定碳达峰行动方案，确保如期实现目标。",
                                      "推进碳中和技术研发。", *filler)])
    results = searching.run(opened(directory), Query(q="双碳目标"))
    assert {(h.paragraph, h.note) for h in results.hits[:2]} == {
        (1, "不含「双碳目标」，含「碳达峰」「目标」"), (2, "不含「双碳目标」，含「碳中和」")}


def test_an_inferred_long_form_is_a_whole_word_not_cut_at_the_short_forms_last_character(
        make_index):
    """教改 takes 教 of 教育 and 改 of 改革: the long form is 教育改革, not 教育改, and one
    that holds another (教育改革试点) adds nothing to it."""
    long_form = [f"深化教育改革，第{i}批试点学校扩大办学自主权。" for i in range(4)]
    pilots = [f"推进教育改革试点，第{i}批经验复制推广。" for i in range(4)]
    directory = make_index([report_of("教改要稳步推进。", *long_form, *pilots, "发展现代农业。")])
    results = searching.run(opened(directory), Query(q="教改"))
    assert "教育改革" in results.expanded
    assert not any(form in results.expanded for form in ("教育改", "教育改革试点"))
    assert results.hits[1].note == "不含「教改」，含「教育改革」"


@pytest.mark.parametrize("short, long_form, sentence", [
    ("农网改造", "农村电网改造", "实施农村电网改造升级工程，第{i}批项目投入运行。"),
    ("研发加计扣除", "研发费用加计扣除", "落实研发费用加计扣除政策，第{i}批企业享受优惠。"),
])
def test_a_short_form_finds_its_long_form_by_the_words_it_takes_from(make_index, short,
                                                                     long_form, sentence):
    """农网改造 takes 农 of 农村, 网 of 电网 (its last character) and 改造; 研发加计扣除 leaves
    费用 out, and a short form of six characters is inferred too."""
    written = [sentence.format(i=i) for i in range(4)]
    directory = make_index([report_of(f"{short}要加快推进。", *written, "发展现代农业。")])
    results = searching.run(opened(directory), Query(q=short))
    assert long_form in results.expanded
    assert [h.paragraph for h in results.hits] == [1, 2, 3, 4, 5]
    assert results.hits[1].note == f"不含「{short}」，含「{long_form}」"


def test_a_short_form_may_take_the_last_character_of_the_long_forms_first_word(make_index):
    """央地 takes 央 of 中央 and 地 of 地方: the reports write 中央和地方."""
    written = [f"理顺中央和地方财政关系，第{i}批改革任务落地。" for i in range(4)]
    directory = make_index([report_of("央地财政关系要理顺。", *written, "发展现代农业。")])
    results = searching.run(opened(directory), Query(q="央地"))
    assert "中央和地方" in results.expanded
    assert [h.paragraph for h in results.hits] == [1, 2, 3, 4, 5]


def test_a_long_form_begun_at_the_short_forms_first_character_is_preferred(make_index):
    """户改 is 户籍制度改革 (户 begins 户籍), not 棚户区改造 (户 ends 棚户), though the
    reports write both."""
    household = [f"深化户籍制度改革，第{i}批农业转移人口落户城镇。" for i in range(4)]
    shanty = [f"推进棚户区改造，第{i}批安置房交付使用。" for i in range(6)]
    directory = make_index([report_of(*household, *shanty, "发展现代农业。")])
    results = searching.run(opened(directory), Query(q="户改"))
    assert "户籍制度改革" in results.expanded
    assert not any("棚户" in form for form in results.expanded)


def test_a_long_form_holding_the_word_itself_is_not_listed(make_index):
    """和建设和谐社会 holds 和谐社会: its paragraphs are found as the word's own."""
    holding = [f"促进经济发展和建设和谐社会，第{i}批试点推进。" for i in range(4)]
    directory = make_index([report_of(*holding, "发展现代农业。")])
    results = searching.run(opened(directory), Query(q="和谐社会"))
    assert not any("和谐社会" in form for form in results.expanded)
    assert [h.paragraph for h in results.hits][:4] == [1, 2, 3, 4]


def test_an_inferred_long_form_must_agree_with_what_the_synonym_table_says(make_index):
    """两新 is 设备更新和消费品以旧换新 in the table; 两年新增 shares none of its words."""
    counts = [f"两年新增就业岗位{i}万个。" for i in range(4)]
    renewals = [f"推动设备更新和消费品以旧换新，第{i}批资金下达。" for i in range(4)]
    directory = make_index([report_of("两新政策加力扩围。", *counts, *renewals)])
    results = searching.run(opened(directory), Query(q="两新"))
    assert "设备更新和消费品以旧换新" in results.expanded
    assert "两年新增" not in results.expanded
    assert [h.paragraph for h in results.hits][:5] == [1, 6, 7, 8, 9]


def test_pieces_that_never_stand_close_are_cut_finer(make_index):
    """农民工子女教育 is 农民工 + 子女教育 to jieba; the reports write 农民工随迁子女…义务教育."""
    written = [f"保障农民工随迁子女平等接受义务教育，第{i}批试点推开。" for i in range(3)]
    directory = make_index([report_of(*written, "加强子女教育支出扣除。", "发展现代农业。")])
    hits = searching.run(opened(directory), Query(q="农民工子女教育")).hits
    assert [h.paragraph for h in hits][:3] == [1, 2, 3]
    assert hits[0].note == "不含「农民工子女教育」，含「农民工」「子女」「教育」"


def test_pieces_of_a_word_written_a_page_are_not_cut_finer_where_found_close(make_index):
    """Of a word written less than a page the finer words are searched too (就业公共服务 as
    公共就业服务); of one written more, only where its pieces are never found close."""
    written = [f"推行承包经营责任制，第{i}批企业签约。" for i in range(10)]
    apart = ["完善经营责任制，扩大承包范围。", "落实承包制和经营者责任制。"]
    directory = make_index([report_of(*written, *apart, "发展现代农业。")])
    hits = searching.run(opened(directory), Query(q="承包经营责任制")).hits
    assert [h.paragraph for h in hits][:10] == list(range(1, 11))
    assert 12 not in [h.paragraph for h in hits]  # not 承包…经营…责任制


def test_a_long_form_must_begin_a_word_where_the_reports_write_it(make_index):
    inside = [f"加强事中事后监管，第{i}批事项纳入清单。" for i in range(4)]
    directory = make_index([report_of("强监管要求落到实处。", *inside, "发展现代农业。")])
    results = searching.run(opened(directory), Query(q="强监管"))
    assert not any(form.startswith("强事") for form in results.expanded)  # 强 of 加强


def lending(make_index):
    """Four paragraphs about lending to small firms, one that never names 中小企业, filler."""
    about = [f"缓解中小企业融资难题，扩大普惠小微贷款，降低担保费率{i}。" for i in range(4)]
    unnamed = "扩大普惠小微贷款投放，降低担保费率，支持个体工商户。"
    filler = [f"推进第{i}批城市更新项目，改造老旧小区。" for i in range(1000)]
    return opened(make_index([report_of(*about, unnamed, *filler)]))


def test_feedback_serves_a_query_of_several_words_too(make_index):
    results = searching.run(lending(make_index), Query(q="中小企业 融资"))
    assert [h.paragraph for h in results.hits][:5] == [1, 2, 3, 4, 5]
    assert results.hits[4].note and results.hits[4].note.startswith("不含「中小企业」")


def test_quoted_or_excluding_queries_get_no_feedback(make_index):
    index = lending(make_index)
    for q in ('"中小企业融资"', "中小企业 融资 -个体", "中小企业 OR 融资"):
        assert 5 not in [h.paragraph for h in searching.run(index, Query(q=q)).hits]


def test_a_note_names_the_best_feedback_words_and_says_there_are_more():
    words = tuple(f"词{i}" for i in range(hits.NOTE_WORDS + 3))
    leaf = Leaf((Alternative(("一老一小",), OWN), Alternative(words, FEEDBACK)), words, "一老一小")
    body = "，".join(words) + "。"
    named = "」「".join(words[:hits.NOTE_WORDS])
    assert hits._note(leaf, [leaf.alternatives[1]], body, body) == [
        f"不含「一老一小」，含「{named}」等"]


def test_a_numbered_short_form_finds_the_list_it_counts(make_index):
    """三医联动 counts three items that begin with 医; the reports write the list out."""
    lists = [f"深化医疗、医保、医药联动改革，第{i}批城市推开。" for i in range(2)]
    directory = make_index([report_of(*lists, "医疗卫生服务体系加快建设。", "发展现代农业。")])
    results = searching.run(opened(directory), Query(q="三医联动"))
    assert "医疗、医保、医药" in results.expanded
    assert [h.paragraph for h in results.hits][:2] == [1, 2]
    assert results.hits[0].note == "不含「三医联动」，含「医疗、医保、医药」"


def test_a_list_of_items_ending_with_the_shared_character_starts_at_the_first_items_word(
        make_index):
    """两化融合: 信息化和工业化 with 融合 in the same clause, in either order; the word before
    the list (推动) is not part of it, and a pair without 融合 beside it is another pair."""
    directory = make_index([report_of("推动信息化和工业化深度融合，改造提升制造业。",
                                      "促进工业化与信息化融合，培育新兴产业。",
                                      "加快工业化和城镇化进程，融合发展城乡经济。")])
    results = searching.run(opened(directory), Query(q="两化融合"))
    assert {"信息化和工业化", "工业化与信息化"} <= set(results.expanded)
    assert "工业化和城镇化" not in results.expanded
    assert {h.paragraph for h in results.hits[:2]} == {1, 2}


def test_a_list_with_more_items_than_the_short_form_counts_is_not_its_long_form(make_index):
    """三化 is not 工业化、信息化、城镇化、农业现代化: four items, not three."""
    four = [f"同步推进工业化、信息化、城镇化、农业现代化，第{i}批试点。" for i in range(3)]
    three = [f"推进标准化、规范化、制度化建设，第{i}批单位达标。" for i in range(3)]
    directory = make_index([report_of(*four, *three)])
    results = searching.run(opened(directory), Query(q="三化"))
    assert "标准化、规范化、制度化" in results.expanded
    assert not any("城镇化" in form for form in results.expanded)


def test_two_items_sharing_a_character_with_nothing_else_to_go_by_are_no_long_form(
        make_index):
    """两化 alone: 工业化和城镇化 and 信息化和工业化 are both pairs of 化; nothing says which."""
    pairs = [f"加快工业化和城镇化，第{i}批项目开工。" for i in range(3)]
    directory = make_index([report_of(*pairs, "发展现代农业。")])
    results = searching.run(opened(directory), Query(q="两化"))
    assert "工业化和城镇化" not in results.expanded


def test_the_last_item_of_a_counted_list_is_as_long_as_the_shortest_other(make_index):
    """双一流: jieba ends the last item at 一流, but it is 一流学科, as long as 一流大学."""
    lists = [f"加快建设世界一流大学和一流学科，第{i}批高校入选。" for i in range(3)]
    directory = make_index([report_of(*lists, "发展现代农业。")])
    results = searching.run(opened(directory), Query(q="双一流"))
    assert "一流大学和一流学科" in results.expanded


def test_a_number_or_a_list_whose_items_are_not_words_is_no_counted_list(make_index):
    """二十九 is a number, not 二 items sharing 十; for 三国, 各国|政府 does not begin a word
    with 国, so 国政府、国际组织和国际友人 is no list of three 国 items."""
    congresses = [f"党的十九大和十九届第{i}次全会精神。" for i in range(3)]
    guests = [f"感谢各国政府、国际组织和国际友人第{i}次支持。" for i in range(3)]
    directory = make_index([report_of(*congresses, *guests, "二十九个省份。", "三国演义。")])
    gen = opened(directory).generation()
    assert counted_lists(gen, "二十九") == ()
    assert counted_lists(gen, "三国") == ()


def test_a_count_the_reports_write_as_a_word_of_its_own_counts_no_list(make_index):
    """两国 (two countries) is a word in many paragraphs: 两国之间 is no pair of 国 items."""
    visits = [f"两国领导人第{i}次会晤。" for i in range(25)]
    pairs = [f"我国和邻国之间第{i}批合作项目。" for i in range(3)]
    directory = make_index([report_of(*visits, *pairs)])
    assert counted_lists(opened(directory).generation(), "两国之间") == ()


def test_a_common_part_of_a_multi_part_synonym_is_not_searched_alone(make_index):
    """放管服 is 简政放权、放管结合、优化服务: 放管结合 alone is specific, but 优化服务 says
    nothing when most paragraphs say it."""
    common = [f"优化服务第{i}项举措落实。" for i in range(60)]
    directory = make_index([report_of("推进放管结合，减少审批。", *common, "发展现代农业。")])
    results = searching.run(opened(directory), Query(q="放管服"))
    assert "放管结合" in results.expanded
    assert "优化服务" not in results.expanded


def test_the_items_a_numbered_short_form_counts_are_its_parts(make_index):
    """两新 is 大规模设备更新和消费品以旧换新 (synonym table): the reports write each item on
    its own, and a paragraph saying either is about one of the two."""
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(200)]
    directory = make_index([report_of("推动大规模设备更新，支持企业技术改造。",
                                      "实施消费品以旧换新，扩大汽车家电消费。", *filler)])
    results = searching.run(opened(directory), Query(q="两新"))
    assert {(h.paragraph, h.note) for h in results.hits} == {
        (1, "不含「两新」，含「大规模设备更新」「设备更新」"),
        (2, "不含「两新」，含「消费品以旧换新」")}


def test_a_long_form_splits_into_the_items_only_where_it_counts_them():
    assert counted_items("两重", "国家重大战略实施和重点领域安全能力建设") == (
        "国家重大战略实施", "重点领域安全能力建设")
    assert counted_items("双碳", "碳达峰、碳中和") == ("碳达峰", "碳中和")  # 碳中和 stays whole
    assert counted_items("双碳", "碳达峰碳中和") == ()  # no mark between the items
    assert counted_items("三农", "农业和农村") == ()  # two items for a count of three
    # what the items do together is the topic: one item alone is not
    assert counted_items("两化融合", "信息化和工业化融合") == ()
    assert counted_items("营商环境", "优化营商环境") == ()


def test_a_run_of_a_long_compounds_pieces_is_searched_as_a_part(make_index):
    """国土空间规划: the reports write 国土空间 with other words around it (优化国土空间开发
    格局); 国土 alone is mostly 国土绿化, too common here to stand for the topic: it comes only
    below, where less than a page is found and the word's pieces are relaxed."""
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(200)]
    greening = [f"推进国土绿化第{i}期工程，国土绿化成效明显。" for i in range(8)]
    directory = make_index([report_of("优化国土空间开发格局，划定生态保护红线。",
                                      *greening, *filler)])
    results = searching.run(opened(directory), Query(q="国土空间规划"))
    assert results.hits[0].paragraph == 1 and "「国土空间」" in results.hits[0].note
    assert [(h.paragraph, h.note) for h in results.hits[1:]] == [
        (n, "不含「国土空间规划」，含「国土」") for n in range(2, 10)]


def test_what_a_numbered_short_form_says_its_items_do_is_no_part(make_index):
    """三产融合: 融合 alone finds every other fusion (城乡融合); the reports' 一二三产业融合 is
    found by the word's pieces standing close."""
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(200)]
    directory = make_index([report_of("推进农村一二三产业融合发展。", "促进城乡融合发展。",
                                      *filler)])
    results = searching.run(opened(directory), Query(q="三产融合"))
    assert [h.paragraph for h in results.hits] == [1]


def test_a_run_of_the_words_pieces_ranks_above_one_piece_alone(make_index):
    """政务服务便利化: 政务服务 holds two of its three pieces, 便利化 one (贸易便利化 is trade;
    服务 is everywhere)."""
    filler = [f"第{i}项工作按计划推进，完成全年目标。" for i in range(200)]
    services = [f"提升第{i}类公共服务水平。" for i in range(10)]
    directory = make_index([report_of("推进贸易便利化，优化通关服务。",
                                      "政务服务事项全部上线，实现一网通办。", *services,
                                      *filler)])
    results = searching.run(opened(directory), Query(q="政务服务便利化"))
    assert [h.paragraph for h in results.hits][:2] == [2, 1]
