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
    /// Anki's per-row deck name (`#deck column:`).
    Deck,
    /// Anki's per-row note type name (`#notetype column:`).
    Notetype,
    /// A further note field: carried into the explanation, under its name
    /// when it has one.
    Extra,
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
        "deck" => Role::Deck,
        "notetype" | "note type" => Role::Notetype,
        _ => return None,
    })
}

/// The header lines of an Anki text file, read by Anki's rules
/// (`rslib/src/import_export/text/csv/metadata.rs`): every leading line
/// that starts with `#` is a header or a comment (a first line `tags:…` is
/// the legacy global tags); `#key:value` with a known key sets it, an
/// unknown key or a value Anki cannot read is ignored (and reported here).
/// Column numbers count from 1; 0 means none.
#[derive(Debug, Default)]
struct Headers {
    separator: Option<u8>,
    /// `None`: not stated, guessed from the fields as Anki does.
    html: Option<bool>,
    columns: Option<String>,
    tags_column: Option<usize>,
    guid_column: Option<usize>,
    deck_column: Option<usize>,
    notetype_column: Option<usize>,
    deck: Option<String>,
    notetype: Option<String>,
    global_tags: Vec<String>,
    /// Header lines Anki would ignore, reported.
    ignored: Vec<(usize, String)>,
    /// Bytes of header lines, to skip.
    len: usize,
    /// Lines of header lines.
    lines: usize,
}

fn separator_named(v: &str) -> Option<u8> {
    let v = v.to_ascii_lowercase();
    Some(match v.trim() {
        "tab" => b'\t',
        "comma" => b',',
        "semicolon" => b';',
        "space" => b' ',
        "pipe" => b'|',
        "colon" => b':',
        _ => match v.as_bytes() {
            [b] if b"\t,; |:".contains(b) => *b,
            _ => return None,
        },
    })
}

fn read_headers(text: &str) -> Headers {
    let mut h = Headers::default();
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        if n == 0
            && let Some(tags) = body.strip_prefix("tags:")
        {
            h.global_tags = tags.split_whitespace().map(str::to_string).collect();
        } else if let Some(rest) = body.strip_prefix('#') {
            if let Some((key, value)) = rest.split_once(':') {
                header(&mut h, n + 1, key, value);
            }
        } else {
            break;
        }
        h.len += line.len();
        h.lines += 1;
    }
    h
}

/// One `#key:value` header line.
fn header(h: &mut Headers, line: usize, key: &str, value: &str) {
    let column = |v: &str| v.trim().parse::<usize>().ok();
    let ignore = |why: &str| h_ignored(line, key, value, why);
    let key_l = key.trim().to_ascii_lowercase();
    let bad = match key_l.as_str() {
        "separator" => match separator_named(value) {
            Some(s) => {
                h.separator = Some(s);
                None
            }
            None => Some(ignore(
                "unknown separator (Tab, Comma, Semicolon, Space, Pipe or Colon); the separator was guessed",
            )),
        },
        "html" => match value.trim().to_ascii_lowercase().parse::<bool>() {
            Ok(b) => {
                h.html = Some(b);
                None
            }
            Err(_) => Some(ignore("expected true or false")),
        },
        "tags" => {
            h.global_tags = value.split_whitespace().map(str::to_string).collect();
            None
        }
        "columns" => {
            h.columns = Some(value.to_string());
            None
        }
        "notetype" => {
            h.notetype = Some(value.trim().to_string());
            None
        }
        "deck" => {
            h.deck = Some(value.trim().to_string());
            None
        }
        "notetype column" | "deck column" | "tags column" | "guid column" => match column(value) {
            Some(c) => {
                let c = (c > 0).then(|| c - 1);
                match key_l.as_str() {
                    "notetype column" => h.notetype_column = c,
                    "deck column" => h.deck_column = c,
                    "tags column" => h.tags_column = c,
                    _ => h.guid_column = c,
                }
                None
            }
            None => Some(ignore("expected a column number")),
        },
        // How Anki treats notes it already has: docket's `--update` decides.
        "if matches" | "match scope" => None,
        _ => Some(ignore("not a header Anki knows")),
    };
    if let Some(b) = bad {
        h.ignored.push(b);
    }
}

fn h_ignored(line: usize, key: &str, value: &str, why: &str) -> (usize, String) {
    (
        line,
        format!("the header `#{key}:{}` was ignored: {why}", value.trim()),
    )
}

/// The separator when no `#separator:` says: for `.txt`, Anki's own guess
/// (the first of tab, pipe, semicolon, colon, comma found in the first
/// 8 KiB after the headers, else space); a `.tsv` is tab-separated; other
/// files (`.csv`) by [`sniff`].
fn guess_separator(name: &str, body: &str, format: Format) -> u8 {
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.as_deref() == Some("txt") {
        let head = &body.as_bytes()[..body.len().min(8 * 1024)];
        return [b'\t', b'|', b';', b':', b',']
            .into_iter()
            .find(|d| head.contains(d))
            .unwrap_or(b' ');
    }
    sniff(body, format == Format::Tsv)
}

/// Whether a field looks like HTML (a tag or an entity), as Anki guesses
/// when `#html:` is not given.
fn looks_like_html(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/'))
        && s.contains('>')
        || ["&amp;", "&lt;", "&gt;", "&nbsp;", "&quot;"]
            .iter()
            .any(|e| s.contains(e))
}

/// Reads a CSV or TSV file.
pub fn import(name: &str, bytes: &[u8], format: Format) -> Result<Imported, ImportError> {
    let text = utf8(bytes)?;
    let headers = read_headers(text);
    let body = &text[headers.len..];
    let delimiter = headers
        .separator
        .unwrap_or_else(|| guess_separator(name, body, format));
    let rows = read_rows(text, &headers, delimiter)?;
    let html = headers.html.unwrap_or_else(|| {
        rows.iter()
            .take(100)
            .any(|r| r.2.iter().any(|f| looks_like_html(f)))
    });
    convert(name, text, headers, delimiter, rows, html)
}

type Row = (usize, usize, Vec<String>);

/// The data rows: `#` lines are comments (Anki's reader skips them
/// anywhere), blank lines are skipped.
fn read_rows(text: &str, headers: &Headers, delimiter: u8) -> Result<Vec<Row>, ImportError> {
    let body = &text[headers.len..];
    // A file docket wrote (its `#columns:` header names docket's own
    // column) had every cell guarded against formula injection on export:
    // undo the guard so the round trip is exact.
    let ours = headers.columns.as_ref().is_some_and(|c| {
        c.split(delimiter as char)
            .any(|n| n.trim().eq_ignore_ascii_case("docket"))
    });
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(body.as_bytes());
    let mut rows: Vec<Row> = Vec::new();
    let mut record = ::csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if record.len() == 1 && record[0].trim().is_empty() {
                    continue;
                }
                // The record's own position (after any comment lines skipped).
                let (line, byte) = record
                    .position()
                    .map_or((1, 0), |p| (p.line() as usize, p.byte() as usize));
                let line = line + headers.lines;
                let at = headers.len + byte;
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
    Ok(rows)
}

/// Each column's role: Anki's meta columns (guid, note type, deck, tags)
/// first; the other columns are the note's fields, by name when
/// `#columns:` (or a header row) names them, else in order — the first is
/// the question, the second the answer (a cloze note's second field, Back
/// Extra, is its explanation), any further one goes to the explanation.
fn plan_columns(headers: &Headers, names: Option<&[String]>, width: usize) -> Vec<Role> {
    let mut roles: Vec<Option<Role>> = vec![None; width];
    let mut meta = |c: Option<usize>, r: Role| {
        if let Some(c) = c.filter(|&c| c < width) {
            roles[c] = Some(r);
        }
    };
    meta(headers.guid_column, Role::Id);
    meta(headers.notetype_column, Role::Notetype);
    meta(headers.deck_column, Role::Deck);
    meta(headers.tags_column, Role::Topics);
    if let Some(names) = names {
        for (i, n) in names.iter().enumerate().take(width) {
            if roles[i].is_none() {
                roles[i] = role_of(n);
            }
        }
    }
    let mut next = [Role::Prompt, Role::Answer].into_iter();
    let taken: Vec<Role> = roles.iter().flatten().copied().collect();
    for r in roles.iter_mut() {
        if r.is_none() {
            *r = Some(
                next.by_ref()
                    .find(|n| !taken.contains(n))
                    .unwrap_or(Role::Extra),
            );
        }
    }
    roles
        .into_iter()
        .map(|r| r.unwrap_or(Role::Extra))
        .collect()
}

fn convert(
    name: &str,
    text: &str,
    headers: Headers,
    delimiter: u8,
    mut rows: Vec<Row>,
    html: bool,
) -> Result<Imported, ImportError> {
    // `#columns:` is split with the file's own separator.
    let mut names: Option<Vec<String>> = headers.columns.as_ref().map(|c| {
        c.split(delimiter as char)
            .map(|s| s.trim().to_string())
            .collect()
    });
    // A header row of known names (as spreadsheets write) names the columns.
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
    // Anki's reader pads short rows; a file with Anki's headers (its own
    // export writes each note's fields only) is read the same way. Longer
    // rows, and short rows of plain files, are an error.
    if headers.lines > 0 {
        for r in rows.iter_mut().filter(|r| r.2.len() < width) {
            r.2.resize(width, String::new());
        }
    }
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
    let roles = plan_columns(&headers, names.as_deref(), width);
    let col = |role: Role| roles.iter().position(|r| *r == role);
    // The deck most rows are in names the deck; other decks (subdecks)
    // become topics.
    let deck_col = col(Role::Deck);
    let main_deck = match deck_col {
        Some(d) => {
            let mut count: std::collections::BTreeMap<&str, usize> = Default::default();
            for r in &rows {
                *count.entry(r.2[d].trim()).or_default() += 1;
            }
            count
                .into_iter()
                .max_by_key(|(n, c)| (*c, std::cmp::Reverse(*n)))
                .map(|(n, _)| n.to_string())
        }
        None => headers.deck.clone(),
    };
    let stem = stem(name);
    let mut b = DeckBuilder::new(&stem, main_deck.as_deref().unwrap_or(&stem), "");
    for (line, why) in &headers.ignored {
        b.note(format!("line {line}"), why.clone());
    }
    let (id_c, prompt_c, answer_c, accept_c, expl_c, topics_c, docket_c, nt_c) = (
        col(Role::Id),
        col(Role::Prompt),
        col(Role::Answer),
        col(Role::Accept),
        col(Role::Explanation),
        col(Role::Topics),
        col(Role::Docket),
        col(Role::Notetype),
    );
    let extras: Vec<usize> = (0..width).filter(|&i| roles[i] == Role::Extra).collect();
    let Some(prompt_c) = prompt_c else {
        return Err(ImportError::invalid(
            "no column holds the question (name one Front, Question, Term or Text)",
        ));
    };
    let mut pending = Vec::with_capacity(rows.len());
    for (line, _, row) in rows {
        let item = format!("line {line}");
        let get = |c: Option<usize>| c.map(|i| row[i].clone());
        let notetype = get(nt_c).or_else(|| headers.notetype.clone());
        let prompt = row[prompt_c].clone();
        if notetype
            .as_deref()
            .is_some_and(|n| n.to_ascii_lowercase().contains("image occlusion"))
            || prompt.contains("image-occlusion:")
        {
            b.skip(
                item,
                "an Image Occlusion note needs its image, which a text file does not hold; left out",
            );
            continue;
        }
        // Notes of docket's own note type (Anki's text export of a docket
        // package) carry the card's answer keys in their Docket field.
        if names.is_none()
            && notetype.as_deref() == Some(super::apkg::NOTETYPE_NAME)
            && let Some(card) = docket_note_row(&row, &roles, html)
        {
            let mut card = card;
            // Its guid is `<deck id>/<card id>`.
            card.id = get(id_c).map(|g| g.rsplit('/').next().unwrap_or_default().to_string());
            card.topics = get(topics_c)
                .map(|t| t.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default();
            pending.push((item, card));
            continue;
        }
        if notetype
            .as_deref()
            .is_some_and(|n| n.to_ascii_lowercase().contains("reverse"))
        {
            b.note(
                item.clone(),
                "Anki also makes a reverse card of this note; docket imports the forward card",
            );
        }
        if html {
            for (i, v) in row.iter().enumerate() {
                let place = match names.as_ref().and_then(|n| n.get(i)) {
                    Some(n) if !n.is_empty() => format!("column {} (`{n}`)", i + 1),
                    _ => format!("column {}", i + 1),
                };
                for why in super::apkg::import::media_notes(&place, v) {
                    b.note(item.clone(), why);
                }
            }
        }
        let is_cloze = prompt.contains("{{c");
        if !is_cloze
            && notetype
                .as_deref()
                .is_some_and(|n| n.to_ascii_lowercase().contains("cloze"))
        {
            b.skip(
                item,
                "a cloze note without any {{c1::…}} gap (Anki refuses it too)",
            );
            continue;
        }
        // A cloze note's second field is its Back Extra; other fields go to
        // the explanation, named when the header names them.
        let mut explanation: Vec<String> = Vec::new();
        let answer_text = get(answer_c).unwrap_or_default();
        if let Some(e) = get(expl_c).filter(|e| !e.trim().is_empty()) {
            explanation.push(e);
        }
        for &i in &extras {
            let v = &row[i];
            if v.trim().is_empty() {
                continue;
            }
            match names
                .as_ref()
                .and_then(|n| n.get(i))
                .filter(|n| !n.is_empty())
            {
                Some(n) => explanation.push(format!("{n}: {v}")),
                None => explanation.push(v.clone()),
            }
        }
        let accept: Vec<String> = get(accept_c)
            .map(|a| a.split('|').map(|s| s.trim().to_string()).collect())
            .unwrap_or_default();
        let embedded = get(docket_c).filter(|d| !d.trim().is_empty());
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
        } else if is_cloze {
            if let Err(e) = cloze::parse_gaps(&prompt) {
                b.skip(
                    item,
                    format!("its cloze markup is malformed: {}", e.message),
                );
                continue;
            }
            if !answer_text.trim().is_empty() {
                explanation.insert(0, answer_text);
            }
            Answer::Cloze(Vec::new())
        } else if answer_text.trim().is_empty() {
            b.skip(item, "no answer");
            continue;
        } else {
            Answer::Basic {
                answer: answer_text,
                accept,
            }
        };
        let mut topics: Vec<String> = get(topics_c)
            .map(|t| t.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        topics.extend(headers.global_tags.iter().cloned());
        if let Some(d) = deck_col.map(|d| row[d].trim().to_string())
            && !d.is_empty()
            && Some(&d) != main_deck.as_ref()
        {
            topics.push(d);
        }
        // docket's own notes have the guid `<deck id>/<card id>`.
        let own = notetype.as_deref() == Some(super::apkg::CLOZE_NOTETYPE_NAME);
        let id = get(id_c).map(|g| match g.rsplit_once('/') {
            Some((_, card)) if own => card.to_string(),
            _ => g,
        });
        pending.push((
            item,
            RawCard {
                id,
                prompt,
                answer,
                explanation: (!explanation.is_empty()).then(|| explanation.join("\n\n")),
                topics,
                html,
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

/// A row of docket's own Anki note type (fields Prompt, Answer,
/// Explanation, Source, Quote, Options, Type, Docket, in order, after the
/// meta columns): the card comes from its Docket field, unescaped exactly
/// (an HTML-to-text conversion would change the TOML's spaces).
fn docket_note_row(row: &[String], roles: &[Role], html: bool) -> Option<RawCard> {
    let fields: Vec<&String> = row
        .iter()
        .zip(roles)
        .filter(|(_, r)| {
            matches!(
                r,
                Role::Prompt | Role::Answer | Role::Explanation | Role::Extra
            )
        })
        .map(|(v, _)| v)
        .collect();
    let exact = |s: &str| {
        if html {
            s.replace("<br>", "\n")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        } else {
            s.to_string()
        }
    };
    let docket = fields.get(7)?;
    let answer = embedded_answer(&exact(docket)).ok()?;
    let text = |s: &str| {
        if html {
            super::html::to_text(s)
        } else {
            s.to_string()
        }
    };
    Some(RawCard {
        id: None,
        prompt: text(fields.first()?),
        answer,
        explanation: fields
            .get(2)
            .map(|e| text(e))
            .filter(|e| !e.trim().is_empty()),
        topics: Vec::new(),
        html: false,
    })
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
pub(crate) fn embedded_answer(toml: &str) -> Result<Answer, String> {
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
