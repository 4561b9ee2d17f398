//! HTML → plain text for fields that arrive as HTML (Anki notes, CSV files
//! with `#html:true`). Scripts and styles are dropped with their content,
//! entities decoded, `<br>` and block ends become line breaks. Text without
//! markup is returned unchanged, which keeps large imports fast.
//!
//! html2text builds a DOM and its time grows faster than the nesting depth
//! (100,000 nested `<div>` took a minute; 3 million unclosed `<b>` took
//! 4 GB), so markup nested deeper than [`MAX_HTML_DEPTH`] or with more than
//! [`MAX_HTML_TAGS`] tags is converted by [`strip_linear`] instead: one
//! pass, constant memory beyond the output, the same text for ordinary
//! markup.

use super::limits::MAX_FIELD_BYTES;
use super::limits::MAX_HTML_DEPTH;
use super::limits::MAX_HTML_TAGS;

/// The text of an HTML fragment.
pub fn to_text(html: &str) -> String {
    // Anki's sound references are media docket does not carry.
    let owned;
    let html = if html.contains("[sound:") {
        owned = strip_sounds(html);
        owned.as_str()
    } else {
        html
    };
    if !html.contains(['<', '&']) {
        return html.to_string();
    }
    let text = if needs_linear(html) {
        strip_linear(html)
    } else {
        // html2text drops <script>/<style> content; a huge width keeps lines unwrapped.
        html2text::config::plain_no_decorate()
            .string_from_read(html.as_bytes(), usize::MAX >> 4)
            .unwrap_or_else(|_| html.to_string())
    };
    // html2text ends blocks with newlines; fields are single texts.
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_string()
}

/// Elements that never hold content, so never nest.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Elements whose end is a line break.
const BLOCK: &[&str] = &[
    "br",
    "p",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
];

/// The tags of a fragment: (name lowercased, closing?, self-closing?),
/// found in one pass.
fn tags(html: &str) -> impl Iterator<Item = (usize, usize, String, bool, bool)> + '_ {
    let bytes = html.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if bytes[i] != b'<' {
                i += 1;
                continue;
            }
            let start = i;
            let end = match html[i..].find('>') {
                Some(e) => i + e + 1,
                None => return None,
            };
            i = end;
            let inner = &html[start + 1..end - 1];
            let closing = inner.starts_with('/');
            let name: String = inner
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase())
                .collect();
            if name.is_empty() {
                continue;
            }
            let self_closing = inner.ends_with('/');
            return Some((start, end, name, closing, self_closing));
        }
        None
    })
}

/// Whether the fragment is too deep or has too many tags for html2text.
fn needs_linear(html: &str) -> bool {
    if html.len() > MAX_FIELD_BYTES {
        return true;
    }
    let mut depth: usize = 0;
    for (n, (_, _, name, closing, self_closing)) in tags(html).enumerate() {
        if n >= MAX_HTML_TAGS {
            return true;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing && !VOID.contains(&name.as_str()) {
            depth += 1;
            if depth > MAX_HTML_DEPTH {
                return true;
            }
        }
    }
    false
}

/// HTML to text in one pass, for markup too deep or large for html2text:
/// tags removed, `<script>`/`<style>` content dropped, block ends made line
/// breaks, the common entities decoded.
pub fn strip_linear(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut at = 0;
    let mut skip_until: Option<&str> = None;
    for (start, end, name, closing, _) in tags(html) {
        if skip_until.is_none() {
            out.push_str(&decode_entities(&html[at..start]));
        }
        at = end;
        match skip_until {
            Some(s) if closing && name == s => skip_until = None,
            Some(_) => {}
            None if !closing && (name == "script" || name == "style") => {
                skip_until = Some(if name == "script" { "script" } else { "style" });
            }
            None if BLOCK.contains(&name.as_str())
                && (closing || name == "br")
                && !out.ends_with('\n') =>
            {
                out.push('\n');
            }
            None => {}
        }
    }
    if skip_until.is_none() && at < html.len() && !html[at..].contains('<') {
        out.push_str(&decode_entities(&html[at..]));
    } else if skip_until.is_none() && at < html.len() {
        // An unterminated tag at the end: keep the text before it.
        let rest = &html[at..];
        out.push_str(&decode_entities(
            &rest[..rest.find('<').unwrap_or(rest.len())],
        ));
    }
    out
}

/// Decodes `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and
/// numeric references; anything else is kept as written.
fn decode_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

fn strip_sounds(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("[sound:") {
        out.push_str(&rest[..i]);
        match rest[i..].find(']') {
            Some(e) => rest = &rest[i + e + 1..],
            None => {
                rest = &rest[i..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_stripped_and_scripts_dropped() {
        assert_eq!(to_text("plain & simple"), "plain & simple");
        assert_eq!(to_text("a<br>b"), "a\nb");
        assert_eq!(to_text("<b>bold</b> &amp; <i>it</i>"), "bold & it");
        assert_eq!(
            to_text("x<script>alert('no')</script><style>p{}</style>y"),
            "xy"
        );
        assert_eq!(to_text("<div>one</div><div>two</div>"), "one\ntwo");
        assert_eq!(to_text("hund [sound:hund.mp3]"), "hund ");
    }

    #[test]
    fn the_linear_stripper_agrees_on_ordinary_markup() {
        for html in [
            "<b>bold</b> &amp; <i>it</i>",
            "a<br>b",
            "<div>one</div><div>two</div>",
            "x<script>alert('no')</script><style>p{}</style>y",
            "&lt;tag&gt; &#65;&#x42; &unknown;",
        ] {
            let linear = strip_linear(html);
            let lines: Vec<&str> = linear.lines().map(str::trim_end).collect();
            assert_eq!(lines.join("\n").trim(), to_text(html), "{html}");
        }
    }

    #[test]
    fn deep_and_unclosed_markup_is_converted_in_linear_time() {
        let n = 200_000;
        let deep = format!("{}deep{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(to_text(&deep), "deep");
        let unclosed = format!("{}bold", "<b>".repeat(n));
        assert_eq!(to_text(&unclosed), "bold");
    }
}
