-- Schema version 7: each cache derived from the review log says which rows
-- it depends on (`covers`: the newest row id it was made from), so that a
-- deletion from the log (an undo) forgets only the caches it touches:
-- deleting rows newer than a cache leaves it a prefix of the log. NULL
-- (a cache of schema 6) is forgotten by any deletion.
ALTER TABLE log_cache ADD COLUMN covers INTEGER;
