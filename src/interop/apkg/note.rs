//! One Anki note → its cards, prepared (HTML converted, text cleaned), with
//! what was skipped or not carried. Each note is converted on its own, so
//! the importer converts many at once on every core and then adds their
//! cards in note order; nothing here depends on another note.

use std::collections::HashMap;

use super::super::Skipped;
use super::super::build::PreparedCard;
use super::super::build::RawCard;
use super::super::build::prepare_card;
use super::super::csv::embedded_answer;
use super::super::html;
use super::import::NoteType;
use super::import::Plan;
use crate::deck::model::Answer;

/// A row of the `notes` table, as read.
pub struct NoteRow {
    pub id: i64,
    pub guid: String,
    pub mid: i64,
    pub tags: String,
    pub flds: String,
}

/// What every note's conversion reads: the package's note types (each with
/// its plan), its decks, the main deck's name, and its cards' (note id,
/// ordinal, deck id) rows sorted by note id and ordinal.
pub struct Context<'a> {
    pub notetypes: &'a HashMap<i64, (NoteType, Plan)>,
    pub decks: &'a HashMap<i64, String>,
    pub main_deck: &'a str,
    pub cards: &'a [(i64, i64, i64)],
}

/// Where in the package a card came from, as messages name it; made into
/// text only when something is reported.
#[derive(Clone, Copy)]
enum Item {
    Note(i64),
    Card(i64, i64),
}

impl Item {
    fn label(self) -> String {
        match self {
            Item::Note(nid) => format!("note {nid}"),
            Item::Card(nid, ord) => format!("note {nid} card {}", ord + 1),
        }
    }
}

/// One note, converted.
#[derive(Default)]
pub struct NoteOut {
    /// The note is Anki's "please update" placeholder.
    pub placeholder: bool,
    /// Cards of the note that could not be converted, in order.
    pub skipped: Vec<Skipped>,
    /// What of the note is not carried, in order.
    pub notes: Vec<Skipped>,
    /// Its cards in order, each prepared or with why it could not be (the
    /// importer reports these after every note's skips, as cards that
    /// failed cleaning always were).
    pub cards: Vec<Result<PreparedCard, Skipped>>,
}

impl NoteOut {
    fn skip(&mut self, item: Item, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            item: item.label(),
            reason: reason.into(),
        });
    }

    fn push(&mut self, item: Item, raw: RawCard) {
        self.cards.push(prepare_card(raw).map_err(|reason| Skipped {
            item: item.label(),
            reason,
        }));
    }
}

/// The (ordinal, deck id) rows of a note's cards, in ordinal order.
fn cards_of<'a>(cards: &'a [(i64, i64, i64)], nid: i64) -> &'a [(i64, i64, i64)] {
    let start = cards.partition_point(|c| c.0 < nid);
    let len = cards[start..].partition_point(|c| c.0 == nid);
    &cards[start..start + len]
}

/// Converts one note.
pub fn convert(ctx: &Context<'_>, row: NoteRow) -> NoteOut {
    let mut out = NoteOut::default();
    let NoteRow {
        id: nid,
        guid,
        mid,
        tags,
        flds,
    } = row;
    let item = Item::Note(nid);
    if flds.starts_with("Please update to the latest Anki version") {
        out.placeholder = true;
        return out;
    }
    let Some((nt, plan)) = ctx.notetypes.get(&mid) else {
        out.skip(item, "its note type is missing from the package");
        return out;
    };
    let own = plan.own;
    let values: Vec<&str> = flds.split('\x1f').collect();
    if !own {
        for why in super::import::not_carried(nt, plan, &values) {
            out.notes.push(Skipped {
                item: item.label(),
                reason: why,
            });
        }
    }
    // Fields stay HTML, converted when the card is prepared; docket's own
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
    let mine = cards_of(ctx.cards, nid);
    let mut topics: Vec<String> = tags.split_whitespace().map(str::to_string).collect();
    // A note outside the main deck (a subdeck, another deck) takes the
    // name of its first card's deck as a topic.
    if let Some(name) = mine.first().and_then(|c| ctx.decks.get(&c.2))
        && *name != ctx.main_deck
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
            out.skip(
                item,
                "an image occlusion note needs its image, which docket does not import",
            );
            return out;
        }
        let raw = RawCard {
            id: Some(own_id.clone().unwrap_or_else(|| format!("anki-{nid}"))),
            prompt: text,
            answer: Answer::Cloze(Vec::new()),
            explanation: explanation(&plan.cloze_extra),
            topics,
            html: !own,
        };
        out.push(item, raw);
        return out;
    }
    let ords: Vec<i64> = if mine.is_empty() {
        vec![0]
    } else {
        mine.iter().map(|c| c.1).collect()
    };
    for ord in ords {
        let item = if ord == 0 { item } else { Item::Card(nid, ord) };
        let Some(card_plan) = usize::try_from(ord).ok().and_then(|o| plan.cards.get(o)) else {
            out.skip(item, "its card template is missing");
            continue;
        };
        let Some((qf, af, extra)) = card_plan else {
            out.skip(
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
                .map(|v| super::import::unescape_field(v))
                .filter(|v| !v.trim().is_empty());
            if let Some(toml) = raw {
                match embedded_answer(&toml) {
                    Ok(answer) => {
                        let raw = RawCard {
                            id: Some(own_id.clone().unwrap_or_else(|| format!("anki-{nid}"))),
                            prompt: field("Prompt"),
                            answer,
                            explanation: explanation(extra),
                            topics: topics.clone(),
                            html: false,
                        };
                        out.push(item, raw);
                    }
                    Err(why) => out.skip(
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
            out.skip(item, "the answer field is empty");
            continue;
        }
        let id = match (&own_id, ord) {
            (Some(g), 0) => g.clone(),
            (_, 0) => format!("anki-{nid}"),
            (_, o) => format!("anki-{nid}-{}", o + 1),
        };
        let raw = RawCard {
            id: Some(id),
            prompt,
            answer: Answer::Basic { answer, accept },
            explanation: explanation(extra),
            topics: topics.clone(),
            html: !own,
        };
        out.push(item, raw);
    }
    out
}

/// How many cards a note can give at most (its card rows, or one), to cut
/// the notes into batches of bounded work.
pub fn most_cards(ctx: &Context<'_>, nid: i64) -> usize {
    cards_of(ctx.cards, nid).len().max(1)
}
