"""Named saved searches, kept server-side in SQLite in the instance folder.

A saved search is only a name for a canonical search URL (its query string), plus
the number of hits it had when it was saved, so /saved can show "then and now".
Several gunicorn workers write to the same file, so the database runs in WAL mode
with a busy timeout and every operation is one short transaction on its own
connection (no connection is shared across processes or threads).
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

DB_NAME = "saved.sqlite3"
SLUG_RE = re.compile(r"^[A-Za-z0-9_-]{4,32}$")
MAX_NAME = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    query_string TEXT NOT NULL,
    created TEXT NOT NULL,
    total INTEGER NOT NULL
)
"""


@dataclass(frozen=True)
class SavedSearch:
    slug: str  # short link id: /s/<slug>
    name: str
    query_string: str  # canonical and URL-encoded: q, region, year, level, section, sort, page
    created: str  # ISO 8601 UTC, seconds precision
    total: int  # hits when it was saved


@contextmanager
def _transaction(instance_dir: Path) -> Iterator[sqlite3.Connection]:
    """One connection per operation: safe across forked workers and threads."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(instance_dir / DB_NAME, timeout=10)) as conn:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        with conn:  # commit on success, roll back on error
            conn.execute(_SCHEMA)
            yield conn


def create(instance_dir: Path, name: str, query_string: str, total: int) -> SavedSearch:
    """Store a search under a fresh random slug (retrying on the rare collision)."""
    name = " ".join(name.split())[:MAX_NAME] or "未命名检索"
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    with _transaction(instance_dir) as conn:
        for _ in range(10):
            slug = secrets.token_urlsafe(6)
            cur = conn.execute(
                "INSERT OR IGNORE INTO saved VALUES (?, ?, ?, ?, ?)",
                (slug, name, query_string, created, total),
            )
            if cur.rowcount == 1:
                return SavedSearch(slug, name, query_string, created, total)
    raise RuntimeError("could not allocate a unique slug")


def get(instance_dir: Path, slug: str) -> SavedSearch | None:
    if not SLUG_RE.match(slug):
        return None
    with _transaction(instance_dir) as conn:
        row = conn.execute("SELECT * FROM saved WHERE slug = ?", (slug,)).fetchone()
    return SavedSearch(*row) if row else None


def list_all(instance_dir: Path) -> list[SavedSearch]:
    """Newest first; ties (same second) broken by slug so the order is stable."""
    with _transaction(instance_dir) as conn:
        rows = conn.execute("SELECT * FROM saved ORDER BY created DESC, slug").fetchall()
    return [SavedSearch(*row) for row in rows]


def delete(instance_dir: Path, slug: str) -> bool:
    """True if something was deleted, so the caller can 404 on an unknown slug."""
    if not SLUG_RE.match(slug):
        return False
    with _transaction(instance_dir) as conn:
        return conn.execute("DELETE FROM saved WHERE slug = ?", (slug,)).rowcount == 1
