"""search.run as a specification: query language, tiers, filters, highlights, facets, paging.

Most cases run on a tiny inline corpus (built once for this module); the
measured failures of the naive setup run on the seeds + national reports.
"""

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import list_reports, load_report, opened
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchapp.errors import IndexMissing
from searchapp.index import build as index
from searchapp.model import FacetValue, Hit, Paragraph, Query, Report
from searchapp.render.json import results_to_json
from searchapp.research.anchors import text_hash
from searchapp.search import ranking
from searchapp.search import searching as search
from searchapp.search.params import from_params, to_params
from searchapp.text.normalize import normalize

MENGZHOU = Report(
    id="a-mengzhou", source_path="a.txt", title="孟州市2023年政府工作报告", region="孟州市",
    level="county", year=2023, date="2023-03-01", parents=("河南省", "焦作市"),
    paragraphs=[
        Paragraph(1, "一、2022年工作回顾", heading_level=1),
        Paragraph(2, "全面推进乡村振兴，乡村振兴取得新成效。", ("一、2022年工作回顾",)),
        Paragraph(3, "建立长期护理保险制度，扩大长护险覆盖面。", ("一、2022年工作回顾",)),
        Paragraph(4, "推动乡村全面振兴。", ("一、2022年工作回顾",)),
        Paragraph(5, "二、2023年工作安排", heading_level=1),
        Paragraph(6, "深入开展“万人助万企”活动。", ("二、2023年工作安排",)),
        Paragraph(7, "<script>alert(1)</script>乡村振兴", ("二、2023年工作安排",)),
    ])
QINYANG = Report(
    id="b-qinyang", source_path="b.txt", title="沁阳市2022年政府工作报告", region="沁阳市",
    level="county", year=2022, date="2022-02-01", parents=("河南省", "焦作市"),
    paragraphs=[
        Paragraph(1, "乡村振兴是重点。"),
        Paragraph(2, "加快发展人工智能产业，AI赋能制造业。"),
        Paragraph(3, "持續優化營商環境。"),
    ])
NATIONAL = Report(
    id="c-national", source_path="c.txt", title="2020年国务院政府工作报告", region="全国",
    level="national", year=2020, date="2020-05-22",
    paragraphs=[
        Paragraph(1, "乡村振兴战略全面实施。"),
        Paragraph(2, "１９５５年的ＧＤＰ数据。"),
        Paragraph(3, "乡村的基础设施建设和产业发展以及文化振兴都很重要。"),
    ])


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("tiny") / "index"
    index.index_reports([MENGZHOU, QINYANG, NATIONAL], directory)
    return directory


def found(index_dir: Path, q: str, **params: object) -> list[tuple[str, int]]:
    results = search.run(opened(index_dir), Query(q=q, per_page=100, **params))
    return [(hit.doc, hit.paragraph) for hit in results.hits]


QUERIES = [
    ("literal hits first, then pieces close together", "乡村振兴",
     [("a-mengzhou", 2), ("b-qinyang", 1), ("c-national", 1), ("a-mengzhou", 7),
      ("a-mengzhou", 4)]),
    ("quoted phrase is literal only", '"乡村振兴"',
     [("a-mengzhou", 2), ("b-qinyang", 1), ("c-national", 1), ("a-mengzhou", 7)]),
    ("words are ANDed", "乡村振兴 战略", [("c-national", 1)]),
    ("OR, shorter paragraph first", "万人助万企 OR 营商环境",
     [("b-qinyang", 3), ("a-mengzhou", 6)]),
    ("exclusion", "乡村振兴 -重点 -战略",
     [("a-mengzhou", 2), ("a-mengzhou", 7), ("a-mengzhou", 4)]),
    ("excluded word is excluded literally, not by its pieces", '"振兴" -乡村振兴',
     [("a-mengzhou", 4), ("c-national", 3)]),
    ("traditional script folds to simplified", "优化营商环境", [("b-qinyang", 3)]),
    ("simplified query finds nothing extra in traditional text", "營商環境", [("b-qinyang", 3)]),
    ("full-width digits and letters fold", "1955年 gdp", [("c-national", 2)]),
    ("quotes in the corpus do not matter", "万人助万企", [("a-mengzhou", 6)]),
    ("region prefix", "乡村振兴 region:孟州", [("a-mengzhou", 2), ("a-mengzhou", 7),
                                                ("a-mengzhou", 4)]),
    ("parent region finds its children", '"乡村振兴" region:焦作',
     [("a-mengzhou", 2), ("b-qinyang", 1), ("a-mengzhou", 7)]),
    ("year", '"乡村振兴" year:2022', [("b-qinyang", 1)]),
    ("year range", '"乡村振兴" year:2020..2022', [("b-qinyang", 1), ("c-national", 1)]),
    ("level", '"乡村振兴" level:national', [("c-national", 1)]),
    ("section path", "振兴 section:工作回顾", [("a-mengzhou", 2), ("a-mengzhou", 4)]),
    ("title: a substring of the report's title", '"乡村振兴" title:国务院',
     [("c-national", 1)]),
    ("标题: folds the title as the text is folded", '"乡村振兴" 标题:２０２２年',
     [("b-qinyang", 1)]),
    ("-title: leaves a title out", '"乡村振兴" -title:孟州',
     [("b-qinyang", 1), ("c-national", 1)]),
    ("filters alone browse in report order", "region:沁阳",
     [("b-qinyang", 1), ("b-qinyang", 2), ("b-qinyang", 3)]),
    ("synonym expansion ranks the user's own word first", "长护险", [("a-mengzhou", 3)]),
    ("expansion finds the other form", "人工智能", [("b-qinyang", 2)]),
    ("=word turns expansion off", "=长期护理保险", [("a-mengzhou", 3)]),
    ("nothing found", "氢能", []),
]


@pytest.mark.parametrize("q, expected", [c[1:] for c in QUERIES], ids=[c[0] for c in QUERIES])
def test_query_finds_exactly_these_paragraphs_in_this_order(tiny, q, expected):
    assert found(tiny, q) == expected


def test_expansion_is_reported_and_own_word_outranks_it(tiny):
    results = search.run(opened(tiny), Query(q="AI"))
    assert results.expanded == ["人工智能"]
    assert [(h.doc, h.paragraph, h.highlight) for h in results.hits] == [
        ("b-qinyang", 2, "加快发展<mark>人工智能</mark>产业，<mark>AI</mark>赋能制造业。")]


def test_latin_expansion_must_stand_as_a_word(make_index, make_report):
    report = make_report("r", "发展人工智能。", "Taiwan 的英文拼写。", "推广AI应用。")
    directory = make_index([report])
    assert found(directory, "人工智能") == [("r", 1), ("r", 3)]
    # what the user typed matches as any substring, and ranks above the expansion
    assert found(directory, "ai") == [("r", 3), ("r", 2), ("r", 1)]


def test_literal_word_does_not_expand(tiny):
    assert search.run(opened(tiny), Query(q="=AI")).expanded == []
    assert search.run(opened(tiny), Query(q='"AI"')).expanded == []


@pytest.mark.parametrize("params, expected", [
    ({"region": "孟州"}, [("a-mengzhou", 2), ("a-mengzhou", 7)]),
    ({"region": "焦作"}, [("a-mengzhou", 2), ("b-qinyang", 1), ("a-mengzhou", 7)]),
    ({"year": "2020..2022"}, [("b-qinyang", 1), ("c-national", 1)]),
    ({"level": "national"}, [("c-national", 1)]),
    ({"section": "工作安排"}, [("a-mengzhou", 7)]),
], ids=["region", "parent region", "year range", "level", "section"])
def test_query_parameters_filter_like_the_query_language(tiny, params, expected):
    assert found(tiny, '"乡村振兴"', **params) == expected


def test_bad_parameter_is_ignored_with_a_notice(tiny):
    results = search.run(opened(tiny), Query(q='"万人助万企"', year="去年"))
    assert (results.total, results.notice) == (
        1, "年份“去年”格式不对（应为 2023 或 2020..2023），已忽略该条件。")


@pytest.mark.parametrize("q, total, notice", [
    ('"万人助万企', 1, "引号没有配对，已按普通文字检索。"),
    ("万人助万企 OR", 1, "OR 两边都要有检索词，已按普通文字检索。"),
    ("(万人助万企", 1, "左括号没有配对，已按普通文字检索。"),
    ("author:x 万人助万企", 1,
     "不认识的字段“author”（可用 region、year、level、section、title），已按普通文字检索。"
     " 报告中没有「x」，以下是不含它的段落。"),
    ("year:2030..2020 万人助万企", 1, "年份范围“2030..2020”起止颠倒，已按普通文字检索。"
     " 报告中没有「2030..2020」，以下是不含它的段落。"),
    ("万" * 300, 0, f"查询过长，只使用了前 200 个字符。 报告中没有「{'万' * 20}…」。"),
], ids=["quote", "bare OR", "parenthesis", "unknown field", "bad year range", "too long"])
def test_malformed_query_is_searched_as_text_with_a_notice(tiny, q, total, notice):
    results = search.run(opened(tiny), Query(q=q))
    assert (results.total, results.notice) == (total, notice)


def test_empty_query_finds_nothing_without_a_notice(tiny):
    results = search.run(opened(tiny), Query(q=""))
    assert (results.total, results.hits, results.notice) == (0, [], None)


def test_hit_carries_every_field_with_escaped_highlight(tiny):
    [hit] = search.run(opened(tiny), Query(q="乡村振兴 alert")).hits
    assert hit == Hit(
        doc="a-mengzhou", paragraph=7, region="孟州市", year=2023, level="county",
        title="孟州市2023年政府工作报告", date="2023-03-01", parents=("河南省", "焦作市"),
        section=("二、2023年工作安排",), text="<script>alert(1)</script>乡村振兴",
        highlight="&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;<mark>乡村振兴</mark>",
        fragment="&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;<mark>乡村振兴</mark>",
        spans=((8, 13), (25, 29)), score=hit.score)
    assert hit.score > 4


def test_the_word_is_marked_and_a_synonym_where_the_word_itself_is_missing(tiny):
    results = search.run(opened(tiny), Query(q="乡村振兴", region="孟州"))
    assert [h.highlight for h in results.hits] == [
        "全面推进<mark>乡村振兴</mark>，<mark>乡村振兴</mark>取得新成效。",
        "&lt;script&gt;alert(1)&lt;/script&gt;<mark>乡村振兴</mark>",
        "推动<mark>乡村全面振兴</mark>。",  # the 2024 wording, a curated synonym
    ]


def test_pieces_are_marked_only_where_the_word_itself_is_missing(make_index, make_report):
    directory = make_index([make_report("r", "推进乡村振兴。", "推动乡村产业振兴。")])
    results = search.run(opened(directory), Query(q="乡村振兴"))
    assert [h.highlight for h in results.hits] == [
        "推进<mark>乡村振兴</mark>。", "推动<mark>乡村</mark>产业<mark>振兴</mark>。"]


def test_highlight_lands_on_original_characters(tiny):
    [hit] = search.run(opened(tiny), Query(q="营商环境")).hits
    assert hit.highlight == "持續優化<mark>營商環境</mark>。"
    assert [hit.text[s:e] for s, e in hit.spans] == ["營商環境"]


def test_facets_count_the_whole_result_set_not_the_page(tiny):
    results = search.run(opened(tiny), Query(q='"乡村振兴"', per_page=1))
    assert (results.total, len(results.hits), results.pages) == (4, 1, 4)
    assert results.facets == {
        "region": [FacetValue("孟州市", 2), FacetValue("全国", 1), FacetValue("沁阳市", 1)],
        "year": [FacetValue("2023", 2), FacetValue("2022", 1), FacetValue("2020", 1)],
        "level": [FacetValue("county", 3), FacetValue("national", 1)],
        "section": [FacetValue("一、2022年工作回顾", 1), FacetValue("二、2023年工作安排", 1)],
        "kind": [FacetValue("工作回顾", 1), FacetValue("工作安排", 1), FacetValue("其他", 2)],
        "type": [FacetValue("report", 4)],
    }


def test_pages_continue_where_the_previous_one_ended(tiny):
    everything = found(tiny, "乡村振兴")
    pages = [[(h.doc, h.paragraph) for h in search.run(opened(
        tiny), Query(q="乡村振兴", per_page=2, page=p)).hits] for p in (1, 2, 3, 4)]
    assert pages == [everything[0:2], everything[2:4], everything[4:5], []]


def test_sort_by_date_is_newest_first_then_report_order(tiny):
    assert found(tiny, '"乡村振兴"', sort="date") == [
        ("a-mengzhou", 2), ("a-mengzhou", 7), ("b-qinyang", 1), ("c-national", 1)]


def test_equal_scores_break_ties_by_report_and_paragraph(make_index, make_report):
    same = "推进乡村振兴。"
    directory = make_index([make_report("z", same), make_report("a", same, same)])
    assert found(directory, "乡村振兴") == [("a", 1), ("a", 2), ("z", 1)]


def test_same_query_same_results(tiny):
    first = search.run(opened(tiny), Query(q="乡村振兴 OR 振兴"))
    again = search.run(opened(tiny), Query(q="乡村振兴 OR 振兴"))
    assert first.hits == again.hits and first.facets == again.facets


def test_long_paragraph_fragment_is_a_window_around_the_marks(make_index, make_report):
    text = "甲" * 300 + "氢能产业" + "乙" * 300
    [hit] = search.run(opened(make_index([make_report("r", text)])), Query(q="氢能")).hits
    assert hit.fragment == "…" + "甲" * 30 + "<mark>氢能</mark>" + "产业" + "乙" * 126 + "…"
    assert hit.spans == ((300, 302),)


def test_mark_highlights_words_phrases_and_curated_synonyms():
    assert search.mark("<b>长期护理保险</b>与长护险、乡村振兴", '长护险 "乡村" -振兴') == (
        "&lt;b&gt;<mark>长期护理保险</mark>&lt;/b&gt;与<mark>长护险</mark>、<mark>乡村</mark>振兴")


def test_mark_highlights_a_word_written_with_quotation_marks_inside_unless_quoted():
    assert search.mark("编制“十四五”规划纲要", "十四五规划") == "编制“<mark>十四五”规划</mark>纲要"
    assert search.mark("编制“十四五”规划纲要", '"十四五规划"') == "编制“十四五”规划纲要"


def test_warm_loads_every_paragraph(tiny):
    assert search.warm(opened(tiny)) == 13


def test_missing_index_raises_the_how_to_fix_error(tmp_path):
    with pytest.raises(IndexMissing, match="searchapp reindex"):
        search.run(opened(tmp_path / "nowhere"), Query(q="乡村振兴"))


def test_results_to_json_has_the_api_shape(tiny):
    data = results_to_json(search.run(opened(tiny), Query(q="万人助万企")))
    link = "/doc/a-mengzhou?p=6&a={0}#p-{0}".format(text_hash("深入开展“万人助万企”活动。"))
    assert data == {
        "query": "万人助万企", "total": 1, "notice": None, "expanded": [],
        "took_ms": data["took_ms"], "page": 1, "pages": 1,
        "hits": [{
            "doc": "a-mengzhou", "paragraph": 6, "region": "孟州市", "year": 2023,
            "level": "county", "title": "孟州市2023年政府工作报告", "date": "2023-03-01",
            "section": ["二、2023年工作安排"], "text": "深入开展“万人助万企”活动。",
            "highlight": "深入开展“<mark>万人助万企</mark>”活动。",
            "fragment": "深入开展“<mark>万人助万企</mark>”活动。",
            "spans": [[5, 10]], "score": data["hits"][0]["score"], "note": None,
            "copied_from": None, "permalink": link,
            "citation": "孟州市人民政府. 孟州市2023年政府工作报告[EB/OL]. (2023-03-01)"
                        f"[{date.today().isoformat()}]. 二、2023年工作安排, 第6段. {link}"}],
        "facets": {"region": [{"value": "孟州市", "count": 1}],
                   "year": [{"value": "2023", "count": 1}],
                   "level": [{"value": "county", "count": 1}],
                   "section": [{"value": "二、2023年工作安排", "count": 1}],
                   "kind": [{"value": "工作安排", "count": 1}],
                   "type": [{"value": "report", "count": 1}]},
    }


# --- the three measured failures of the naive setup (issue 3), on seeds + national reports ---

@pytest.fixture(scope="module")
def national_texts(national_index: Path) -> dict[tuple[str, int], str]:
    """(report id, n) -> normalised text of every paragraph of the national index."""
    return {(r.id, p.n): normalize(p.text) for meta in list_reports(national_index)
            for r in [load_report(national_index, meta.id)] for p in r.paragraphs}


def containing(texts: dict[tuple[str, int], str], s: str) -> set[tuple[str, int]]:
    """Brute force: every paragraph whose normalised text contains normalised s."""
    needle = normalize(s)
    return {key for key, text in texts.items() if needle in text}


def all_hits(index_dir: Path, q: str) -> list[tuple[str, int]]:
    first = search.run(opened(index_dir), Query(q=q, per_page=1000))
    hits = list(first.hits)
    for page in range(2, first.pages + 1):
        hits += search.run(opened(index_dir), Query(q=q, per_page=1000, page=page)).hits
    return [(h.doc, h.paragraph) for h in hits]


@pytest.mark.slow
def test_quoted_slogan_finds_all_five_paragraphs(national_index, national_texts):
    hits = all_hits(national_index, '"万人助万企"')
    assert len(hits) == 5
    assert set(hits) == containing(national_texts, "万人助万企")


@pytest.mark.slow
def test_unquoted_word_returns_every_paragraph_containing_it_first(national_index,
                                                                    national_texts):
    expected = containing(national_texts, "改革开放")  # 245 paragraphs as ingestion splits them
    hits = all_hits(national_index, "改革开放")
    assert set(hits[:len(expected)]) == expected


@pytest.mark.slow
def test_pieces_rank_below_the_word_then_headings_then_parts(national_index, national_texts):
    literal = containing(national_texts, "乡村振兴")
    hits = all_hits(national_index, "乡村振兴")
    assert set(hits[:len(literal)]) == literal
    assert set(all_hits(national_index, '"乡村振兴"')) == literal
    rest = hits[len(literal):]
    near = re.compile("乡村.{0,6}振兴|振兴.{0,6}乡村")
    close = [bool(near.search(national_texts[key])) for key in rest]
    assert any(close) and close == sorted(close, reverse=True)  # pieces close, then the rest
    rest = rest[close.count(True):]
    sections = {(r.id, p.n): normalize(" ".join(p.section))
                for meta in list_reports(national_index)
                for r in [load_report(national_index, meta.id)] for p in r.paragraphs}
    headed = [any(form in sections[key] for form in ("乡村振兴", "乡村全面振兴"))
              for key in rest]  # under a heading naming it, or its table form
    assert any(headed) and headed == sorted(headed, reverse=True)
    part = ["乡村" in t for t in (national_texts[key] for key in rest[headed.count(True):])]
    assert part == sorted(part, reverse=True)  # the part (乡村, the rarer), then feedback words


@pytest.mark.slow
@pytest.mark.parametrize("q, year", [("经济 发展", "2015.."), ("乡村振兴", None),
                                     ("改革 开放 -经济", None), ("就业 OR 创业", None),
                                     ("农村 改革", None)])
def test_proximity_on_the_page_only_ranks_like_proximity_everywhere(national_index, q, year):
    """The proximity bonus is computed only where it can change the requested page. Asking
    for 1000 per page when there are fewer hits scores every hit: that ranking is the oracle,
    and every page of any size must be its slice, scores included."""
    near = replace(ranking.DEFAULT, proximity=ranking.ASKED_PROXIMITY)  # as when asked for

    def page(per_page: int, number: int) -> list[tuple[str, int, float]]:
        results = search.run(opened(national_index),
                             Query(q=q, year=year, per_page=per_page, page=number), near)
        return [(h.doc, h.paragraph, h.score) for h in results.hits]

    everything = page(1000, 1)
    assert 100 < len(everything) < 1000  # more than the pages below, all scored at once
    pages = {(per_page, number): page(per_page, number)
             for per_page in (1, 7, 10, 100) for number in (1, 2, 3)}
    assert {key: hits for key, hits in pages.items()
            if hits != everything[(key[1] - 1) * key[0]:key[1] * key[0]]} == {}


def test_pairs_mined_from_the_corpus_expand_queries(make_index, make_report):
    directory = make_index([make_report(
        "r", "设立长江生态保护基金（以下简称长保基金）。", "长江生态保护基金运行良好。")])
    results = search.run(opened(directory), Query(q="长保基金"))
    assert results.expanded == ["长江生态保护基金"]
    assert [(h.paragraph, h.highlight) for h in results.hits] == [
        (1, "设立<mark>长江生态保护基金</mark>（以下简称<mark>长保基金</mark>）。"),
        (2, "<mark>长江生态保护基金</mark>运行良好。"),
    ]


# --- permalinks ------------------------------------------------------------------------------

@pytest.mark.parametrize("query, params", [
    (Query(q="乡村振兴"), [("q", "乡村振兴")]),
    (Query(q="氢能", region="孟州", year="2020..2023", level="county", section="工作安排",
           sort="date", page=3),
     [("q", "氢能"), ("region", "孟州"), ("year", "2020..2023"), ("level", "county"),
      ("section", "工作安排"), ("sort", "date"), ("page", "3")]),
], ids=["defaults left out", "canonical order"])
def test_to_params_and_back(query, params):
    assert to_params(query) == params
    assert from_params(dict(params)) == (query, [])


@pytest.mark.parametrize("params, query, errors", [
    ({"q": " 氢能 ", "page": "0"}, Query(q="氢能"),
     ["页码“0”无效（应为 1 到 1000 的整数），已显示第 1 页。"]),
    ({"q": "氢能", "page": "x", "sort": "best"}, Query(q="氢能"),
     ["排序方式“best”无效（可用 relevance、newest、oldest），已按相关度排序。",
      "页码“x”无效（应为 1 到 1000 的整数），已显示第 1 页。"]),
    ({"year": "去年", "level": "村"}, Query(),
     ["年份“去年”格式不对（应为 2023 或 2020..2023），已忽略该条件。",
      "级别“村”无效（可用 national、province、prefecture、county），已忽略该条件。"]),
    ({}, Query(), []),
], ids=["page zero", "bad page and sort", "bad year and level", "empty"])
def test_from_params_returns_errors_instead_of_raising(params, query, errors):
    assert from_params(params) == (query, errors)


@pytest.mark.parametrize("params, query", [
    ({"year": "2023"}, Query(year="2023")),
    ({"year": "２０２０-2023"}, Query(year="2020..2023")),
    ({"year": "2020.."}, Query(year="2020..")),
    ({"level": "县级"}, Query(level="county")),
], ids=["year", "dash range", "open range", "chinese level"])
def test_from_params_spells_values_one_canonical_way(params, query):
    assert from_params(params) == (query, [])



# --- never raises on user text ---------------------------------------------------------------

QUERY_ALPHABET = st.sampled_from(list('乡村振兴營商"“”()（）-=: ：OR region year level section'
                                      '..2023孟州焦作*?[]\\^$|{}\x00\x1b\u3000ａＢ１'))


@pytest.mark.slow  # 300 generated queries: seconds; test_fuzz.py runs 10,000 the same way
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.one_of(st.text(QUERY_ALPHABET, max_size=40), st.text(max_size=40)),
       region=st.one_of(st.none(), st.text(max_size=5)),
       year=st.one_of(st.none(), st.text(max_size=10)),
       page=st.integers(-5, 50), sort=st.sampled_from(["relevance", "date", "nonsense"]))
def test_any_text_gives_results_never_an_exception(tiny, q, region, year, page, sort):
    results = search.run(opened(tiny), Query(q=q, region=region, year=year, page=page, sort=sort))
    assert results.total >= len(results.hits)
    for hit in results.hits:
        assert "<" not in hit.highlight.replace("<mark>", "").replace("</mark>", "")


@pytest.mark.slow
@pytest.mark.parametrize("q", ["发展", "经济 发展", "乡村振兴", "改革 -开放"])
def test_a_large_result_set_kept_ranked_gives_the_same_pages(national_index, monkeypatch, q):
    """Above scoring.REMEMBERED matches the ranked head is kept per generation: every page
    (and the facets, kept too) must be what ranking afresh gives, asked once or again."""
    from searchapp.search import scoring

    def pages(index: object) -> list:
        found = []
        for page, per_page in ((1, 10), (2, 10), (1, 10), (3, 50), (20, 25)):
            r = search.run(index, Query(q=q, page=page, per_page=per_page))
            found.append(([(h.doc, h.paragraph, h.score) for h in r.hits], r.facets))
        return found
    afresh = pages(opened(national_index))
    monkeypatch.setattr(scoring, "REMEMBERED", 1)
    monkeypatch.setattr(search, "FACETS_REMEMBERED", 1)
    kept = opened(national_index)
    assert pages(kept) == afresh
    assert pages(kept) == afresh  # answered from what was kept
    assert any(key.startswith("rank:") for key in kept.generation()._derived)
