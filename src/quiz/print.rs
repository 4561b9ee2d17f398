//! The form on paper: Markdown or HTML, with blanks to write in, and the
//! key as a separate page only when the key file is given.

use std::fmt::Write as _;

use super::form::Form;
use super::form::Key;
use super::html::esc;
use super::input::how_to_answer;
use crate::grade::expected_answer;
use crate::grade::expected_response;
use crate::grade::label;
use crate::sanitize::clean;
use crate::sanitize::one_line;

/// Markdown or HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperFormat {
    /// CommonMark.
    Markdown,
    /// A self-contained HTML page that prints one quiz per sheet.
    Html,
}

/// Escapes Markdown's inline specials so deck text prints as written.
fn md(text: &str) -> String {
    let mut out = String::new();
    for c in one_line(text).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn key_rows(form: &Form, key: &Key) -> Vec<(String, String, String, String)> {
    (0..key.items.len())
        .map(|i| {
            let (card, shown) = key.graded_item(i);
            let id = form
                .items
                .get(i)
                .map_or(key.items[i].id.clone(), |f| f.id.clone());
            (
                id,
                expected_response(&card, &shown),
                expected_answer(&card),
                card.id.clone(),
            )
        })
        .collect()
}

/// Checks that a key belongs to a form.
pub fn check_pair(form: &Form, key: &Key) -> Result<(), String> {
    if key.form_fingerprint != form.fingerprint || key.items.len() != form.items.len() {
        return Err("the key belongs to a different form".into());
    }
    Ok(())
}

/// Renders the form (and the key page when given).
pub fn render(form: &Form, key: Option<&Key>, format: PaperFormat) -> String {
    match format {
        PaperFormat::Markdown => markdown(form, key),
        PaperFormat::Html => html(form, key),
    }
}

fn markdown(form: &Form, key: Option<&Key>) -> String {
    let mut s = format!("# {}\n\nName: ______________________\n\n", md(&form.title));
    if let Some(m) = form.time_limit_minutes {
        let _ = writeln!(s, "Time: {m} minutes.\n");
    }
    for (i, item) in form.items.iter().enumerate() {
        let _ = writeln!(s, "**{}.** {}\n", i + 1, md(&clean(&item.prompt)));
        for (j, o) in item.options.iter().enumerate() {
            let _ = writeln!(s, "- ({}) {}", label(j), md(o));
        }
        if !item.options.is_empty() {
            s.push('\n');
        }
        let _ = writeln!(
            s,
            "*{}*\n\nAnswer: ______________________\n",
            md(&how_to_answer(item))
        );
    }
    let _ = writeln!(
        s,
        "<small>Form {}</small>",
        &form.fingerprint[..form.fingerprint.len().min(16)]
    );
    if let Some(key) = key {
        let _ = writeln!(
            s,
            "\n---\n\n<div style=\"break-before: page\"></div>\n\n# Key: {}\n\n| # | id | answer | written out | card |\n|---|---|---|---|---|",
            md(&form.title)
        );
        for (i, (id, typed, full, card)) in key_rows(form, key).into_iter().enumerate() {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                i + 1,
                md(&id),
                md(&typed),
                md(&full),
                md(&card)
            );
        }
    }
    s
}

fn html(form: &Form, key: Option<&Key>) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>body{{font-family:serif;max-width:45em;margin:2em auto}}.item{{break-inside:avoid;margin-bottom:1.5em}}.key{{break-before:page}}.blank{{border-bottom:1px solid #000;display:inline-block;width:20em}}table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.2em .5em}}</style></head><body>\n",
        esc(&form.title)
    );
    let _ = writeln!(
        s,
        "<h1>{}</h1><p>Name: <span class=\"blank\"></span></p>",
        esc(&form.title)
    );
    if let Some(m) = form.time_limit_minutes {
        let _ = writeln!(s, "<p>Time: {m} minutes.</p>");
    }
    for (i, item) in form.items.iter().enumerate() {
        let _ = writeln!(
            s,
            "<div class=\"item\"><p><b>{}.</b> {}</p>",
            i + 1,
            esc(&item.prompt)
        );
        if !item.options.is_empty() {
            s.push_str("<ol type=\"a\">");
            for o in &item.options {
                let _ = write!(s, "<li>{}</li>", esc(o));
            }
            s.push_str("</ol>\n");
        }
        let _ = writeln!(
            s,
            "<p><i>{}</i></p><p>Answer: <span class=\"blank\"></span></p></div>",
            esc(&how_to_answer(item))
        );
    }
    let _ = writeln!(
        s,
        "<p><small>Form {}</small></p>",
        esc(&form.fingerprint[..form.fingerprint.len().min(16)])
    );
    if let Some(key) = key {
        let _ = writeln!(
            s,
            "<section class=\"key\"><h1>Key: {}</h1><table><tr><th>#</th><th>id</th><th>answer</th><th>written out</th><th>card</th></tr>",
            esc(&form.title)
        );
        for (i, (id, typed, full, card)) in key_rows(form, key).into_iter().enumerate() {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                i + 1,
                esc(&id),
                esc(&typed),
                esc(&full),
                esc(&card)
            );
        }
        s.push_str("</table></section>\n");
    }
    s.push_str("</body></html>\n");
    s
}
