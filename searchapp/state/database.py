"""The database the app's state lives in: SQLite in the instance folder (the default), or
PostgreSQL shared by several app servers (SEARCHAPP_DATABASE_URL, `serve --database`).

Both backends answer one small interface, so the queries in saved.py and secret.py are
written once: `transaction(write)` yields a Transaction whose execute() takes SQL with `?`
placeholders in the subset both dialects read alike (ON CONFLICT … DO NOTHING included).

Every operation is one short transaction on its own connection, as before: nothing is
shared across forked workers or threads, and a database restart or fail-over costs no
reconnect logic (the app touches the database only to save, list, open and delete saved
searches, and once at start for the session key). Writers go one at a time — SQLite's
BEGIN IMMEDIATE, a transaction-scoped advisory lock in PostgreSQL — so a limit check and
the insert that follows it see one state, and a writer killed mid-transaction leaves
nothing behind: the database rolls it back and its lock goes with its connection.
The schema is brought up to date (migrate.py) on the first transaction of each Database.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import searchapp.state.migrate as migrate
from searchapp.errors import DatabaseProblem

SQLITE_FILE = "saved.sqlite3"
SCHEMES = ("postgresql://", "postgres://")
# pg_advisory_xact_lock key of the one-writer-at-a-time lock: any constant other apps sharing
# the database are unlikely to pick
WRITER_LOCK = int.from_bytes(b"srchapp1", "big") >> 1
LOCK_WAIT = "10s"  # as SQLite's busy timeout: a stuck writer is an error, never a hang
BUSY_SECONDS = 10


class Transaction:
    """One open transaction: execute() with `?` placeholders on either backend."""

    def __init__(self, connection: Any, placeholder: str) -> None:
        self._connection = connection
        self._placeholder = placeholder

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        """A cursor (fetchone, fetchall, rowcount) over the statement's result."""
        return self._connection.execute(sql.replace("?", self._placeholder), tuple(args))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        cursor = self._connection.cursor()
        cursor.executemany(sql.replace("?", self._placeholder), rows)


class Database:
    """SQLite file `<instance_dir>/saved.sqlite3` when `url` is None, else PostgreSQL."""

    def __init__(self, url: str | None = None, instance_dir: Path | None = None) -> None:
        if url is None and instance_dir is None:
            raise ValueError("a database needs a PostgreSQL URL or an instance folder")
        self.url = url
        self.instance_dir = None if url else instance_dir
        self.dialect = "postgresql" if url else "sqlite"
        self._ready = False
        self._lock = threading.Lock()
        if url:
            _check_url(url)

    def describe(self) -> str:
        """Where the data is, for messages: never the password of a URL."""
        if self.instance_dir is not None:
            return str(self.instance_dir / SQLITE_FILE)
        return describe_url(self.url or "")

    def migrate(self) -> list[int]:
        """Apply the pending migrations (once per Database object); the versions applied."""
        with self._lock:
            if self._ready:
                return []
            with self._open(write=True) as tx:
                applied = migrate.apply(tx, self.dialect)
            self._ready = True
            return applied

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[Transaction]:
        """Commit when the block ends, roll back if it raises. `write` takes the writer lock
        up front, so what the block reads cannot change before it writes."""
        if not self._ready:
            self.migrate()
        with self._open(write) as tx:
            yield tx

    def _open(self, write: bool) -> Any:
        return _sqlite(self.sqlite_path(), write) if self.instance_dir is not None \
            else _postgresql(self.url or "", write)

    def sqlite_path(self) -> Path:
        """The SQLite file, created empty with mode 0600 (SQLite gives its -wal and -shm
        files the same mode) before SQLite would create it world-readable."""
        assert self.instance_dir is not None, "a PostgreSQL database has no file"
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        path = self.instance_dir / SQLITE_FILE
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        return path


@contextmanager
def _sqlite(path: Path, write: bool) -> Iterator[Transaction]:
    with closing(sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)) as conn:
        _write_ahead(conn)
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield Transaction(conn, "?")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _write_ahead(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL (readers never wait for the writer), retrying while busy.

    The switch rewrites the file header under an exclusive lock. Servers starting together
    on a new file (gunicorn's workers, each fetching the session key) each hold a shared
    lock and want that exclusive one: SQLite breaks the deadlock by answering one of them
    "database is locked" at once, without the busy timeout (1 first open in 16 with four
    processes). Once the file is WAL, which lasts, the pragma only reads the mode."""
    deadline = time.monotonic() + BUSY_SECONDS
    for attempt in itertools.count():
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY \
                    or time.monotonic() > deadline:
                raise
            time.sleep(min(0.001 * 2 ** attempt, 0.05))


@contextmanager
def _postgresql(url: str, write: bool) -> Iterator[Transaction]:
    import psycopg  # only servers configured with a database URL load the driver

    try:
        options = {} if "connect_timeout" in _conninfo(url) else {"connect_timeout": 10}
        with psycopg.connect(url, autocommit=True, **options) as conn, conn.transaction():
            if write:
                conn.execute("SELECT set_config('lock_timeout', %s, true), "
                             "pg_advisory_xact_lock(%s)", (LOCK_WAIT, WRITER_LOCK))
            yield Transaction(conn, "%s")
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else "no answer"
        raise DatabaseProblem(f"cannot use the database {describe_url(url)}: {reason}; check "
                              "SEARCHAPP_DATABASE_URL or serve --database") from None


def _conninfo(url: str) -> dict[str, Any]:
    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(url)


def _check_url(url: str) -> None:
    """A clear error now rather than a driver's message on the first request."""
    problem = f"SEARCHAPP_DATABASE_URL / --database {url.split('://')[0]}://…"
    if not url.startswith(SCHEMES):
        raise DatabaseProblem(f"{problem} is not a PostgreSQL URL: write "
                              "postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
    try:
        _conninfo(url)
    except Exception as error:  # noqa: BLE001 - psycopg.ProgrammingError, without importing
        raise DatabaseProblem(f"{problem} cannot be read ({str(error).strip()}): write "
                              "postgresql://USER:PASSWORD@HOST:PORT/DATABASE") from None


def describe_url(url: str) -> str:
    """`postgresql://user@host:port/dbname`, the password left out (a unix socket folder
    is shown as `?host=`)."""
    try:
        info = _conninfo(url)
    except Exception:  # noqa: BLE001 - an unreadable URL: say only what kind it is
        return "postgresql://…"
    user = f"{info['user']}@" if info.get("user") else ""
    host, port = info.get("host", ""), f":{info['port']}" if info.get("port") else ""
    where, socket = ("", f"?host={host}") if host.startswith("/") else (host + port, "")
    return f"postgresql://{user}{where}/{info.get('dbname', '')}{socket}"
