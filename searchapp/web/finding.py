"""The researcher's tools around the results page: the advanced search form, which writes
the query language for the reader, and completions for the search box (/api/suggest)."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for

import searchapp.web.present as present
from searchapp.index.generation import Generation
from searchapp.model import LEVELS, Query
from searchapp.search import autocomplete
from searchapp.search.params import from_params
from searchapp.search.querylang import compose
from searchapp.web.context import generation, index
from searchapp.web.errors import bad_params

bp = Blueprint("finding", __name__)
BOXES = ("all", "any", "none", "phrase")
WITHIN = {"text": None, "title": "title"}  # 全文 / 仅标题: the field the words are written in


@bp.get("/advanced")
def advanced() -> str:
    """The form; the regions offered are the index's own, most paragraphs first."""
    gen = index().generation()
    return render_template("advanced.html", query=Query(), levels=LEVELS,
                           regions=[c.text for c in autocomplete.regions(gen, "", None)])


@bp.app_template_global()
def year_span() -> tuple[str, str]:
    """The first and last report years of the index: the year boxes' placeholders show the
    range there is to choose from (a seeds-only index has 2023, not 1954–2025)."""
    return generation().derived("web:year-span", _year_span)  # type: ignore[return-value]


def _year_span(gen: Generation) -> tuple[str, str]:
    years = gen.year[gen.live_docs]
    years = years[years > 0]
    return (str(years.min()), str(years.max())) if len(years) else ("", "")


@bp.get("/advanced/search")
def advanced_search() -> Response:
    """The boxes written as a query (all, (any OR …), -none, "phrase") and the filters as
    parameters: the results page then shows the reader the syntax in the search box."""
    query, errors = from_params(request.args)
    if errors:
        return bad_params(errors)
    within = request.args.get("within", "text")
    if within not in WITHIN:
        return bad_params([f"搜索范围“{within[:20]}”无效（可用 {'、'.join(WITHIN)}）。"])
    query = replace(query, q=compose(*(request.args.get(box, "") for box in BOXES),
                                     field=WITHIN[within]))
    return redirect(present.search_url(query, url_for("pages.search_page")), 303)


@bp.get("/api/suggest")
def suggest() -> Response:
    """Words starting with q and regions containing it, most frequent first."""
    text = request.args.get("q", "").strip()
    if not text:
        return jsonify({"query": text, "terms": [], "regions": []})
    gen = index().generation()
    return jsonify({"query": text,
                    "terms": [{"term": c.text, "count": c.count}
                              for c in autocomplete.terms(gen, text)],
                    "regions": [{"region": c.text, "count": c.count}
                                for c in autocomplete.regions(gen, text)]})
