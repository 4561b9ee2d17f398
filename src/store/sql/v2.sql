-- Schema version 2: study sessions and settings.
CREATE TABLE sessions (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  deck_id    TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  ended_ms   INTEGER,
  seen       INTEGER NOT NULL DEFAULT 0,
  correct    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE settings (
  scope TEXT NOT NULL,   -- '' for the user, else a deck id
  key   TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
ALTER TABLE revlog ADD COLUMN session_id INTEGER;
