"""The OpenAPI document's parameters against real responses, both ways: every value the
document allows is answered 200, every value it forbids is a JSON 400 (no silent
fallback), and every status the app sends has the documented content type."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from flask.testing import FlaskClient

SAMPLES: dict[str, tuple[list[str], list[str]]] = {  # name: (documented, undocumented)
    "q": (["营商环境", "", '"万人助万企', "region:孟州 OR region:沁阳"], []),
    "region": (["孟州市", "焦作市", "不存在的地方"], []),
    "year": (["2023", "2020..2023", "2020..", "..2020", "2020-2023", "", " 2023 "],
             ["twenty", "20231", "2023..20", "2020 .. 2023", "..", "2023,2024"]),
    "year_from": (["2020", "", " 1954 "], ["20", "2020..", "二〇二〇"]),
    "year_to": (["2023", ""], ["203", "x"]),
    "level": (["national", "province", "prefecture", "county", "unknown", "县", "省级",
               "全国", "未知"], ["galaxy", "village", "县级市"]),
    "section": (["工作安排", "没有这一章"], []),
    "kind": (["工作回顾", "名词解释", "其他"], ["回顾", "review"]),
    "type": (["report", "resolution", "other"], ["决议", "law"]),
    "original": (["1", "0", "true", "false", "on", "off", ""], ["maybe", "2", "ON", "yes"]),
    "sort": (["relevance", "date", "newest", "oldest"], ["random", "old"]),
    "group": (["paragraph", "report"], ["reports", "region"]),
    "page": (["1", "2", "1000", "01"], ["0", "abc", "1001", "²", "-1", "1.5"]),
    "per_page": (["1", "25", "100"], ["0", "101", "x", "①"]),
}


def search_operation(client: FlaskClient) -> dict[str, Any]:
    return client.get("/api/openapi.json").get_json()["paths"]["/api/search"]["get"]


def documented(parameter: dict[str, Any], value: str) -> bool:
    """Is `value` allowed by the parameter's schema (integers deserialized as OpenAPI does)?"""
    schema = parameter["schema"]
    data: object = value
    if schema.get("type") == "integer" and re.fullmatch(r"-?[0-9]+", value):
        data = int(value)
    if schema.get("type") == "array":  # a repeatable parameter given once
        data = [value]
    return jsonschema.Draft202012Validator(schema).is_valid(data)


def test_every_documented_parameter_has_samples(client: FlaskClient) -> None:
    assert [p["name"] for p in search_operation(client)["parameters"]] == list(SAMPLES)


@pytest.mark.parametrize(("name", "value", "allowed"), [
    (name, value, allowed) for name, (good, bad) in SAMPLES.items()
    for allowed, values in ((True, good), (False, bad)) for value in values
], ids=lambda x: repr(x) if isinstance(x, str) else None)
def test_the_document_and_the_answers_agree(client: FlaskClient, name: str, value: str,
                                            allowed: bool) -> None:
    parameter = next(p for p in search_operation(client)["parameters"] if p["name"] == name)
    assert documented(parameter, value) is allowed
    params = {"q": "发展", name: value} if name != "q" else {"q": value}
    response = client.get("/api/search", query_string=params)
    assert response.status_code == (200 if allowed else 400)
    assert response.mimetype == "application/json"
    if allowed and name == "per_page":
        body = response.get_json()
        assert len(body["hits"]) == min(int(value), body["total"])


def test_too_long_request_is_the_documented_json(client: FlaskClient) -> None:
    response = client.get("/api/search", query_string={"q": "营" * 3000})
    assert response.status_code == 413
    content = search_operation(client)["responses"]["413"]["content"]
    assert response.mimetype in content
    spec = client.get("/api/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/Error", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(response.get_json())


@pytest.mark.parametrize(("name", "values", "status"), [
    ("region", ["孟州市", "沁阳市"], 200),
    ("level", ["county", "national"], 200),
    ("level", ["county", "village"], 400),
    ("region", [f"地方{i}" for i in range(21)], 400),
], ids=["two regions", "two levels", "one bad level", "over maxItems"])
def test_repeated_parameters_agree_with_the_document(client: FlaskClient, name: str,
                                                     values: list[str], status: int) -> None:
    parameter = next(p for p in search_operation(client)["parameters"] if p["name"] == name)
    assert parameter["explode"] is True
    assert jsonschema.Draft202012Validator(parameter["schema"]).is_valid(values) is (
        status == 200)
    response = client.get("/api/search", query_string=[("q", "发展")] + [(name, v) for v in values])
    assert response.status_code == status
