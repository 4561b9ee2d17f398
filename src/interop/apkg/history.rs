//! Reading the review history of an Anki package: every card's Anki ids
//! (card, note, template ordinal, note guid, home deck), its review-log
//! rows, each deck's preset FSRS parameters, and the collection's day
//! rollover hour. Nothing is interpreted here (see
//! [`super::replay`]); values are only type-checked, since the database is
//! untrusted.

use std::collections::HashMap;

use rusqlite::Connection;

use super::super::ImportError;
use super::collection::corrupt;
use super::collection::open_collection;
use super::protobuf;

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
    /// The card's home deck (its original deck while in a filtered deck),
    /// whose preset schedules it.
    pub deck_id: i64,
    /// The card's review-log rows.
    pub revlog: Vec<RevEntry>,
}

/// What a package holds of review history.
#[derive(Debug, Clone, PartialEq)]
pub struct AnkiHistory {
    /// Hour (local time) at which Anki starts a new day, when the package
    /// says: whole-collection packages do, while `.apkg` deck exports
    /// carry a fresh collection's settings without it.
    pub rollover_hour: Option<u32>,
    /// Every card, with or without reviews, by Anki card id.
    pub cards: Vec<AnkiCard>,
    /// FSRS parameters of each deck's preset, when it has any (as Anki
    /// picks them: FSRS-6, else FSRS-5, else FSRS-4 parameters).
    pub deck_params: HashMap<i64, Vec<f32>>,
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
    let deck_params = if ver == 11 {
        params11(&conn)?
    } else {
        params18(&conn)?
    };
    let mut cards: Vec<AnkiCard> = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    {
        let mut st = conn
            .prepare(
                "SELECT c.id, c.nid, c.ord, n.guid, CASE WHEN c.odid != 0 THEN c.odid ELSE c.did END
                 FROM cards c LEFT JOIN notes n ON n.id = c.nid
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
                    deck_id: r.get(4)?,
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
        deck_params,
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

/// Anki's choice among a preset's parameter sets: the newest present.
fn pick(sets: [Vec<f32>; 3]) -> Vec<f32> {
    sets.into_iter().find(|p| !p.is_empty()).unwrap_or_default()
}

/// Schemas 15–18: each deck's kind names its preset (normal decks:
/// field 1, config id in its field 1); presets hold packed float fields
/// 6, 5 and 3 (FSRS-6, -5, -4 parameters).
fn params18(conn: &Connection) -> Result<HashMap<i64, Vec<f32>>, ImportError> {
    let bad = |what: &str| ImportError::invalid(format!("the package's {what} is corrupt"));
    let mut presets: HashMap<i64, Vec<f32>> = HashMap::new();
    let mut st = conn
        .prepare("SELECT id, config FROM deck_config")
        .map_err(corrupt)?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .map_err(corrupt)?;
    for row in rows {
        let (id, config) = row.map_err(corrupt)?;
        let set =
            |n| protobuf::packed_floats(&config, n).ok_or_else(|| bad("preset configuration"));
        presets.insert(id, pick([set(6)?, set(5)?, set(3)?]));
    }
    let mut out = HashMap::new();
    let mut st = conn
        .prepare("SELECT id, kind FROM decks")
        .map_err(corrupt)?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .map_err(corrupt)?;
    for row in rows {
        let (id, kind) = row.map_err(corrupt)?;
        // Filtered decks have no preset; their cards use their home deck's.
        let Some(normal) = protobuf::message(&kind, 1) else {
            continue;
        };
        let config = protobuf::varint_field(normal, 1).ok_or_else(|| bad("deck list"))?;
        if let Some(p) = i64::try_from(config).ok().and_then(|c| presets.get(&c)) {
            out.insert(id, p.clone());
        }
    }
    Ok(out)
}

/// Schema 11: `col.decks` names each deck's preset (`conf`), `col.dconf`
/// holds the presets with `fsrsParams6`, `fsrsParams5` or `fsrsWeights`.
fn params11(conn: &Connection) -> Result<HashMap<i64, Vec<f32>>, ImportError> {
    let (decks, dconf): (String, String) = conn
        .query_row("SELECT decks, dconf FROM col", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(corrupt)?;
    let bad = |e: serde_json::Error| {
        ImportError::invalid(format!("the package's deck presets cannot be read: {e}"))
    };
    let decks: HashMap<String, serde_json::Value> = serde_json::from_str(&decks).map_err(bad)?;
    let dconf: HashMap<String, serde_json::Value> = serde_json::from_str(&dconf).map_err(bad)?;
    let floats = |v: &serde_json::Value| -> Vec<f32> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_f64())
                    .map(|x| x as f32)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = HashMap::new();
    for (id, d) in decks {
        let (Ok(id), Some(conf)) = (id.parse::<i64>(), d["conf"].as_i64()) else {
            continue;
        };
        if let Some(c) = dconf.get(&conf.to_string()) {
            out.insert(
                id,
                pick([
                    floats(&c["fsrsParams6"]),
                    floats(&c["fsrsParams5"]),
                    floats(&c["fsrsWeights"]),
                ]),
            );
        }
    }
    Ok(out)
}
