//! `docket check --lint`: warnings about how well a card is written, after
//! the item-writing rules of classical test theory and the advice of
//! experienced spaced-repetition writers (focused, precise, unambiguous
//! prompts that do not give their answer away).
//!
//! Every rule has an id, shown as `lint[id]` and silenced for one card with
//! `allow = ["id"]`. The rules are heuristics tuned to stay quiet on
//! well-written cards: each looks for one plain symptom (an answer repeated
//! in its prompt, a second question mark, a gap that leaves no context)
//! rather than guessing at meaning. Lint never fails a check on its own:
//! its findings are warnings, which only `--strict` turns into errors.

use crate::deck::Card;
use crate::deck::Deck;
use crate::deck::model::Answer;
use crate::deck::model::CardKind;
use crate::deck::model::Span;
use crate::diagnostic::Diagnostic;

/// One lint rule: its id, what it finds, and how to fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The id used in `allow = [...]`.
    pub id: &'static str,
    /// The diagnostic code, `lint[<id>]`.
    pub code: &'static str,
    /// What the rule finds, for docs and messages.
    pub summary: &'static str,
    /// How to fix a card it flags.
    pub help: &'static str,
}

macro_rules! rule {
    ($id:literal, $summary:literal, $help:literal) => {
        Rule {
            id: $id,
            code: concat!("lint[", $id, "]"),
            summary: $summary,
            help: $help,
        }
    };
}

/// Every lint rule, in the order `docs/deck-format.md` lists them.
pub const RULES: [Rule; 11] = [
    rule!(
        "self-answering",
        "the prompt contains its own answer",
        "reword the prompt so that it does not state the answer"
    ),
    rule!(
        "longest-option",
        "the right option is clearly longer than every other option",
        "make the options alike in length and detail, or shorten the right one"
    ),
    rule!(
        "all-of-the-above",
        "an option such as \"all of the above\" or \"none of the above\"",
        "replace it with a real option; ask for several answers with `answer = [...]`"
    ),
    rule!(
        "duplicate-options",
        "two options say the same thing",
        "make every option a different answer"
    ),
    rule!(
        "negative-stem",
        "a question asks which is not (or except) without emphasising the negation",
        "ask the question positively, or write the negation as NOT or *not*"
    ),
    rule!(
        "absolute-word",
        "a true/false statement uses always, never, all or none",
        "absolute words give a true/false statement away: state the fact without them"
    ),
    rule!(
        "long-typed-answer",
        "a typed answer longer than 10 words",
        "shorten the answer to its key words (more detail belongs in the explanation), or make it a choice or cloze card"
    ),
    rule!(
        "cloze-too-many-gaps",
        "a cloze hides so much of its text that no context is left",
        "keep at most half the words visible as gaps, or split it into several cards"
    ),
    rule!(
        "cloze-whole-sentence",
        "a cloze gap is (nearly) a whole sentence",
        "gap only the key words and leave the rest of the sentence as context"
    ),
    rule!(
        "vague-prompt",
        "a very short prompt with a pronoun and no subject",
        "name who or what the question is about, so that it has one answer"
    ),
    rule!(
        "double-question",
        "a prompt asks two things at once",
        "split it into two cards, one question each"
    ),
];

/// Looks a rule up by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Lints every card of a deck (cards silence rules with `allow`).
pub fn lint_deck(deck: &Deck) -> Vec<Diagnostic> {
    deck.cards.iter().flat_map(lint_card).collect()
}

/// Lints one card: a warning per rule it breaks and does not allow.
pub fn lint_card(card: &Card) -> Vec<Diagnostic> {
    let mut found: Vec<(&'static str, String, Span)> = Vec::new();
    let prompt = card.spans.prompt.clone();
    let mut flag = |id: &'static str, message: String, span: Span| found.push((id, message, span));
    let kind = card.kind();
    let stem = strip_true_false(&card.prompt);

    if let Some(what) = self_answering(card) {
        flag(
            "self-answering",
            format!(
                "card `{}`: the prompt contains its answer ({what})",
                card.id
            ),
            prompt.clone(),
        );
    }
    if let Answer::Choice { options, correct } = &card.answer {
        let option_span = |i: usize| {
            // For choice cards the parser records exactly the option spans.
            if card.spans.answer_texts.len() == options.len() {
                card.spans.answer_texts[i].clone()
            } else {
                prompt.clone()
            }
        };
        if let Some(i) = longest_option(options, correct) {
            flag(
                "longest-option",
                format!(
                    "card `{}`: the right option is much longer than the others",
                    card.id
                ),
                option_span(i),
            );
        }
        for (i, o) in options.iter().enumerate() {
            if is_above_option(o) {
                flag(
                    "all-of-the-above",
                    format!(
                        "card `{}`: the option `{o}` tests reading, not knowing",
                        card.id
                    ),
                    option_span(i),
                );
            }
        }
        if let Some((i, j)) = duplicate(options) {
            flag(
                "duplicate-options",
                format!(
                    "card `{}`: options `{}` and `{}` say the same thing",
                    card.id, options[j], options[i]
                ),
                option_span(i),
            );
        }
    }
    if let Answer::Order(items) = &card.answer
        && let Some((i, j)) = duplicate(items)
    {
        flag(
            "duplicate-options",
            format!(
                "card `{}`: items `{}` and `{}` say the same thing",
                card.id, items[j], items[i]
            ),
            prompt.clone(),
        );
    }
    if matches!(kind, CardKind::Basic | CardKind::Choice) && negative_stem(&card.prompt) {
        flag(
            "negative-stem",
            format!(
                "card `{}`: the question asks for what is not so, and the negation is easy to miss",
                card.id
            ),
            prompt.clone(),
        );
    }
    if kind == CardKind::TrueFalse
        && let Some(word) = absolute_word(stem)
    {
        flag(
            "absolute-word",
            format!(
                "card `{}`: the statement says `{word}`, which hints that it is false",
                card.id
            ),
            prompt.clone(),
        );
    }
    if let Answer::Basic { answer, .. } = &card.answer {
        let n = words(answer).len();
        if n > MAX_TYPED_WORDS {
            flag(
                "long-typed-answer",
                format!(
                    "card `{}`: the typed answer has {n} words, too many to type and grade fairly",
                    card.id
                ),
                card.spans
                    .answer_texts
                    .first()
                    .cloned()
                    .unwrap_or(prompt.clone()),
            );
        }
    }
    if kind == CardKind::Cloze {
        let (hidden, shown) = cloze_words(&card.prompt);
        if hidden + shown > 0 && hidden > 1 && hidden * 2 > hidden + shown {
            flag(
                "cloze-too-many-gaps",
                format!(
                    "card `{}`: {hidden} of its {} words are gaps",
                    card.id,
                    hidden + shown
                ),
                prompt.clone(),
            );
        }
        if whole_sentence_gap(&card.prompt) {
            flag(
                "cloze-whole-sentence",
                format!(
                    "card `{}`: a gap takes up a whole sentence, leaving no context",
                    card.id
                ),
                prompt.clone(),
            );
        }
    }
    if kind != CardKind::Cloze && vague(stem) {
        flag(
            "vague-prompt",
            format!(
                "card `{}`: the prompt is too short to say who or what it is about",
                card.id
            ),
            prompt.clone(),
        );
    }
    if kind != CardKind::Cloze && double_question(stem) {
        flag(
            "double-question",
            format!("card `{}`: the prompt asks two questions", card.id),
            prompt.clone(),
        );
    }
    found
        .into_iter()
        .filter(|(id, _, _)| !card.spans.allows(id))
        .filter_map(|(id, message, span)| {
            let r = rule(id)?;
            Some(
                Diagnostic::warning(r.code, message, span)
                    .with_label(r.summary)
                    .with_help(format!("{}; or silence it with allow = [\"{id}\"]", r.help)),
            )
        })
        .collect()
}

/// Typed answers longer than this are hard to type and to grade fairly.
pub const MAX_TYPED_WORDS: usize = 10;

/// Lowercase words of a text: letters and digits, everything else a break.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Words without a leading article, for comparing answers.
fn answer_words(s: &str) -> Vec<String> {
    let mut w = words(s);
    if w.len() > 1 && matches!(w[0].as_str(), "the" | "a" | "an") {
        w.remove(0);
    }
    w
}

fn contains_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// "True or false: ..." → the statement itself.
fn strip_true_false(prompt: &str) -> &str {
    let t = prompt.trim_start();
    for prefix in ["True or false:", "True or false?", "True or False:"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            return rest.trim_start();
        }
    }
    t
}

/// The prompt with every cloze gap blanked out.
fn without_gaps(prompt: &str) -> String {
    let mut out = String::new();
    let mut rest = prompt;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        out.push(' ');
        match rest[start..].find("}}") {
            Some(end) => rest = &rest[start + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

fn self_answering(card: &Card) -> Option<String> {
    match &card.answer {
        Answer::Basic { answer, .. } => {
            let a = answer_words(answer);
            contains_run(&words(&card.prompt), &a).then(|| format!("`{answer}`"))
        }
        Answer::Cloze(gaps) => {
            let around = words(&without_gaps(&card.prompt));
            gaps.iter().find_map(|g| {
                let a = answer_words(g.answers.first()?);
                contains_run(&around, &a).then(|| format!("gap c{}: `{}`", g.number, g.answers[0]))
            })
        }
        Answer::Choice { options, correct } if correct.len() == 1 => {
            let p = words(&card.prompt);
            let in_prompt = |o: &String| contains_run(&p, &answer_words(o));
            let right = &options[correct[0]];
            let others_too = options
                .iter()
                .enumerate()
                .any(|(i, o)| i != correct[0] && in_prompt(o));
            (in_prompt(right) && !others_too).then(|| format!("`{right}`"))
        }
        _ => None,
    }
}

/// The index of a lone right option that is far longer than every other.
fn longest_option(options: &[String], correct: &[usize]) -> Option<usize> {
    let [right] = correct else { return None };
    if options.len() < 3 {
        return None;
    }
    let len = |s: &String| s.chars().count();
    let longest_other = options
        .iter()
        .enumerate()
        .filter(|(i, _)| i != right)
        .map(|(_, o)| len(o))
        .max()?;
    let r = len(&options[*right]);
    // "Clearly" longer: half as long again, and by more than a few words.
    (r * 2 >= longest_other * 3 && r >= longest_other + 20).then_some(*right)
}

fn is_above_option(option: &str) -> bool {
    let w = words(option).join(" ");
    [
        "all of the above",
        "none of the above",
        "all of these",
        "none of these",
        "both of the above",
        "neither of the above",
        "all the above",
    ]
    .iter()
    .any(|p| w == *p || w.starts_with(&format!("{p} ")))
}

/// Options equal once case, punctuation, articles and word order are ignored.
fn duplicate(options: &[String]) -> Option<(usize, usize)> {
    let key = |s: &String| {
        let mut w: Vec<String> = words(s)
            .into_iter()
            .filter(|w| !matches!(w.as_str(), "the" | "a" | "an" | "of" | "and"))
            .collect();
        w.sort();
        w
    };
    let keys: Vec<Vec<String>> = options.iter().map(key).collect();
    for i in 1..keys.len() {
        if let Some(j) = (0..i).find(|&j| !keys[i].is_empty() && keys[i] == keys[j]) {
            return Some((i, j));
        }
    }
    None
}

const QUESTION_WORDS: [&str; 7] = ["which", "what", "who", "whom", "where", "when", "how"];

/// "Which ... not ...?": a question word, then within a few words a plain
/// lowercase `not` (or `except` anywhere). A `not` deep inside a relative
/// clause ("which ministry told Jin it did not want...") is no negative stem.
fn negative_stem(prompt: &str) -> bool {
    // Raw tokens keep case and emphasis marks: NOT, *not*, _not_ are fine.
    let tokens: Vec<&str> = prompt
        .split_whitespace()
        .map(|tok| tok.trim_matches(|c: char| !c.is_alphanumeric() && c != '*' && c != '_'))
        .collect();
    let Some(q) = tokens
        .iter()
        .position(|t| QUESTION_WORDS.contains(&t.to_lowercase().as_str()))
    else {
        return false;
    };
    tokens
        .iter()
        .enumerate()
        .skip(q + 1)
        .any(|(i, t)| (*t == "not" && i <= q + NEGATION_REACH) || matches!(*t, "except" | "Except"))
}

/// How many words after the question word a `not` still negates the stem.
const NEGATION_REACH: usize = 6;

fn absolute_word(statement: &str) -> Option<String> {
    words(statement)
        .into_iter()
        .find(|w| matches!(w.as_str(), "always" | "never" | "all" | "none"))
}

/// Words hidden in gaps and words left visible.
fn cloze_words(prompt: &str) -> (usize, usize) {
    let shown = words(&without_gaps(prompt)).len();
    let hidden = match crate::deck::cloze::parse_gaps(prompt) {
        Ok(gaps) => gaps
            .iter()
            .map(|g| g.answers.first().map_or(0, |a| words(a).len().max(1)))
            .sum(),
        Err(_) => 0,
    };
    (hidden, shown)
}

/// Whether a sentence of the prompt has fewer than three visible words
/// beside its gap(s).
fn whole_sentence_gap(prompt: &str) -> bool {
    // Gaps may hold sentence punctuation ("U.S."): mark them first.
    let mut marked = String::new();
    let mut rest = prompt;
    while let Some(start) = rest.find("{{") {
        marked.push_str(&rest[..start]);
        marked.push('\u{1}');
        match rest[start..].find("}}") {
            Some(end) => rest = &rest[start + end + 2..],
            None => return false,
        }
    }
    marked.push_str(rest);
    sentences(&marked)
        .into_iter()
        .filter(|s| s.contains('\u{1}'))
        .any(|s| words(s).len() < 3)
}

/// Splits text after `.`, `!` or `?` followed by a space.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '!' | '?') && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
        {
            out.push(&text[start..=i]);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

const PRONOUNS: [&str; 14] = [
    "he", "she", "it", "they", "him", "her", "them", "this", "that", "these", "those", "his",
    "its", "their",
];

/// At most six words, a pronoun, and nothing that names a subject: no
/// capitalised word after the first, no number, no quotation.
fn vague(stem: &str) -> bool {
    let w = words(stem);
    if w.is_empty() || w.len() > 6 {
        return false;
    }
    let has_pronoun = w.iter().any(|x| PRONOUNS.contains(&x.as_str()));
    let names_something = stem.split_whitespace().skip(1).any(|t| {
        t.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    }) || stem.contains(['"', '\'', '‘', '“', '`']);
    has_pronoun && !names_something
}

/// Two question marks, or a second question joined by "and": "..., and
/// where ...", "... and when ...". Without a comma the question word must
/// follow "and" at once, so that "usage and share price when ..." (one
/// question with a time clause) is not flagged.
fn double_question(stem: &str) -> bool {
    if stem.matches('?').count() >= 2 {
        return true;
    }
    let is_q = |w: &str| QUESTION_WORDS.contains(&w) || w == "why";
    let lower = stem.to_lowercase();
    let tokens: Vec<&str> = lower.split_whitespace().collect();
    let Some(first_q) = tokens
        .iter()
        .position(|t| is_q(t.trim_matches(|c: char| !c.is_alphanumeric())))
    else {
        return false;
    };
    tokens.iter().enumerate().skip(first_q + 1).any(|(i, t)| {
        if *t != "and" {
            return false;
        }
        let after_comma = tokens[i - 1].ends_with(',');
        let reach = if after_comma { 3 } else { 1 };
        tokens[i + 1..(i + 1 + reach).min(tokens.len())]
            .iter()
            .any(|y| is_q(y.trim_matches(|c: char| !c.is_alphanumeric())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_codes_are_lint_and_the_id() {
        for r in RULES {
            assert_eq!(r.code, format!("lint[{}]", r.id));
        }
        assert!(rule("self-answering").is_some());
        assert!(rule("nonsense").is_none());
    }

    #[test]
    fn helpers_find_what_they_should() {
        assert!(negative_stem("Which of these is not a charge?"));
        assert!(!negative_stem("Which of these is NOT a charge?"));
        assert!(!negative_stem("Which of these is *not* a charge?"));
        assert!(!negative_stem("Why can he not be extradited?"));
        assert_eq!(
            absolute_word("Zoom never shares data."),
            Some("never".into())
        );
        assert!(vague("What did he do?"));
        assert!(!vague("What did Jin do?"));
        assert!(double_question("Who is Zhou, and how was he affected?"));
        assert!(double_question("Who? Where?"));
        assert!(!double_question(
            "In which month and year was Jin summoned?"
        ));
        assert!(!double_question(
            "What happened to usage and share price when it grew?"
        ));
        assert!(double_question(
            "What did Zoom do with him, and on what grounds?"
        ));
        assert!(!negative_stem(
            "Which ministry, the main spy agency, told Jin it did not want this?"
        ));
        assert!(whole_sentence_gap(
            "Context here. {{c1::Jin was the liaison}}."
        ));
        assert!(!whole_sentence_gap("Jin was the {{c1::liaison}} to China."));
        assert_eq!(cloze_words("{{c1::a}} {{c2::b}} c"), (2, 1));
        assert!(is_above_option("All of the above"));
        assert_eq!(
            duplicate(&["The FBI".into(), "FBI".into(), "CIA".into()]),
            Some((1, 0))
        );
        assert_eq!(duplicate(&["Zhou".into(), "Zhuo".into()]), None);
    }
}
