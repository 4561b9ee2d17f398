//! Reading the review history of an Anki package: every card's Anki ids
//! (card, note, template ordinal, note guid), its review-log rows, and the
//! collection's day rollover hour. Nothing is interpreted here (see
//! [`super::replay`]); values are only type-checked, since the database is
//! untrusted.

use std::collections::HashMap;

use rusqlite::Connection;

use super::super::ImportError;
use super::collection::corrupt;
use super::collection::open_collection;

/// The most review-log rows one import reads (about 50 years of 500
/// reviews a day); more is refused rather than held in memory.
pub const MAX_REVLOG_ROWS: usize = 10_000_000;

/// Anki's default rollover hour, used when the collection does not say.
pub const DEFAULT_ROLLOVER_HOUR: u32 = 4;

/// One row of Anki's `revlog` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevEntry {
    /// Epoch milliseconds of the answer (the row id).
    pub id_ms: i64,
    /// Button 1–4; 0 for a manual change.
    pub ease: i64,
    /// Interval after: days when positive, seconds when negative.
    pub ivl: i64,
    /// SM-2 ease ×10, or FSRS difficulty mapped; 0 marks a reset or a cram answer.
    pub factor: i64,
    /// Answer time in ms.
    pub time_ms: i64,
    /// Review kind: 0 learning, 1 review, 2 relearning, 3 filtered, 4 manual, 5 rescheduled.
    pub kind: i64,
}

/// One Anki card and its review log, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnkiCard {
    /// Anki's card id.
    pub card_id: i64,
    /// Anki's note id.
    pub note_id: i64,
    /// Template ordinal (cloze number − 1 for cloze notes).
    pub ord: i64,
    /// The note's guid (docket's own notes carry `deck/card` here).
    pub guid: String,
    /// The card's review-log rows.
    pub revlog: Vec<RevEntry>,
}

/// What a package holds of review history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnkiHistory {
    /// Hour (local time) at which Anki starts a new day, when the package
    /// says: whole-collection packages do, while `.apkg` deck exports
    /// carry a fresh collection's settings without it.
    pub rollover_hour: Option<u32>,
    /// Every card, with or without reviews, by Anki card id.
    pub cards: Vec<AnkiCard>,
    /// Review-log rows whose card is not in the package.
    pub orphan_rows: usize,
    /// Every review-log row read.
    pub rows: usize,
}

/// Reads the review history of an `.apkg` (or `.colpkg`) file.
pub fn read_history(bytes: &[u8]) -> Result<AnkiHistory, ImportError> {
    let (conn, entry) = open_collection(bytes)?;
    let ver: i64 = conn
        .query_row("SELECT ver FROM col", [], |r| r.get(0))
        .map_err(corrupt)?;
    if ver != 11 && !(15..=18).contains(&ver) {
        return Err(ImportError::invalid(format!(
            "`{entry}` has collection schema version {ver}; docket reads versions 11 and 15–18"
        )));
    }
    let rollover_hour = rollover(&conn)?;
    let mut cards: Vec<AnkiCard> = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    {
        let mut st = conn
            .prepare(
                "SELECT c.id, c.nid, c.ord, n.guid FROM cards c LEFT JOIN notes n ON n.id = c.nid
                 ORDER BY c.nid, c.ord, c.id",
            )
            .map_err(corrupt)?;
        let rows = st
            .query_map([], |r| {
                Ok(AnkiCard {
                    card_id: r.get(0)?,
                    note_id: r.get(1)?,
                    ord: r.get(2)?,
                    guid: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    revlog: Vec::new(),
                })
            })
            .map_err(corrupt)?;
        for row in rows {
            let card = row.map_err(corrupt)?;
            index.insert(card.card_id, cards.len());
            cards.push(card);
        }
    }
    let mut orphan_rows = 0;
    let mut total = 0;
    let mut st = conn
        .prepare("SELECT id, cid, ease, ivl, factor, time, type FROM revlog ORDER BY cid, id")
        .map_err(corrupt)?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(1)?,
                RevEntry {
                    id_ms: r.get(0)?,
                    ease: r.get(2)?,
                    ivl: r.get(3)?,
                    factor: r.get(4)?,
                    time_ms: r.get(5)?,
                    kind: r.get(6)?,
                },
            ))
        })
        .map_err(corrupt)?;
    for row in rows {
        let (cid, e) = row.map_err(corrupt)?;
        total += 1;
        if total > MAX_REVLOG_ROWS {
            return Err(ImportError::invalid(format!(
                "the package's review log has more than {MAX_REVLOG_ROWS} rows"
            )));
        }
        match index.get(&cid) {
            Some(&i) => cards[i].revlog.push(e),
            None => orphan_rows += 1,
        }
    }
    Ok(AnkiHistory {
        rollover_hour,
        cards,
        orphan_rows,
        rows: total,
    })
}

/// The rollover hour: the `config` table's `rollover` key in current
/// collections, `col.conf`'s in schema 11; `None` when neither says.
fn rollover(conn: &Connection) -> Result<Option<u32>, ImportError> {
    let has_config: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'config'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(corrupt)?
        > 0;
    let mut value: Option<serde_json::Value> = None;
    if has_config {
        let raw: Option<Vec<u8>> = conn
            .query_row("SELECT val FROM config WHERE KEY = 'rollover'", [], |r| {
                r.get(0)
            })
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(corrupt)?;
        value = raw.and_then(|v| serde_json::from_slice(&v).ok());
    }
    if value.is_none() {
        // Current collections leave `col.conf` empty; any value that is not
        // JSON text just means "not set here".
        let conf: Option<String> = conn
            .query_row("SELECT conf FROM col", [], |r| r.get(0))
            .ok()
            .flatten();
        value = conf
            .and_then(|c| serde_json::from_str::<serde_json::Value>(&c).ok())
            .and_then(|c| c.get("rollover").cloned());
    }
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .filter(|h| *h < 24)
            .map(|h| Some(h as u32))
            .ok_or_else(|| {
                ImportError::invalid(format!(
                    "the collection's day rollover hour is {v}, not an hour 0–23"
                ))
            }),
    }
}
