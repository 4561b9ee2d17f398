//! From a package's review history to docket progress for the deck the
//! package became: each Anki card is matched to its docket card by the
//! same ids the card importer gives (`anki-<note id>`, `anki-<note id>-N`
//! for a note's further cards, the docket id of docket's own notes), its
//! log is replayed ([`super::replay`]), and what cannot be matched or
//! replayed is listed with the reason.

use std::collections::HashMap;
use std::collections::HashSet;

use fsrs::FSRS;

use super::super::Skipped;
use super::history::AnkiCard;
use super::history::AnkiHistory;
use super::replay::duration_ms;
use super::replay::replay;
use crate::clock::Days;
use crate::deck::Deck;
use crate::deck::model::CardKind;
use crate::store::Answer;
use crate::store::ImportedCard;

/// What a history import will write, and what it leaves out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgressImport {
    /// Cards with imported progress.
    pub cards: Vec<ImportedCard>,
    /// Answers imported (log rows written).
    pub reviews: usize,
    /// Anki cards, or log rows, left out, with why.
    pub skipped: Vec<Skipped>,
    /// Imported cards replayed with their preset's own FSRS parameters
    /// (the others with the crate's defaults).
    pub preset_params: usize,
    /// Log rows of imported cards that are not part of their FSRS history
    /// (manual changes, cram answers, answers before a reset).
    pub left_out: usize,
}

/// The docket id an Anki card became, if the deck has it.
fn docket_id<'d>(card: &AnkiCard, ids: &HashMap<&'d str, usize>) -> Option<&'d str> {
    let mut candidates = Vec::new();
    if card.ord == 0 {
        candidates.push(format!("anki-{}", card.note_id));
        // docket's own notes carry `deck id/card id` as their guid.
        if let Some((_, own)) = card.guid.rsplit_once('/') {
            candidates.push(own.to_string());
        }
    } else {
        candidates.push(format!(
            "anki-{}-{}",
            card.note_id,
            card.ord.saturating_add(1)
        ));
    }
    candidates
        .iter()
        .find_map(|c| ids.get_key_value(c.as_str()).map(|(k, _)| *k))
}

/// Matches and replays every reviewed card of `history` against `deck`,
/// each with its preset's FSRS parameters (the defaults when it has none).
pub fn progress(history: &AnkiHistory, deck: &Deck, days: Days) -> ProgressImport {
    let ids: HashMap<&str, usize> = deck
        .cards
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut per_note: HashMap<i64, usize> = HashMap::new();
    for c in &history.cards {
        *per_note.entry(c.note_id).or_default() += 1;
    }
    let mut out = ProgressImport::default();
    if history.orphan_rows > 0 {
        out.skipped.push(Skipped {
            item: format!("{} review-log rows", history.orphan_rows),
            reason: "their cards are not in the package".into(),
        });
    }
    let mut used: HashSet<&str> = HashSet::new();
    for card in history.cards.iter().filter(|c| !c.revlog.is_empty()) {
        let item = format!("Anki card {} (note {})", card.card_id, card.note_id);
        let skip = |reason: String| Skipped {
            item: item.clone(),
            reason,
        };
        let Some(id) = docket_id(card, &ids) else {
            out.skipped.push(skip(
                "its note was not converted into a card, so its reviews were not imported".into(),
            ));
            continue;
        };
        let position = ids[id];
        let docket_card = &deck.cards[position];
        if docket_card.kind() == CardKind::Cloze && per_note[&card.note_id] > 1 {
            out.skipped.push(skip(format!(
                "docket keeps cloze note {} as one card, but Anki's {} cards of it have separate histories",
                card.note_id, per_note[&card.note_id]
            )));
            continue;
        }
        if !used.insert(id) {
            out.skipped.push(skip(format!(
                "another Anki card already gave `{id}` its history"
            )));
            continue;
        }
        let params = history
            .deck_params
            .get(&card.deck_id)
            .map_or(&[][..], Vec::as_slice);
        let fsrs = match FSRS::new(params) {
            Ok(f) => f,
            Err(e) => {
                out.skipped.push(skip(format!(
                    "its preset's {} FSRS parameters are unusable ({e})",
                    params.len()
                )));
                continue;
            }
        };
        let replayed = match replay(&card.revlog, days, &fsrs) {
            Ok(Some(r)) => r,
            Ok(None) => continue,
            Err(reason) => {
                out.skipped.push(skip(reason));
                continue;
            }
        };
        let content_hash = docket_card.content_hash();
        let log: Vec<Answer> = replayed
            .answers
            .iter()
            .map(|a| Answer {
                deck_id: deck.meta.id.clone(),
                card_id: id.to_string(),
                ts_ms: a.entry.id_ms,
                rating: Some(a.rating),
                kind: a.kind,
                before: a.before,
                after: a.after,
                elapsed_days: a.delta_t,
                elapsed_secs: a.elapsed_secs,
                r_before: None,
                r_after: None,
                duration_ms: duration_ms(&a.entry),
                content_hash: content_hash.clone(),
                session_id: None,
            })
            .collect();
        out.reviews += log.len();
        out.preset_params += usize::from(!params.is_empty());
        out.left_out += replayed.left_out;
        out.cards.push(ImportedCard {
            card_id: id.to_string(),
            position: position as u32,
            content_hash,
            state: replayed.state,
            log,
        });
    }
    out
}
