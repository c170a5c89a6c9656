"""The JSON API: same data as the CLI's --json, JSON errors, and an OpenAPI document
that is checked against real responses (so the description cannot drift)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from conftest import opened
from flask.testing import FlaskClient

from searchapp.render.json import results_to_json
from searchapp.search import searching as search
from searchapp.search.params import from_params


def validate(client: FlaskClient, body: Any, schema_name: str) -> None:
    spec = client.get("/api/openapi.json").get_json()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)


def test_openapi_document_is_valid_and_lists_every_api_route(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {"/api/search", "/api/doc/{report_id}", "/api/openapi.json"}
    for schema in spec["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("params", [
    {"q": "营商环境"},
    {"q": "营商环境", "region": "孟州市", "sort": "date", "page": "2"},
    {"q": '"万人助万企'},
    {"q": "没有这个词语呀"},
    {"region": "沁阳市"},
], ids=["plain", "filtered-sorted-paged", "malformed", "no-hits", "filter-only"])
def test_search_matches_the_core_and_the_schema(client: FlaskClient, web_settings,
                                                params: dict[str, str]) -> None:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    validate(client, body, "SearchResults")
    query, errors = from_params(params)
    assert not errors
    expected = results_to_json(search.run(opened(web_settings.index_dir), query))
    strip = ("took_ms",)
    assert {k: v for k, v in body.items() if k not in strip} == {
        k: v for k, v in expected.items() if k not in strip}


def test_search_hits_carry_paragraph_context(client: FlaskClient) -> None:
    hits = client.get("/api/search?q=营商环境").get_json()["hits"]
    assert hits
    for hit in hits:
        assert hit["region"] in {"孟州市", "沁阳市"} and hit["year"] == 2023
        assert hit["section"] and "<mark>" in hit["highlight"]
        assert all(hit["text"][a:b] for a, b in hit["spans"])


@pytest.mark.parametrize("query_string", [
    "q=x&page=abc", "q=x&page=0", "q=x&sort=random", "q=x&year=twenty", "q=x&level=galaxy",
], ids=["page-not-int", "page-zero", "sort", "year", "level"])
def test_bad_parameters_are_json_400(client: FlaskClient, query_string: str) -> None:
    response = client.get(f"/api/search?{query_string}")
    assert response.status_code == 400
    body = response.get_json()
    validate(client, body, "Error")
    assert body["error"]["status"] == 400 and body["error"]["details"]


def test_doc_returns_the_whole_report(client: FlaskClient, web_settings) -> None:
    hit = client.get("/api/search?q=营商环境").get_json()["hits"][0]
    body = client.get(f"/api/doc/{hit['doc']}").get_json()
    validate(client, body, "Report")
    assert (body["id"], body["region"], body["year"]) == (hit["doc"], hit["region"], hit["year"])
    assert [p["n"] for p in body["paragraphs"]] == list(range(1, len(body["paragraphs"]) + 1))
    paragraph = body["paragraphs"][hit["paragraph"] - 1]
    assert (paragraph["text"], paragraph["section"]) == (hit["text"], hit["section"])


@pytest.mark.parametrize("report_id", ["no-such-report", "..%2F..%2Fetc%2Fpasswd", "a%00b",
                                       "x" * 300],
                         ids=["unknown", "traversal", "nul", "too-long"])
def test_unknown_or_malformed_report_id_is_json_404(client: FlaskClient, report_id: str) -> None:
    response = client.get(f"/api/doc/{report_id}")
    assert response.status_code == 404
    validate(client, response.get_json(), "Error")


def test_unknown_api_route_is_json_404(client: FlaskClient) -> None:
    response = client.get("/api/nothing")
    assert (response.status_code, response.mimetype) == (404, "application/json")


def test_api_reports_missing_index_as_json_503(tmp_path) -> None:
    from searchapp.config import Settings
    from searchapp.web import create_app

    app = create_app(Settings(index_dir=tmp_path / "none", instance_dir=tmp_path / "i"))
    response = app.test_client().get("/api/search?q=x")
    assert response.status_code == 503
    assert "searchapp reindex" in response.get_json()["error"]["message"]
    assert str(tmp_path) not in response.get_data(as_text=True)


def test_api_json_keeps_chinese_readable(client: FlaskClient) -> None:
    assert "营商环境" in client.get("/api/search?q=营商环境").get_data(as_text=True)

