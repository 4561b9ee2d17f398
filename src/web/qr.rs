//! The join URL as a QR code: as SVG for the teacher's page and drawn
//! with Unicode half blocks for the terminal.

use qrcode::QrCode;
use qrcode::render::svg;
use qrcode::render::unicode::Dense1x2;

/// An SVG drawing of `text`, or `None` if it is too long for a QR code.
pub fn svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(240, 240)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

/// `text` drawn in a terminal: two rows of modules per line, light on
/// dark as most terminals are, with the quiet zone phone cameras need.
pub fn terminal(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_drawings_exist_for_a_join_url() {
        let url = "http://192.168.1.20:8765/?code=ABC234";
        let svg = super::svg(url).unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
        let t = super::terminal(url).unwrap();
        assert!(t.lines().count() > 10);
        assert!(t.contains('▀') || t.contains('▄') || t.contains('█'));
    }
}
