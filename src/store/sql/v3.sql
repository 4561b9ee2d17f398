-- Schema version 3: keep checked deck text so an unchanged deck file is
-- not parsed again: each card's own text (in its own table, so the
-- scheduling rows stay small), and per file its head (the text before the
-- first card), size, mtime and content hash. Covering indexes let the
-- day's queue and today's counts be read without touching table rows.
CREATE TABLE card_texts (
  deck_id TEXT NOT NULL,
  card_id TEXT NOT NULL,
  body    TEXT NOT NULL,
  PRIMARY KEY (deck_id, card_id)
) WITHOUT ROWID;
CREATE TABLE deck_files (
  path       TEXT PRIMARY KEY,
  deck_id    TEXT NOT NULL,
  size       INTEGER NOT NULL,
  mtime_ns   INTEGER NOT NULL,
  file_hash  TEXT NOT NULL,
  head       TEXT NOT NULL,
  first_card TEXT NOT NULL
) WITHOUT ROWID;
DROP INDEX cards_due;
CREATE INDEX cards_queue ON cards
  (deck_id, phase, due_ms, present, suspended, buried_until_ms, last_review_ms, stability);
DROP INDEX revlog_time;
CREATE INDEX revlog_day ON revlog (deck_id, ts_ms, kind, phase_before);
