-- Each saved search belongs to the browser that saved it (SHA-256 of its owner cookie);
-- rows saved before owners existed keep NULL: their links work, nobody lists them.
ALTER TABLE saved ADD COLUMN owner TEXT;
CREATE INDEX IF NOT EXISTS saved_by_owner ON saved (owner, created);
