-- Saved searches: a name for a canonical search URL and its hits when saved.
-- One set of files for SQLite and PostgreSQL: only types and statements both read alike.
CREATE TABLE saved (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    query_string TEXT NOT NULL,
    created TEXT NOT NULL,
    total INTEGER NOT NULL
);
