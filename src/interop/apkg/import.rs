//! Reading an Anki package into a deck: Basic, Basic-and-reversed, Type-in
//! and Cloze notes (and any note type shaped like them), HTML stripped,
//! tags as topics. Card ids keep the Anki note id (`anki-<note id>`, with
//! `-2`… for a note's further cards) so that re-importing a package with
//! `--update` updates cards instead of duplicating them; notes of docket's
//! own note type get their docket ids back.

use std::collections::HashMap;
use std::path::PathBuf;

use rusqlite::Connection;

use super::super::ImportError;
use super::super::Imported;
use rayon::prelude::*;

use super::super::Skipped;
use super::super::build::DeckBuilder;
use super::super::csv::stem;
use super::super::limits::MAX_CARDS;
use super::collection::corrupt;
use super::collection::open_collection;
use super::note::Context;
use super::note::Converted;
use super::note::NoteRow;
use super::note::cards_from;
use super::note::convert;
use super::protobuf;
use super::templates::field_refs;
use super::templates::question_and_answer;

/// A note type, reduced to what conversion needs.
#[derive(Debug, Clone)]
pub(super) struct NoteType {
    pub(super) name: String,
    cloze: bool,
    pub(super) fields: Vec<String>,
    /// (question format, answer format) by template ordinal.
    templates: Vec<(String, String)>,
}

/// About how many cards are converted at a time on every core.
const BATCH_CARDS: usize = 16_384;

/// How a note type's fields become cards, worked out once per note type.
#[derive(Debug, Clone, Default)]
pub(super) struct Plan {
    /// Whether this is docket's own note type.
    pub(super) own: bool,
    /// For cloze types: the cloze field.
    pub(super) cloze_text: Option<String>,
    /// For normal types, by template: (question, answer, explanation fields).
    pub(super) cards: Vec<Option<(String, String, Vec<String>)>>,
    /// For cloze types: the explanation fields.
    pub(super) cloze_extra: Vec<String>,
}

/// Fields shown on the answer side besides those in `skip`, in order.
fn extra_fields(afmt: &str, skip: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in field_refs(afmt) {
        if !skip.contains(&r.name.as_str()) && !out.contains(&r.name) {
            out.push(r.name);
        }
    }
    out
}

fn plan(nt: &NoteType) -> Plan {
    let own = nt.name == super::NOTETYPE_NAME || nt.name == super::CLOZE_NOTETYPE_NAME;
    let explain = |afmt: &str, skip: &[&str]| {
        if own {
            vec!["Explanation".to_string()]
        } else {
            extra_fields(afmt, skip)
        }
    };
    if nt.cloze {
        let (q, a) = nt.templates.first().cloned().unwrap_or_default();
        let text = field_refs(&q)
            .into_iter()
            .find(|r| r.filters.iter().any(|f| f == "cloze"))
            .map(|r| r.name)
            .or_else(|| nt.fields.first().cloned())
            .unwrap_or_default();
        let extra = explain(&a, &[&text]);
        return Plan {
            own,
            cloze_text: Some(text),
            cards: Vec::new(),
            cloze_extra: extra,
        };
    }
    let cards = nt
        .templates
        .iter()
        .map(|(q, a)| {
            question_and_answer(q, a).map(|(qf, af)| {
                let extra = explain(a, &[&qf, &af]);
                (qf, af, extra)
            })
        })
        .collect();
    Plan {
        own,
        cloze_text: None,
        cards,
        cloze_extra: Vec::new(),
    }
}

/// Reads an `.apkg` (or `.colpkg`) file.
pub fn import(name: &str, bytes: &[u8]) -> Result<Imported, ImportError> {
    let (conn, entry) = open_collection(bytes)?;
    read_collection(&conn, name, entry)
}

fn read_collection(conn: &Connection, name: &str, entry: &str) -> Result<Imported, ImportError> {
    let ver: i64 = conn
        .query_row("SELECT ver FROM col", [], |r| r.get(0))
        .map_err(corrupt)?;
    let (notetypes, decks) = match ver {
        11 => schema11(conn)?,
        15..=18 => schema18(conn)?,
        v => {
            return Err(ImportError::invalid(format!(
                "`{entry}` has collection schema version {v}; docket reads versions 11 and 15–18 \
                 (export the deck again from a current Anki)"
            )));
        }
    };
    // Each card's (note id, ordinal, deck id), in that order; rows of the
    // same note and ordinal (never in a sound package) in table order.
    let mut cards: Vec<(i64, i64, i64)> = Vec::new();
    {
        let mut st = conn
            .prepare("SELECT nid, ord, did FROM cards")
            .map_err(corrupt)?;
        let mut rows = st.query([]).map_err(corrupt)?;
        while let Some(r) = rows.next().map_err(corrupt)? {
            cards.push((
                r.get(0).map_err(corrupt)?,
                r.get(1).map_err(corrupt)?,
                r.get(2).map_err(corrupt)?,
            ));
        }
    }
    // Stable, and nearly free on rows that are already in order.
    cards.sort_by_key(|&(nid, ord, _)| (nid, ord));
    let stem = stem(name);
    let main_deck = decks_used(&cards)
        .iter()
        .max_by_key(|(id, n)| (**n, -**id))
        .and_then(|(id, _)| decks.get(id))
        .cloned()
        .unwrap_or_else(|| stem.clone());
    let mut b = DeckBuilder::new(
        &stem,
        &main_deck,
        &format!("Imported from the Anki deck {main_deck}."),
    );
    // Every note type's plan, worked out once (a plan only reads its note type).
    let notetypes: HashMap<i64, (NoteType, Plan)> = notetypes
        .into_iter()
        .map(|(id, nt)| {
            let p = plan(&nt);
            (id, (nt, p))
        })
        .collect();
    let ctx = Context {
        notetypes: &notetypes,
        decks: &decks,
        main_deck: &main_deck,
        cards: &cards,
    };
    let mut st = conn
        .prepare("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
        .map_err(corrupt)?;
    let mut rows = st.query([]).map_err(corrupt)?;
    let mut placeholder = false;
    // Cards converted so far, skipped ones included: the limit counts
    // them as each note begins, as it always has.
    let mut pending = 0usize;
    // Cards that failed cleaning are reported after every note's own skips.
    let mut late: Vec<Skipped> = Vec::new();
    // Where the next note's card rows start.
    let mut next_card = 0;
    loop {
        // Notes are read in batches of bounded work, converted on every
        // core, then taken in order; a package over the limit stops within
        // a batch of it.
        let mut batch = Vec::new();
        let mut work = 0;
        while work < BATCH_CARDS
            && let Some(r) = rows.next().map_err(corrupt)?
        {
            let id = r.get(0).map_err(corrupt)?;
            let mine = cards_from(&cards, next_card, id);
            next_card = mine.end;
            // At most its card rows, or one card.
            work += mine.len().max(1);
            batch.push(NoteRow {
                id,
                guid: r.get(1).map_err(corrupt)?,
                mid: r.get(2).map_err(corrupt)?,
                tags: r.get(3).map_err(corrupt)?,
                flds: r.get(4).map_err(corrupt)?,
                cards: mine,
            });
        }
        if batch.is_empty() {
            break;
        }
        let runs: Vec<Converted> = batch
            .into_par_iter()
            .fold(Converted::default, |mut out, row| {
                convert(&ctx, row, &mut out);
                out
            })
            .collect();
        for run in runs {
            for &(is_placeholder, n) in &run.notes {
                if pending >= MAX_CARDS {
                    return Err(ImportError::invalid(
                        "the package has more than a million cards",
                    ));
                }
                placeholder |= is_placeholder;
                pending += n;
            }
            for s in run.skipped {
                b.skip(s.item, s.reason);
            }
            for n in run.not_carried {
                b.note(n.item, n.reason);
            }
            // Added now, in note order: the same unique ids as adding them
            // after every note's skips, without holding them twice.
            b.reserve(run.cards.len());
            for card in run.cards {
                match card {
                    Ok(card) => b.add_prepared(card),
                    Err(s) => late.push(s),
                }
            }
        }
    }
    for s in late {
        b.skip(s.item, s.reason);
    }
    if b.is_empty() {
        if placeholder {
            return Err(ImportError::invalid(
                "this package holds only Anki's \"please update\" placeholder: its real collection is missing",
            ));
        }
        let mut types: Vec<&str> = notetypes.values().map(|(n, _)| n.name.as_str()).collect();
        types.sort_unstable();
        let why: Vec<String> = b
            .finish(PathBuf::new())
            .skipped
            .iter()
            .take(5)
            .map(ToString::to_string)
            .collect();
        return Err(ImportError::invalid(format!(
            "the package holds no note docket can convert (note types: {}){}",
            types.join(", "),
            if why.is_empty() {
                String::new()
            } else {
                format!("; {}", why.join("; "))
            }
        )));
    }
    Ok(b.finish(PathBuf::from(format!("{stem}.toml"))))
}

/// How many cards of the package each deck holds.
fn decks_used(cards: &[(i64, i64, i64)]) -> HashMap<i64, usize> {
    let mut used: HashMap<i64, usize> = HashMap::new();
    // Counted a run of cards at a time: a note's cards, and usually
    // consecutive notes, share a deck.
    let mut run: Option<(i64, usize)> = None;
    for &(_, _, did) in cards {
        match &mut run {
            Some((d, n)) if *d == did => *n += 1,
            _ => {
                if let Some((d, n)) = run {
                    *used.entry(d).or_default() += n;
                }
                run = Some((did, 1));
            }
        }
    }
    if let Some((d, n)) = run {
        *used.entry(d).or_default() += n;
    }
    used
}

/// What of a note docket does not carry, one reason each: fields that no
/// card shows (docket reads what the templates show), and media (sounds
/// are dropped, images become their alt text).
pub(super) fn not_carried(nt: &NoteType, plan: &Plan, values: &[&str]) -> Vec<String> {
    let mut used: Vec<&str> = Vec::new();
    if let Some(t) = &plan.cloze_text {
        used.push(t);
        used.extend(plan.cloze_extra.iter().map(String::as_str));
    }
    for (q, a, extra) in plan.cards.iter().flatten() {
        used.push(q);
        used.push(a);
        used.extend(extra.iter().map(String::as_str));
    }
    let mut out = Vec::new();
    for (name, value) in nt.fields.iter().zip(values) {
        if !value.trim().is_empty() && !used.contains(&name.as_str()) {
            out.push(format!(
                "its field `{name}` is on no card's template; its text is not carried"
            ));
        }
        // The place is named only for a field with media in it.
        if value.contains("[sound:") || value.contains("<img") {
            out.extend(media_notes(&format!("`{name}`"), value));
        }
    }
    out
}

/// One note per media reference in an HTML text (`where` says in what):
/// sounds are dropped and images replaced by their alt text, since docket
/// imports no media.
pub(crate) fn media_notes(place: &str, value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(i) = rest.find("[sound:") {
        let tail = &rest[i + 7..];
        let end = tail.find(']').unwrap_or(tail.len());
        out.push(format!(
            "the sound `{}` in {place} is not carried (docket imports no media)",
            &tail[..end]
        ));
        rest = &tail[end..];
    }
    let mut rest = value;
    while let Some(i) = rest.find("<img") {
        let tail = &rest[i..];
        let end = tail.find('>').unwrap_or(tail.len());
        let src = tail[..end]
            .split_once("src=")
            .map(|(_, v)| {
                v.trim_start_matches(['"', '\''])
                    .split(['"', '\'', ' '])
                    .next()
                    .unwrap_or("")
            })
            .unwrap_or("");
        out.push(format!(
            "the image `{src}` in {place} is not carried (docket imports no media; its alt text is kept)"
        ));
        rest = &tail[end..];
    }
    out
}

/// The exact inverse of the exporter's field escaping (`&amp;`, `&lt;`,
/// `&gt;`, `&quot;`, `<br>`), so the Docket field's TOML comes back byte
/// for byte (an HTML-to-text conversion would collapse its spaces).
pub(super) fn unescape_field(s: &str) -> String {
    s.replace("<br>", "\n")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

type Schema = (HashMap<i64, NoteType>, HashMap<i64, String>);

/// Picks (ordinal, text, text) out of one JSON field or template.
type Pick = dyn Fn(&serde_json::Value) -> Option<(i64, String, String)>;

/// Schema 11: note types and decks are JSON in the `col` row.
fn schema11(conn: &Connection) -> Result<Schema, ImportError> {
    let (models, decks): (String, String) = conn
        .query_row("SELECT models, decks FROM col", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(corrupt)?;
    let bad = |e: serde_json::Error| {
        ImportError::invalid(format!("the package's note types cannot be read: {e}"))
    };
    let models: HashMap<String, serde_json::Value> = serde_json::from_str(&models).map_err(bad)?;
    let mut out = HashMap::new();
    for (id, m) in models {
        let Ok(id) = id.parse::<i64>() else { continue };
        let list = |key: &str, f: &Pick| {
            let mut v: Vec<(i64, String, String)> = m[key]
                .as_array()
                .map(|a| a.iter().filter_map(f).collect())
                .unwrap_or_default();
            v.sort_by_key(|x| x.0);
            v
        };
        let fields = list("flds", &|f| {
            Some((
                f["ord"].as_i64()?,
                f["name"].as_str()?.to_string(),
                String::new(),
            ))
        });
        let tmpls = list("tmpls", &|t| {
            Some((
                t["ord"].as_i64()?,
                t["qfmt"].as_str()?.to_string(),
                t["afmt"].as_str()?.to_string(),
            ))
        });
        out.insert(
            id,
            NoteType {
                name: m["name"].as_str().unwrap_or("").to_string(),
                cloze: m["type"].as_i64() == Some(1),
                fields: fields.into_iter().map(|f| f.1).collect(),
                templates: tmpls.into_iter().map(|t| (t.1, t.2)).collect(),
            },
        );
    }
    let decks: HashMap<String, serde_json::Value> = serde_json::from_str(&decks).map_err(bad)?;
    let decks = decks
        .into_iter()
        .filter_map(|(id, d)| Some((id.parse().ok()?, d["name"].as_str()?.to_string())))
        .collect();
    Ok((out, decks))
}

/// Schemas 15–18: note types, fields and templates in their own tables,
/// with protobuf configs.
fn schema18(conn: &Connection) -> Result<Schema, ImportError> {
    let mut out: HashMap<i64, NoteType> = HashMap::new();
    let mut st = conn
        .prepare("SELECT id, name, config FROM notetypes")
        .map_err(corrupt)?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })
        .map_err(corrupt)?;
    for row in rows {
        let (id, name, config) = row.map_err(corrupt)?;
        let kind = protobuf::varint_field(&config, 1).ok_or_else(|| {
            ImportError::invalid(format!(
                "the note type `{name}` has a corrupt configuration"
            ))
        })?;
        out.insert(
            id,
            NoteType {
                name,
                cloze: kind == 1,
                fields: Vec::new(),
                templates: Vec::new(),
            },
        );
    }
    let mut st = conn
        .prepare("SELECT ntid, name FROM fields ORDER BY ntid, ord")
        .map_err(corrupt)?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .map_err(corrupt)?;
    for row in rows {
        let (ntid, name) = row.map_err(corrupt)?;
        if let Some(nt) = out.get_mut(&ntid) {
            nt.fields.push(name);
        }
    }
    let mut st = conn
        .prepare("SELECT ntid, config FROM templates ORDER BY ntid, ord")
        .map_err(corrupt)?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .map_err(corrupt)?;
    for row in rows {
        let (ntid, config) = row.map_err(corrupt)?;
        if let Some(nt) = out.get_mut(&ntid) {
            let q = protobuf::string(&config, 1).unwrap_or_default();
            let a = protobuf::string(&config, 2).unwrap_or_default();
            nt.templates.push((q, a));
        }
    }
    let mut st = conn
        .prepare("SELECT id, name FROM decks")
        .map_err(corrupt)?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .map_err(corrupt)?;
    let mut decks = HashMap::new();
    for row in rows {
        let (id, name) = row.map_err(corrupt)?;
        decks.insert(id, name.replace('\x1f', "::"));
    }
    Ok((out, decks))
}
