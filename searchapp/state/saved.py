"""Named saved searches, in the app's database (SQLite or PostgreSQL: database.py).

A saved search is only a name for a canonical search URL (its query string), plus
the number of hits it had when it was saved, so /saved can show "then and now".
It belongs to the browser that saved it (`owner`: the web app's key for that
browser); rows from before owners existed have none and belong to nobody, but
their short links still work. A save is one row written in one transaction: a server
killed mid-save has saved the search completely or not at all.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import astuple, dataclass
from datetime import UTC, datetime

from searchapp.state.database import Database, Transaction

SLUG_RE = re.compile(r"^[A-Za-z0-9_-]{4,32}$")
MAX_NAME = 200
MAX_PER_OWNER = 500
MAX_TOTAL = 100_000

COLUMNS = "slug, name, query_string, created, total, owner"
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


def _check_limits(tx: Transaction, owner: str | None, limits: tuple[int, int]) -> None:
    per_owner, in_total = limits
    if owner is not None and tx.execute("SELECT count(*) FROM saved WHERE owner = ?",
                                        (owner,)).fetchone()[0] >= per_owner:
        raise LimitReached(f"您已保存 {per_owner} 条检索，达到上限。"
                           "请先删除不再需要的检索，再保存新的。")
    if tx.execute("SELECT count(*) FROM saved").fetchone()[0] >= in_total:
        raise LimitReached(f"本站保存的检索已达总数上限（{in_total} 条），暂时不能保存新的检索。"
                           "请联系管理员。")


def create(db: Database, name: str, query_string: str, total: int, owner: str | None = None,
           limits: tuple[int, int] = (MAX_PER_OWNER, MAX_TOTAL)) -> SavedSearch:
    """Store a search under a fresh random slug (retrying on the rare collision).
    `limits` is (per owner, in total); LimitReached says which one was reached."""
    name = " ".join(name.split())[:MAX_NAME] or "未命名检索"
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    with db.transaction(write=True) as tx:
        _check_limits(tx, owner, limits)
        for _ in range(10):
            entry = SavedSearch(secrets.token_urlsafe(6), name, query_string, created, total,
                                owner)
            cur = tx.execute(f"INSERT INTO saved ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT (slug) DO NOTHING", astuple(entry))
            if cur.rowcount == 1:
                return entry
    raise RuntimeError("could not allocate a unique slug")


def get(db: Database, slug: str) -> SavedSearch | None:
    if not SLUG_RE.match(slug):
        return None
    with db.transaction() as tx:
        row = tx.execute(f"SELECT {COLUMNS} FROM saved WHERE slug = ?", (slug,)).fetchone()
    return SavedSearch(*row) if row else None


def list_all(db: Database) -> list[SavedSearch]:
    """Every saved search, whoever owns it, newest first (for administration and tests)."""
    with db.transaction() as tx:
        rows = tx.execute(f"SELECT {COLUMNS} FROM saved {_NEWEST_FIRST}").fetchall()
    return [SavedSearch(*row) for row in rows]


def list_owned(db: Database, owner: str, page: int = 1,
               per_page: int = 50) -> tuple[list[SavedSearch], int]:
    """One page of `owner`'s searches, newest first, and how many they have in all."""
    with db.transaction() as tx:
        count = tx.execute("SELECT count(*) FROM saved WHERE owner = ?", (owner,)).fetchone()
        rows = tx.execute(f"SELECT {COLUMNS} FROM saved WHERE owner = ? {_NEWEST_FIRST} "
                          "LIMIT ? OFFSET ?", (owner, per_page, (page - 1) * per_page))
        entries = [SavedSearch(*row) for row in rows.fetchall()]
    return entries, count[0]


def delete(db: Database, slug: str, owner: str | None = None) -> bool:
    """True if something was deleted, so the caller can 404 on an unknown slug.
    With `owner`, only that owner's search is deleted."""
    if not SLUG_RE.match(slug):
        return False
    sql, args = "DELETE FROM saved WHERE slug = ?", [slug]
    if owner is not None:
        sql, args = sql + " AND owner = ?", [slug, owner]
    with db.transaction(write=True) as tx:
        return tx.execute(sql, args).rowcount == 1
