"""The JSON API: same data as the CLI's --json, JSON errors, and an OpenAPI document
that is checked against real responses (so the description cannot drift)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from conftest import opened
from flask import Flask
from flask.testing import FlaskClient

from searchapp.config import Settings
from searchapp.render.json import results_to_json
from searchapp.search import searching as search
from searchapp.search.params import from_params
from searchapp.web import create_app


def validate(client: FlaskClient, body: Any, schema_name: str) -> None:
    spec = client.get("/api/openapi.json").get_json()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)


def api_paths(app: Flask) -> set[str]:
    """Every route under /api/ as OpenAPI writes it: <report_id> -> {report_id}."""
    return {re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}


def test_openapi_document_is_valid_and_lists_every_api_route(app: Flask,
                                                             client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == api_paths(app)
    assert {"/api/timeline", "/api/copies/{report_id}"} <= api_paths(app)  # the reader works
    for schema in spec["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    for path, item in spec["paths"].items():
        responses = item["get"]["responses"]
        assert "200" in responses, path
        assert all(r["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"} for status, r in responses.items()
            if status != "200"), path


# --- the connections' and research tools' endpoints, against their schemas ------------------

QINYANG = "003_2d80b49f8694d6dd"
ENDPOINTS = [  # url, schema
    ("/api/timeline?q=营商环境", "Timeline"),
    ("/api/timeline?q=营商环境&by=region&original=1", "Timeline"),
    ("/api/compare?q=营商环境&region=孟州市&region=沁阳市", "Comparison"),
    (f"/api/related?doc={QINYANG}&n=25&limit=3", "Related"),
    (f"/api/distinctive?doc={QINYANG}&limit=5", "Distinctive"),
    ("/api/distinctive?region=孟州市", "Distinctive"),
    (f"/api/plan-review?doc={QINYANG}", "PlanReview"),
    (f"/api/copies/{QINYANG}", "Copies"),
]


@pytest.mark.parametrize(("url", "schema"), ENDPOINTS, ids=[u for u, _ in ENDPOINTS])
def test_each_endpoint_answers_what_its_schema_says(client: FlaskClient, url: str,
                                                    schema: str) -> None:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert any(body.values())  # not an empty shell: the schema checks real content
    validate(client, body, schema)
    path = urlsplit(url).path.replace(QINYANG, "{report_id}")
    operation = client.get("/api/openapi.json").get_json()["paths"][path]["get"]
    documented = {p["name"] for p in operation["parameters"]}
    assert set(parse_qs(urlsplit(url).query)) <= documented


def test_copies_and_plan_review_with_content_match_their_schemas(national_index,
                                                                  tmp_path) -> None:
    """On the seeds + national reports: a county's copied paragraphs, and a national plan
    linked to the next year's review (the web index has neither)."""
    app = create_app(Settings(corpus=(), index_dir=national_index,
                              instance_dir=tmp_path / "instance"), {"TESTING": True})
    client = app.test_client()
    copies = client.get(f"/api/copies/{QINYANG}").get_json()
    validate(client, copies, "Copies")
    assert [p["paragraph"] for p in copies["paragraphs"]] == [4, 25]
    reports = opened(national_index).generation().reports
    national_2022 = next(r for r, m in reports.items()
                         if m["region"] == "全国" and m["year"] == 2022)
    plan = client.get(f"/api/plan-review?doc={national_2022}").get_json()
    validate(client, plan, "PlanReview")
    assert plan["next"] and any(row["review"] for row in plan["plan"])


ERRORS = [  # url, status: each a status the endpoint's document lists
    ("/api/timeline?q=", 400), ("/api/timeline?q=发展&by=month", 400),
    ("/api/timeline?q=发展&original=maybe", 400),
    ("/api/compare?q=发展&region=孟州市", 400), ("/api/compare?region=孟州市&region=沁阳市", 400),
    ("/api/related?doc=nowhere&n=1", 404), (f"/api/related?doc={QINYANG}&n=x", 400),
    (f"/api/related?doc={QINYANG}&n=99999", 404), ("/api/related?n=1", 400),
    ("/api/distinctive", 400), ("/api/distinctive?doc=nowhere", 404),
    ("/api/distinctive?region=没有这个地方", 404), ("/api/distinctive?year=abc", 400),
    ("/api/plan-review", 400), ("/api/plan-review?doc=nowhere", 404),
    ("/api/copies/nowhere", 404),
]


@pytest.mark.parametrize(("url", "status"), ERRORS, ids=[u for u, _ in ERRORS])
def test_each_endpoints_errors_are_documented_json(client: FlaskClient, url: str,
                                                   status: int) -> None:
    response = client.get(url)
    assert response.status_code == status and response.mimetype == "application/json"
    validate(client, response.get_json(), "Error")
    spec = client.get("/api/openapi.json").get_json()
    path = re.sub(r"/api/copies/.*", "/api/copies/{report_id}", urlsplit(url).path)
    assert str(status) in spec["paths"][path]["get"]["responses"]


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

