"""The web UI and JSON API, built by a factory from Settings (no module-level app).

Views only translate a request into a Query (search.from_params), call the search
core once and render its Results as HTML, JSON or Atom.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flask import Flask

from searchapp.config import Settings
from searchapp.index.read import Index
from searchapp.state import open_database
from searchapp.web import (
    api,
    connection_views,
    errors,
    filters,
    finding,
    pages,
    present,
    research_views,
    saved_views,
    security,
)


def create_app(settings: Settings, overrides: Mapping[str, Any] | None = None,
               index: Index | None = None) -> Flask:
    """Build an app serving `settings.index_dir`; `overrides` are Flask config (tests);
    `index`: that directory's Index when the caller has opened it already (serve)."""
    app = Flask(__name__)
    settings = replace(settings, instance_dir=settings.instance_path())  # fixed from now on
    app.extensions["searchapp"] = settings
    app.extensions["searchapp.index"] = index if index is not None else Index(settings.index_dir)
    database = open_database(settings)  # PostgreSQL: migrated now, by the session key
    app.extensions["searchapp.database"] = database
    app.config.update(TEMPLATES_AUTO_RELOAD=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # readable Chinese in the API
    app.config.update(overrides or {})
    security.init_app(app, settings, database)
    filters.init_app(app)
    app.jinja_env.globals["present"] = present  # link builders for templates
    errors.init_app(app)
    for blueprint in (pages.bp, saved_views.bp, api.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(connection_views.bp)  # copied text, related paragraphs, terms
    app.register_blueprint(research_views.bp)  # export, timeline, compare; citations, anchors
    app.register_blueprint(finding.bp)  # the advanced form, /api/suggest
    return app
