"""The query language, as a specification: text in, syntax tree (and notice) out."""

import pytest

from searchapp.search.querylang import (
    MAX_QUERY_CHARS,
    And,
    Filter,
    Not,
    Or,
    Parsed,
    Phrase,
    QuerySyntaxError,
    Term,
    parse,
    parse_filter,
    positives,
)

WELL_FORMED = [
    ("one word", "乡村振兴", Term("乡村振兴")),
    ("words are ANDed", "乡村振兴 营商环境",
     And((Term("乡村振兴"), Term("营商环境")))),
    ("full-width space separates too", "乡村振兴\u3000营商环境",
     And((Term("乡村振兴"), Term("营商环境")))),
    ("OR binds looser than AND", "氢能 OR 储能 产业",
     Or((Term("氢能"), And((Term("储能"), Term("产业")))))),
    ("lower-case or is OR, as readers mean it", "氢能 or 储能",
     Or((Term("氢能"), Term("储能")))),
    ("minus excludes", "就业 -疫情", And((Term("就业"), Not(Term("疫情"))))),
    ("ascii quotes make a phrase", '"万人助万企"', Phrase("万人助万企")),
    ("chinese quotes make a phrase", "“万人助万企”", Phrase("万人助万企")),
    ("a phrase keeps its inner space", '"工作 安排"', Phrase("工作 安排")),
    ("excluded phrase", '就业 -"新冠疫情"', And((Term("就业"), Not(Phrase("新冠疫情"))))),
    ("equals sign means literal only", "=托育", Term("托育", literal=True)),
    ("parentheses group", "(氢能 OR 储能) 产业",
     And((Or((Term("氢能"), Term("储能"))), Term("产业")))),
    ("full-width parentheses group", "（氢能 OR 储能）产业",
     And((Or((Term("氢能"), Term("储能"))), Term("产业")))),
    ("excluded group", "-(氢能 OR 储能) 产业",
     And((Not(Or((Term("氢能"), Term("储能")))), Term("产业")))),
    ("region filter", "region:孟州 就业", And((Filter("region", "孟州"), Term("就业")))),
    ("full-width colon", "region：孟州", Filter("region", "孟州")),
    ("chinese field name", "地区:焦作", Filter("region", "焦作")),
    ("single year", "year:2023", Filter("year", "2023..2023")),
    ("year range", "year:2020..2023", Filter("year", "2020..2023")),
    ("year range with a dash", "year:2020-2023", Filter("year", "2020..2023")),
    ("open year range", "year:2020..", Filter("year", "2020..")),
    ("full-width year digits", "year:２０２３", Filter("year", "2023..2023")),
    ("level filter", "level:county", Filter("level", "county")),
    ("chinese level value", "level:县级", Filter("level", "county")),
    ("section filter", "section:工作安排", Filter("section", "工作安排")),
    ("quoted filter value", 'section:"工作 安排"', Filter("section", "工作 安排")),
    ("excluded filter", "-region:孟州", Not(Filter("region", "孟州"))),
    ("title filter", "title:决议 就业", And((Filter("title", "决议"), Term("就业")))),
    ("chinese title field, quoted value", '标题:"政府 工作报告"',
     Filter("title", "政府 工作报告")),
    ("title filters ORed", "title:决议 OR title:公报",
     Or((Filter("title", "决议"), Filter("title", "公报")))),
    ("colon inside a number is text", "13710:1", Term("13710:1")),
    ("a lone dash is punctuation", "2020 - 2023", And((Term("2020"), Term("2023")))),
]


@pytest.mark.parametrize("text, node", [c[1:] for c in WELL_FORMED],
                         ids=[c[0] for c in WELL_FORMED])
def test_well_formed_queries_parse_without_notice(text, node):
    assert parse(text) == Parsed(node, None)


MALFORMED = [
    ("unbalanced quote", '"万人助万企', Term("万人助万企"), "引号没有配对，已按普通文字检索。"),
    ("unbalanced left parenthesis", "(氢能 OR 储能", And((Term("氢能"), Term("储能"))),
     "左括号没有配对，已按普通文字检索。"),
    ("unbalanced right parenthesis", "氢能)", Term("氢能"), "右括号没有配对，已按普通文字检索。"),
    ("bare OR at start", "OR 氢能", Term("氢能"), "OR 两边都要有检索词，已按普通文字检索。"),
    ("bare OR at end", "氢能 OR", Term("氢能"), "OR 两边都要有检索词，已按普通文字检索。"),
    ("double OR", "氢能 OR OR 储能", And((Term("氢能"), Term("储能"))),
     "OR 两边都要有检索词，已按普通文字检索。"),
    ("unknown field", "author:李 就业", And((Term("李"), Term("就业"))),
     "不认识的字段“author”（可用 region、year、level、section、title），已按普通文字检索。"),
    ("bad year", "year:去年 就业", And((Term("去年"), Term("就业"))),
     "年份“去年”格式不对（应为 2023 或 2020..2023），已按普通文字检索。"),
    ("reversed year range", "year:2023..2020", Term("2023..2020"),
     "年份范围“2023..2020”起止颠倒，已按普通文字检索。"),
    ("unknown level", "level:village", Term("village"),
     "级别“village”无效（可用 national、province、prefecture、county），已按普通文字检索。"),
    ("empty field value", "region: 就业", Term("就业"),
     "字段“region”后面缺少取值，已按普通文字检索。"),
    ("empty parentheses", "()", None, "括号里没有内容，已按普通文字检索。"),
    ("empty quotes", '"" 就业', Term("就业"), "引号里没有内容，已按普通文字检索。"),
]


@pytest.mark.parametrize("text, node, notice", [c[1:] for c in MALFORMED],
                         ids=[c[0] for c in MALFORMED])
def test_malformed_queries_fall_back_to_plain_words_with_a_notice(text, node, notice):
    assert parse(text) == Parsed(node, notice)


def test_very_long_query_is_truncated_with_a_notice():
    parsed = parse("乡" * (MAX_QUERY_CHARS + 50))
    assert parsed == Parsed(Term("乡" * MAX_QUERY_CHARS),
                            f"查询过长，只使用了前 {MAX_QUERY_CHARS} 个字符。")


def test_empty_query_has_nothing_to_search():
    assert parse("   ") == Parsed(None, None)


UNBALANCED_QUOTE = "引号没有配对，已按普通文字检索。"
UNBALANCED_LEFT = "左括号没有配对，已按普通文字检索。"
BARE_OR = "OR 两边都要有检索词，已按普通文字检索。"
SYNTAX_ONLY = [
    ('"', None, UNBALANCED_QUOTE),
    ("(", None, UNBALANCED_LEFT),
    (")", None, "右括号没有配对，已按普通文字检索。"),
    ("-", None, None),
    ("OR", None, BARE_OR),
    ("=", Term("="), None),
    (":", Term(":"), None),
    ("a:", None, "不认识的字段“a”（可用 region、year、level、section、title），已按普通文字检索。"),
    ('-"', None, UNBALANCED_QUOTE),
    ("((((", None, UNBALANCED_LEFT),
    ('"a" "', Term("a"), UNBALANCED_QUOTE),
    ("year:", None, "字段“year”后面缺少取值，已按普通文字检索。"),
    ('region:"', None, UNBALANCED_QUOTE),
    ("-(", None, UNBALANCED_LEFT),
    ("OR OR", None, BARE_OR),
    ("= = =", And((Term("="), Term("="), Term("="))), None),
    ("\u3000", None, None),
]


@pytest.mark.parametrize("text, node, notice", SYNTAX_ONLY, ids=[c[0] for c in SYNTAX_ONLY])
def test_syntax_alone_never_raises_and_says_what_was_wrong(text, node, notice):
    assert parse(text) == Parsed(node, notice)


def test_positives_lists_wanted_words_and_phrases_in_order():
    parsed = parse('乡村振兴 -疫情 ("万人助万企" OR =托育) region:孟州')
    assert positives(parsed.node) == [Term("乡村振兴"), Phrase("万人助万企"),
                                      Term("托育", literal=True)]


def test_filters_stand_anywhere_in_the_tree():
    assert parse("(region:孟州 OR region:沁阳) -level:county 就业") == Parsed(And((
        Or((Filter("region", "孟州"), Filter("region", "沁阳"))),
        Not(Filter("level", "county")), Term("就业"))), None)


def test_parse_filter_validates_parameters_too():
    assert parse_filter("year", " 2021 ") == Filter("year", "2021..2021")
    with pytest.raises(QuerySyntaxError, match="格式不对"):
        parse_filter("year", "2021..20x3")
