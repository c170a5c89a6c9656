"""Versioned schema migrations: plain SQL files, applied in order, recorded in schema_version.

`migrations/NNNN_name.sql` holds statements ending in `;` (and `--` comments) in the subset
SQLite and PostgreSQL read alike, so one set serves both. apply() runs inside the caller's
write transaction, which both databases make atomic for DDL too: a server killed while
migrating leaves the schema as it was, and servers starting together take turns (the
writer lock) so each migration runs once. A SQLite file made before migrations existed
(a `saved` table, no schema_version) is adopted at the version its columns show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from searchapp.errors import DatabaseProblem

FOLDER = Path(__file__).parent / "migrations"
_FILE = re.compile(r"(\d{4})_(\w+)\.sql")
_VERSION_TABLE = ("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                  "name TEXT NOT NULL, applied TEXT NOT NULL)")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def statements(sql: str) -> tuple[str, ...]:
    """The `;`-terminated statements of a file, comments dropped."""
    text = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return tuple(s.strip() for s in text.split(";") if s.strip())


def migrations(folder: Path = FOLDER) -> list[Migration]:
    """Every migration file in version order; versions must run 1, 2, 3… without gaps."""
    found = sorted((int(m[1]), m[2], path) for path in folder.iterdir()
                   if (m := _FILE.fullmatch(path.name)))
    if [version for version, _, _ in found] != list(range(1, len(found) + 1)):
        raise ValueError(f"migration versions in {folder} must be 0001, 0002, … without gaps")
    return [Migration(version, name, statements(path.read_text(encoding="utf-8")))
            for version, name, path in found]


def apply(tx: Any, dialect: str, folder: Path = FOLDER) -> list[int]:
    """Bring the schema up to date in transaction `tx`; the versions applied."""
    known = migrations(folder)
    tx.execute(_VERSION_TABLE)
    current = tx.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
    if current == 0 and dialect == "sqlite":
        current = _adopt(tx, known)
    if current > len(known):
        raise DatabaseProblem(f"the database is at schema version {current}, newer than this "
                              f"searchapp knows ({len(known)}): upgrade searchapp on this server")
    for migration in known[current:]:
        for statement in migration.statements:
            tx.execute(statement)
        _record(tx, migration)
    return [m.version for m in known[current:]]


def _record(tx: Any, migration: Migration) -> None:
    applied = datetime.now(UTC).replace(microsecond=0).isoformat()
    tx.execute("INSERT INTO schema_version (version, name, applied) VALUES (?, ?, ?)",
               (migration.version, migration.name, applied))


def _adopt(tx: Any, known: list[Migration]) -> int:
    """A SQLite file from before schema_version: version 1 if it has the `saved` table,
    2 if that table has the owner column (its index was created in the same step)."""
    columns = {row[1] for row in tx.execute("PRAGMA table_info(saved)").fetchall()}
    version = 0 if not columns else 2 if "owner" in columns else 1
    for migration in known[:version]:
        _record(tx, migration)
    return version
