//! The cached card texts of schema 5 (what lets an unchanged deck file be
//! studied without parsing it again): the texts of [`BLOCK`] consecutive
//! cards (by deck position) compressed together with zstd into one row of
//! `text_blocks`. Card texts share most of their words and layout, so a
//! block compresses several times better than each text alone, and a
//! 100,000-card deck is a few thousand rows instead of 100,000. Reading
//! one card decompresses its block (a few kB, microseconds). Only this
//! module reads or writes `text_blocks`.

use std::cell::RefCell;

use rayon::prelude::*;
use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;

use super::StoreResult;

/// Cards per block.
pub const BLOCK: usize = 64;

/// zstd's level: the fastest levels already find the repeated layout.
const LEVEL: i32 = 1;

/// The most a block may inflate to when read back (a damaged row must not
/// exhaust memory): far above any block docket writes, whose deck file
/// passed the size limits.
const MAX_BLOCK_BYTES: usize = 256 << 20;

thread_local! {
    /// Each thread's zstd contexts, made once rather than once a block:
    /// making one allocates and sets up its tables (`ZSTD_createCCtx` was
    /// about 1% of a 1,000-card first run's samples, one per block).
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// A block's entries, each a little-endian u32 (0 for a card without
/// text, else its length + 1) and the text's bytes, compressed.
fn encode(entries: &[Option<&str>]) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::with_capacity(entries.iter().map(|e| e.map_or(4, |t| t.len() + 4)).sum());
    for e in entries {
        match e {
            None => raw.extend_from_slice(&0u32.to_le_bytes()),
            Some(t) => {
                let n = u32::try_from(t.len() + 1).map_err(std::io::Error::other)?;
                raw.extend_from_slice(&n.to_le_bytes());
                raw.extend_from_slice(t.as_bytes());
            }
        }
    }
    COMPRESSOR.with_borrow_mut(|c| {
        let c = match c {
            Some(c) => c,
            None => c.insert(zstd::bulk::Compressor::new(LEVEL)?),
        };
        c.compress(&raw)
    })
}

/// Entry `index` of a block; `None` if it has no text or the block cannot
/// be read (then the deck file is simply parsed again).
fn decode(body: &[u8], index: usize) -> Option<String> {
    let size = zstd::zstd_safe::get_frame_content_size(body).ok()??;
    if size > MAX_BLOCK_BYTES as u64 {
        return None;
    }
    let raw = DECOMPRESSOR
        .with_borrow_mut(|d| {
            let d = match d {
                Some(d) => d,
                None => d.insert(zstd::bulk::Decompressor::new()?),
            };
            d.decompress(body, size as usize)
        })
        .ok()?;
    let mut at = 0usize;
    for i in 0.. {
        let n = u32::from_le_bytes(raw.get(at..at + 4)?.try_into().ok()?) as usize;
        at += 4;
        let text = if n == 0 {
            None
        } else {
            let t = raw.get(at..at + n - 1)?;
            at += n - 1;
            Some(t)
        };
        if i == index {
            return String::from_utf8(text?.to_vec()).ok();
        }
    }
    None
}

fn to_sql(e: std::io::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

/// Replaces the kept texts of a deck by `texts` (indexed by position).
/// A deck without any text keeps none (old texts would be stale).
pub fn write_deck(c: &Connection, deck_id: &str, texts: &[Option<&str>]) -> StoreResult<()> {
    c.prepare_cached("DELETE FROM text_blocks WHERE deck_id = ?1")?
        .execute([deck_id])?;
    if texts.iter().all(Option::is_none) {
        return Ok(());
    }
    // Compression is most of the cost: blocks are compressed in parallel
    // and written in order.
    let blocks: Vec<std::io::Result<Vec<u8>>> = texts.par_chunks(BLOCK).map(encode).collect();
    let mut insert =
        c.prepare_cached("INSERT INTO text_blocks (deck_id, first, body) VALUES (?1, ?2, ?3)")?;
    for (i, body) in blocks.into_iter().enumerate() {
        insert.execute(params![deck_id, (i * BLOCK) as i64, body.map_err(to_sql)?])?;
    }
    Ok(())
}

/// The kept text of the card at `position`, if any.
pub fn get(c: &Connection, deck_id: &str, position: u32) -> StoreResult<Option<String>> {
    let first = (position as usize / BLOCK * BLOCK) as i64;
    let body: Option<Vec<u8>> = c
        .prepare_cached("SELECT body FROM text_blocks WHERE deck_id = ?1 AND first = ?2")?
        .query_row(params![deck_id, first], |r| r.get(0))
        .optional()?;
    Ok(body.and_then(|b| decode(&b, position as usize % BLOCK)))
}

/// Schema 4 to 5: the texts of `card_texts` (for cards still in their
/// deck, by position) moved into blocks; `card_texts` is dropped.
pub fn convert_v4(c: &Connection) -> rusqlite::Result<()> {
    let mut decks: Vec<(String, Vec<Option<String>>)> = Vec::new();
    {
        let mut stmt = c.prepare(
            "SELECT t.deck_id, c.position, t.body FROM card_texts t
             JOIN cards c ON c.deck_id = t.deck_id AND c.card_id = t.card_id
             WHERE c.present = 1 ORDER BY t.deck_id, c.position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let deck: String = r.get(0)?;
            let position: i64 = r.get(1)?;
            let body: String = r.get(2)?;
            if decks.last().is_none_or(|(d, _)| *d != deck) {
                decks.push((deck, Vec::new()));
            }
            let Some((_, texts)) = decks.last_mut() else {
                continue;
            };
            let Ok(p) = usize::try_from(position) else {
                continue;
            };
            // Positions of present cards are distinct; a gap has no text.
            if p >= texts.len() {
                texts.resize(p + 1, None);
            }
            texts[p] = Some(body);
        }
    }
    for (deck, texts) in &decks {
        let refs: Vec<Option<&str>> = texts.iter().map(Option::as_deref).collect();
        write_deck(c, deck, &refs).map_err(|e| to_sql(std::io::Error::other(e.to_string())))?;
    }
    c.execute_batch("DROP TABLE card_texts")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_come_back_as_written() {
        let texts = [Some("[[card]]\nid = \"a\"\n"), None, Some(""), Some("é ✓")];
        let body = encode(&texts).unwrap();
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(decode(&body, i).as_deref(), *t, "entry {i}");
        }
        assert_eq!(decode(&body, 4), None);
        assert_eq!(decode(b"not zstd", 0), None);
        assert_eq!(decode(&body[..body.len() / 2], 0), None);
    }
}
