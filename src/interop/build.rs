//! Building a valid deck from foreign data: every importer goes through
//! [`DeckBuilder`], which cleans text (no control characters, no empty
//! strings), gives each card an id that is valid and unique, and so
//! guarantees that what an import writes passes `docket check`.

use std::collections::HashSet;
use std::path::PathBuf;

use sha2::Digest;

use super::Imported;
use super::Skipped;
use super::html;
use super::limits::MAX_FIELD_BYTES;
use crate::deck::cloze::parse_gaps;
use crate::deck::model::Answer;
use crate::deck::model::Card;
use crate::deck::model::CardSpans;
use crate::deck::model::DEFAULT_DESIRED_RETENTION;
use crate::deck::model::Deck;
use crate::deck::model::DeckMeta;
use crate::deck::parse::is_forbidden_control;

/// The longest id the deck format allows.
const MAX_ID: usize = 64;

/// Collects cards for one imported deck.
#[derive(Debug)]
pub struct DeckBuilder {
    meta: DeckMeta,
    cards: Vec<Card>,
    ids: HashSet<String>,
    skipped: Vec<Skipped>,
    notes: Vec<Skipped>,
}

/// A card as an importer sees it, before cleaning.
#[derive(Debug, Clone)]
pub struct RawCard {
    /// Preferred id (made valid and unique), or `None` to derive one from the prompt.
    pub id: Option<String>,
    /// The question.
    pub prompt: String,
    /// The answer.
    pub answer: Answer,
    /// Why.
    pub explanation: Option<String>,
    /// Tags.
    pub topics: Vec<String>,
    /// Whether the texts are HTML, to be converted to text (in parallel, by
    /// [`DeckBuilder::add_all`]).
    pub html: bool,
}

impl DeckBuilder {
    /// A builder for a deck titled `title`, with an id derived from `name`
    /// (usually the imported file's stem).
    pub fn new(name: &str, title: &str, description: &str) -> Self {
        let mut id = slug(name, MAX_ID);
        if id.is_empty() {
            id = "imported".into();
        }
        let title = clean(title).unwrap_or_else(|| id.clone());
        DeckBuilder {
            meta: DeckMeta {
                id,
                title,
                description: clean(description)
                    .unwrap_or_else(|| "Imported with docket import.".into()),
                language: None,
                desired_retention: DEFAULT_DESIRED_RETENTION,
                authors: Vec::new(),
            },
            cards: Vec::new(),
            ids: HashSet::new(),
            skipped: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Sets the deck title.
    pub fn set_title(&mut self, title: &str) {
        if let Some(t) = clean(title) {
            self.meta.title = t;
        }
    }

    /// Records an item that could not be converted.
    pub fn skip(&mut self, item: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            item: item.into(),
            reason: reason.into(),
        });
    }

    /// Records something of a converted item that is not carried.
    pub fn note(&mut self, item: impl Into<String>, reason: impl Into<String>) {
        self.notes.push(Skipped {
            item: item.into(),
            reason: reason.into(),
        });
    }

    /// Cards added so far.
    pub fn len(&self) -> usize {
        self.cards.len()
    }

    /// Whether no card was added.
    pub fn is_empty(&self) -> bool {
        self.cards.is_empty()
    }

    /// Cleans and adds a card; when its text is unusable, records why under
    /// `item` instead. Returns whether the card was added.
    pub fn add(&mut self, item: &str, raw: RawCard) -> bool {
        let prepared = prepare(raw);
        self.push(item, prepared)
    }

    /// Adds many cards: they are converted and cleaned in parallel, then
    /// given unique ids in order, so the result is the same as adding them
    /// one by one.
    pub fn add_all(&mut self, items: Vec<(String, RawCard)>) {
        use rayon::prelude::*;
        let prepared: Vec<(String, Result<Card, String>)> = items
            .into_par_iter()
            .map(|(item, raw)| (item, prepare(raw)))
            .collect();
        self.cards.reserve(prepared.len());
        for (item, p) in prepared {
            self.push(&item, p);
        }
    }

    /// Makes room for `n` more cards.
    pub fn reserve(&mut self, n: usize) {
        self.cards.reserve(n);
        self.ids.reserve(n);
    }

    /// Adds a card prepared by [`prepare_card`] (on any thread), giving it
    /// a unique id: preparing cards one by one and adding them in order
    /// gives the same deck as [`DeckBuilder::add`].
    pub fn add_prepared(&mut self, card: PreparedCard) {
        self.push("", Ok(card.0));
    }

    fn push(&mut self, item: &str, prepared: Result<Card, String>) -> bool {
        match prepared {
            Ok(mut card) => {
                card.id = self.unique(std::mem::take(&mut card.id));
                self.ids.insert(card.id.clone());
                self.cards.push(card);
                true
            }
            Err(reason) => {
                self.skip(item, reason);
                false
            }
        }
    }

    fn unique(&self, base: String) -> String {
        if !self.ids.contains(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !self.ids.contains(id))
            .unwrap_or(base)
    }

    /// The finished deck and what was skipped.
    pub fn finish(self, path: PathBuf) -> Imported {
        Imported {
            deck: Deck {
                path,
                meta: self.meta,
                sources: Vec::new(),
                cards: self.cards,
            },
            skipped: self.skipped,
            notes: self.notes,
        }
    }
}

/// A card cleaned and converted by [`prepare_card`], waiting for its
/// unique id from [`DeckBuilder::add_prepared`]. Only this module makes
/// one, so every card a builder holds was cleaned.
#[derive(Debug)]
pub struct PreparedCard(Card);

/// Cleans and converts a raw card, without a builder, so that importers can
/// prepare cards on several threads; the error says why it is unusable.
pub fn prepare_card(raw: RawCard) -> Result<PreparedCard, String> {
    prepare(raw).map(PreparedCard)
}

/// A card from raw input, with its preferred (not yet unique) id.
fn prepare(mut raw: RawCard) -> Result<Card, String> {
    // Bound the work per field: no real card has a megabyte-long field.
    let longest = raw_texts(&raw).map(str::len).max().unwrap_or(0);
    if longest > MAX_FIELD_BYTES {
        return Err(format!(
            "a field is {longest} bytes long; the limit is {} KiB",
            MAX_FIELD_BYTES / 1024
        ));
    }
    if raw.html {
        let t = |s: &mut String| *s = html::to_text(s);
        t(&mut raw.prompt);
        if let Some(e) = raw.explanation.as_mut() {
            t(e);
        }
        match &mut raw.answer {
            Answer::Basic { answer, accept } => {
                t(answer);
                accept.iter_mut().for_each(t);
            }
            Answer::Choice { options, .. } => options.iter_mut().for_each(t),
            Answer::Order(items) => items.iter_mut().for_each(t),
            _ => {}
        }
    }
    let prompt = clean(&raw.prompt).ok_or("the question is empty")?;
    let answer = clean_answer(raw.answer, &prompt)?;
    let id = match raw.id.as_deref().map(|s| slug(s, MAX_ID - 9)) {
        Some(s) if !s.is_empty() => s,
        _ => derived_id(&prompt),
    };
    let mut topics: Vec<String> = Vec::new();
    for t in raw.topics.iter().filter_map(|t| clean(t)) {
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    Ok(Card {
        id,
        prompt,
        answer,
        explanation: raw.explanation.as_deref().and_then(clean),
        topics,
        evidence: Vec::new(),
        differs: None,
        spans: CardSpans::default(),
    })
}

/// Every text of a raw card.
fn raw_texts(raw: &RawCard) -> impl Iterator<Item = &str> {
    let answer: Vec<&str> = match &raw.answer {
        Answer::Basic { answer, accept } => std::iter::once(answer.as_str())
            .chain(accept.iter().map(String::as_str))
            .collect(),
        Answer::Choice { options, .. } => options.iter().map(String::as_str).collect(),
        Answer::Order(items) => items.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    [Some(raw.prompt.as_str()), raw.explanation.as_deref()]
        .into_iter()
        .flatten()
        .chain(raw.topics.iter().map(String::as_str))
        .chain(answer)
}

fn clean_answer(answer: Answer, prompt: &str) -> Result<Answer, String> {
    let list =
        |items: Vec<String>| -> Vec<String> { items.iter().filter_map(|s| clean(s)).collect() };
    Ok(match answer {
        Answer::Basic { answer, accept } => {
            // Alternatives are kept as given (even repeats), so that a deck
            // written out and read back is unchanged.
            let answer = clean(&answer).ok_or("the answer is empty")?;
            Answer::Basic {
                answer,
                accept: list(accept),
            }
        }
        Answer::Choice { options, correct } => {
            let cleaned: Vec<Option<String>> = options.iter().map(|o| clean(o)).collect();
            if cleaned.iter().any(Option::is_none) {
                return Err("an option is empty".into());
            }
            let options: Vec<String> = cleaned.into_iter().flatten().collect();
            if !(2..=10).contains(&options.len()) {
                return Err(format!(
                    "a choice card needs 2 to 10 options, this one has {}",
                    options.len()
                ));
            }
            for (i, o) in options.iter().enumerate() {
                if options[..i].contains(o) {
                    return Err(format!("the option `{o}` appears twice"));
                }
            }
            let mut correct: Vec<usize> =
                correct.into_iter().filter(|&i| i < options.len()).collect();
            correct.sort_unstable();
            correct.dedup();
            if correct.is_empty() {
                return Err("no option is marked right".into());
            }
            Answer::Choice { options, correct }
        }
        Answer::Order(items) => {
            let items = list(items);
            if !(2..=10).contains(&items.len()) {
                return Err("an order card needs 2 to 10 items".into());
            }
            Answer::Order(items)
        }
        // The gaps are re-read from the cleaned prompt so the two always agree.
        Answer::Cloze(_) => Answer::Cloze(parse_gaps(prompt).map_err(|e| e.message)?),
        Answer::Number(n) => {
            if !(n.low.is_finite() && n.high.is_finite() && n.value.is_none_or(f64::is_finite)) {
                return Err("the number is not finite".into());
            }
            Answer::Number(crate::deck::number::NumberAnswer {
                unit: n.unit.as_deref().and_then(clean),
                ..n
            })
        }
        other => other,
    })
}

/// Text as a deck may hold it: control characters dropped, line endings
/// normalised, outer whitespace trimmed; `None` when nothing is left.
pub fn clean(s: &str) -> Option<String> {
    // Fast path for the common case, which large imports are made of.
    if !s.chars().any(|c| {
        c.is_control() && c != '\n' && c != '\t' || c == '\u{FEFF}' || is_forbidden_control(c)
    }) {
        let t = s.trim();
        return (!t.is_empty()).then(|| t.to_string());
    }
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let s: String = s
        .chars()
        .filter(|c| !is_forbidden_control(*c) && *c != '\u{FEFF}')
        .collect();
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Lowercase letters, digits and single dashes, at most `max` bytes.
pub fn slug(s: &str, max: usize) -> String {
    // An id that is already valid is kept as it is, so ids survive round trips.
    if !s.is_empty()
        && s.len() <= max
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= max {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// An id for a card that brought none: a few words of the prompt and a
/// short hash of all of it, so that re-importing the same file gives the
/// same ids.
fn derived_id(prompt: &str) -> String {
    let words: Vec<&str> = prompt.split_whitespace().take(5).collect();
    let mut base = slug(&words.join(" "), 40);
    let hash = sha2::Sha256::digest(prompt.as_bytes());
    if base.is_empty() {
        base = "card".into();
    }
    format!("{base}-{}", hex::encode(&hash[..3]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_valid_unique_and_stable() {
        let mut b = DeckBuilder::new("My Deck!", "t", "");
        let raw = RawCard {
            id: None,
            prompt: "Who? \u{7} ".into(),
            answer: Answer::Basic {
                answer: "Me".into(),
                accept: vec!["".into(), "me".into()],
            },
            explanation: Some("  ".into()),
            topics: vec!["a".into(), "a".into()],
            html: false,
        };
        assert!(b.add("line 1", raw.clone()));
        assert!(b.add("line 2", raw));
        let d = b.finish(PathBuf::from("x.toml")).deck;
        assert_eq!(d.meta.id, "my-deck");
        assert_eq!(d.cards[0].prompt, "Who?");
        assert_eq!(d.cards[1].id, format!("{}-2", d.cards[0].id));
        assert_eq!(d.cards[0].explanation, None);
        assert_eq!(d.cards[0].topics, ["a"]);
    }
}
