"""Run the web app: gunicorn in production, Flask's server (never with the debugger)
only behind --dev. The index is built first when missing, so the README's first
command works on a fresh checkout."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import LimitRequestLine

from searchapp import progress
from searchapp.config import Settings

if TYPE_CHECKING:
    from searchapp.index.build import ReindexSummary
from searchapp.errors import IndexProblem
from searchapp.index.read import Index
from searchapp.search import searching as search
from searchapp.state import open_database, secret
from searchapp.state.database import Database
from searchapp.web import create_app, security


def ensure_index(settings: Settings) -> ReindexSummary | None:
    """Build the index if there is none (or an unreadable one); None if it was fine.

    Progress and warnings go to stderr through the same reporter as `reindex`."""
    try:
        Index(settings.index_dir).generation()
        return None
    except IndexProblem:
        from searchapp.index import build  # the writer, loaded only when there is no index

        reporter = progress.Reporter()
        try:
            return build.reindex(settings.corpus, settings.index_dir, progress=reporter,
                                 warn=reporter.warn)
        finally:
            reporter.close()


def check_instance(settings: Settings, index_existed: bool = False) -> Database:
    """Open the database of saved searches, bring its schema up to date and make sure the
    session key exists, now: an unusable SEARCHAPP_INSTANCE or SEARCHAPP_DATABASE_URL is
    one clear error here (OSError, DatabaseProblem) rather than every worker failing to boot.

    A new, empty instance folder next to an index that already existed is worth a warning:
    serve may have been pointed elsewhere than before, and the saved searches left behind.
    With a database URL the app servers keep no state of their own: no instance folder."""
    database = open_database(settings)
    folder = database.instance_dir
    is_new = folder is not None and (not folder.is_dir() or not any(folder.iterdir()))
    secret.session_key(database)
    database.migrate()
    if is_new and index_existed:
        logging.getLogger("searchapp").warning(
            "warning: created a new, empty instance folder %s although the index %s already "
            "existed; if saved searches are missing, serve with --instance (or "
            "SEARCHAPP_INSTANCE) set to the folder that holds saved.sqlite3",
            folder, settings.index_dir.resolve())
    return database


def warm_up(app: Flask) -> None:
    """Load the dictionary and the index in each worker before it takes requests, so the
    first visitor does not pay seconds of start-up cost. A failure here is only logged:
    the request that follows will show the real, friendly error."""
    try:
        search.warm(app.extensions["searchapp.index"])
    except Exception:  # noqa: BLE001 - never stop a worker from booting over a warm-up
        logging.getLogger("searchapp").exception("warm-up search failed")


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn driven from Python: options from Settings, the app from our factory."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """Runs in each worker (no preloading): every process opens its own index."""
        app = create_app(self.settings)
        warm_up(app)
        return app


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": max(1, settings.workers),
        "worker_class": "gthread",  # threads keep a slow client from blocking a whole worker
        "threads": 4,
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": "-",  # access and error logs on stdout/stderr: the service manager keeps them
        "errorlog": "-",
        "limit_request_line": 8190,  # gunicorn's maximum; longer lines: see below
        "post_worker_init": refuse_long_request_lines,
        "proc_name": "searchapp",
    }


def refuse_long_request_lines(worker: Any) -> None:
    """gunicorn rejects a request line over its hard maximum (8190 bytes) itself, with a bare
    414 page and none of our headers, before the app sees it. Installed as post_worker_init:
    such a URL gets the app's 413, its sentence and its security headers instead."""
    handle_error = worker.handle_error

    def handle(req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        if not isinstance(exc, LimitRequestLine):
            return handle_error(req, client, addr, exc)
        worker.log.warning("Invalid request from ip=%s: %s", addr and addr[0], exc)
        with contextlib.suppress(OSError):
            client.sendall(too_long_response())
        return None

    worker.handle_error = handle


def too_long_response() -> bytes:
    body = f"413 {security.TOO_LONG}\n".encode()
    head = ["HTTP/1.1 413 Content Too Large", "Connection: close",
            "Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in security.HEADERS.items())]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


def serve(settings: Settings, *, dev: bool = False) -> None:
    """Block serving `settings` until interrupted."""
    if dev:
        create_app(settings).run(host=settings.host, port=settings.port, debug=False,
                                 load_dotenv=False, use_reloader=False, use_debugger=False)
        return
    _Gunicorn(settings, gunicorn_options(settings)).run()
