"""HTML pages: the search box and results, the report view, the query-language help."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, render_template, request, url_for

from searchapp.model import Query, Results
from searchapp.render import feed
from searchapp.search import searching as search
from searchapp.search.params import from_params
from searchapp.web import docview, present
from searchapp.web.context import find_report, index
from searchapp.web.errors import bad_params

bp = Blueprint("pages", __name__)
FEED_SIZE = 50


def results_context(query: Query, results: Results) -> dict[str, object]:
    """Everything search.html needs beyond the Results themselves."""
    parents = present.region_parents(index().generation().report_list())
    return dict(query=query, results=results,
                facets=present.facet_links(query, results, parents),
                chips=present.chips(query), pages=present.page_window(query.page, results.pages),
                permalink=url_for("pages.search_page", _external=True) + "?"
                + present.query_string(query))


@bp.get("/")
def home() -> str:
    return render_template("search.html", query=Query(), results=None)


@bp.get("/search")
def search_page() -> tuple[str, int]:
    """Bad parameter values are ignored with a sentence each (status 400), not a dead end."""
    query, errors = from_params(request.args)
    status = 400 if errors else 200
    if not query.q.strip() and not present.has_filters(query):
        return render_template("search.html", query=query, results=None,
                               param_errors=errors), status
    results = search.run(index(), query)
    return render_template("search.html", **results_context(query, results),
                           param_errors=errors), status


@bp.get("/help")
def help_page() -> str:
    return render_template("help.html", query=Query())


@bp.get("/doc/<report_id>")
def doc(report_id: str) -> str:
    report = find_report(report_id)
    q = request.args.get("q", "")[:500]
    view = docview.build(report, q, search.mark)
    return render_template("doc.html", report=report, view=view, q=q, query=Query(q=q))


@bp.get("/feed")
def atom_feed() -> Response:
    """Newest reports first whatever the page asked for: that is what a subscriber wants."""
    query, errors = from_params(request.args)
    if errors:
        return bad_params(errors)
    query = replace(query, sort="date", page=1, per_page=FEED_SIZE)
    results = search.run(index(), query)
    body = feed.build(
        results, title=f"政府工作报告检索：{query.q or '全部'}",
        self_url=request.url, alternate_url=present.search_url(query, url_for(
            "pages.search_page", _external=True), sort="relevance"),
        doc_url=lambda h: url_for("pages.doc", report_id=h.doc, q=query.q or None,
                                  _external=True, _anchor=f"p-{h.paragraph}"))
    return Response(body, mimetype="application/atom+xml")
