"""HTML pages: the search box and results, the report view, the query-language help,
and the feed with its page for people (subscribe)."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, render_template, request, url_for

import searchapp.web.docview as docview
import searchapp.web.present as present
from searchapp.model import Query, Results
from searchapp.render import feed
from searchapp.search import searching as search
from searchapp.search.params import from_params
from searchapp.web.context import built_at, find_report, generation, index
from searchapp.web.errors import bad_params

bp = Blueprint("pages", __name__)
FEED_SIZE = 50


def results_context(query: Query, results: Results) -> dict[str, object]:
    """Everything search.html needs beyond the Results themselves."""
    parents = generation().derived("web:region-parents",  # the same for every page
                                   lambda g: present.region_parents(g.report_list()))
    facets = present.facet_links(query, results, parents)
    return dict(query=query, results=results, facets=facets,
                has_facets=any(facets.values()),
                chips=present.chips(query), pages=present.page_window(query.page, results.pages),
                permalink=url_for("pages.search_page", _external=True) + "?"
                + present.query_string(query))


@bp.get("/")
def home() -> str:
    return render_template("search.html", query=Query(), results=None, focus_box=True)


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
    """The report; the search that led here rides along in the URL (bad values ignored),
    so 「返回检索结果」 returns to the very page of results."""
    report = find_report(report_id)
    query, _ = from_params(request.args)
    query = replace(query, q=query.q[:500])
    view = docview.build(report, query.q, search.mark)
    back = (present.search_url(query, url_for("pages.search_page"))
            if query.q or present.has_filters(query) else None)
    return render_template("doc.html", report=report, view=view, q=query.q, query=query,
                           back=back)


def feed_query() -> tuple[Query, list[str]]:
    """Newest reports first whatever the page asked for: that is what a subscriber wants."""
    query, errors = from_params(request.args)
    return replace(query, sort="date", group="paragraph", page=1, per_page=FEED_SIZE), errors


@bp.get("/feed")
def atom_feed() -> Response:
    """Entries are ordered by report date: the index keeps no per-report indexing time. An
    undated report, and the feed itself, are dated by the index generation's build time."""
    query, errors = feed_query()
    if errors:
        return bad_params(errors)
    results = search.run(index(), query)
    page_query = replace(query, sort="relevance", per_page=Query().per_page)
    body = feed.build(
        results, title=f"政府工作报告检索：{present.describe(query)}", built=built_at(),
        self_url=request.url, alternate_url=present.search_url(page_query, url_for(
            "pages.search_page", _external=True)),
        doc_url=lambda h: present.doc_url(url_for("pages.doc", report_id=h.doc,
                                                  _external=True), Query(q=query.q),
                                          h.paragraph))
    return Response(body, mimetype="application/atom+xml")


@bp.get("/subscribe")
def subscribe() -> tuple[str, int]:
    """What 「订阅」 opens: a page for people naming the feed's address (the feed itself is
    XML, which browsers show raw)."""
    query, errors = feed_query()
    feed_url = present.search_url(query, url_for("pages.atom_feed", _external=True),
                                  sort="relevance", per_page=Query().per_page)
    back = present.search_url(replace(query, sort="relevance", per_page=Query().per_page),
                              url_for("pages.search_page"))
    return render_template("subscribe.html", query=query, feed_url=feed_url, back=back,
                           title=present.describe(query),
                           param_errors=errors), 400 if errors else 200
