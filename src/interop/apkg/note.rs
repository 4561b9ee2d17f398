//! One Anki note → its cards, prepared (HTML converted, text cleaned), with
//! what was skipped or not carried. Each note is converted on its own, so
//! the importer converts many at once on every core and then adds their
//! cards in note order; nothing here depends on another note.

use std::collections::HashMap;
use std::ops::Range;

use super::super::Skipped;
use super::super::build::PreparedCard;
use super::super::build::RawCard;
use super::super::build::prepare_card;
use super::super::csv::embedded_answer;
use super::super::html;
use super::import::NoteType;
use super::import::Plan;
use crate::deck::model::Answer;

/// A row of the `notes` table, as read, with where its cards' rows are.
pub struct NoteRow {
    pub id: i64,
    pub guid: String,
    pub mid: i64,
    pub tags: String,
    pub flds: String,
    /// Its cards' rows in [`Context::cards`].
    pub cards: Range<usize>,
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

/// Consecutive notes, converted: what each list holds is in note order,
/// and `notes` says how many cards each note gave. Notes are converted a
/// run at a time into one of these (not one allocation per note).
#[derive(Default)]
pub struct Converted {
    /// Per note: whether it is Anki's "please update" placeholder, and how
    /// many entries of `cards` are its.
    pub notes: Vec<(bool, usize)>,
    /// Cards that could not be converted.
    pub skipped: Vec<Skipped>,
    /// What of the notes is not carried.
    pub not_carried: Vec<Skipped>,
    /// The cards, each prepared or with why it could not be (the importer
    /// reports these after every note's skips, as cards that failed
    /// cleaning always were).
    pub cards: Vec<Result<PreparedCard, Skipped>>,
}

impl Converted {
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

/// The cards' rows of the note `nid`, starting the search at `from`: notes
/// are read in id order, so each note's rows follow the previous note's.
pub fn cards_from(cards: &[(i64, i64, i64)], from: usize, nid: i64) -> Range<usize> {
    let mut start = from;
    while start < cards.len() && cards[start].0 < nid {
        start += 1;
    }
    let mut end = start;
    while end < cards.len() && cards[end].0 == nid {
        end += 1;
    }
    start..end
}

/// Converts one note into `out`.
pub fn convert(ctx: &Context<'_>, row: NoteRow, out: &mut Converted) {
    let before = out.cards.len();
    let placeholder = convert_note(ctx, row, out);
    out.notes.push((placeholder, out.cards.len() - before));
}

/// Converts one note; returns whether it is the placeholder.
fn convert_note(ctx: &Context<'_>, row: NoteRow, out: &mut Converted) -> bool {
    let NoteRow {
        id: nid,
        guid,
        mid,
        tags,
        flds,
        cards,
    } = row;
    let item = Item::Note(nid);
    if flds.starts_with("Please update to the latest Anki version") {
        return true;
    }
    let Some((nt, plan)) = ctx.notetypes.get(&mid) else {
        out.skip(item, "its note type is missing from the package");
        return false;
    };
    let own = plan.own;
    let values: Vec<&str> = flds.split('\x1f').collect();
    if !own {
        for why in super::import::not_carried(nt, plan, &values) {
            out.not_carried.push(Skipped {
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
    let mine = &ctx.cards[cards];
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
            return false;
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
        return false;
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
    false
}
