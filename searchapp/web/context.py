"""What a view needs from the app it runs in: its Settings, its Index and the generation
the request reads, its Database, and a report by id.

create_app puts them in `app.extensions`; views reach them through these functions so
that no blueprint imports the package that registers it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import abort, current_app, g

from searchapp.config import Settings
from searchapp.index.generation import Generation
from searchapp.index.read import Index
from searchapp.model import Report
from searchapp.state.database import Database

REPORT_ID = re.compile(r"[A-Za-z0-9_\-\u4e00-\u9fff]{1,200}")


def settings() -> Settings:
    """The Settings of the app handling the current request."""
    return current_app.extensions["searchapp"]


def index() -> Index:
    """The app's one Index: every request of every thread shares its opened generation."""
    return current_app.extensions["searchapp.index"]


def generation() -> Generation:
    """The generation this request reads: the published one when the request first asks,
    the same one after that. A page's hits, copied-text notes and facets then come from one
    generation, and CURRENT is read once a request, not once a hit (~0.07 ms each)."""
    if "searchapp_generation" not in g:
        g.searchapp_generation = index().generation()
    return g.searchapp_generation


def database() -> Database:
    """The app's database of saved searches (SQLite or PostgreSQL)."""
    return current_app.extensions["searchapp.database"]


def built_at() -> str:
    """When the published index generation was built (its meta.json, written last), as an
    Atom date: the feed's <updated>, and that of entries whose report has no date."""
    path = generation().stamp[0] / "meta.json"
    stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def find_report(report_id: str) -> Report:
    """The report, or a 404: ids are checked first so no odd string reaches the index."""
    report = generation().report(report_id) if REPORT_ID.fullmatch(report_id) \
        else None
    if report is None:
        abort(404, description=f"没有编号为“{report_id[:100]}”的报告："
                               "可能链接有误，或该报告已不在索引中。")
    return report
