//! CSV and TSV: Anki's text import format and the plain two-column files
//! spreadsheets and Quizlet write.
//!
//! Anki's files start with `#key:value` header lines (`#separator:`,
//! `#html:`, `#columns:`, `#tags column:`, `#guid column:` …); plain files
//! have none, and may have a header row naming their columns. Columns are
//! matched by name (`Front`/`Back`, `Question`/`Answer`, `Term`/
//! `Definition`, `Text` for cloze, `Extra`, `Tags`…), else taken as
//! question, answer. Rows of different lengths are an error, reported by
//! line, because a ragged file is usually a broken quote or separator.
//!
//! Export writes Anki's format with docket's columns; basic and cloze cards
//! come back from it unchanged (the card id is Anki's guid column, so Anki
//! and docket both update instead of duplicating on re-import). Every cell
//! is guarded against spreadsheet formula injection
//! ([`crate::sanitize::csv_cell`]); the guard is undone on import of a file
//! with docket's `#columns:` header.

use std::path::PathBuf;

use super::Format;
use super::ImportError;
use super::Imported;
use super::Skipped;
use super::build::DeckBuilder;
use super::build::RawCard;
use crate::deck::Deck;
use crate::deck::cloze;
use crate::deck::model::Answer;
use crate::deck::parse::parse_deck;
use crate::deck::write::write_answer;
use crate::diagnostic::Diagnostic;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Id,
    Prompt,
    Answer,
    Accept,
    Explanation,
    Topics,
    /// docket's own column: the kind-specific keys of a card, as TOML.
    Docket,
    Ignored,
}

fn role_of(name: &str) -> Option<Role> {
    Some(match name.trim().to_lowercase().as_str() {
        "id" | "guid" => Role::Id,
        "front" | "question" | "prompt" | "term" | "text" | "word" => Role::Prompt,
        "back" | "answer" | "definition" | "meaning" => Role::Answer,
        "accept" => Role::Accept,
        "extra" | "back extra" | "explanation" | "notes" | "note" => Role::Explanation,
        "tags" | "topics" => Role::Topics,
        "docket" => Role::Docket,
        _ => return None,
    })
}

/// The header lines of an Anki text file.
#[derive(Debug, Default)]
struct Headers {
    separator: Option<u8>,
    html: bool,
    columns: Option<Vec<String>>,
    tags_column: Option<usize>,
    guid_column: Option<usize>,
    deck: Option<String>,
    /// Bytes of header lines, to skip.
    len: usize,
}

fn separator_named(v: &str) -> Option<u8> {
    Some(match v.trim().to_lowercase().as_str() {
        "tab" | "\t" => b'\t',
        "comma" | "," => b',',
        "semicolon" | ";" => b';',
        "space" | " " => b' ',
        "pipe" | "|" => b'|',
        "colon" | ":" => b':',
        _ => return None,
    })
}

fn read_headers(text: &str) -> Result<Headers, ImportError> {
    let mut h = Headers::default();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = rest.split_once(':') else {
            break;
        };
        let value = value.trim_end_matches(['\n', '\r']);
        let column = |v: &str| -> Result<Option<usize>, ImportError> {
            match v.trim().parse::<usize>() {
                Ok(0) => Ok(None),
                Ok(n) => Ok(Some(n - 1)),
                Err(_) => Err(ImportError::invalid(format!(
                    "header `#{key}:{v}`: expected a column number"
                ))),
            }
        };
        match key.trim().to_lowercase().as_str() {
            "separator" => {
                h.separator = Some(separator_named(value).ok_or_else(|| {
                    ImportError::invalid(format!(
                        "header `#separator:{value}`: unknown separator (use Tab, Comma, Semicolon, Space, Pipe or Colon)"
                    ))
                })?)
            }
            "html" => h.html = value.trim().eq_ignore_ascii_case("true"),
            "columns" => h.columns = Some(vec![value.to_string()]),
            "tags column" => h.tags_column = column(value)?,
            "guid column" => h.guid_column = column(value)?,
            "deck" => h.deck = Some(value.trim().to_string()),
            "tags" | "notetype" | "notetype column" | "deck column" | "match scope"
            | "if matches" => {}
            _ => break,
        }
        offset += line.len();
    }
    h.len = offset;
    Ok(h)
}

/// Reads a CSV or TSV file.
pub fn import(name: &str, bytes: &[u8], format: Format) -> Result<Imported, ImportError> {
    let text = utf8(bytes)?;
    let mut headers = read_headers(text)?;
    let body = &text[headers.len..];
    let delimiter = headers
        .separator
        .unwrap_or_else(|| sniff(body, format == Format::Tsv));
    // `#columns:` is split with the file's own separator.
    if let Some(cols) = headers.columns.take() {
        headers.columns = Some(
            cols[0]
                .split(delimiter as char)
                .map(str::to_string)
                .collect(),
        );
    }
    // A file docket wrote (its `#columns:` header names docket's own
    // column) had every cell guarded against formula injection on export:
    // undo the guard so the round trip is exact.
    let ours = headers
        .columns
        .as_ref()
        .is_some_and(|c| c.iter().any(|n| n.trim().eq_ignore_ascii_case("docket")));
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut rows: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut record = ::csv::StringRecord::new();
    loop {
        let start = reader.position().clone();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if record.len() == 1 && record[0].trim().is_empty() {
                    continue;
                }
                let line = start.line() as usize + text[..headers.len].matches('\n').count();
                let at = headers.len + start.byte() as usize;
                let cells = record.iter().map(|c| {
                    if ours {
                        crate::sanitize::csv_unguard(c).to_string()
                    } else {
                        c.to_string()
                    }
                });
                rows.push((line, at, cells.collect()));
            }
            Err(e) => {
                return Err(ImportError::invalid(format!(
                    "cannot read the file as CSV: {e}"
                )));
            }
        }
        if rows.len() > super::limits::MAX_CARDS {
            return Err(ImportError::invalid(
                "the file has more than a million rows",
            ));
        }
    }
    // A header row of known names (as spreadsheets write) names the columns.
    let mut names = headers.columns.clone();
    if names.is_none()
        && let Some((_, _, first)) = rows.first()
        && first.iter().all(|c| role_of(c).is_some())
        && first.iter().any(|c| role_of(c) == Some(Role::Prompt))
    {
        names = Some(first.clone());
        rows.remove(0);
    }
    let width = names
        .as_ref()
        .map(Vec::len)
        .or_else(|| rows.first().map(|r| r.2.len()))
        .unwrap_or(0);
    let ragged: Vec<Diagnostic> = rows
        .iter()
        .filter(|r| r.2.len() != width)
        .take(20)
        .map(|(_, at, r)| {
            let end = text[*at..].find('\n').map_or(text.len(), |n| at + n);
            Diagnostic::error(
                "ragged-row",
                format!(
                    "this row has {} fields; the file's rows have {width}",
                    r.len()
                ),
                *at..end,
            )
            .with_label(format!("{} fields", r.len()))
            .with_help(format!(
                "check for a stray separator ({}) or an unclosed quote",
                describe(delimiter)
            ))
        })
        .collect();
    if !ragged.is_empty() {
        return Err(ImportError::Syntax {
            text: text.to_string(),
            diagnostics: ragged,
        });
    }
    if width < 1 {
        return Err(ImportError::invalid("the file holds no rows"));
    }
    let mut roles: Vec<Role> = match &names {
        Some(n) => n
            .iter()
            .map(|c| role_of(c).unwrap_or(Role::Ignored))
            .collect(),
        None => (0..width)
            .map(|i| match i {
                0 => Role::Prompt,
                1 => Role::Answer,
                _ => Role::Ignored,
            })
            .collect(),
    };
    roles.resize(width, Role::Ignored);
    if let Some(t) = headers.tags_column.filter(|&t| t < width) {
        roles[t] = Role::Topics;
    }
    if let Some(g) = headers.guid_column.filter(|&g| g < width) {
        roles[g] = Role::Id;
    }
    if !roles.contains(&Role::Prompt) {
        return Err(ImportError::invalid(
            "no column holds the question (name one Front, Question, Term or Text)",
        ));
    }
    let stem = stem(name);
    let mut b = DeckBuilder::new(&stem, headers.deck.as_deref().unwrap_or(&stem), "");
    for (i, r) in roles.iter().enumerate() {
        if *r == Role::Ignored
            && let Some(n) = names.as_ref().and_then(|n| n.get(i))
        {
            b.skip(
                format!("column {}", i + 1),
                format!("`{n}` is not a field docket knows; its values were left out"),
            );
        }
    }
    let mut pending = Vec::with_capacity(rows.len());
    for (line, _, row) in rows {
        let item = format!("line {line}");
        // HTML (with `#html:true`) is converted later, in parallel.
        let get = |role: Role| -> Option<String> {
            let i = roles.iter().position(|r| *r == role)?;
            Some(row[i].clone())
        };
        let prompt = get(Role::Prompt).unwrap_or_default();
        let answer = get(Role::Answer).unwrap_or_default();
        let accept: Vec<String> = get(Role::Accept)
            .map(|a| a.split('|').map(|s| s.trim().to_string()).collect())
            .unwrap_or_default();
        let embedded = get(Role::Docket).filter(|d| !d.trim().is_empty());
        let answer = if let Some(toml) = embedded {
            match embedded_answer(&toml) {
                Ok(a) => a,
                Err(why) => {
                    b.skip(
                        item,
                        format!("its docket column is not a card's answer: {why}"),
                    );
                    continue;
                }
            }
        } else if prompt.contains("{{c") && cloze::parse_gaps(&prompt).is_ok() {
            Answer::Cloze(Vec::new())
        } else if answer.trim().is_empty() {
            b.skip(item, "no answer");
            continue;
        } else {
            Answer::Basic { answer, accept }
        };
        pending.push((
            item,
            RawCard {
                id: get(Role::Id),
                prompt,
                answer,
                explanation: get(Role::Explanation),
                topics: get(Role::Topics)
                    .map(|t| t.split_whitespace().map(str::to_string).collect())
                    .unwrap_or_default(),
                html: headers.html,
            },
        ));
    }
    b.add_all(pending);
    if b.is_empty() {
        let mut reasons = b.finish(PathBuf::new()).skipped;
        reasons.truncate(5);
        let why: Vec<String> = reasons.iter().map(ToString::to_string).collect();
        return Err(ImportError::invalid(format!(
            "no row could be converted into a card ({})",
            why.join("; ")
        )));
    }
    Ok(b.finish(PathBuf::from(format!("{stem}.toml"))))
}

/// The file name without directories and extension.
pub fn stem(name: &str) -> String {
    std::path::Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "imported".into())
}

fn describe(d: u8) -> &'static str {
    match d {
        b'\t' => "tab",
        b',' => "comma",
        b';' => "semicolon",
        b'|' => "pipe",
        b':' => "colon",
        _ => "space",
    }
}

/// Guesses the separator from the first line: a tab wins, then whichever
/// of `,` and `;` is more common (European spreadsheets write `;`).
fn sniff(body: &str, tsv: bool) -> u8 {
    let first = body.lines().next().unwrap_or("");
    if tsv || first.contains('\t') {
        b'\t'
    } else if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// The file as UTF-8 (a byte-order mark is dropped), or where it is not.
pub fn utf8(bytes: &[u8]) -> Result<&str, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ImportError::invalid(
            "the file is UTF-16; save it as UTF-8 (in a spreadsheet: CSV UTF-8)",
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let before = &bytes[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = at - before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        ImportError::invalid(format!(
            "the file is not valid UTF-8: bad byte 0x{:02X} at line {line}, column {col}; save it as UTF-8",
            bytes[at]
        ))
    })
}

/// Writes a deck in Anki's text format with docket's columns.
pub fn export(deck: &Deck, format: Format) -> (Vec<u8>, Vec<Skipped>) {
    let delimiter = if format == Format::Tsv { b'\t' } else { b',' };
    let sep = if format == Format::Tsv {
        "tab"
    } else {
        "comma"
    };
    let d = delimiter as char;
    let mut out = format!(
        "#separator:{sep}\n#html:false\n#columns:id{d}prompt{d}answer{d}accept{d}explanation{d}topics{d}docket\n#guid column:1\n#tags column:6\n"
    )
    .into_bytes();
    let mut skipped = Vec::new();
    {
        for card in &deck.cards {
            let mut embedded = String::new();
            let (answer, accept) = match &card.answer {
                Answer::Basic { answer, accept } => {
                    if accept.iter().any(|a| a.contains('|')) {
                        skipped.push(lossy(
                            &card.id,
                            "an accepted answer contains `|`, which separates them",
                        ));
                    }
                    (answer.clone(), accept.join(" | "))
                }
                Answer::Cloze(_) => (String::new(), String::new()),
                other => {
                    // Readable text for Anki and spreadsheets; the exact answer
                    // for docket in its own column.
                    embedded = format!("kind = \"{}\"\n", other.kind().name());
                    write_answer(&mut embedded, other);
                    (answer_text(other), String::new())
                }
            };
            let topics: Vec<String> = card
                .topics
                .iter()
                .map(|t| t.replace(char::is_whitespace, "_"))
                .collect();
            // Every cell guarded against formula injection and quoted when
            // it holds a separator; the importer undoes the guard for files
            // with docket's own columns.
            let cells = [
                card.id.as_str(),
                &card.prompt,
                &answer,
                &accept,
                card.explanation.as_deref().unwrap_or(""),
                &topics.join(" "),
                embedded.trim_end(),
            ];
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    out.push(delimiter);
                }
                out.extend_from_slice(crate::sanitize::csv_cell(cell).as_bytes());
            }
            out.push(b'\n');
        }
    }
    (out, skipped)
}

/// The answer a `docket` cell describes: its TOML keys are read by the deck
/// parser itself, inside a one-card deck, so exactly what a deck file may
/// say is accepted and nothing else.
fn embedded_answer(toml: &str) -> Result<Answer, String> {
    let doc = format!(
        "[deck]\nid = \"cell\"\ntitle = \"cell\"\ndescription = \"cell\"\n\n[[card]]\nid = \"cell\"\nprompt = \"cell\"\n{toml}\n"
    );
    let (deck, diagnostics) = parse_deck(std::path::Path::new("cell"), &doc);
    if let Some(d) = diagnostics.iter().find(|d| d.is_error()) {
        return Err(d.message.clone());
    }
    match deck.map(|d| d.cards) {
        Some(mut cards) if cards.len() == 1 => Ok(cards.remove(0).answer),
        _ => Err("it does not describe one card".into()),
    }
}

fn lossy(id: &str, reason: &str) -> Skipped {
    Skipped {
        item: format!("card `{id}`"),
        reason: reason.to_string(),
    }
}

/// A card's answer as one line of text, for formats that only hold text.
pub fn answer_text(a: &Answer) -> String {
    match a {
        Answer::Basic { answer, .. } => answer.clone(),
        Answer::Choice { options, correct } => correct
            .iter()
            .map(|&i| options[i].as_str())
            .collect::<Vec<_>>()
            .join("; "),
        Answer::TrueFalse(b) => if *b { "true" } else { "false" }.into(),
        Answer::Number(n) => n.to_string(),
        Answer::Date(d) => d.to_string(),
        Answer::Cloze(gaps) => gaps
            .iter()
            .map(|g| g.answers[0].as_str())
            .collect::<Vec<_>>()
            .join("; "),
        Answer::Order(items) => items.join(" → "),
    }
}
