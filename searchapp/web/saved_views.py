"""Saved searches: name a search (POST), list one's own with hits then and now, short
links anyone can open, delete (by the browser that saved it) after a confirmation page.
Every POST is CSRF-checked in security.py; whose search it is comes from owners.py."""

from __future__ import annotations

import threading
from dataclasses import replace
from urllib.parse import parse_qsl

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from werkzeug.datastructures import MultiDict

import searchapp.web.owners as owners
import searchapp.web.present as present
from searchapp.search import searching as search
from searchapp.search.params import from_params, parse_number, shown
from searchapp.state import saved
from searchapp.web.context import database, index
from searchapp.web.errors import bad_params, render_error

bp = Blueprint("saved", __name__)
PER_PAGE = 50
NO_SUCH_SEARCH = "没有这条保存的检索：它可能已被删除，或链接有误。"
NOT_YOURS = "只有保存这条检索的浏览器可以删除它。您仍可以通过短链接打开这条检索。"


class HitsNow:
    """Hits now of saved URLs, cached per index generation: a view of /saved reruns at most
    the searches of the page it shows, and each only once per generation and worker."""

    def __init__(self, size: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._totals: dict[str, int | None] = {}
        self._size = size

    def total(self, query_string: str) -> int | None:
        stamp = index().generation().stamp
        with self._lock:
            if stamp != self._stamp:
                self._stamp, self._totals = stamp, {}
            if query_string in self._totals:
                return self._totals[query_string]
        total = _run_total(query_string)
        with self._lock:
            if len(self._totals) >= self._size:
                self._totals.clear()  # bounded memory; the next views fill it again
            if self._stamp == stamp:
                self._totals[query_string] = total
        return total


@bp.record_once
def _add_cache(state: BlueprintSetupState) -> None:
    state.app.extensions["searchapp.hits_now"] = HitsNow()


def _run_total(query_string: str) -> int | None:
    """The saved URL run again (None if the saved URL no longer parses)."""
    query, errors = from_params(MultiDict(parse_qsl(query_string)))  # regions may repeat
    if errors:
        return None
    return search.run(index(), replace(query, page=1, per_page=1)).total


def current_total(query_string: str) -> int | None:
    """Hits now, from this worker's cache for the published generation."""
    return current_app.extensions["searchapp.hits_now"].total(query_string)


@bp.get("/saved")
def listing() -> str | Response:
    """This browser's searches, PER_PAGE at a time (issuing its owner cookie on first visit)."""
    value = request.args.get("page", "1")
    page = parse_number(value, 1, saved.MAX_TOTAL)
    if page is None:
        return render_error(400, f"页码“{shown(value)}”无效，应为正整数。")
    entries, count = saved.list_owned(database(), owners.ensure(), page, PER_PAGE)
    pages = max(1, -(-count // PER_PAGE))
    if page > pages:
        abort(404, description=f"已保存的检索共 {pages} 页，没有第 {page} 页。")
    rows = [(s, current_total(s.query_string)) for s in entries]
    return render_template("saved.html", rows=rows, created=request.args.get("created"),
                           page=page, pages=pages, window=present.page_window(page, pages),
                           count=count, per_page=PER_PAGE)


@bp.post("/saved")
def create() -> Response:
    query, errors = from_params(request.form)
    if errors:
        return bad_params(errors)
    total = search.run(index(), replace(query, per_page=1)).total
    try:
        entry = saved.create(database(), request.form.get("name", ""),
                             present.query_string(query), total, owners.ensure())
    except saved.LimitReached as error:
        return render_error(409, str(error))
    return redirect(url_for("saved.listing", created=entry.slug), code=303)


@bp.route("/saved/<slug>/delete", methods=["GET", "POST"])
def delete(slug: str) -> str | Response:
    entry = saved.get(database(), slug)
    if entry is None:
        abort(404, description=NO_SUCH_SEARCH)
    if entry.owner is None or entry.owner != owners.current():
        return render_error(403, NOT_YOURS)
    if request.method == "GET":
        return render_template("confirm_delete.html", entry=entry)
    saved.delete(database(), slug, entry.owner)
    return redirect(url_for("saved.listing"), code=303)


@bp.get("/s/<slug>")
def short_link(slug: str) -> Response:
    entry = saved.get(database(), slug)
    if entry is None:
        abort(404, description=NO_SUCH_SEARCH)
    return redirect(f"{url_for('pages.search_page')}?{entry.query_string}", code=302)
