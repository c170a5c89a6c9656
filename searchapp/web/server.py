"""Run the web app: gunicorn in production, Flask's server (never with the debugger)
only behind --dev. The index is built first when missing, so the README's first
command works on a fresh checkout."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
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


def ensure_index(settings: Settings, index: Index | None = None) -> ReindexSummary | None:
    """Build the index if there is none (or an unreadable one); None if it was fine.
    `index` (of settings.index_dir) keeps the generation opened to check it, for serving.

    Progress and warnings go to stderr through the same reporter as `reindex`."""
    try:
        (index or Index(settings.index_dir)).generation()
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


WARM_PATH = "/api/search"
WARM_WORD = "工作"  # a common word takes every step of a search


def warm_query(index: Index) -> dict[str, str]:
    """The warm-up search: a common word within one region, so it takes every step while
    ranking only that region's paragraphs (工作 over a whole 200× index: 0.2 s of start)."""
    reports = index.generation().reports
    region = next((m.get("region") for m in reports.values() if m.get("region")), None)
    return {"q": WARM_WORD, **({"region": region} if region else {})}


def warm_up(app: Flask) -> None:
    """Open the index, load its dictionary and run one search through the app before any
    request, so the first visitor does not pay seconds of start-up cost: what a search
    computes once per generation (ranking columns, facet tables, where copies are) and the
    modules it imports lazily are then ready. Run in the gunicorn master (preload_app), so
    every worker inherits them. A failure here is only logged: the request that follows
    will show the real, friendly error."""
    try:
        index = app.extensions["searchapp.index"]
        search.warm(index)
        host = (app.config.get("TRUSTED_HOSTS") or ["localhost"])[0].lstrip(".")
        app.test_client().get(WARM_PATH, query_string=warm_query(index),
                              base_url=f"http://{host}")
        index.opened.close_reader()  # forked workers must not share Whoosh's file offsets
    except Exception:  # noqa: BLE001 - never stop a server from booting over a warm-up
        logging.getLogger("searchapp").exception("warm-up search failed")


def share(app: Flask) -> None:
    """Warm the app up and freeze what it holds out of the garbage collector (gc.freeze):
    a worker's collections would otherwise write to every inherited object's header, and
    each page written is copied into that worker's own memory."""
    gc.unfreeze()  # a generation let go may sit in a cycle among frozen objects
    warm_up(app)
    gc.collect()
    gc.freeze()


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn driven from Python: options from Settings, the app from our factory."""

    def __init__(self, settings: Settings, options: dict[str, Any],
                 index: Index | None = None) -> None:
        self.settings = settings
        self.options = options
        self.index = index
        self._followed: tuple | None = None  # the published generation last looked at
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """Runs once, in the master (preload_app): the app with its generation open and
        warm, shared copy-on-write by every worker forked from it. Per worker at 200× that
        saves opening the generation (~0.7 s), the dictionary (~30 MB, ~0.13 s) and the
        first search's once-per-generation work."""
        app = create_app(self.settings, index=self.index)
        share(app)
        return app

    def run(self) -> None:
        try:
            _Arbiter(self).run()
        except RuntimeError as error:  # as gunicorn's own run()
            print(f"\nError: {error}\n", file=sys.stderr)
            sys.exit(1)

    def follow_index(self) -> None:
        """Open a newly published generation in the master too, so the workers it forks
        later start from it, and no deleted generation's files stay held open by it."""
        if self.callable is None:
            return
        index = self.callable.extensions["searchapp.index"]
        try:
            stamp = index.published()
            if stamp == self._followed:  # looked at already: opened, or failed to open
                return
            self._followed = stamp
            if index.opened is not None and index.opened.stamp == stamp:
                return
            index.generation()
        except IndexProblem:  # the workers say what is wrong, per request
            return
        share(self.callable)


class _Arbiter(Arbiter):  # type: ignore[misc]
    """gunicorn's master loop (it wakes at least once a second), following the index."""

    def manage_workers(self) -> None:
        try:
            self.app.follow_index()
        except Exception:  # noqa: BLE001 - the master must outlive any index trouble
            self.log.exception("following the published index failed")
        super().manage_workers()


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
        "post_request": release_memory,
        "proc_name": "searchapp",
        "preload_app": True,  # the app is loaded once, in the master: see _Gunicorn.load
    }


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


MALLOC_TRIM = _malloc_trim()


def release_memory(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """After each request (post_request: the response is sent), hand what the request freed
    back to the kernel. A search allocates arrays over its matched paragraphs (MBs each at
    200×) and frees them, but glibc keeps freed chunks in its arenas, one per thread, so a
    worker's private memory grew by ~70 MB at 200× with nothing live in it. ~2 ms."""
    if MALLOC_TRIM is not None:
        MALLOC_TRIM(0)


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


def serve(settings: Settings, *, dev: bool = False, index: Index | None = None) -> None:
    """Block serving `settings` until interrupted; `index`: its Index, if opened already."""
    if dev:
        create_app(settings, index=index).run(host=settings.host, port=settings.port,
                                              debug=False, load_dotenv=False,
                                              use_reloader=False, use_debugger=False)
        return
    _Gunicorn(settings, gunicorn_options(settings), index).run()
