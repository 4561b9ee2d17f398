//! Caches derived from the review log, kept in the store (table
//! `log_cache`, schema 6) so that reading statistics does not walk a large
//! log again: a compact copy of a deck's brief rows ([`BriefAnswer`]) up
//! to a row id, and any value the application derives from the whole log
//! (the calibration), each under a name of its own.
//!
//! Rows are only ever appended with growing ids, or deleted (an undo, a
//! history replaced on import). Each cache records the newest row it was
//! made from (`covers`, schema 7), and every deletion drops, in the same
//! transaction, each cache made from a row at or after the first one
//! deleted ([`forget_from`]). So a cache that exists describes a prefix
//! of today's log, and what was appended since is read by id; an undo of
//! an answer given since a cache was made leaves it in place.
//! Losing a cache costs only time: it is written without waiting for the
//! disk and rebuilt when missing or unreadable.

use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;

use super::BriefAnswer;
use super::StoreResult;
use super::packed::Reader;
use super::packed::put_signed;
use super::packed::put_varint;

/// The layout of [`encode`]'s output; a cache of another layout is ignored.
const FORMAT: u8 = 1;

/// zstd's level: the fastest, since the cache is rewritten often.
const LEVEL: i32 = 1;

/// A cache's stored bytes, if any.
pub fn get(c: &Connection, name: &str, deck_id: &str) -> StoreResult<Option<Vec<u8>>> {
    Ok(
        c.prepare_cached("SELECT value FROM log_cache WHERE name = ?1 AND deck_id = ?2")?
            .query_row(params![name, deck_id], |r| {
                // Anything but bytes (a damaged or edited store) is no cache.
                Ok(match r.get_ref(0)? {
                    rusqlite::types::ValueRef::Blob(b) => Some(b.to_vec()),
                    _ => None,
                })
            })
            .optional()?
            .flatten(),
    )
}

/// Stores a cache's bytes, made from the log's rows up to id `covers`.
pub fn put(
    c: &Connection,
    name: &str,
    deck_id: &str,
    value: &[u8],
    covers: i64,
) -> StoreResult<()> {
    c.prepare_cached(
        "INSERT INTO log_cache (name, deck_id, value, covers) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name, deck_id) DO UPDATE SET value = ?3, covers = ?4",
    )?
    .execute(params![name, deck_id, value, covers])?;
    Ok(())
}

/// The most a cache's compressed bytes may claim to inflate to: its rows
/// compress about three to one, so a far larger claim is damage, refused
/// before anything is allocated for it (were it not, the copy is only
/// rebuilt: slower, never wrong).
fn max_inflated(compressed: usize) -> u64 {
    64 * compressed as u64 + (1 << 20)
}

/// Drops every cache made from the row `first_deleted` or a newer one
/// (rows from that id on were deleted), and every cache that does not say
/// what it was made from.
pub fn forget_from(c: &Connection, first_deleted: i64) -> StoreResult<()> {
    c.prepare_cached("DELETE FROM log_cache WHERE covers IS NULL OR covers >= ?1")?
        .execute([first_deleted])?;
    Ok(())
}

/// Brief rows (in id order) as cache bytes: ids and times as deltas,
/// everything as varints, then zstd.
pub fn encode(rows: &[BriefAnswer]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(rows.len() * 12 + 16);
    put_varint(&mut raw, rows.len() as u64);
    let mut prev_id = 0i64;
    for a in rows {
        put_signed(&mut raw, a.id.wrapping_sub(prev_id));
        prev_id = a.id;
        put_signed(&mut raw, a.id.wrapping_sub(a.ts_ms));
        put_signed(&mut raw, a.card);
        put_signed(&mut raw, a.kind);
        raw.push(a.rating);
        raw.push(u8::from(a.first) | (u8::from(a.new_after) << 1));
        put_varint(&mut raw, u64::from(a.elapsed_days));
        put_signed(&mut raw, a.duration_ms);
    }
    let mut out = vec![FORMAT];
    out.extend(zstd::bulk::compress(&raw, LEVEL).unwrap_or_default());
    out
}

/// Cache bytes back to brief rows; None when they are not a readable
/// cache of this layout (the cache is then rebuilt).
pub fn decode(bytes: &[u8]) -> Option<Vec<BriefAnswer>> {
    let (&format, body) = bytes.split_first()?;
    if format != FORMAT {
        return None;
    }
    let size = zstd::zstd_safe::get_frame_content_size(body).ok()??;
    if size > max_inflated(body.len()) {
        return None;
    }
    let raw = zstd::bulk::decompress(body, size as usize).ok()?;
    let mut r = Reader { bytes: &raw };
    let n = usize::try_from(r.varint().ok()?).ok()?;
    let mut rows = Vec::with_capacity(n.min(raw.len()));
    let mut id = 0i64;
    for _ in 0..n {
        id = id.wrapping_add(r.signed().ok()?);
        let ts_ms = id.wrapping_sub(r.signed().ok()?);
        let card = r.signed().ok()?;
        let kind = r.signed().ok()?;
        let rating = r.byte().ok()?;
        let flags = r.byte().ok()?;
        let elapsed_days = u32::try_from(r.varint().ok()?).ok()?;
        let duration_ms = r.signed().ok()?;
        rows.push(BriefAnswer {
            id,
            ts_ms,
            card,
            kind,
            rating,
            first: flags & 1 != 0,
            new_after: flags & 2 != 0,
            elapsed_days,
            duration_ms,
        });
    }
    r.bytes.is_empty().then_some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row() -> impl Strategy<Value = BriefAnswer> {
        (
            any::<i64>(),
            any::<i64>(),
            any::<i64>(),
            any::<i64>(),
            any::<u8>(),
            any::<(bool, bool)>(),
            any::<u32>(),
            any::<i64>(),
        )
            .prop_map(
                |(id, ts_ms, card, kind, rating, (first, new_after), elapsed_days, d)| {
                    BriefAnswer {
                        id,
                        ts_ms,
                        card,
                        kind,
                        rating,
                        first,
                        new_after,
                        elapsed_days,
                        duration_ms: d,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn rows_read_back_as_written(rows in proptest::collection::vec(row(), 0..50)) {
            prop_assert_eq!(decode(&encode(&rows)), Some(rows));
        }

        #[test]
        fn damaged_bytes_are_refused_or_read_without_panic(
            rows in proptest::collection::vec(row(), 1..10),
            at in any::<prop::sample::Index>(),
            flip in 1u8..=255,
        ) {
            let mut bytes = encode(&rows);
            let i = at.index(bytes.len());
            bytes[i] ^= flip;
            let _ = decode(&bytes);
            prop_assert_eq!(decode(&bytes[..bytes.len() - 1]), None);
        }
    }

    #[test]
    fn a_claim_to_inflate_far_beyond_the_bytes_is_refused() {
        let rows = vec![
            BriefAnswer {
                id: 1,
                ts_ms: 1,
                card: 1,
                kind: 1,
                rating: 3,
                first: false,
                new_after: false,
                elapsed_days: 1,
                duration_ms: 1,
            };
            3
        ];
        let mut bytes = vec![FORMAT];
        // A frame of 64 MiB of zeros is a few kilobytes.
        let zeros = vec![0u8; 64 << 20];
        bytes.extend(zstd::bulk::compress(&zeros, 3).unwrap());
        assert!(bytes.len() < 100_000);
        assert_eq!(decode(&bytes), None);
        assert_eq!(decode(&encode(&rows)), Some(rows));
    }

    #[test]
    fn a_value_that_is_not_bytes_is_no_cache() {
        let mut c = Connection::open_in_memory().unwrap();
        crate::store::migrate::migrate(&mut c, std::path::Path::new(":memory:"), 7).unwrap();
        c.execute(
            "INSERT INTO log_cache (name, deck_id, value) VALUES ('brief-log', 'd', 'text')",
            [],
        )
        .unwrap();
        assert_eq!(get(&c, "brief-log", "d").unwrap(), None);
        put(&c, "brief-log", "d", &[1, 2], 10).unwrap();
        assert_eq!(get(&c, "brief-log", "d").unwrap(), Some(vec![1, 2]));
        forget_from(&c, 11).unwrap();
        assert_eq!(get(&c, "brief-log", "d").unwrap(), Some(vec![1, 2]));
        forget_from(&c, 10).unwrap();
        assert_eq!(get(&c, "brief-log", "d").unwrap(), None);
    }

    #[test]
    fn a_deletion_forgets_the_caches_made_from_its_rows_and_those_of_schema_6() {
        let mut c = Connection::open_in_memory().unwrap();
        crate::store::migrate::migrate(&mut c, std::path::Path::new(":memory:"), 6).unwrap();
        c.execute(
            "INSERT INTO log_cache (name, deck_id, value) VALUES ('old', 'd', x'01')",
            [],
        )
        .unwrap();
        crate::store::migrate::migrate(&mut c, std::path::Path::new(":memory:"), 7).unwrap();
        assert_eq!(get(&c, "old", "d").unwrap(), Some(vec![1]));
        put(&c, "early", "d", &[2], 5).unwrap();
        put(&c, "late", "d", &[3], 50).unwrap();
        forget_from(&c, 20).unwrap();
        assert_eq!(get(&c, "old", "d").unwrap(), None);
        assert_eq!(get(&c, "early", "d").unwrap(), Some(vec![2]));
        assert_eq!(get(&c, "late", "d").unwrap(), None);
    }

    #[test]
    fn another_layout_is_ignored() {
        let mut bytes = encode(&[]);
        bytes[0] = FORMAT + 1;
        assert_eq!(decode(&bytes), None);
        assert_eq!(decode(&[]), None);
    }
}
