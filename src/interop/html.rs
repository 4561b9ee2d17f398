//! HTML → plain text for fields that arrive as HTML (Anki notes, CSV files
//! with `#html:true`). Scripts and styles are dropped with their content,
//! entities decoded, `<br>` and block ends become line breaks. Text without
//! markup is returned unchanged, which keeps large imports fast.

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
    // html2text drops <script>/<style> content; a huge width keeps lines unwrapped.
    let text = html2text::config::plain_no_decorate()
        .string_from_read(html.as_bytes(), usize::MAX >> 4)
        .unwrap_or_else(|_| html.to_string());
    // html2text ends blocks with newlines; fields are single texts.
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_string()
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
}
