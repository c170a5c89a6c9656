"""Named saved searches, kept server-side in SQLite in the instance folder.

A saved search is only a name for a canonical search URL (its query string), plus
the number of hits it had when it was saved, so /saved can show "then and now".
It belongs to the browser that saved it (`owner`: the web app's key for that
browser); rows from before owners existed have none and belong to nobody, but
their short links still work. Several gunicorn workers write to the same file, so
the database runs in WAL mode with a busy timeout and every operation is one short
transaction on its own connection (no connection is shared across processes or
threads). The file is private (mode 0600): names and searches can be sensitive.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from pathlib import Path

DB_NAME = "saved.sqlite3"
SLUG_RE = re.compile(r"^[A-Za-z0-9_-]{4,32}$")
MAX_NAME = 200
MAX_PER_OWNER = 500
MAX_TOTAL = 100_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    query_string TEXT NOT NULL,
    created TEXT NOT NULL,
    total INTEGER NOT NULL,
    owner TEXT
)
"""
_OWNER_INDEX = "CREATE INDEX IF NOT EXISTS saved_by_owner ON saved (owner, created)"
_COLUMNS = "slug, name, query_string, created, total, owner"
_NEWEST_FIRST = "ORDER BY created DESC, slug"  # ties (same second) broken by slug: stable


class LimitReached(Exception):
    """Saving would pass a limit; the message is the sentence to show the user."""


@dataclass(frozen=True)
class SavedSearch:
    slug: str  # short link id: /s/<slug>
    name: str
    query_string: str  # canonical and URL-encoded: q, region, year, level, section, sort, page
    created: str  # ISO 8601 UTC, seconds precision
    total: int  # hits when it was saved
    owner: str | None = None  # who may list and delete it; None: nobody (older rows)


def _database(instance_dir: Path) -> Path:
    """The database file, created empty with mode 0600 (SQLite gives its -wal and -shm
    files the same mode) before SQLite would create it world-readable."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / DB_NAME
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    return path


def _ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the table, or add the owner column to one made before owners existed.
    The owner index is made last, so its presence means the schema is current."""
    query = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'saved_by_owner'"
    if conn.execute(query).fetchone():
        return
    conn.execute("BEGIN IMMEDIATE")  # one worker migrates; the others wait, then see it done
    try:
        conn.execute(_SCHEMA)
        if "owner" not in {row[1] for row in conn.execute("PRAGMA table_info(saved)")}:
            conn.execute("ALTER TABLE saved ADD COLUMN owner TEXT")
        conn.execute(_OWNER_INDEX)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def _transaction(instance_dir: Path, write: bool = False) -> Iterator[sqlite3.Connection]:
    """One connection per operation: safe across forked workers and threads. A write takes
    the lock up front (BEGIN IMMEDIATE), so its limit checks and insert see one state."""
    path = _database(instance_dir)
    with closing(sqlite3.connect(path, timeout=10, isolation_level=None)) as conn:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        _ensure_schema(conn)
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _check_limits(conn: sqlite3.Connection, owner: str | None, limits: tuple[int, int]) -> None:
    per_owner, in_total = limits
    if owner is not None and conn.execute("SELECT count(*) FROM saved WHERE owner = ?",
                                          (owner,)).fetchone()[0] >= per_owner:
        raise LimitReached(f"您已保存 {per_owner} 条检索，达到上限。"
                           "请先删除不再需要的检索，再保存新的。")
    if conn.execute("SELECT count(*) FROM saved").fetchone()[0] >= in_total:
        raise LimitReached(f"本站保存的检索已达总数上限（{in_total} 条），暂时不能保存新的检索。"
                           "请联系管理员。")


def create(instance_dir: Path, name: str, query_string: str, total: int,
           owner: str | None = None,
           limits: tuple[int, int] = (MAX_PER_OWNER, MAX_TOTAL)) -> SavedSearch:
    """Store a search under a fresh random slug (retrying on the rare collision).
    `limits` is (per owner, in total); LimitReached says which one was reached."""
    name = " ".join(name.split())[:MAX_NAME] or "未命名检索"
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    with _transaction(instance_dir, write=True) as conn:
        _check_limits(conn, owner, limits)
        for _ in range(10):
            entry = SavedSearch(secrets.token_urlsafe(6), name, query_string, created, total,
                                owner)
            cur = conn.execute(f"INSERT OR IGNORE INTO saved ({_COLUMNS}) VALUES "
                               "(?, ?, ?, ?, ?, ?)", astuple(entry))
            if cur.rowcount == 1:
                return entry
    raise RuntimeError("could not allocate a unique slug")


def get(instance_dir: Path, slug: str) -> SavedSearch | None:
    if not SLUG_RE.match(slug):
        return None
    with _transaction(instance_dir) as conn:
        row = conn.execute(f"SELECT {_COLUMNS} FROM saved WHERE slug = ?", (slug,)).fetchone()
    return SavedSearch(*row) if row else None


def list_all(instance_dir: Path) -> list[SavedSearch]:
    """Every saved search, whoever owns it, newest first (for administration and tests)."""
    with _transaction(instance_dir) as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM saved {_NEWEST_FIRST}").fetchall()
    return [SavedSearch(*row) for row in rows]


def list_owned(instance_dir: Path, owner: str, page: int = 1,
               per_page: int = 50) -> tuple[list[SavedSearch], int]:
    """One page of `owner`'s searches, newest first, and how many they have in all."""
    with _transaction(instance_dir) as conn:
        count = conn.execute("SELECT count(*) FROM saved WHERE owner = ?", (owner,)).fetchone()
        rows = conn.execute(f"SELECT {_COLUMNS} FROM saved WHERE owner = ? {_NEWEST_FIRST} "
                            "LIMIT ? OFFSET ?", (owner, per_page, (page - 1) * per_page))
        entries = [SavedSearch(*row) for row in rows.fetchall()]
    return entries, count[0]


def delete(instance_dir: Path, slug: str, owner: str | None = None) -> bool:
    """True if something was deleted, so the caller can 404 on an unknown slug.
    With `owner`, only that owner's search is deleted."""
    if not SLUG_RE.match(slug):
        return False
    sql, args = "DELETE FROM saved WHERE slug = ?", [slug]
    if owner is not None:
        sql, args = sql + " AND owner = ?", [slug, owner]
    with _transaction(instance_dir, write=True) as conn:
        return conn.execute(sql, args).rowcount == 1
