"""Ranking puts substance first: each feature of ranking.Weights, on tiny inline reports."""

from __future__ import annotations

from dataclasses import replace

from conftest import opened

from searchapp.model import Paragraph, Query, Report
from searchapp.search import feedback, ranking, scoring, searching

SUBSTANTIVE = ("持续优化营商环境。深化“放管服”改革，企业开办时间压缩至1个工作日，"
               "政务服务事项全部实现网上可办，新增市场主体1.2万户。")
IN_A_LIST = ("培育新能源、新材料、营商环境、数字经济等新兴领域，推进产业链招商，"
             "全年签约项目120个，总投资580亿元，建成投产项目65个。")


def order(make_index, report: Report, q: str) -> list[int]:
    hits = searching.run(opened(make_index([report])), Query(q=q)).hits
    return [h.paragraph for h in hits]


def report_of(*paragraphs: Paragraph) -> Report:
    return Report(id="r", source_path="r.txt", paragraphs=list(paragraphs))


def test_a_paragraph_about_the_topic_ranks_above_a_list_that_names_it(make_index):
    report = report_of(Paragraph(1, IN_A_LIST), Paragraph(2, SUBSTANTIVE))
    assert order(make_index, report, "营商环境") == [2, 1]


def test_a_heading_that_only_names_the_topic_ranks_below_the_body(make_index):
    report = report_of(Paragraph(1, "（二）优化营商环境。", heading_level=2),
                       Paragraph(2, SUBSTANTIVE, section=("（二）优化营商环境",)))
    assert order(make_index, report, "营商环境") == [2, 1]


def test_a_whole_word_match_ranks_above_one_across_word_boundaries(make_index):
    whole = "营商环境持续改善，企业满意度提升，涉企收费清理完毕，市场活力增强。"
    report = report_of(Paragraph(1, "国营商业网点。"), Paragraph(2, whole))
    assert order(make_index, report, "营商") == [2, 1]


def test_a_one_sentence_paragraph_gets_no_opening_sentence_bonus(make_index):
    definition = ("重点任务：指围绕乡村振兴目标，统筹推进产业升级和城市更新，"
                  "着力补齐基础设施和公共服务短板，持续增进民生福祉。")
    treated = "农业生产稳中有进。乡村振兴扎实推进，新建高标准农田5万亩。"
    report = report_of(Paragraph(1, definition), Paragraph(2, treated))
    assert order(make_index, report, "乡村振兴") == [2, 1]


def test_the_opening_is_the_paragraphs_first_characters_not_a_long_first_sentence(make_index):
    early = "持续优化营商环境，深化放管服改革。企业开办时间压缩至1个工作日。"
    late = ("围绕高质量发展目标，统筹推进各项改革任务，加快建设现代化经济体系，"
            "持续优化营商环境。企业开办时间压缩至1个工作日。")
    report = report_of(Paragraph(1, early), Paragraph(2, late))
    gen = opened(make_index([report])).generation()
    _, opening, _ = ranking.mentions(gen, "营商环境", gen.literal("营商环境"))
    assert late.find("营商环境") >= ranking.OPENING_CHARS
    assert opening.tolist() == [1, 0]


def test_a_word_ending_the_paragraph_is_not_a_list_item(make_index):
    report = report_of(Paragraph(1, "（二）持续优化营商环境"),
                       Paragraph(2, "培育新能源、营商环境等新兴领域。"))
    gen = opened(make_index([report])).generation()
    docs = gen.literal("营商环境")
    listed, _, _ = ranking.mentions(gen, "营商环境", docs)
    assert listed.tolist() == [0, 1]


def test_a_mention_with_a_target_or_result_ranks_above_a_generic_one(make_index):
    generic = "加强农田水利建设，加强高标准农田建设，提高农业综合生产能力。"
    target = "加强农田水利建设，新增高标准农田8000万亩，提高农业综合生产能力。"
    report = report_of(Paragraph(1, generic), Paragraph(2, target))
    assert order(make_index, report, "高标准农田") == [2, 1]


def test_a_figure_counts_only_in_the_clause_that_names_the_word(make_index):
    report = report_of(Paragraph(1, "加强高标准农田建设，全年投资120亿元。"),
                       Paragraph(2, "新增高标准农田两万亩，推进灌区建设。"),
                       Paragraph(3, "目标：高标准农田。"))
    gen = opened(make_index([report])).generation()
    _, _, figured = ranking.mentions(gen, "高标准农田", gen.literal("高标准农田"))
    assert figured.tolist() == [0, 1, 0]


def test_a_figure_is_a_number_with_a_unit_not_a_list_number():
    figures = ["新增8000万亩", "增长5.6%", "到2025年", "新增两万亩", "五年来", "一百万亩"]
    others = ["（1）加快", "1.持续优化", "打造一批", "一个重要", "三大工程", "十四五", "alert(1)"]
    assert [bool(ranking._FIGURE.search(t)) for t in figures] == [True] * len(figures)
    assert [bool(ranking._FIGURE.search(t)) for t in others] == [False] * len(others)


def test_words_asked_for_close_together_rank_closest_first(make_index):
    apart = "全年新建乡村公路三十公里，文化振兴取得成效，群众满意度提升。"
    close = "全年新建公路三十公里，乡村振兴取得成效，群众满意度提升。"
    report = report_of(Paragraph(1, apart), Paragraph(2, close))
    assert order(make_index, report, '"乡村 振兴"~5') == [2, 1]
    assert order(make_index, report, "乡村 NEAR/5 振兴") == [2, 1]


FILLER = [f"推进第{i}批城市更新项目，改造老旧小区。" for i in range(1000)]  # a corpus large
#          enough for document frequencies to tell a topic's words (feedback.MIN_PARAGRAPHS)
ABOUT_IT = [f"优化营商环境，压缩审批时限，推行企业开办一网通办，政务服务事项网上可办率{i}成。"
            for i in range(4)]
ON_TOPIC = "加快营商环境建设，精简审批事项，企业开办全程网上办，政务服务更加便捷。"
ELSEWHERE = "加快营商环境建设，扩大对外开放，外贸进出口稳中提质，跨境电商快速发展。"


def test_a_mention_among_the_topics_own_words_ranks_above_one_on_another_topic(make_index):
    # the same sentence shape and length; only the words around it differ
    report = report_of(*(Paragraph(n, t) for n, t in enumerate(
        [*ABOUT_IT, ELSEWHERE, ON_TOPIC, *FILLER], start=1)))
    index = opened(make_index([report]))
    def first_of_the_two(weights: ranking.Weights) -> int:
        hits = searching.run(index, Query(q="营商环境"), weights).hits
        return [h.paragraph for h in hits if h.paragraph in (5, 6)][0]
    assert first_of_the_two(ranking.DEFAULT) == 6
    assert first_of_the_two(replace(ranking.DEFAULT, coherence=0.0)) == 5  # report order


def test_the_best_hits_vocabulary_is_never_the_querys_own_words(make_index):
    report = report_of(*(Paragraph(n, t) for n, t in enumerate([*ABOUT_IT, *FILLER], 1)))
    gen = opened(make_index([report])).generation()
    words = feedback.profile(gen, gen.literal("营商环境"), {"营商环境", "营商", "环境"},
                             {"营商环境"})
    assert {"审批", "政务", "一网通办"} <= set(words)
    assert not any("营商" in w or "环境" in w for w in words)
    assert list(words.values()) == sorted(words.values(), reverse=True)


def test_a_query_of_several_words_is_not_reordered_by_vocabulary(make_index):
    report = report_of(*(Paragraph(n, t) for n, t in enumerate(
        [*ABOUT_IT, ELSEWHERE, ON_TOPIC, *FILLER], start=1)))
    index = opened(make_index([report]))
    def scores(weights: ranking.Weights) -> list[tuple[int, float]]:
        return [(h.paragraph, h.score) for h in
                searching.run(index, Query(q="营商环境 加快"), weights).hits]
    assert scores(ranking.DEFAULT) == scores(replace(ranking.DEFAULT, coherence=0.0))


def test_a_paragraph_that_goes_on_about_the_words_pieces_ranks_above_a_passing_mention(
        make_index):
    # one mention each, the same shape (the second a little longer); one goes on about 海洋
    passing = "发展海洋经济，推进港口建设，完善交通网络，提升城市功能，改善居民生活条件。"
    treated = "发展海洋经济，保护海洋环境，提高海洋科技水平，坚决维护国家海洋权益不受侵犯。"
    report = report_of(*(Paragraph(n, t) for n, t in enumerate(
        [passing, treated, *FILLER], start=1)))  # 海洋 specific: in 2 paragraphs of 1,002
    index = opened(make_index([report]))
    def first(weights: ranking.Weights) -> int:
        return searching.run(index, Query(q="海洋经济"), weights).hits[0].paragraph
    assert first(ranking.DEFAULT) == 2
    assert first(replace(ranking.DEFAULT, echo=0.0)) == 1  # report order


def test_the_words_own_occurrences_are_not_counted_again_as_its_pieces(make_index):
    report = report_of(*(Paragraph(n, t) for n, t in enumerate(
        ["发展海洋经济，壮大海洋经济。", "发展海洋经济，保护海洋环境。", *FILLER], start=1)))
    gen = opened(make_index([report])).generation()
    docs = gen.literal("海洋经济")
    said = gen.body_counts("海洋经济", docs)
    columns = ranking.columns_of(gen)
    echoes = scoring._echoes(gen, "海洋经济", docs, said, columns, ranking.DEFAULT.k1)
    assert echoes[0] == 0.0 < echoes[1]


GLOSSARY = ("重要词语解释",)


def test_a_glossary_entry_explaining_another_term_ranks_below_the_body(make_index):
    """十大战略：指… names 营商环境 as one of ten; the body paragraph says what is done."""
    entry = "十大战略：指创新驱动战略，营商环境提升战略，营商环境评价战略，开放带动战略。"
    body = ("开展审批制度改革，推进政务服务标准化建设，优化营商环境，"
            "企业群众办事更加便利，各项改革扎实推进，成效明显。")
    report = report_of(Paragraph(1, body), Paragraph(2, entry, section=GLOSSARY))
    index = opened(make_index([report]))
    def ordered(weights: ranking.Weights) -> list[int]:
        return [h.paragraph for h in searching.run(index, Query(q="营商环境"), weights).hits]
    assert ordered(ranking.DEFAULT) == [1, 2]
    assert ordered(replace(ranking.DEFAULT, glossary=1.0)) == [2, 1]


def test_the_glossary_entry_of_the_word_itself_is_not_held_down(make_index):
    entry = "“六最”营商环境：指审批最少、流程最优、服务最好的营商环境。"
    report = report_of(Paragraph(1, entry, section=GLOSSARY))
    gen = opened(make_index([report])).generation()
    docs = gen.literal("营商环境")
    assert not scoring._explaining_another(gen, "营商环境", docs).any()
    assert scoring._explaining_another(gen, "审批", docs).all()
