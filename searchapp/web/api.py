"""JSON twins of the pages: /api/search (same shape as `searchapp search --json`),
/api/doc/<id>, and the OpenAPI document that describes them (tested against real
responses, so it cannot drift)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from flask import Blueprint, Response, jsonify, request

from searchapp.render.json import report_to_json, results_to_json
from searchapp.search import searching as search
from searchapp.search.params import from_params
from searchapp.web.connection_views import copied_json
from searchapp.web.context import find_report, index
from searchapp.web.errors import bad_params

bp = Blueprint("api", __name__, url_prefix="/api")


@cache
def openapi_document() -> dict[str, Any]:
    text = resources.files("searchapp.web").joinpath("static/openapi.json").read_text("utf-8")
    return json.loads(text)


@bp.get("/search")
def api_search() -> Response:
    query, errors = from_params(request.args)
    if errors:
        return bad_params(errors)
    return jsonify(results_to_json(search.run(index(), query), copied_json()))


@bp.get("/doc/<report_id>")
def api_doc(report_id: str) -> Response:
    return jsonify(report_to_json(find_report(report_id)))


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())
