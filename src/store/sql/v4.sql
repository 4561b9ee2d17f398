-- Schema version 4: a compact review log (see src/store/revlog.rs). The
-- rows of `revlog` are copied into `reviews` by Rust code
-- (revlog::convert_v3) right after this script, which then drops `revlog`.
CREATE TABLE card_keys (
  id      INTEGER PRIMARY KEY,
  deck_id TEXT NOT NULL,
  card_id TEXT NOT NULL,
  last    INTEGER,                 -- the card's newest reviews.id
  UNIQUE (deck_id, card_id)
);
CREATE TABLE content_hashes (
  id   INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE -- 16 bytes (docket's own hashes) or text
);
CREATE TABLE reviews (
  id           INTEGER PRIMARY KEY, -- the answer's time in ms, bumped past the newest row
  card         INTEGER NOT NULL,    -- card_keys.id
  ts_behind    INTEGER NOT NULL,    -- id minus the answer's time (0 unless bumped)
  rating       INTEGER NOT NULL,    -- 1-4; 0 for a manual reset
  kind         INTEGER NOT NULL,    -- 0 learning, 1 review, 2 relearning, 4 manual
  phase_before INTEGER NOT NULL,
  session_id   INTEGER,
  content      INTEGER NOT NULL,    -- content_hashes.id
  detail       BLOB NOT NULL,       -- states and timings, packed (src/store/packed.rs)
  prev_gap     INTEGER              -- id minus the id of the card's previous row (NULL if none)
);
-- No index on `card`: each card's rows form a chain (card_keys.last, then
-- prev_gap), which costs a few bytes per row where an index costs ~26.
