//! Every file the pages use, compiled into the binary: a classroom
//! network often has no internet, so nothing is fetched from elsewhere
//! (no CDN, no web font).

use axum::http::HeaderValue;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;

/// The stylesheet.
pub const CSS: &str = include_str!("assets/class.css");
/// The live-update script.
pub const JS: &str = include_str!("assets/class.js");

fn asset(body: &'static str, kind: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// `GET /assets/class.css`.
pub async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

/// `GET /assets/class.js`.
pub async fn js() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}
