-- Schema version 6: caches derived from the review log (a compact copy of
-- each deck's brief rows, the calibration; see src/store/log_cache.rs), in
-- a table of their own so that their large values are read only when asked
-- for. Every deletion from the log empties it.
CREATE TABLE log_cache (
  name    TEXT NOT NULL,
  deck_id TEXT NOT NULL,
  value   BLOB NOT NULL,
  PRIMARY KEY (name, deck_id)
);
