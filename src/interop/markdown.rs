//! A Markdown study sheet: the deck grouped by topic (a card appears under
//! its first topic), each card with its answer, explanation and evidence
//! quotes, and the sources listed at the end. For reading and printing,
//! not for importing back.

use std::fmt::Write;

use super::csv::answer_text;
use crate::deck::Deck;
use crate::deck::cloze;
use crate::deck::model::Answer;
use crate::deck::model::Card;

/// Characters that would start Markdown markup inside running text.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out.replace('\n', "  \n")
}

/// The study sheet of a deck.
pub fn export(deck: &Deck) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md(&deck.meta.title));
    let _ = writeln!(out, "{}\n", md(&deck.meta.description));
    // Topics in order of first appearance; untagged cards last.
    let mut topics: Vec<Option<&str>> = Vec::new();
    for c in &deck.cards {
        let t = c.topics.first().map(String::as_str);
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    topics.sort_by_key(Option::is_none);
    for topic in topics {
        let _ = writeln!(out, "## {}\n", md(topic.unwrap_or("Other")));
        for card in deck
            .cards
            .iter()
            .filter(|c| c.topics.first().map(String::as_str) == topic)
        {
            write_card(&mut out, deck, card);
        }
    }
    if !deck.sources.is_empty() {
        out.push_str("## Sources\n\n");
        for s in &deck.sources {
            let _ = write!(out, "- **{}**", md(&s.title));
            for part in [&s.publisher, &s.date].into_iter().flatten() {
                let _ = write!(out, ", {}", md(part));
            }
            if let Some(u) = &s.url {
                let _ = write!(out, " <{u}>");
            }
            out.push('\n');
        }
    }
    out
}

fn write_card(out: &mut String, deck: &Deck, card: &Card) {
    let prompt = match &card.answer {
        Answer::Cloze(_) => cloze::masked(&card.prompt),
        _ => card.prompt.clone(),
    };
    let _ = writeln!(out, "### {}\n", md(&prompt).replace("  \n", " "));
    match &card.answer {
        Answer::Choice { options, correct } => {
            for (i, o) in options.iter().enumerate() {
                let mark = if correct.contains(&i) { "x" } else { " " };
                let _ = writeln!(out, "- [{mark}] {}", md(o));
            }
            out.push('\n');
        }
        Answer::Order(items) => {
            for (i, it) in items.iter().enumerate() {
                let _ = writeln!(out, "{}. {}", i + 1, md(it));
            }
            out.push('\n');
        }
        Answer::Cloze(_) => {
            let _ = writeln!(out, "**Answer:** {}\n", md(&cloze::filled(&card.prompt)));
        }
        Answer::Basic { answer, accept } => {
            let _ = write!(out, "**Answer:** {}", md(answer));
            if !accept.is_empty() {
                let alts: Vec<String> = accept.iter().map(|a| md(a)).collect();
                let _ = write!(out, " (also: {})", alts.join("; "));
            }
            out.push_str("\n\n");
        }
        other => {
            let _ = writeln!(out, "**Answer:** {}\n", md(&answer_text(other)));
        }
    }
    if let Some(e) = &card.explanation {
        let _ = writeln!(out, "{}\n", md(e));
    }
    for ev in &card.evidence {
        let title = deck
            .source(&ev.source)
            .map_or(ev.source.as_str(), |s| s.title.as_str());
        match &ev.quote {
            Some(q) => {
                let _ = writeln!(out, "> “{}” — *{}*\n", md(q), md(title));
            }
            None => {
                let _ = writeln!(out, "Source: *{}*\n", md(title));
            }
        }
    }
    if let Some(d) = &card.differs {
        let _ = writeln!(out, "*Sources differ:* {}\n", md(d));
    }
}
