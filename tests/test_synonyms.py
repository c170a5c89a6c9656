"""Synonyms: the curated table, pairs mined from report text, query-time expansion."""

import pytest

from searchapp.model import Paragraph, Report
from searchapp.text.synonyms import (
    combine,
    connected,
    curated,
    expand,
    load_curated,
    mine,
    short_forms,
)


def report(*texts: str, glossary: dict[str, str] | None = None) -> Report:
    paragraphs = [Paragraph(n, text) for n, text in enumerate(texts, 1)]
    return Report(id="r", source_path="r.txt", paragraphs=paragraphs, glossary=glossary or {})


@pytest.mark.parametrize("word, expected", [
    ("长护险", ["长期护理保险"]),
    ("长期护理保险", ["长护险"]),
    ("AI", ["人工智能"]),
    ("人工智能", ["AI"]),
    ("托育", ["托位", "托幼", "婴幼儿照护"]),
    ("清欠", ["拖欠中小企业账款", "拖欠企业账款"]),
    ("反诈", ["反电诈", "电信网络诈骗"]),
    ("战略性新兴产业", ["战新产业"]),  # the 2024–2026 programme names
    ("成渝双城经济圈", ["成渝地区双城经济圈"]),
], ids=lambda v: v if isinstance(v, str) else None)
def test_curated_table_has_the_issue_examples(word, expected):
    assert sorted(load_curated()[word]) == sorted(expected)


def test_curated_table_is_symmetric():
    table = load_curated()
    assert all(word in table[other] for word, others in table.items() for other in others)


SHORT_FORMS = [
    ("以下简称", "建立长期护理保险（以下简称长护险）制度", [("长期护理保险", "长护险")]),
    ("简称 with quotes", "推进新型基础设施建设（简称“新基建”）", [("新型基础设施建设", "新基建")]),
    ("book title", "《长江三角洲区域一体化发展规划纲要》（以下简称《纲要》）",
     [("长江三角洲区域一体化发展规划纲要", "纲要")]),
    ("drops the verb before the name", "国家高新技术产业开发区（以下简称高新区）",
     [("高新技术产业开发区", "高新区")]),
    ("ascii parentheses", "经济技术开发区(简称经开区)", [("经济技术开发区", "经开区")]),
    ("not an abbreviation of the name", "本办法（以下简称办法甲）", []),
    ("no name before it", "（简称长护险）", []),
    ("plain parenthesis", "长期护理保险（试点）", []),
]


@pytest.mark.parametrize("text, pairs", [c[1:] for c in SHORT_FORMS],
                         ids=[c[0] for c in SHORT_FORMS])
def test_short_forms(text, pairs):
    assert short_forms(text) == pairs


def test_mine_reads_paragraphs_and_glossary_both_ways():
    reports = [
        report("全面推行长期护理保险（以下简称长护险）。", "长护险覆盖全市。"),
        report(glossary={
            "“两山”理念": "即绿水青山就是金山银山。",
            "专精特新": "是专业化、精细化、特色化、新颖化的简称。",
            "两大灌区": "指小浪底北岸灌区和西霞院水利枢纽灌区。",
            "医共体": "县域医疗卫生共同体（简称医共体）。",
        }),
    ]
    assert mine(reports) == {
        "两山理念": ["绿水青山就是金山银山"],
        "医共体": ["医疗卫生共同体"],
        "医疗卫生共同体": ["医共体"],
        "绿水青山就是金山银山": ["两山理念"],
        "长护险": ["长期护理保险"],
        "长期护理保险": ["长护险"],
    }


def test_mine_of_nothing_is_empty():
    assert mine([report("没有简称的段落。")]) == {}


def test_combine_keys_by_normalised_word():
    table = combine({"ＡＩ": ["人工智能"]}, {"ai": ["智能"]})
    assert table == {"ai": ["人工智能", "智能"]}


@pytest.mark.parametrize("word, expected", [
    ("长护险", ["长期护理保险"]),
    ("ＡＩ", ["人工智能"]),
    ("ai", ["人工智能"]),
    ("钙钛矿光伏", []),
], ids=["abbreviation", "full-width", "lower case", "no entry"])
def test_expand_uses_the_curated_table(word, expected):
    assert expand(word, curated()) == expected


def test_expand_drops_forms_containing_the_word():
    assert expand("公积金", {"公积金": ["住房公积金", "公积"]}) == ["公积"]


@pytest.mark.parametrize(("phrase", "variants"), [
    ("数字技术与实体经济深度融合", ["数字技术与实体经济深度融合", "数字技术和实体经济深度融合"]),
    ("文化和旅游", ["文化和旅游", "文化与旅游"]),
    ("碳达峰碳中和", ["碳达峰碳中和"]),  # 中和 is a word, not a connector
    ("宜居宜业和美乡村", ["宜居宜业和美乡村"]),
])
def test_a_table_phrase_joined_by_he_or_yu_is_also_searched_with_the_other(phrase, variants):
    assert connected(phrase) == variants


def test_the_curated_table_holds_both_connectors_of_its_phrases():
    assert "数字技术和实体经济深度融合" in curated()["数实融合"]
