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
use super::super::build::DeckBuilder;
use super::super::build::RawCard;
use super::super::csv::embedded_answer;
use super::super::csv::stem;
use super::super::html;
use super::super::limits::MAX_CARDS;
use super::collection::corrupt;
use super::collection::open_collection;
use super::protobuf;
use super::templates::field_refs;
use super::templates::question_and_answer;
use crate::deck::model::Answer;

/// A note type, reduced to what conversion needs.
#[derive(Debug, Clone)]
struct NoteType {
    name: String,
    cloze: bool,
    fields: Vec<String>,
    /// (question format, answer format) by template ordinal.
    templates: Vec<(String, String)>,
}

/// How a note type's fields become cards, worked out once per note type.
#[derive(Debug, Clone, Default)]
struct Plan {
    /// Whether this is docket's own note type.
    own: bool,
    /// For cloze types: the cloze field.
    cloze_text: Option<String>,
    /// For normal types, by template: (question, answer, explanation fields).
    cards: Vec<Option<(String, String, Vec<String>)>>,
    /// For cloze types: the explanation fields.
    cloze_extra: Vec<String>,
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
    let mut cards_of: HashMap<i64, Vec<i64>> = HashMap::new();
    // The deck of each note's first card: a note outside the main deck (a
    // subdeck, another deck) takes its deck's name as a topic.
    let mut deck_of: HashMap<i64, i64> = HashMap::new();
    let mut deck_use: HashMap<i64, usize> = HashMap::new();
    {
        let mut st = conn
            .prepare("SELECT nid, ord, did FROM cards ORDER BY nid, ord")
            .map_err(corrupt)?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(corrupt)?;
        for row in rows {
            let (nid, ord, did) = row.map_err(corrupt)?;
            cards_of.entry(nid).or_default().push(ord);
            deck_of.entry(nid).or_insert(did);
            *deck_use.entry(did).or_default() += 1;
        }
    }
    let stem = stem(name);
    let main_deck = deck_use
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
    let mut st = conn
        .prepare("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
        .map_err(corrupt)?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .map_err(corrupt)?;
    let mut placeholder = false;
    let mut plans: HashMap<i64, Plan> = HashMap::new();
    let mut pending: Vec<(String, RawCard)> = Vec::new();
    for row in rows {
        let (nid, guid, mid, tags, flds) = row.map_err(corrupt)?;
        if pending.len() >= MAX_CARDS {
            return Err(ImportError::invalid(
                "the package has more than a million cards",
            ));
        }
        let item = format!("note {nid}");
        if flds.starts_with("Please update to the latest Anki version") {
            placeholder = true;
            continue;
        }
        let Some(nt) = notetypes.get(&mid) else {
            b.skip(item, "its note type is missing from the package");
            continue;
        };
        let plan = plans.entry(mid).or_insert_with(|| plan(nt));
        let own = plan.own;
        let values: Vec<&str> = flds.split('\x1f').collect();
        if !own {
            for why in not_carried(nt, plan, &values) {
                b.note(item.clone(), why);
            }
        }
        // Fields stay HTML and are converted later, in parallel; docket's own
        // notes are converted now because their answer field is parsed here.
        let field = |n: &str| -> String {
            let raw = nt
                .fields
                .iter()
                .position(|f| f == n)
                .and_then(|i| values.get(i))
                .copied()
                .unwrap_or_default();
            if own {
                html::to_text(raw)
            } else {
                raw.to_string()
            }
        };
        let mut topics: Vec<String> = tags.split_whitespace().map(str::to_string).collect();
        if let Some(name) = deck_of.get(&nid).and_then(|d| decks.get(d))
            && *name != main_deck
        {
            topics.push(name.clone());
        }
        let own_id = own
            .then(|| guid.rsplit('/').next().unwrap_or("").to_string())
            .filter(|g| !g.is_empty());
        let explanation = |names: &[String]| -> Option<String> {
            let mut parts: Vec<String> = Vec::new();
            for n in names {
                let v = field(n);
                if !v.trim().is_empty() && !parts.contains(&v) {
                    parts.push(v);
                }
            }
            let gap = if own { "\n\n" } else { "<br><br>" };
            (!parts.is_empty()).then(|| parts.join(gap))
        };
        if let Some(text_field) = &plan.cloze_text {
            let text = field(text_field);
            if text.contains("image-occlusion:") {
                b.skip(
                    item,
                    "an image occlusion note needs its image, which docket does not import",
                );
                continue;
            }
            pending.push((
                item,
                RawCard {
                    id: Some(own_id.clone().unwrap_or_else(|| format!("anki-{nid}"))),
                    prompt: text,
                    answer: Answer::Cloze(Vec::new()),
                    explanation: explanation(&plan.cloze_extra),
                    topics,
                    html: !own,
                },
            ));
            continue;
        }
        let ords = cards_of.get(&nid).cloned().unwrap_or_else(|| vec![0]);
        for ord in ords {
            let item = if ord == 0 {
                item.clone()
            } else {
                format!("note {nid} card {}", ord + 1)
            };
            let Some(card_plan) = usize::try_from(ord).ok().and_then(|o| plan.cards.get(o)) else {
                b.skip(item, "its card template is missing");
                continue;
            };
            let Some((qf, af, extra)) = card_plan else {
                b.skip(
                    item,
                    format!(
                        "the note type `{}` does not say which field is the answer",
                        nt.name
                    ),
                );
                continue;
            };
            // docket's own notes carry the card's kind and answer keys.
            if own && ord == 0 {
                let raw = nt
                    .fields
                    .iter()
                    .position(|f| f == "Docket")
                    .and_then(|i| values.get(i))
                    .map(|v| unescape_field(v))
                    .filter(|v| !v.trim().is_empty());
                if let Some(toml) = raw {
                    match embedded_answer(&toml) {
                        Ok(answer) => pending.push((
                            item,
                            RawCard {
                                id: Some(own_id.clone().unwrap_or_else(|| format!("anki-{nid}"))),
                                prompt: field("Prompt"),
                                answer,
                                explanation: explanation(extra),
                                topics: topics.clone(),
                                html: false,
                            },
                        )),
                        Err(why) => b.skip(
                            item,
                            format!("its Docket field is not a card's answer: {why}"),
                        ),
                    }
                    continue;
                }
            }
            let (prompt, mut answer) = (field(qf), field(af));
            let mut accept = Vec::new();
            // docket's exporter writes accepted answers as "answer (also: a; b)".
            if own
                && let Some(open) = answer.find(" (also: ")
                && answer.ends_with(')')
            {
                accept = answer[open + 8..answer.len() - 1]
                    .split("; ")
                    .map(str::to_string)
                    .collect();
                answer.truncate(open);
            }
            if answer.trim().is_empty() {
                b.skip(item, "the answer field is empty");
                continue;
            }
            let id = match (&own_id, ord) {
                (Some(g), 0) => g.clone(),
                (_, 0) => format!("anki-{nid}"),
                (_, o) => format!("anki-{nid}-{}", o + 1),
            };
            pending.push((
                item,
                RawCard {
                    id: Some(id),
                    prompt,
                    answer: Answer::Basic { answer, accept },
                    explanation: explanation(extra),
                    topics: topics.clone(),
                    html: !own,
                },
            ));
        }
    }
    b.add_all(pending);
    if b.is_empty() {
        if placeholder {
            return Err(ImportError::invalid(
                "this package holds only Anki's \"please update\" placeholder: its real collection is missing",
            ));
        }
        let mut types: Vec<&str> = notetypes.values().map(|n| n.name.as_str()).collect();
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

/// What of a note docket does not carry, one reason each: fields that no
/// card shows (docket reads what the templates show), and media (sounds
/// are dropped, images become their alt text).
fn not_carried(nt: &NoteType, plan: &Plan, values: &[&str]) -> Vec<String> {
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
        out.extend(media_notes(&format!("`{name}`"), value));
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
fn unescape_field(s: &str) -> String {
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
