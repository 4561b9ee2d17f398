//! The form and its key. The form is what every student gets: the chosen
//! items in a fixed order with fixed option orders, prompts only, and a
//! fingerprint. The key stays with the teacher: each item's card (answer,
//! grading rules, evidence), its option order, and the deck's hash.

use std::path::Path;

use serde::Deserialize;
use serde::Serialize;

use super::error::QuizFileError;
use super::error::SelectError;
use super::hashing::derive_seed;
use super::hashing::sha256_hex;
use super::key_card::KeyCard;
use super::selection::Selection;
use super::selection::select;
use crate::deck::cloze;
use crate::deck::model::Answer;
use crate::deck::model::Card;
use crate::deck::model::Deck;
use crate::grade::Presentation;
use crate::grade::present;

/// The `format` of form files.
pub const FORM_FORMAT: &str = "docket-quiz-form/1";
/// The `format` of key files.
pub const KEY_FORMAT: &str = "docket-quiz-key/1";

/// What students get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Form {
    /// Always [`FORM_FORMAT`].
    pub format: String,
    /// The deck's title.
    pub title: String,
    /// The deck's id.
    pub deck_id: String,
    /// Time allowed, if any.
    pub time_limit_minutes: Option<u32>,
    /// The items in order.
    pub items: Vec<FormItem>,
    /// SHA-256 of this form with an empty fingerprint; results carry it.
    pub fingerprint: String,
}

/// One question as students see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormItem {
    /// `q01`, `q02`…: stable within the form, says nothing about the card.
    pub id: String,
    /// Card kind name (`choice`, `basic`…).
    pub kind: String,
    /// The question (cloze gaps masked).
    pub prompt: String,
    /// Options in shown order (labelled a, b, c…), for choice and order items.
    pub options: Vec<String>,
    /// Whether several options may be right.
    pub multiple: bool,
    /// Number of gaps of a cloze item.
    pub gaps: usize,
    /// Unit of a number item.
    pub unit: Option<String>,
}

/// What the teacher keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Key {
    /// Always [`KEY_FORMAT`].
    pub format: String,
    /// The fingerprint of the form this key belongs to.
    pub form_fingerprint: String,
    /// The deck the quiz came from.
    pub deck: KeyDeck,
    /// The seed the form was made with.
    pub seed: u64,
    /// The form's time limit, to check the sittings' times against (keys
    /// made before it was recorded have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_minutes: Option<u32>,
    /// The sources the items cite.
    pub sources: Vec<KeySource>,
    /// One entry per form item, in form order.
    pub items: Vec<KeyItem>,
    /// Changes made after the quiz (accepted answers, removed items), in
    /// order; absent in a key as made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regrades: Vec<super::regrade::Regrade>,
}

/// The deck a key was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyDeck {
    /// Deck id.
    pub id: String,
    /// Deck title.
    pub title: String,
    /// File name (no directory, so the key does not depend on where it was made).
    pub file: String,
    /// SHA-256 of the deck file's text.
    pub sha256: String,
}

/// A cited source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeySource {
    /// Source id.
    pub id: String,
    /// Headline.
    pub title: String,
    /// Publisher.
    pub publisher: Option<String>,
    /// Date as written.
    pub date: Option<String>,
    /// Where it was published.
    pub url: Option<String>,
}

/// An item's answer and how it was shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyItem {
    /// The form item id.
    pub id: String,
    /// `order[i]` is the deck index of the option shown at position `i`.
    pub order: Vec<usize>,
    /// The card.
    pub card: KeyCard,
}

impl Form {
    /// The fingerprint this form should carry.
    pub fn compute_fingerprint(&self) -> String {
        let mut bare = self.clone();
        bare.fingerprint = String::new();
        sha256_hex(&serde_json::to_vec(&bare).unwrap_or_default())
    }

    /// Reads and verifies a form file.
    pub fn read(path: &Path) -> Result<Form, QuizFileError> {
        let form: Form = read_json(path, "form")?;
        let path = path.to_path_buf();
        if form.format != FORM_FORMAT {
            return Err(QuizFileError::WrongFormat {
                path,
                what: "form",
                found: form.format,
            });
        }
        if form.items.is_empty() {
            return Err(QuizFileError::NoItems { path, what: "form" });
        }
        if form.compute_fingerprint() != form.fingerprint {
            return Err(QuizFileError::FormChanged { path });
        }
        Ok(form)
    }

    /// Looks an item up by id.
    pub fn position(&self, item_id: &str) -> Option<usize> {
        self.items.iter().position(|i| i.id == item_id)
    }
}

impl Key {
    /// Reads a key file and checks every card in it.
    pub fn read(path: &Path) -> Result<Key, QuizFileError> {
        let key: Key = read_json(path, "key")?;
        let path = path.to_path_buf();
        if key.format != KEY_FORMAT {
            return Err(QuizFileError::WrongFormat {
                path,
                what: "key",
                found: key.format,
            });
        }
        if key.items.is_empty() {
            return Err(QuizFileError::NoItems { path, what: "key" });
        }
        for item in &key.items {
            let bad = |detail: String| QuizFileError::BadKeyItem {
                path: path.clone(),
                item: item.id.clone(),
                detail,
            };
            let card = item.card.to_card().map_err(bad)?;
            let n = option_count(&card);
            let mut sorted = item.order.clone();
            sorted.sort_unstable();
            if sorted != (0..n).collect::<Vec<_>>() {
                return Err(bad(format!(
                    "the option order does not fit its {n} options"
                )));
            }
        }
        Ok(key)
    }

    /// The card of item `i` and the presentation students saw.
    pub fn graded_item(&self, i: usize) -> (Card, Presentation) {
        let item = &self.items[i];
        // `read` already checked the card, so this cannot fail for a read key.
        let card = item.card.to_card().unwrap_or_else(|_| fallback_card());
        let shown = shown_presentation(&card, &item.order);
        (card, shown)
    }

    /// Looks a source up by id.
    pub fn source(&self, id: &str) -> Option<&KeySource> {
        self.sources.iter().find(|s| s.id == id)
    }
}

fn fallback_card() -> Card {
    KeyCard {
        id: String::new(),
        prompt: String::new(),
        answer: super::key_card::KeyAnswer::TrueFalse { answer: true },
        explanation: None,
        topics: Vec::new(),
        evidence: Vec::new(),
        differs: None,
    }
    .to_card()
    .expect("a true/false card is always valid")
}

fn option_count(card: &Card) -> usize {
    match &card.answer {
        Answer::Choice { options, .. } => options.len(),
        Answer::Order(items) => items.len(),
        _ => 0,
    }
}

/// The presentation of a card with a given option order.
pub fn shown_presentation(card: &Card, order: &[usize]) -> Presentation {
    let mut shown = present(card, None);
    let options: Vec<String> = match &card.answer {
        Answer::Choice { options, .. } => options.clone(),
        Answer::Order(items) => items.clone(),
        _ => Vec::new(),
    };
    shown.options = order.iter().map(|&i| options[i].clone()).collect();
    shown.order = order.to_vec();
    shown
}

/// Quiz files larger than this are refused unread (a 100-item result file
/// is about 30 KB; this bounds memory on a hostile or corrupt file).
pub const MAX_QUIZ_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Reads a JSON file of some kind, naming the file in every error.
pub fn read_json<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &'static str,
) -> Result<T, QuizFileError> {
    let unreadable = |e: std::io::Error| QuizFileError::Unreadable {
        path: path.to_path_buf(),
        what,
        detail: e.to_string(),
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_QUIZ_FILE_BYTES {
        return Err(QuizFileError::TooLarge {
            path: path.to_path_buf(),
            what,
            limit_mib: MAX_QUIZ_FILE_BYTES >> 20,
        });
    }
    let text = std::fs::read_to_string(path).map_err(unreadable)?;
    if let Some(found) = other_kind(&text, what) {
        return Err(QuizFileError::OtherKind {
            path: path.to_path_buf(),
            what,
            found,
            hint: match found {
                "key" => "the key stays with the teacher and goes to `docket quiz report`",
                "form" => {
                    "the form is what students take (`docket quiz take`); the report needs the key made with it"
                }
                _ => "result files are what `docket quiz report` reads after the key",
            },
        });
    }
    serde_json::from_str(&text).map_err(|e| QuizFileError::Malformed {
        path: path.to_path_buf(),
        what,
        detail: e.to_string(),
    })
}

/// Which other kind of docket quiz file `text` declares itself to be, if
/// it is one (by its `format`), so the error names the real mistake.
fn other_kind(text: &str, wanted: &str) -> Option<&'static str> {
    #[derive(serde::Deserialize)]
    struct Declared {
        format: String,
    }
    let declared: Declared = serde_json::from_str(text).ok()?;
    let found = match declared.format.as_str() {
        FORM_FORMAT => "form",
        KEY_FORMAT => "key",
        super::result_file::RESULT_FORMAT => "result",
        _ => return None,
    };
    (found != wanted).then_some(found)
}

/// Serialises a form or key the same way every time.
pub fn to_json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(value).unwrap_or_default();
    v.push(b'\n');
    v
}

/// Options for [`make`].
#[derive(Debug, Clone, Default)]
pub struct MakeOptions {
    /// Which cards, how many, and the seed.
    pub selection: Selection,
    /// Time limit in minutes.
    pub time_limit_minutes: Option<u32>,
}

/// Makes the form and key from a checked deck and its file text.
pub fn make(
    deck: &Deck,
    deck_text: &str,
    options: &MakeOptions,
) -> Result<(Form, Key), SelectError> {
    let cards = select(deck, &options.selection)?;
    let width = cards.len().to_string().len().max(2);
    let mut form_items = Vec::new();
    let mut key_items = Vec::new();
    let mut cited: Vec<&str> = Vec::new();
    for (i, card) in cards.iter().enumerate() {
        let id = format!("q{:0width$}", i + 1);
        let shown = present(card, Some(derive_seed(options.selection.seed, &card.id)));
        let (gaps, unit) = match &card.answer {
            Answer::Cloze(g) => (g.len(), None),
            Answer::Number(n) => (0, n.unit.clone()),
            _ => (0, None),
        };
        form_items.push(FormItem {
            id: id.clone(),
            kind: card.kind().name().to_string(),
            prompt: match &card.answer {
                Answer::Cloze(_) => cloze::masked(&card.prompt),
                _ => shown.prompt.clone(),
            },
            options: shown.options.clone(),
            multiple: shown.multiple,
            gaps,
            unit,
        });
        key_items.push(KeyItem {
            id,
            order: shown.order.clone(),
            card: KeyCard::from_card(card),
        });
        for e in &card.evidence {
            if !cited.contains(&e.source.as_str()) {
                cited.push(&e.source);
            }
        }
    }
    let mut form = Form {
        format: FORM_FORMAT.into(),
        title: deck.meta.title.clone(),
        deck_id: deck.meta.id.clone(),
        time_limit_minutes: options.time_limit_minutes,
        items: form_items,
        fingerprint: String::new(),
    };
    form.fingerprint = form.compute_fingerprint();
    let sources = deck
        .sources
        .iter()
        .filter(|s| cited.contains(&s.id.as_str()))
        .map(|s| KeySource {
            id: s.id.clone(),
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            date: s.date.clone(),
            url: s.url.clone(),
        })
        .collect();
    let key = Key {
        format: KEY_FORMAT.into(),
        form_fingerprint: form.fingerprint.clone(),
        deck: KeyDeck {
            id: deck.meta.id.clone(),
            title: deck.meta.title.clone(),
            file: deck
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: sha256_hex(deck_text.as_bytes()),
        },
        seed: options.selection.seed,
        time_limit_minutes: options.time_limit_minutes,
        sources,
        items: key_items,
        regrades: Vec::new(),
    };
    Ok((form, key))
}

/// The key file path that goes with a form path: `quiz.json` → `quiz.key.json`.
pub fn default_key_path(form_path: &Path) -> std::path::PathBuf {
    let stem = form_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "quiz".into());
    form_path.with_file_name(format!("{stem}.key.json"))
}
