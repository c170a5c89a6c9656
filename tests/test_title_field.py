"""`title:` / `标题:` in the query language, and the advanced form's 搜索范围 「仅标题」 that
writes it. Parsing and matching of the field itself are in test_querylang.py and
test_search.py's QUERIES; here: composing it, and the whole way through the web app."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from flask.testing import FlaskClient

from searchapp.search.querylang import And, Filter, Not, Or, compose, parse

MENGZHOU = "000_1d81e7ffc4b419a3"
QINYANG = "003_2d80b49f8694d6dd"


@pytest.mark.parametrize("boxes, field, text", [
    (("营商环境 市场主体", "氢能 储能", "疫情", "放管服 改革"), None,
     '营商环境 市场主体 (氢能 OR 储能) -疫情 "放管服 改革"'),
    (("营商环境 市场主体", "氢能 储能", "疫情", "放管服 改革"), "title",
     'title:营商环境 title:市场主体 (title:氢能 OR title:储能) -title:疫情 title:"放管服 改革"'),
    (("a:b", "", "", ""), "title", 'title:"a:b"'),
], ids=["全文", "仅标题", "a word holding syntax is quoted"])
def test_compose_writes_every_box_in_the_field_asked_for(boxes, field, text) -> None:
    assert compose(*boxes, field=field) == text


def test_what_the_title_boxes_write_parses_back_as_title_filters() -> None:
    written = compose("政府工作报告", "孟州 沁阳", "决议", field="title")
    assert parse(written).node == And((
        Filter("title", "政府工作报告"), Or((Filter("title", "孟州"), Filter("title", "沁阳"))),
        Not(Filter("title", "决议"))))


def test_the_advanced_form_offers_full_text_or_titles_only(client: FlaskClient) -> None:
    html = client.get("/advanced").get_data(as_text=True)
    assert '<input type="radio" name="within" value="text" checked> 全文' in html
    assert '<input type="radio" name="within" value="title"' in html and "仅标题" in html


def test_titles_only_redirects_to_title_terms_and_finds_only_those_reports(
        client: FlaskClient) -> None:
    response = client.get("/advanced/search", query_string={"all": "沁阳", "within": "title"})
    assert response.status_code == 303
    assert parse_qsl(urlsplit(response.location).query) == [("q", "title:沁阳")]
    hits = client.get("/api/search?q=营商环境 title:沁阳&per_page=100").get_json()["hits"]
    assert hits and {h["doc"] for h in hits} == {QINYANG}
    everywhere = client.get("/api/search?q=营商环境&per_page=100").get_json()["hits"]
    assert {h["doc"] for h in everywhere} == {MENGZHOU, QINYANG}


def test_a_typed_title_filter_shows_as_a_labelled_chip(client: FlaskClient) -> None:
    html = client.get("/search?q=营商环境 title:沁阳").get_data(as_text=True)
    assert 'aria-label="移除筛选：标题 沁阳"' in html and ">标题：沁阳 <span" in html


def test_an_unknown_scope_is_a_400_that_says_why(client: FlaskClient) -> None:
    response = client.get("/advanced/search", query_string={"all": "沁阳", "within": "body"})
    assert response.status_code == 400
    assert "搜索范围“body”无效（可用 text、title）。" in response.get_data(as_text=True)


def test_help_documents_the_field(client: FlaskClient) -> None:
    assert "<code>title:决议</code>" in client.get("/help").get_data(as_text=True)
