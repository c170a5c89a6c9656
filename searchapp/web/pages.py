"""HTML pages: the search box and results, the report view, the query-language help."""

from __future__ import annotations

import re
from dataclasses import replace

from flask import Blueprint, Response, abort, render_template, request, url_for

from searchapp.render import feed
from searchapp.index import build as index
from searchapp.search import searching as search
from searchapp.model import Query, Report, Results
from searchapp.web import docview, present, settings
from searchapp.web.errors import bad_params

bp = Blueprint("pages", __name__)
REPORT_ID = re.compile(r"[A-Za-z0-9_\-\u4e00-\u9fff]{1,200}")
FEED_SIZE = 50


def results_context(query: Query, results: Results) -> dict[str, object]:
    """Everything search.html needs beyond the Results themselves."""
    parents = present.region_parents(index.list_reports(settings().index_dir))
    return dict(query=query, results=results,
                facets=present.facet_links(query, results, parents),
                chips=present.chips(query), pages=present.page_window(query.page, results.pages),
                permalink=url_for("pages.search_page", _external=True) + "?"
                + present.query_string(query))


def find_report(report_id: str) -> Report:
    """The report, or a 404: ids are checked first so no odd string reaches the index."""
    report = index.load_report(settings().index_dir, report_id) if REPORT_ID.fullmatch(
        report_id) else None
    if report is None:
        abort(404, description=f"没有编号为“{report_id[:100]}”的报告："
                               "可能链接有误，或该报告已不在索引中。")
    return report


@bp.get("/")
def home() -> str:
    return render_template("search.html", query=Query(), results=None)


@bp.get("/search")
def search_page() -> tuple[str, int]:
    """Bad parameter values are ignored with a sentence each (status 400), not a dead end."""
    query, errors = search.from_params(request.args)
    status = 400 if errors else 200
    if not query.q.strip() and not present.has_filters(query):
        return render_template("search.html", query=query, results=None,
                               param_errors=errors), status
    results = search.run(settings().index_dir, query)
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
    query, errors = search.from_params(request.args)
    if errors:
        return bad_params(errors)
    query = replace(query, sort="date", page=1, per_page=FEED_SIZE)
    results = search.run(settings().index_dir, query)
    body = feed.build(
        results, title=f"政府工作报告检索：{query.q or '全部'}",
        self_url=request.url, alternate_url=present.search_url(query, url_for(
            "pages.search_page", _external=True), sort="relevance"),
        doc_url=lambda h: url_for("pages.doc", report_id=h.doc, q=query.q or None,
                                  _external=True, _anchor=f"p-{h.paragraph}"))
    return Response(body, mimetype="application/atom+xml")
