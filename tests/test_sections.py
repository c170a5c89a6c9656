"""Section paths: every heading form of real reports, at the right level, above the right body."""

from pathlib import Path

import pytest

from searchapp.ingest import corpus, sections
from searchapp.model import Paragraph

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MENGZHOU = SEEDS / "000_1d81e7ffc4b419a3.txt"
QINYANG = SEEDS / "003_2d80b49f8694d6dd.txt"

# Every heading of the 孟州 seed, in order, at its level (checked against the file by reading it).
MENGZHOU_OUTLINE = [
    (1, "2022年工作回顾"),
    (2, "(一)逆势奋进,综合实力迈上新台阶。"),
    (2, "(二)项目引领,高质发展再添新动能。"),
    (2, "(三)深化创新,营商环境释放新活力。"),
    (2, "(四)内外兼修,魅力城市展现新风貌。"),
    (2, "(五)接续奋斗,乡村振兴续写新篇章。"),
    (2, "(六)倾情投入,民生福祉达到新水平。"),
    (2, "(七)坚守底线,本质安全实现新提升。"),
    (2, "(八)持之以恒,自身建设取得新成效。"),
    (1, "2023年工作总体思路和奋斗目标"),
    (1, "2023年工作安排"),
    (2, "(一)坚持以“产”为基,让发展更具优势。"),
    (3, "——主导产业做“强”。"),
    (3, "——新兴产业做“优”。"),
    (3, "——专业园区做“精”。"),
    (3, "——中小企业做“大”。"),
    (3, "——项目建设做“实”。"),
    (2, "(二)坚持以“转”为源,让发展更添活力。"),
    (3, "——完善创新体系。"),
    (3, "——培育创新主体。"),
    (3, "——激发改革活力。"),
    (3, "——优化营商环境。"),
    (2, "(三)坚持以“城”为媒,让发展更富魅力。"),
    (3, "——“工匠精神”提颜值。"),
    (3, "——“绣花功夫”细管理。"),
    (3, "——“文化引领”塑内涵。"),
    (2, "(四)坚持以“农”为重,让发展更趋均衡。"),
    (3, "——持续扛稳粮食安全责任。"),
    (3, "——持续发展乡村特色产业。"),
    (3, "——持续改善农村人居环境。"),
    (3, "——持续巩固脱贫攻坚成果。"),
    (2, "(五)坚持以“民”为本,让发展更有温度。"),
    (3, "——就业是“民生之本”。"),
    (3, "——教育是“民生之基”。"),
    (3, "——医疗是“民生之需”。"),
    (3, "——保障是“民生之福”。"),
    (3, "——平安是“民生之盼”。"),
    (2, "(六)坚持以“绿”为底,让发展更可持续。"),
    (3, "——下功夫去“治”。"),
    (3, "——下决心去“控”。"),
    (3, "——下力气去“建”。"),
    (2, "(七)坚持以“干”为荣,让发展更加出彩。"),
    (3, "——坚持政治引领。"),
    (3, "——坚持对标一流。"),
    (3, "——坚持务实重干。"),
    (3, "——坚持廉洁从政。"),
    (1, "2023年三十工程"),
    (2, "一、十大工业项目"),
    (3, "1.孟州市绿色皮革高端制造综合产业园项目"),
    (3, "2.孟州市氢燃料电堆核心零部件产业园项目"),
    (3, "3.河南皓泽电子股份有限公司皓泽电子信息产业园项目"),
    (3, "4.河南飞孟金刚石股份有限公司工业级超硬材料研发生产基地项目"),
    (3, "5.孟州市金玉米科技产业园项目"),
    (3, "6.河南旭创光电新材料有限公司孟州光电显示材料一期UTG超薄柔性玻璃项目(续建项目)"),
    (3, "7.孟州市巨力索具(河南有限公司索具科技产业园(续建项目)"),
    (3, "8.杭州麦克斯公司年产20万吨高品质功能性淀粉糖项目"),
    (3, "9.河南汉永生物科技有限公司优质谷朊粉及高值转化系列产品开发项目(续建项目)"),
    (3, "10.河南上丰新材料有限公司年生产3万吨新型塑料管材项目"),
    (2, "二、十大基础设施"),
    (3, "1.高速公路工程(续建项目)"),
    (3, "2.两大灌区配套工程(续建项目)"),
    (3, "3.孟州市德众保税物流产业园项目(续建项目)"),
    (3, "4.孟州市交通物流园项目"),
    (3, "5.孟州市东环路、南环路机动车道大修项目(续建项目)"),
    (3, "6.乡村振兴培训中心项目(续建项目)"),
    (3, "7.孟州市蟒河河道治理工程(白墙水库~孟州界段)"),
    (3, "8.韩愈大街综合提升改造工程、河阳大街中段综合提升改造工程"),
    (3, "9.孟州市X107谷黄线路网改善工程"),
    (3, "10.孟州市2022年燃气管道等更新改造项目"),
    (2, "三、十件民生实事"),
    (3, "1.孟州市第一人民医院项目(续建项目)"),
    (3, "2.城乡供排水一体化项目"),
    (3, "3.孟州市第六幼儿园项目(续建项目)"),
    (3, "4.文公中学新建宿舍楼项目"),
    (3, "5.开展农村背街小巷整治行动"),
    (3, "6.加强残障救助,提高困难残疾人生活品质"),
    (3, "7.持续提升基层医疗机构服务能力"),
    (3, "8.开展职业技能培训和评价取证"),
    (3, "9.开展“两癌”筛查工作"),
    (3, "10.困难老年人家庭适老化改造项目"),
    (1, "重要词语解释"),
]

QINYANG_OUTLINE = [
    (1, "一、2022年工作回顾"),
    (2, "(一)全力以赴抓运行、稳增长,发展质量稳步提升。"),
    (2, "(二)全力以赴抓转型、提质效,产业结构不断优化。"),
    (2, "(三)全力以赴抓改革、重创新,动力活力有效激发。"),
    (2, "(四)全力以赴抓统筹、强均衡,城乡面貌焕然一新。"),
    (2, "(五)全力以赴抓源头、守红线,生态环境明显改善。"),
    (2, "(六)全力以赴抓保障、促和谐,人民生活更加幸福。"),
    (2, "(七)全力以赴抓防范、化风险,社会大局和谐稳定。"),
    (1, "二、2023年工作安排"),
]


def outline(paragraphs: list[Paragraph]) -> list[tuple[int, str]]:
    return [(p.heading_level, p.text) for p in paragraphs if p.heading_level]


@pytest.mark.parametrize("path, expected", [(MENGZHOU, MENGZHOU_OUTLINE),
                                            (QINYANG, QINYANG_OUTLINE)], ids=["孟州", "沁阳"])
def test_seed_outline_lists_every_heading_at_its_level(path, expected):
    (report,) = corpus.read_file(path)
    assert outline(report.paragraphs) == expected


def test_run_in_heading_becomes_heading_paragraph_and_body_under_it():
    (report,) = corpus.read_file(MENGZHOU)
    by_n = {p.n: p for p in report.paragraphs}
    heading = next(p for p in report.paragraphs if p.text.startswith("(一)逆势奋进"))
    body = by_n[heading.n + 1]
    assert heading == Paragraph(heading.n, "(一)逆势奋进,综合实力迈上新台阶。",
                                ("2022年工作回顾",), 2)
    assert body.text.startswith("按照“疫情要防住、经济要稳住、发展要安全”总体要求")
    assert body.section == ("2022年工作回顾", "(一)逆势奋进,综合实力迈上新台阶")
    assert body.heading_level == 0


def test_third_level_body_has_full_path():
    (report,) = corpus.read_file(MENGZHOU)
    body = next(p for p in report.paragraphs if p.text.startswith("装备制造产业"))
    assert body.section == ("2023年工作安排", "(一)坚持以“产”为基,让发展更具优势",
                            "——主导产业做“强”")


def test_ordinals_are_consecutive_from_one_and_stable_across_reads():
    first = corpus.read_file(MENGZHOU)[0].paragraphs
    assert [p.n for p in first] == list(range(1, len(first) + 1))
    assert corpus.read_file(MENGZHOU)[0].paragraphs == first


def test_front_matter_is_searchable_but_never_a_heading():
    (report,) = corpus.read_file(MENGZHOU)
    assert [(p.text, p.section, p.heading_level) for p in report.paragraphs[:6]] == [
        ("2023年政府工作报告", (), 0),
        ("信息来源:孟州市人民政府 发布日期:2023-03-29", (), 0),
        ("政府工作报告", (), 0),
        ("——在孟州市第六届人民代表大会第三次会议上", (), 0),
        ("孟州市人民政府市长\u2002\u2002李明霖", (), 0),
        ("各位代表:", (), 0),
    ]


def test_glossary_of_the_seed_maps_terms_to_explanations():
    (report,) = corpus.read_file(MENGZHOU)
    assert len(report.glossary) == 25
    assert report.glossary["三个一批"] == "指签约一批、开工一批、投产一批。"
    assert report.glossary["两大灌区"] == "指小浪底北岸灌区和西霞院水利枢纽灌区。"
    assert report.glossary["13710"].startswith("1指当天要研究部署")


def texts(*lines: str) -> list[tuple[int, str, tuple[str, ...]]]:
    return [(p.heading_level, p.text, p.section) for p in sections.split(list(lines)).paragraphs]


BODY = "我们坚持稳中求进工作总基调，经济运行保持平稳，各项事业取得新进展。"


def test_full_width_parentheses_and_glossary_with_full_width_colon():
    assert texts("各位代表：", "重要词语解释", "三个一批：指签约一批、开工一批、投产一批。") == [
        (0, "各位代表：", ()),
        (1, "重要词语解释", ()),
        (0, "三个一批：指签约一批、开工一批、投产一批。", ("重要词语解释",)),
    ]
    assert sections.split(["各位代表：", "名词解释", "两个确保：指确保高质量建设。"]).glossary == {
        "两个确保": "指确保高质量建设。"}


def test_bare_topic_inside_numbered_part_and_next_part_closes_it():
    assert texts("各位代表：", "一、关于社会主义建设", BODY, "关于教育改革问题", BODY,
                 "二、关于人民生活", BODY) == [
        (0, "各位代表：", ()),
        (1, "一、关于社会主义建设", ()),
        (0, BODY, ("一、关于社会主义建设",)),
        (2, "关于教育改革问题", ("一、关于社会主义建设",)),
        (0, BODY, ("一、关于社会主义建设", "关于教育改革问题")),
        (1, "二、关于人民生活", ()),
        (0, BODY, ("二、关于人民生活",)),
    ]


def test_an_address_in_the_body_closes_the_sub_parts_but_not_the_outermost_part():
    """After the last sub-item of the year's tasks, "各位代表！" turns to another matter."""
    assert texts("各位代表：", "三、今年重点工作", "（九）建设生态文明。", BODY, "各位代表！",
                 "我们要坚持和完善民族区域自治制度。", "四、其他", BODY) == [
        (0, "各位代表：", ()),
        (1, "三、今年重点工作", ()),
        (2, "（九）建设生态文明。", ("三、今年重点工作",)),
        (0, BODY, ("三、今年重点工作", "（九）建设生态文明")),
        (0, "各位代表！", ("三、今年重点工作",)),
        (0, "我们要坚持和完善民族区域自治制度。", ("三、今年重点工作",)),
        (1, "四、其他", ()),
        (0, BODY, ("四、其他",)),
    ]


def test_enumerations_inside_body_are_not_headings():
    """"一、兴修水利。" ends like a sentence; "（1）…；" is a list item."""
    assert texts("各位代表：", "（一）关于农业的增产问题", "一、兴修水利。",
                 "（1）扩大灌溉面积；") == [
        (0, "各位代表：", ()),
        (1, "（一）关于农业的增产问题", ()),
        (0, "一、兴修水利。", ("（一）关于农业的增产问题",)),
        (0, "（1）扩大灌溉面积；", ("（一）关于农业的增产问题",)),
    ]


@pytest.mark.parametrize("before, line, following, expected", [
    (BODY, "2023年工作安排", BODY, True),
    ("10.困难老年人家庭适老化改造项目", "重要词语解释", "三个一批:指签约一批。", True),
    (BODY, "2023年三十工程", "一、十大工业项目", True),
    (BODY, "孟州市人民政府", "2023年3月29日", False),  # signature block: another short line
    ("第一人民医院项目", "城乡供排水一体化项目", BODY, False),  # last line of an unnumbered list
    (BODY, "围绕上述目标,我们将重点抓", BODY, False),  # clause punctuation: a sentence
    (BODY, "（2023年3月13日第十四届全国人民代表大会第一次会议通过）", BODY, False),
    (BODY, "结束语", None, False),  # nothing follows it
    (BODY, "这是一个很长的句子但是没有任何标点符号所以它不可能是标题而是正文", BODY, False),
], ids=["part", "glossary", "appendix", "signature", "list", "clause", "bracketed", "last",
        "long"])
def test_bare_heading_detection(before, line, following, expected):
    assert sections.is_bare_heading(line, before, following) is expected


def test_document_without_salutation_starts_body_at_first_numbered_heading():
    assert texts("某某县2024年政府工作报告", "一、2023年工作回顾", BODY)[:2] == [
        (0, "某某县2024年政府工作报告", ()),
        (1, "一、2023年工作回顾", ()),
    ]


def test_run_in_heading_only_when_first_sentence_is_short():
    long_first = "（二）" + "坚持" * 40 + "。后文。"
    assert texts("各位代表：", long_first)[1] == (0, long_first, ())


def test_glossary_or_appendix_after_numbered_parts_starts_over_at_level_one():
    paragraphs = texts("各位代表：", "一、工作回顾", "（一）经济运行。", BODY, "名词解释",
                       "三零：指零上访。")
    assert paragraphs[-2:] == [
        (1, "名词解释", ()),
        (0, "三零：指零上访。", ("名词解释",)),
    ]


def test_closing_part_after_numbered_parts_is_top_level_and_ordinal_numbering_is_a_heading():
    assert texts("各位代表：", "第一、关于基本建设", BODY, "二、关于外交工作", BODY,
                 "结束语", BODY) == [
        (0, "各位代表：", ()),
        (1, "第一、关于基本建设", ()),
        (0, BODY, ("第一、关于基本建设",)),
        (1, "二、关于外交工作", ()),
        (0, BODY, ("二、关于外交工作",)),
        (1, "结束语", ()),
        (0, BODY, ("结束语",)),
    ]
