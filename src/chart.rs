//! What every HTML page docket writes shares: text escaped for HTML (and
//! cleaned of terminal controls first), and a chart drawn by `plotters`
//! into an inline SVG string, a failure becoming a sentence on the page,
//! set in a figure with a caption, an aria-label and its data as a table.

use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::DrawingArea;
use plotters::prelude::IntoDrawingArea;
use plotters::prelude::SVGBackend;

/// Escapes text for HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::sanitize::clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// What a chart's drawing returns.
pub type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Draws one chart of `width` × `height` pixels into an SVG string.
pub fn svg(
    width: u32,
    height: u32,
    paint: impl FnOnce(DrawingArea<SVGBackend, Shift>) -> Drawn,
) -> String {
    let mut out = String::new();
    let result = {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        paint(root)
    };
    match result {
        Ok(()) => out,
        Err(e) => format!("<p>chart not drawn: {}</p>", escape_html(&e.to_string())),
    }
}

/// Writes a chart into `out` as a figure: the SVG under an aria-label,
/// a caption, and its data as a table behind a "Data" disclosure.
pub fn figure(out: &mut String, caption: &str, alt: &str, svg: &str, table: &str) {
    let _ = writeln!(
        out,
        "<figure><div role=\"img\" aria-label=\"{}\">{svg}</div><figcaption>{}</figcaption>\
         <details><summary>Data</summary>{table}</details></figure>",
        escape_html(alt),
        escape_html(caption)
    );
}

/// An HTML table of `rows` under the column heads `head`, every cell
/// escaped.
pub fn table(head: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut t = String::from("<table><thead><tr>");
    for h in head {
        let _ = write!(t, "<th scope=\"col\">{}</th>", escape_html(h));
    }
    t.push_str("</tr></thead><tbody>");
    for r in rows {
        t.push_str("<tr>");
        for c in r {
            let _ = write!(t, "<td>{}</td>", escape_html(&c));
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table>");
    t
}
