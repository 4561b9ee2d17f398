-- Schema version 3: keep checked deck text so an unchanged deck file is
-- not parsed again: each card's own text, and per file its head (the text
-- before the first card), size, mtime and content hash. And a covering
-- index for counting today's answers against the daily limits.
ALTER TABLE cards ADD COLUMN body TEXT;
CREATE TABLE deck_files (
  path       TEXT PRIMARY KEY,
  deck_id    TEXT NOT NULL,
  size       INTEGER NOT NULL,
  mtime_ns   INTEGER NOT NULL,
  file_hash  TEXT NOT NULL,
  head       TEXT NOT NULL,
  first_card TEXT NOT NULL
) WITHOUT ROWID;
DROP INDEX revlog_time;
CREATE INDEX revlog_day ON revlog (deck_id, ts_ms, kind, phase_before);
