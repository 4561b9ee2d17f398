-- Schema version 1: decks, cards' scheduling state, the review log.
CREATE TABLE decks (
  deck_id      TEXT PRIMARY KEY,
  title        TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  synced_ms    INTEGER NOT NULL
);
CREATE TABLE cards (
  deck_id         TEXT NOT NULL,
  card_id         TEXT NOT NULL,
  position        INTEGER NOT NULL,
  present         INTEGER NOT NULL DEFAULT 1,
  content_hash    TEXT NOT NULL,
  answered_hash   TEXT,
  phase           INTEGER NOT NULL DEFAULT 0,
  step            INTEGER NOT NULL DEFAULT 0,
  stability       REAL NOT NULL DEFAULT 0,
  difficulty      REAL NOT NULL DEFAULT 0,
  due_ms          INTEGER NOT NULL DEFAULT 0,
  interval_days   INTEGER NOT NULL DEFAULT 0,
  last_review_ms  INTEGER,
  reps            INTEGER NOT NULL DEFAULT 0,
  lapses          INTEGER NOT NULL DEFAULT 0,
  suspended       INTEGER NOT NULL DEFAULT 0,
  buried_until_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (deck_id, card_id)
) WITHOUT ROWID;
CREATE INDEX cards_due ON cards (deck_id, phase, due_ms);
CREATE INDEX cards_new ON cards (deck_id, phase, position);
-- A superset of Anki's revlog: enough to replay every card and train FSRS.
CREATE TABLE revlog (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  ts_ms          INTEGER NOT NULL,
  deck_id        TEXT NOT NULL,
  card_id        TEXT NOT NULL,
  rating         INTEGER NOT NULL,  -- 1-4; 0 for a manual reset
  kind           INTEGER NOT NULL,  -- 0 learning, 1 review, 2 relearning, 4 manual
  phase_before   INTEGER NOT NULL,
  phase_after    INTEGER NOT NULL,
  elapsed_days   INTEGER NOT NULL,
  elapsed_secs   INTEGER NOT NULL,
  interval_days  INTEGER NOT NULL,  -- scheduled interval after (0 in steps)
  due_ms         INTEGER NOT NULL,
  s_before       REAL NOT NULL,
  d_before       REAL NOT NULL,
  r_before       REAL,
  s_after        REAL NOT NULL,
  d_after        REAL NOT NULL,
  r_after        REAL,
  duration_ms    INTEGER NOT NULL,
  content_hash   TEXT NOT NULL,
  state_before   TEXT NOT NULL,     -- the whole previous state (JSON), for undo
  state_after    TEXT NOT NULL      -- the whole new state (JSON), for checks
);
CREATE INDEX revlog_card ON revlog (deck_id, card_id, id);
CREATE INDEX revlog_time ON revlog (deck_id, ts_ms);
