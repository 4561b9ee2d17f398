//! The review log in schema 4: one compact row per answer in `reviews`
//! (Anki's revlog is the model: integers, no text). A row's id is the
//! answer's time in ms (bumped past the newest row when taken, so ids
//! still grow in the order rows are written; `ts_behind` keeps the exact
//! time), the card is an integer key (`card_keys`), the content hash an
//! integer key (`content_hashes`), and the states and timings are packed
//! into `detail` ([`super::packed`]); each card's rows are chained from
//! `card_keys.last` back through `prev_gap`. Only this module reads or
//! writes it.

use std::collections::HashMap;

use rusqlite::Connection;
use rusqlite::OptionalExtension;
use rusqlite::params;

use super::Answer;
use super::LogEntry;
use super::StoreError;
use super::StoreResult;
use super::packed;
use crate::schedule::CardState;
use crate::schedule::Rating;
use crate::schedule::ReviewKind;

fn kind(n: i64) -> ReviewKind {
    ReviewKind::from_number(n).unwrap_or(ReviewKind::Manual)
}

fn bad(e: packed::BadDetail) -> StoreError {
    StoreError::Damaged {
        path: "the progress database".into(),
        reason: e.to_string(),
    }
}

/// The integer key of a card, created when `create` is set.
pub fn card_key(
    c: &Connection,
    deck_id: &str,
    card_id: &str,
    create: bool,
) -> StoreResult<Option<i64>> {
    let found = c
        .prepare_cached("SELECT id FROM card_keys WHERE deck_id = ?1 AND card_id = ?2")?
        .query_row(params![deck_id, card_id], |r| r.get(0))
        .optional()?;
    if found.is_some() || !create {
        return Ok(found);
    }
    c.prepare_cached("INSERT INTO card_keys (deck_id, card_id) VALUES (?1, ?2)")?
        .execute(params![deck_id, card_id])?;
    Ok(Some(c.last_insert_rowid()))
}

/// A content hash as stored: docket's hashes (32 lowercase hex digits) as
/// their 16 bytes, anything else (hashes from elsewhere) as text.
pub(crate) fn hash_value(hash: &str) -> rusqlite::types::Value {
    match hash_param(hash) {
        HashParam::Bytes(bytes) => rusqlite::types::Value::Blob(bytes.to_vec()),
        HashParam::Text(text) => rusqlite::types::Value::Text(text.to_string()),
    }
}

/// A content hash as stored, bound without allocating (a deck's first
/// sync binds one per card): see [`hash_value`].
pub(crate) enum HashParam<'a> {
    Bytes([u8; 16]),
    Text(&'a str),
}

/// The stored form of `hash`: its 16 bytes when it is 32 lowercase hex
/// digits, else the text.
pub(crate) fn hash_param(hash: &str) -> HashParam<'_> {
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    let hex = hash.as_bytes();
    if hex.len() != 32 {
        return HashParam::Text(hash);
    }
    let mut bytes = [0u8; 16];
    for (byte, pair) in bytes.iter_mut().zip(hex.chunks_exact(2)) {
        match (digit(pair[0]), digit(pair[1])) {
            (Some(high), Some(low)) => *byte = high << 4 | low,
            _ => return HashParam::Text(hash),
        }
    }
    HashParam::Bytes(bytes)
}

impl rusqlite::ToSql for HashParam<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::ToSqlOutput;
        use rusqlite::types::ValueRef;
        Ok(match self {
            HashParam::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            HashParam::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

/// SQL reading a stored content hash back as text.
const HASH: &str = "CASE typeof(h.hash) WHEN 'blob' THEN lower(hex(h.hash)) ELSE h.hash END";

/// The integer key of a content hash, created if new.
pub fn content_key(c: &Connection, hash: &str) -> StoreResult<i64> {
    let value = hash_value(hash);
    let found: Option<i64> = c
        .prepare_cached("SELECT id FROM content_hashes WHERE hash = ?1")?
        .query_row([&value], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    c.prepare_cached("INSERT INTO content_hashes (hash) VALUES (?1)")?
        .execute([&value])?;
    Ok(c.last_insert_rowid())
}

/// The card's newest row, from its key.
fn last_of(c: &Connection, key: i64) -> StoreResult<Option<i64>> {
    Ok(
        c.prepare_cached("SELECT last FROM card_keys WHERE id = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?
            .flatten(),
    )
}

/// The row before `id` of the same card (each row points to it).
fn prev_of(c: &Connection, id: i64) -> StoreResult<Option<i64>> {
    Ok(
        c.prepare_cached("SELECT id - prev_gap FROM reviews WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten(),
    )
}

/// The state row `prev` left its card in (new when there is no row).
fn state_after(c: &Connection, prev: Option<i64>) -> StoreResult<CardState> {
    let Some(prev) = prev else {
        return Ok(CardState::NEW);
    };
    let (behind, detail): (i64, Vec<u8>) = c
        .prepare_cached("SELECT ts_behind, detail FROM reviews WHERE id = ?1")?
        .query_row([prev], |r| Ok((r.get(0)?, r.get(1)?)))?;
    packed::after(&detail, prev - behind).map_err(bad)
}

/// Appends an answer; returns its row id.
pub fn insert(c: &Connection, a: &Answer) -> StoreResult<i64> {
    let key = card_key(c, &a.deck_id, &a.card_id, true)?.unwrap_or_default();
    let newest: Option<i64> = c
        .prepare_cached("SELECT max(id) FROM reviews")?
        .query_row([], |r| r.get(0))?;
    let id = newest.map_or(a.ts_ms, |n| a.ts_ms.max(n.saturating_add(1)));
    let prev = last_of(c, key)?;
    let chain = state_after(c, prev)?;
    let detail = packed::pack(
        &packed::Detail {
            before: None,
            after: a.after,
            elapsed_days: a.elapsed_days,
            elapsed_secs: a.elapsed_secs,
            duration_ms: a.duration_ms,
            r_before: a.r_before,
            r_after: a.r_after,
        },
        &a.before,
        &chain,
        a.ts_ms,
    );
    let content = content_key(c, &a.content_hash)?;
    c.prepare_cached(
        "INSERT INTO reviews (id, card, ts_behind, rating, kind, phase_before, session_id, content,
           detail, prev_gap)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id,
        key,
        id - a.ts_ms,
        a.rating.map_or(0, Rating::number),
        a.kind.number(),
        a.before.phase.number(),
        a.session_id,
        content,
        detail,
        prev.map(|p| id - p),
    ])?;
    c.prepare_cached("UPDATE card_keys SET last = ?2 WHERE id = ?1")?
        .execute(params![key, id])?;
    Ok(id)
}

fn select() -> String {
    format!(
        "SELECT r.id, r.ts_behind, k.deck_id, k.card_id, r.rating, r.kind, r.session_id,
           {HASH}, r.detail, r.card
         FROM reviews r JOIN card_keys k ON k.id = r.card JOIN content_hashes h ON h.id = r.content"
    )
}

struct Raw {
    id: i64,
    ts_ms: i64,
    deck_id: String,
    card_id: String,
    rating: u8,
    kind: i64,
    session_id: Option<i64>,
    hash: String,
    detail: Vec<u8>,
    key: i64,
}

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    let id: i64 = r.get(0)?;
    Ok(Raw {
        id,
        ts_ms: id - r.get::<_, i64>(1)?,
        deck_id: r.get(2)?,
        card_id: r.get(3)?,
        rating: r.get(4)?,
        kind: r.get(5)?,
        session_id: r.get(6)?,
        hash: r.get(7)?,
        detail: r.get(8)?,
        key: r.get(9)?,
    })
}

fn entry(raw: Raw, chain: &CardState) -> StoreResult<LogEntry> {
    let (d, before) = packed::unpack(&raw.detail, raw.ts_ms, chain).map_err(bad)?;
    Ok(LogEntry {
        id: raw.id,
        answer: Answer {
            deck_id: raw.deck_id,
            card_id: raw.card_id,
            ts_ms: raw.ts_ms,
            rating: Rating::from_number(raw.rating),
            kind: kind(raw.kind),
            before,
            after: d.after,
            elapsed_days: d.elapsed_days,
            elapsed_secs: d.elapsed_secs,
            r_before: d.r_before,
            r_after: d.r_after,
            duration_ms: d.duration_ms,
            content_hash: raw.hash,
            session_id: raw.session_id,
        },
    })
}

/// One row, with its state before.
pub fn get(c: &Connection, id: i64) -> StoreResult<Option<LogEntry>> {
    let Some(raw) = c
        .prepare_cached(&format!("{} WHERE r.id = ?1", select()))?
        .query_row([id], raw)
        .optional()?
    else {
        return Ok(None);
    };
    let chain = state_after(c, prev_of(c, raw.id)?)?;
    entry(raw, &chain).map(Some)
}

/// Whether the card has a row newer than `id`.
pub fn has_later(c: &Connection, deck_id: &str, card_id: &str, id: i64) -> StoreResult<bool> {
    let Some(key) = card_key(c, deck_id, card_id, false)? else {
        return Ok(false);
    };
    Ok(last_of(c, key)? != Some(id))
}

/// The content hash of the newest answer (not a manual reset) to the
/// same card before row `id`.
pub fn previous_hash(c: &Connection, id: i64) -> StoreResult<Option<String>> {
    let mut at = prev_of(c, id)?;
    while let Some(row) = at {
        let (kind, hash): (i64, String) = c
            .prepare_cached(&format!(
                "SELECT r.kind, {HASH} FROM reviews r JOIN content_hashes h ON h.id = r.content
                 WHERE r.id = ?1"
            ))?
            .query_row([row], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if kind != 4 {
            return Ok(Some(hash));
        }
        at = prev_of(c, row)?;
    }
    Ok(None)
}

/// Deletes a card's newest row (an undo); its previous row becomes the
/// newest.
pub fn delete(c: &Connection, id: i64) -> StoreResult<()> {
    let prev = prev_of(c, id)?;
    c.prepare_cached(
        "UPDATE card_keys SET last = ?2 WHERE id = (SELECT card FROM reviews WHERE id = ?1)",
    )?
    .execute(params![id, prev])?;
    c.prepare_cached("DELETE FROM reviews WHERE id = ?1")?
        .execute([id])?;
    super::log_cache::forget_from(c, id)
}

/// Whether a card has any row.
pub fn has_any(c: &Connection, deck_id: &str, card_id: &str) -> StoreResult<bool> {
    let Some(key) = card_key(c, deck_id, card_id, false)? else {
        return Ok(false);
    };
    Ok(last_of(c, key)?.is_some())
}

/// Deletes every row of a card.
pub fn clear(c: &Connection, deck_id: &str, card_id: &str) -> StoreResult<()> {
    let Some(key) = card_key(c, deck_id, card_id, false)? else {
        return Ok(());
    };
    let mut at = last_of(c, key)?;
    let Some(mut first) = at else {
        return Ok(());
    };
    while let Some(row) = at {
        first = first.min(row);
        at = prev_of(c, row)?;
        c.prepare_cached("DELETE FROM reviews WHERE id = ?1")?
            .execute([row])?;
    }
    c.prepare_cached("UPDATE card_keys SET last = NULL WHERE id = ?1")?
        .execute([key])?;
    super::log_cache::forget_from(c, first)
}

/// The rows of a deck (or one card), oldest first.
pub fn entries(c: &Connection, deck_id: &str, card_id: Option<&str>) -> StoreResult<Vec<LogEntry>> {
    if let Some(card_id) = card_id {
        // One card: follow its chain back from the newest row.
        let Some(key) = card_key(c, deck_id, card_id, false)? else {
            return Ok(Vec::new());
        };
        let mut ids = Vec::new();
        let mut at = last_of(c, key)?;
        while let Some(row) = at {
            ids.push(row);
            at = prev_of(c, row)?;
        }
        let mut chain = CardState::NEW;
        let mut out = Vec::with_capacity(ids.len());
        let mut stmt = c.prepare_cached(&format!("{} WHERE r.id = ?1", select()))?;
        for id in ids.into_iter().rev() {
            let e = entry(stmt.query_row([id], raw)?, &chain)?;
            chain = e.answer.after;
            out.push(e);
        }
        return Ok(out);
    }
    let mut stmt = c.prepare_cached(&format!("{} WHERE k.deck_id = ?1 ORDER BY r.id", select()))?;
    let rows = stmt.query_map([deck_id], raw)?;
    let mut chains: HashMap<i64, CardState> = HashMap::new();
    let mut out = Vec::new();
    for row in rows {
        let row = row?;
        let key = row.key;
        let chain = chains.get(&key).copied().unwrap_or(CardState::NEW);
        let e = entry(row, &chain)?;
        chains.insert(key, e.answer.after);
        out.push(e);
    }
    Ok(out)
}

/// Rows of a deck answered at or after `since_ms`, not manual resets:
/// (new cards introduced, review answers, review answers not Again).
pub fn counts_since(c: &Connection, deck_id: &str, since_ms: i64) -> StoreResult<(u32, u32, u32)> {
    // Ids are never below the answer's time, so the id range is a superset
    // read through the primary key; `id - ts_behind` is the exact time.
    let (new, reviews, passed): (Option<u32>, Option<u32>, Option<u32>) = c
        .prepare_cached(
            "SELECT sum(r.phase_before = 0), sum(r.kind = 1), sum(r.kind = 1 AND r.rating > 1)
             FROM reviews r JOIN card_keys k ON k.id = r.card
             WHERE r.id >= ?2 AND r.id - r.ts_behind >= ?2 AND r.kind != 4 AND k.deck_id = ?1",
        )?
        .query_row(params![deck_id, since_ms], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    Ok((new.unwrap_or(0), reviews.unwrap_or(0), passed.unwrap_or(0)))
}

/// Answers at or after `since_ms` to (re)learning cards answered on a
/// later study day than the answer before (Anki's interday learning),
/// which count against the day's review limit as Anki counts them.
pub fn interday_learning_since(c: &Connection, deck_id: &str, since_ms: i64) -> StoreResult<u32> {
    let mut stmt = c.prepare_cached(
        "SELECT r.id - r.ts_behind, r.detail
         FROM reviews r JOIN card_keys k ON k.id = r.card
         WHERE r.id >= ?2 AND r.id - r.ts_behind >= ?2 AND r.kind != 4 AND r.kind != 1
           AND r.phase_before IN (1, 3) AND k.deck_id = ?1",
    )?;
    let mut rows = stmt.query(params![deck_id, since_ms])?;
    let mut n = 0;
    while let Some(row) = rows.next()? {
        let ts: i64 = row.get(0)?;
        let detail: Vec<u8> = row.get(1)?;
        // Only the elapsed days are read; the chain state does not affect them.
        let (d, _) = packed::unpack(&detail, ts, &CardState::NEW).map_err(bad)?;
        if d.elapsed_days >= 1 {
            n += 1;
        }
    }
    Ok(n)
}

/// The key statistics group answers by: (local day, kind, rating,
/// mature, first answer, whole seconds capped at 60).
pub type GroupKey = (i64, i64, u8, bool, bool, u32);

/// Answers at or after `since_ms` counted by [`GroupKey`], with their
/// total answer time: one pass over the rows, counted in a hash map (for a
/// year of a large log this beats SQLite's sort for GROUP BY).
pub fn groups_since(
    c: &Connection,
    deck_id: &str,
    since_ms: i64,
    day_offset_ms: i64,
) -> StoreResult<std::collections::HashMap<GroupKey, (u32, i64)>> {
    let mut stmt = c.prepare_cached(
        "SELECT r.id - r.ts_behind, r.kind, r.rating, r.phase_before, r.detail
         FROM reviews r JOIN card_keys k ON k.id = r.card
         WHERE r.id >= ?2 AND r.id - r.ts_behind >= ?2 AND k.deck_id = ?1",
    )?;
    let mut rows = stmt.query(params![deck_id, since_ms])?;
    let mut groups: std::collections::HashMap<GroupKey, (u32, i64)> = Default::default();
    while let Some(r) = rows.next()? {
        let ts: i64 = r.get(0)?;
        let detail: Vec<u8> = r.get(4)?;
        // Elapsed days and duration do not depend on the chain state.
        let (d, _) = packed::unpack(&detail, ts, &CardState::NEW).map_err(bad)?;
        let key = (
            (ts + day_offset_ms).div_euclid(86_400_000),
            r.get(1)?,
            r.get(2)?,
            d.elapsed_days >= 21,
            r.get::<_, i64>(3)? == 0,
            (d.duration_ms / 1000).clamp(0, 60) as u32,
        );
        let g = groups.entry(key).or_default();
        g.0 += 1;
        g.1 += d.duration_ms;
    }
    Ok(groups)
}

/// Distinct cards answered (not manual changes) at or after `since_ms`.
pub fn cards_answered_since(c: &Connection, deck_id: &str, since_ms: i64) -> StoreResult<u32> {
    Ok(c.prepare_cached(
        "SELECT count(DISTINCT r.card) FROM reviews r JOIN card_keys k ON k.id = r.card
         WHERE r.id >= ?2 AND r.id - r.ts_behind >= ?2 AND r.kind != 4 AND k.deck_id = ?1",
    )?
    .query_row(params![deck_id, since_ms], |r| r.get(0))?)
}

/// Schema 3 → 4: copies every `revlog` row into `reviews`, oldest first,
/// then drops `revlog`. The JSON states are read when they parse (docket
/// always wrote them), else rebuilt from the row's columns.
pub fn convert_v3(c: &Connection) -> rusqlite::Result<()> {
    let fail = |e: StoreError| {
        rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e.to_string())))
    };
    {
        let mut stmt = c.prepare(
            "SELECT ts_ms, deck_id, card_id, rating, kind, phase_before, phase_after, elapsed_days,
               elapsed_secs, interval_days, due_ms, s_before, d_before, r_before, s_after, d_after,
               r_after, duration_ms, content_hash, state_before, state_after, session_id
             FROM revlog ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let json = |i: usize| -> rusqlite::Result<Option<CardState>> {
                Ok(serde_json::from_str(&r.get::<_, String>(i)?).ok())
            };
            let phase = |i: usize| -> rusqlite::Result<crate::schedule::Phase> {
                Ok(crate::schedule::Phase::from_number(r.get(i)?)
                    .unwrap_or(crate::schedule::Phase::New))
            };
            let before = match json(19)? {
                Some(s) => s,
                None => CardState {
                    phase: phase(5)?,
                    stability: r.get::<_, f64>(11)? as f32,
                    difficulty: r.get::<_, f64>(12)? as f32,
                    ..CardState::NEW
                },
            };
            let ts_ms: i64 = r.get(0)?;
            let after = match json(20)? {
                Some(s) => s,
                None => CardState {
                    phase: phase(6)?,
                    stability: r.get::<_, f64>(14)? as f32,
                    difficulty: r.get::<_, f64>(15)? as f32,
                    due_ms: r.get(10)?,
                    interval_days: r.get(9)?,
                    last_review_ms: Some(ts_ms),
                    ..CardState::NEW
                },
            };
            let a = Answer {
                deck_id: r.get(1)?,
                card_id: r.get(2)?,
                ts_ms,
                rating: Rating::from_number(r.get(3)?),
                kind: kind(r.get(4)?),
                before,
                after,
                elapsed_days: r.get(7)?,
                elapsed_secs: r.get(8)?,
                r_before: r.get::<_, Option<f64>>(13)?.map(|v| v as f32),
                r_after: r.get::<_, Option<f64>>(16)?.map(|v| v as f32),
                duration_ms: r.get(17)?,
                content_hash: r.get(18)?,
                session_id: r.get(21)?,
            };
            insert(c, &a).map_err(fail)?;
        }
    }
    c.execute_batch("DROP TABLE revlog;")
}

/// Rows of a deck answered at or after `since_ms`, as the statistics read
/// them, in one pass over the log: the deck's card keys are read first, so
/// the rows need no join (a lookup in `card_keys` per row costs more than
/// the row); the details are unpacked without following each card's chain
/// (nothing read here needs the state before).
pub fn brief_since(
    c: &Connection,
    deck_id: &str,
    since_ms: i64,
) -> StoreResult<Vec<super::BriefAnswer>> {
    brief_rows(c, deck_id, since_ms, i64::MIN)
}

/// [`brief_since`] limited to rows with ids above `after_id` (those
/// appended since a cache was made).
pub fn brief_rows(
    c: &Connection,
    deck_id: &str,
    since_ms: i64,
    after_id: i64,
) -> StoreResult<Vec<super::BriefAnswer>> {
    if after_id != i64::MIN && since_ms == i64::MIN {
        return brief_rows_after(c, deck_id, after_id);
    }
    let mut keys = c.prepare_cached("SELECT id FROM card_keys WHERE deck_id = ?1")?;
    let keys: Vec<i64> = keys
        .query_map([deck_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // Keys are row ids, dense from 1: a table of flags by key.
    let top = keys.iter().copied().max().unwrap_or(0).max(0) as usize;
    let mut ours = vec![false; top + 1];
    for k in keys {
        if let Ok(k) = usize::try_from(k) {
            ours[k] = true;
        }
    }
    let mut stmt = c.prepare_cached(
        "SELECT r.id, r.ts_behind, r.card, r.kind, r.rating, r.phase_before, r.detail
         FROM reviews r WHERE r.id > ?2 AND r.id >= ?1 AND r.id - r.ts_behind >= ?1
         ORDER BY r.id",
    )?;
    let mut rows = stmt.query([since_ms, after_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let card: i64 = r.get(2)?;
        if !usize::try_from(card).is_ok_and(|k| ours.get(k).copied().unwrap_or(false)) {
            continue;
        }
        out.push(brief_of(r)?);
    }
    Ok(out)
}

/// One row of [`brief_rows`]' query (id, ts_behind, card, kind, rating,
/// phase_before, detail) as a brief answer.
fn brief_of(r: &rusqlite::Row<'_>) -> StoreResult<super::BriefAnswer> {
    let id: i64 = r.get(0)?;
    let ts_ms = id - r.get::<_, i64>(1)?;
    let detail = r.get_ref(6)?.as_blob().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Blob, e.into())
    })?;
    // Elapsed days and duration do not depend on the chain state.
    let (d, _) = packed::unpack(detail, ts_ms, &CardState::NEW).map_err(bad)?;
    Ok(super::BriefAnswer {
        id,
        ts_ms,
        card: r.get(2)?,
        kind: r.get(3)?,
        rating: r.get(4)?,
        first: r.get::<_, i64>(5)? == 0,
        new_after: d.after.phase == crate::schedule::Phase::New,
        elapsed_days: d.elapsed_days,
        duration_ms: d.duration_ms,
    })
}

/// [`brief_rows`] of the rows after `after_id` (those appended since a
/// kept copy), joined to their cards' keys: a few rows, so no table of
/// every key of the deck is made for them. `CROSS JOIN` keeps the rows'
/// id range outermost (SQLite does not reorder it), so the deck's keys
/// are never walked.
fn brief_rows_after(
    c: &Connection,
    deck_id: &str,
    after_id: i64,
) -> StoreResult<Vec<super::BriefAnswer>> {
    let mut stmt = c.prepare_cached(
        "SELECT r.id, r.ts_behind, r.card, r.kind, r.rating, r.phase_before, r.detail
         FROM reviews r CROSS JOIN card_keys k ON k.id = r.card
         WHERE r.id > ?2 AND k.deck_id = ?1
         ORDER BY r.id",
    )?;
    let mut rows = stmt.query(params![deck_id, after_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(brief_of(r)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_bytes_only_when_32_lowercase_hex_digits() {
        let hex = "0123456789abcdef0123456789abcdef";
        assert!(matches!(hash_param(hex), HashParam::Bytes(b) if hex::encode(b) == hex));
        for text in [
            "",
            "h",
            &hex[1..],
            &format!("{hex}0"),
            "0123456789ABCDEF0123456789ABCDEF",
            "0123456789abcdef0123456789abcdeg",
            "g123456789abcdef0123456789abcdef",
            " 123456789abcdef0123456789abcdef",
        ] {
            assert!(
                matches!(hash_param(text), HashParam::Text(t) if t == text),
                "{text:?}"
            );
            assert_eq!(hash_value(text), rusqlite::types::Value::Text(text.into()));
        }
    }

    #[test]
    fn content_hashes_read_back_as_written() {
        let mut c = Connection::open_in_memory().unwrap();
        crate::store::migrate::migrate(&mut c, std::path::Path::new(":memory:"), 4).unwrap();
        let hex = "0123456789abcdef0123456789abcdef";
        for hash in [hex, "h", "0123456789ABCDEF0123456789ABCDEF", "xyz"] {
            let k = content_key(&c, hash).unwrap();
            assert_eq!(content_key(&c, hash).unwrap(), k, "{hash}");
            let back: String = c
                .query_row(
                    &format!("SELECT {HASH} FROM content_hashes h WHERE id = ?1"),
                    [k],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(back, hash);
        }
        let bytes: i64 = c
            .query_row(
                "SELECT length(hash) FROM content_hashes WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(bytes, 16, "docket's own hashes take 16 bytes");
    }
}
