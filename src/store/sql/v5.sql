-- Schema version 5: fewer bytes per card. The cached card texts move into
-- zstd-compressed blocks of consecutive cards (see src/store/texts.rs;
-- Rust code (texts::convert_v4) fills them from `card_texts` right after
-- this script, then drops `card_texts`). Content hashes in `cards` are
-- kept as their 16 bytes (docket's own hex hashes; others stay text), and
-- the index of new cards holds only new cards.
CREATE TABLE text_blocks (
  deck_id TEXT NOT NULL,
  first   INTEGER NOT NULL,      -- the position of the block's first card
  body    BLOB NOT NULL,         -- zstd of the block's entries
  PRIMARY KEY (deck_id, first)
) WITHOUT ROWID;
UPDATE cards SET content_hash = unhex(content_hash)
  WHERE length(content_hash) = 32 AND content_hash NOT GLOB '*[^0-9a-f]*';
UPDATE cards SET answered_hash = unhex(answered_hash)
  WHERE length(answered_hash) = 32 AND answered_hash NOT GLOB '*[^0-9a-f]*';
DROP INDEX cards_new;
CREATE INDEX cards_new ON cards (deck_id, position) WHERE phase = 0;
