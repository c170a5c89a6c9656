"""Saved searches: name a search (POST), list them with hits then and now, short links,
delete after a confirmation page. Every POST is CSRF-checked in security.py."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from searchapp import saved
from searchapp.search import searching as search
from searchapp.search.params import from_params
from searchapp.web import present
from searchapp.web.context import index, settings
from searchapp.web.errors import bad_params

bp = Blueprint("saved", __name__)


def current_total(query_string: str) -> int | None:
    """Hits now: the saved URL run again (None if the saved URL no longer parses)."""
    query, errors = from_params(dict(parse_qsl(query_string)))
    if errors:
        return None
    return search.run(index(), replace(query, page=1, per_page=1)).total


@bp.get("/saved")
def listing() -> str:
    searches = saved.list_all(settings().instance_dir)
    rows = [(s, current_total(s.query_string)) for s in searches]
    return render_template("saved.html", rows=rows, created=request.args.get("created"))


@bp.post("/saved")
def create() -> Response:
    query, errors = from_params(request.form)
    if errors:
        return bad_params(errors)
    total = search.run(index(), replace(query, per_page=1)).total
    entry = saved.create(settings().instance_dir, request.form.get("name", ""),
                         present.query_string(query), total)
    return redirect(url_for("saved.listing", created=entry.slug), code=303)


@bp.route("/saved/<slug>/delete", methods=["GET", "POST"])
def delete(slug: str) -> str | Response:
    entry = saved.get(settings().instance_dir, slug)
    if entry is None:
        abort(404)
    if request.method == "GET":
        return render_template("confirm_delete.html", entry=entry)
    saved.delete(settings().instance_dir, slug)
    return redirect(url_for("saved.listing"), code=303)


@bp.get("/s/<slug>")
def short_link(slug: str) -> Response:
    entry = saved.get(settings().instance_dir, slug)
    if entry is None:
        abort(404)
    return redirect(f"{url_for('pages.search_page')}?{entry.query_string}", code=302)
