//! Writing a deck as an Anki package: a schema-11 `collection.anki2`
//! holding one note per card in docket's own note types ("docket" and
//! "docket cloze", so nothing collides with Anki's "Basic"), the deck named
//! after the deck's title, topics as tags, and an empty media map.
//!
//! Note guids are `<deck id>/<card id>`, so Anki updates notes when a
//! package of the same deck is imported again, and docket gets its card ids
//! back. Timestamps come from `SOURCE_DATE_EPOCH` when set (reproducible
//! output), else from the clock.

use std::io::Write;

use anyhow::Context;
use rayon::prelude::*;
use rusqlite::Connection;
use rusqlite::params;
use sha1::Digest;

use super::super::Skipped;
use super::super::csv::answer_text;
use super::CLOZE_FIELDS;
use super::CLOZE_NOTETYPE_NAME;
use super::FIELDS;
use super::NOTETYPE_NAME;
use crate::deck::Deck;
use crate::deck::model::Answer;
use crate::deck::model::Card;

/// Fixed note type ids: the same note type in every docket package lets
/// Anki recognise it instead of adding copies.
/// (The id changed when the note type gained its Options, Type and Docket
/// fields, so that Anki does not mistake it for the older five-field one.)
const NOTETYPE_ID: i64 = 1_700_000_000_103;
const CLOZE_NOTETYPE_ID: i64 = 1_700_000_000_102;

const SCHEMA: &str = "
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL,
  scm integer NOT NULL, ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL,
  ls integer NOT NULL, conf text NOT NULL, models text NOT NULL, decks text NOT NULL,
  dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL,
  sfld integer NOT NULL, csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL,
  ord integer NOT NULL, mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL,
  queue integer NOT NULL, due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL,
  reps integer NOT NULL, lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL,
  odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL,
  ease integer NOT NULL, ivl integer NOT NULL, lastIvl integer NOT NULL,
  factor integer NOT NULL, time integer NOT NULL, type integer NOT NULL);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
";

/// Anki's indexes, created after the rows: building an index once is
/// faster than updating it on every insert.
const INDEXES: &str = "
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
";

/// Cards per chunk of note rows made at once: enough for every core to
/// share, small enough that inserting starts early and little is held.
const ROW_CHUNK: usize = 4096;

const CSS: &str = ".card { font-family: sans-serif; font-size: 20px; line-height: 1.5; \
text-align: center; color: black; background-color: white; }\n\
.explanation { font-size: 16px; margin-top: 1em; }\n\
.source { font-size: 14px; color: #555; margin-top: 1em; }\n";

const EVIDENCE: &str = "{{#Explanation}}<div class=explanation>{{Explanation}}</div>{{/Explanation}}\
{{#Source}}<div class=source>{{Source}}{{#Quote}}<br>“{{Quote}}”{{/Quote}}</div>{{/Source}}";

/// The question side: the prompt, a choice card's options or an order
/// card's items, and a box to type a number or a date into (Anki compares
/// the typed text with the `Type` field).
const FRONT: &str = "{{Prompt}}{{#Options}}<div class=options>{{Options}}</div>{{/Options}}\
{{#Type}}<br>{{type:Type}}{{/Type}}";

/// Seconds since the epoch: `SOURCE_DATE_EPOCH` or now.
fn now_secs() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| chrono::Utc::now().timestamp())
}

fn field_json(names: &[&str]) -> serde_json::Value {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            serde_json::json!({"name": n, "ord": i, "sticky": false, "rtl": false,
                "font": "Arial", "size": 20, "description": "", "plainText": false,
                "collapsed": false, "excludeFromSearch": false, "media": []})
        })
        .collect()
}

fn model_json(id: i64, name: &str, cloze: bool, did: i64, m: i64) -> serde_json::Value {
    let (fields, qfmt, afmt): (&[&str], String, String) = if cloze {
        (
            &CLOZE_FIELDS,
            "{{cloze:Text}}".into(),
            format!("{{{{cloze:Text}}}}{EVIDENCE}"),
        )
    } else {
        (
            &FIELDS,
            FRONT.into(),
            format!("{FRONT}\n\n<hr id=answer>\n\n{{{{Answer}}}}{EVIDENCE}"),
        )
    };
    serde_json::json!({
        "id": id, "name": name, "type": i32::from(cloze), "mod": m, "usn": -1, "sortf": 0,
        "did": did, "css": CSS, "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
        "latexPost": "\\end{document}", "latexsvg": false, "tags": [], "vers": [],
        "req": [[0, "any", [0]]],
        "flds": field_json(fields),
        "tmpls": [{"name": if cloze { "Cloze" } else { "Card 1" }, "ord": 0, "qfmt": qfmt,
                   "afmt": afmt, "bqfmt": "", "bafmt": "", "did": null, "bfont": "", "bsize": 0}],
    })
}

/// Text as an HTML field: escaped, line breaks as `<br>`.
fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    html_into(&mut out, s);
    out
}

/// Appends `s` as an HTML field to `out`: a note's fields are written
/// into one string, without a string per field to join and free.
fn html_into(out: &mut String, s: &str) {
    // Most text needs no escape: copy the runs between special bytes whole.
    let mut rest = s;
    // ASCII bytes: never part of a multi-byte character, so `i` is a boundary.
    while let Some(i) = rest
        .bytes()
        .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\n'))
    {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "<br>",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Anki's duplicate-check sum: the first 8 hex digits of the SHA-1 of the sort field.
fn csum(sort_field: &str) -> i64 {
    let h = sha1::Sha1::digest(sort_field.as_bytes());
    i64::from(u32::from_be_bytes([h[0], h[1], h[2], h[3]]))
}

/// A stable id in Anki's millisecond range, from a text.
fn stable_id(text: &str) -> i64 {
    let h = sha2::Sha256::digest(text.as_bytes());
    let n = u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
    // 2001–2033 in milliseconds: plausible creation times, far from Anki's own ids.
    1_000_000_000_000 + (n % 1_000_000_000_000) as i64
}

/// The Options field: choices and items listed, since Anki shows fields,
/// not docket's widgets (order items sorted, so the order is not given away).
fn options_field(card: &Card) -> String {
    match &card.answer {
        Answer::Choice { options, .. } => options
            .iter()
            .enumerate()
            .map(|(i, o)| format!("{}) {}", (b'a' + i as u8) as char, html(o)))
            .collect::<Vec<_>>()
            .join("<br>"),
        Answer::Order(items) => {
            let mut shown = items.clone();
            shown.sort();
            format!("Put in order: {}", html(&shown.join("; ")))
        }
        _ => String::new(),
    }
}

/// The Type field: what to type for a number or a date card.
fn type_field(card: &Card) -> String {
    match &card.answer {
        Answer::Number(n) => html(&super::super::gift::plain_number(n.value.unwrap_or(n.low))),
        Answer::Date(d) => html(&d.to_string()),
        _ => String::new(),
    }
}

/// Appends the Docket field: the card's kind and answer keys, as a deck
/// file writes them. `scratch` is the TOML's buffer, kept by the caller
/// from card to card.
fn docket_field_into(out: &mut String, card: &Card, scratch: &mut String) {
    scratch.clear();
    scratch.push_str("kind = \"");
    scratch.push_str(card.answer.kind().name());
    scratch.push_str("\"\n");
    crate::deck::write::write_answer(scratch, &card.answer);
    html_into(out, scratch.trim_end());
}

/// One note of the package, ready to insert.
struct NoteRow {
    guid: String,
    mid: i64,
    tags: String,
    /// The fields, HTML, separated by `\x1f`.
    fields: String,
    csum: i64,
    /// The card ordinals of the note.
    ords: Vec<i64>,
    /// What the note could not carry.
    skipped: Vec<Skipped>,
}

/// Appends the evidence fields (Source, Quote), each after a separator.
fn evidence_fields(out: &mut String, deck: &Deck, card: &Card) {
    out.push('\x1f');
    for (i, e) in card.evidence.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        let title = deck.source(&e.source).map_or(&e.source, |s| &s.title);
        html_into(out, title);
    }
    out.push('\x1f');
    let quotes = card.evidence.iter().filter_map(|e| e.quote.as_deref());
    for (i, q) in quotes.enumerate() {
        if i > 0 {
            out.push_str(" / ");
        }
        html_into(out, q);
    }
}

/// The note of one card (`scratch`: a buffer to reuse, see [`docket_field_into`]).
fn note_row(deck: &Deck, card: &Card, scratch: &mut String) -> NoteRow {
    let mut skipped = Vec::new();
    let differs;
    let explanation: &str = match (&card.explanation, &card.differs) {
        (e, Some(d)) => {
            let e = e.as_deref().unwrap_or_default();
            differs = format!("{e}\n\nSources differ: {d}");
            differs.trim()
        }
        (Some(e), None) => e,
        (None, None) => "",
    };
    // The prompt, escaped, is the first field whatever the note type.
    let mut fields = String::with_capacity(2 * card.prompt.len() + 64);
    html_into(&mut fields, &card.prompt);
    let (mid, ords): (i64, Vec<i64>) = match &card.answer {
        Answer::Cloze(gaps) => {
            let mut ords: Vec<i64> = gaps
                .iter()
                .map(|g| i64::from(g.number.max(1)) - 1)
                .collect();
            ords.sort_unstable();
            ords.dedup();
            if gaps.iter().any(|g| g.answers.len() > 1) {
                skipped.push(Skipped {
                    item: format!("card `{}`", card.id),
                    reason: "Anki shows the alternatives of a gap as one answer `a|b`".into(),
                });
            }
            // Text, Explanation, Source, Quote.
            fields.push('\x1f');
            html_into(&mut fields, explanation);
            evidence_fields(&mut fields, deck, card);
            (CLOZE_NOTETYPE_ID, ords)
        }
        other => {
            // Prompt, Answer, Explanation, Source, Quote, Options, Type, Docket.
            fields.push('\x1f');
            match other {
                Answer::Basic { answer, accept } if !accept.is_empty() => {
                    html_into(
                        &mut fields,
                        &format!("{answer} (also: {})", accept.join("; ")),
                    );
                }
                Answer::Basic { answer, .. } => html_into(&mut fields, answer),
                a => html_into(&mut fields, &answer_text(a)),
            }
            fields.push('\x1f');
            html_into(&mut fields, explanation);
            evidence_fields(&mut fields, deck, card);
            fields.push('\x1f');
            fields.push_str(&options_field(card));
            fields.push('\x1f');
            fields.push_str(&type_field(card));
            fields.push('\x1f');
            docket_field_into(&mut fields, card, scratch);
            (NOTETYPE_ID, vec![0])
        }
    };
    let mut tags = String::new();
    for t in &card.topics {
        tags.push(' ');
        tags.extend(t.chars().map(|c| if c.is_whitespace() { '_' } else { c }));
    }
    if !tags.is_empty() {
        tags.push(' ');
    }
    NoteRow {
        guid: format!("{}/{}", deck.meta.id, card.id),
        mid,
        tags,
        fields,
        csum: csum(&card.prompt),
        ords,
        skipped,
    }
}

/// Writes a deck as an `.apkg`.
pub fn export(deck: &Deck) -> anyhow::Result<(Vec<u8>, Vec<Skipped>)> {
    let secs = now_secs();
    let ms = secs * 1000;
    let did = stable_id(&format!("deck:{}", deck.meta.id));
    let mut skipped = Vec::new();
    let mut zip_bytes;
    {
        // Built in memory and serialised: no temporary file to write and read back.
        let mut conn = Connection::open_in_memory().context("cannot create the collection")?;
        // A throwaway file: no journal, no syncs.
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; \
             PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -131072;",
        )?;
        conn.execute_batch(SCHEMA)?;
        let models = serde_json::json!({
            NOTETYPE_ID.to_string(): model_json(NOTETYPE_ID, NOTETYPE_NAME, false, did, secs),
            CLOZE_NOTETYPE_ID.to_string(): model_json(CLOZE_NOTETYPE_ID, CLOZE_NOTETYPE_NAME, true, did, secs),
        });
        let deck_json = |id: i64, name: &str, desc: &str| {
            serde_json::json!({"id": id, "mod": secs, "name": name, "usn": -1,
                "lrnToday": [0, 0], "revToday": [0, 0], "newToday": [0, 0], "timeToday": [0, 0],
                "collapsed": false, "browserCollapsed": false, "desc": desc, "dyn": 0,
                "conf": 1, "extendNew": 0, "extendRev": 0})
        };
        let decks = serde_json::json!({
            "1": deck_json(1, "Default", ""),
            did.to_string(): deck_json(did, &deck.meta.title.replace('\n', " "), &html(&deck.meta.description)),
        });
        let dconf = serde_json::json!({"1": {"id": 1, "mod": 0, "name": "Default", "usn": 0,
            "maxTaken": 60, "autoplay": true, "timer": 0, "replayq": true, "dyn": false,
            "new": {"bury": false, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 0], "order": 1, "perDay": 20},
            "rev": {"bury": false, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200, "hardFactor": 1.2},
            "lapse": {"delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0}}});
        let conf = serde_json::json!({"activeDecks": [1], "curDeck": 1, "newSpread": 0,
            "collapseTime": 1200, "timeLim": 0, "estTimes": true, "dueCounts": true,
            "curModel": NOTETYPE_ID, "nextPos": deck.cards.len() + 1, "sortType": "noteFld",
            "sortBackwards": false, "addToCur": true, "schedVer": 2});
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO col VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
            params![
                secs - secs.rem_euclid(86_400),
                ms,
                conf.to_string(),
                models.to_string(),
                decks.to_string(),
                dconf.to_string()
            ],
        )?;
        {
            let mut note =
                tx.prepare("INSERT INTO notes VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, ?8, 0, '')")?;
            let mut card_st = tx.prepare(
                "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, -1, 0, 0, ?6, 0, 0, 0, 0, 0, 0, 0, 0, '')",
            )?;
            let base = stable_id(&format!("notes:{}", deck.meta.id));
            let mut next_card = base;
            // Notes' rows are made on every core a chunk at a time, on a
            // thread of their own, while this thread inserts the chunk
            // before: the inserts (one thread, SQLite's) no longer wait for
            // all the rows, nor the rows for the inserts. Rows still arrive
            // and are inserted in deck order.
            std::thread::scope(|scope| -> anyhow::Result<()> {
                let (send, chunks) = std::sync::mpsc::sync_channel::<Vec<NoteRow>>(2);
                // Inserted chunks come back to be freed on the row thread,
                // off the inserts' path (a chunk is tens of thousands of strings).
                let (give_back, spent) = std::sync::mpsc::channel::<Vec<NoteRow>>();
                scope.spawn(move || {
                    for chunk in deck.cards.chunks(ROW_CHUNK) {
                        let rows = chunk
                            .par_iter()
                            .map_init(String::new, |scratch, card| note_row(deck, card, scratch))
                            .collect();
                        // A closed channel: the inserts failed and stopped.
                        if send.send(rows).is_err() {
                            break;
                        }
                        spent.try_iter().for_each(drop);
                    }
                    // Until the inserts end (or fail) and close the channel;
                    // they end only once this thread's sender is gone.
                    drop(send);
                    spent.iter().for_each(drop);
                });
                let mut pos = 0usize;
                for mut rows in chunks {
                    for row in &mut rows {
                        // Consecutive ids keep the deck's order (Anki lists notes by id);
                        // Anki matches re-imported notes by guid, so ids need not be stable.
                        let nid = base + pos as i64;
                        // The sort field is the prompt as written, not its HTML.
                        let sort = deck.cards[pos].prompt.as_str();
                        skipped.append(&mut row.skipped);
                        note.execute(params![
                            nid, row.guid, row.mid, secs, row.tags, row.fields, sort, row.csum,
                        ])?;
                        for &ord in &row.ords {
                            card_st.execute(params![
                                next_card,
                                nid,
                                did,
                                ord,
                                secs,
                                pos as i64 + 1
                            ])?;
                            next_card += 1;
                        }
                        pos += 1;
                    }
                    // A closed channel (the row thread gone): freed here instead.
                    let _ = give_back.send(rows);
                }
                drop(give_back);
                // Every card's note, or the row thread stopped short.
                anyhow::ensure!(
                    pos == deck.cards.len(),
                    "the notes of {} cards were not made",
                    deck.cards.len() - pos
                );
                Ok(())
            })?;
        }
        tx.execute_batch(INDEXES)?;
        tx.commit()?;
        // Zipped from SQLite's own copy of the database: no copy of ours.
        let db = conn.serialize(rusqlite::MAIN_DB)?;
        // Deflate makes the database about a quarter of its size or less.
        zip_bytes = Vec::with_capacity(db.len() / 4);
        let mut zw = zip::ZipWriter::new(std::io::Cursor::new(&mut zip_bytes));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
            .last_modified_time(zip::DateTime::default());
        zw.start_file("collection.anki2", opts)?;
        zw.write_all(&db)?;
        zw.start_file("media", opts)?;
        zw.write_all(b"{}")?;
        zw.finish()?;
    }
    Ok((zip_bytes, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escape as it was written before runs were copied whole: a
    /// character at a time.
    fn html_by_char(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\n' => out.push_str("<br>"),
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn fields_are_escaped_as_a_character_at_a_time() {
        for s in [
            "",
            "plain",
            "&",
            "a<b>c\"d&e\nf",
            "ends with <",
            "\n\n",
            "ünïcödé → “quotes” & <tags>\n日本語",
            "é&é<é",
        ] {
            assert_eq!(html(s), html_by_char(s), "{s:?}");
            let mut appended = String::from("x\x1f");
            html_into(&mut appended, s);
            assert_eq!(appended, format!("x\x1f{}", html_by_char(s)));
        }
    }
}
