"""What the app remembers between requests, unlike the index it only reads: saved searches
with their owners (saved.py) and the session key (secret.py), in one database
(database.py: SQLite in the instance folder, or PostgreSQL shared by several servers)
whose schema is the versioned SQL files of migrations/ (migrate.py)."""

from __future__ import annotations

from searchapp.config import Settings
from searchapp.state.database import Database


def open_database(settings: Settings) -> Database:
    """PostgreSQL when the settings name a database URL, else SQLite in the instance folder."""
    return Database(settings.database_url, settings.instance_path())
