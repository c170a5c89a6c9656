-- Secrets every app server must share, such as the session-signing key (hex), created once
-- by whichever server starts first. Used with PostgreSQL; SQLite keeps instance/secret_key.
CREATE TABLE app_secret (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
