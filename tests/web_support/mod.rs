//! Shared by the web tests: a class made from the bundled deck with a
//! fixed seed in a temporary directory, requests through `oneshot`, and
//! answers for any item (a valid one, and the key's right one).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::http::StatusCode;
use axum::http::header;
use docket::app::class;
use docket::app::class::Limits;
use docket::app::class::ServeRequest;
use docket::quiz::form::FormItem;
use docket::quiz::form::Key;
use docket::web;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A class in a temporary directory, and its web state.
pub struct TestClass {
    pub dir: tempfile::TempDir,
    pub state: web::Shared,
    pub key: Key,
}

/// Makes a form of `items` items (seed 7) and serves it.
pub fn make_class(items: usize, live: bool, limits: Limits) -> TestClass {
    make_class_of(items, live, limits, Vec::new())
}

/// As [`make_class`], with only cards of these kinds.
pub fn make_class_of(
    items: usize,
    live: bool,
    limits: Limits,
    kinds: Vec<docket::deck::model::CardKind>,
) -> TestClass {
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("quiz.json");
    docket::app::quiz::make(&docket::app::quiz::MakeRequest {
        deck: None,
        sources: None,
        items: Some(items),
        topics: Vec::new(),
        kinds,
        seed: 7,
        time_limit: None,
        form: form.clone(),
        key: None,
        force: false,
    })
    .unwrap();
    let state = serve_dir(dir.path(), live, limits);
    let key = Key::read(&dir.path().join("quiz.key.json")).unwrap();
    TestClass { dir, state, key }
}

/// Opens (or reopens) the class kept in `dir/data`.
pub fn serve_dir(dir: &Path, live: bool, limits: Limits) -> web::Shared {
    serve_dir_with(dir, live, limits, web::Bounds::default())
}

/// As [`serve_dir`], with these server bounds.
pub fn serve_dir_with(dir: &Path, live: bool, limits: Limits, bounds: web::Bounds) -> web::Shared {
    let (room, _) = class::open(&ServeRequest {
        deck: None,
        sources: None,
        items: None,
        time_limit: None,
        form: Some(dir.join("quiz.json")),
        key: Some(dir.join("quiz.key.json")),
        data: dir.join("data"),
        live,
        limits,
    })
    .unwrap();
    let room = Arc::new(room);
    let code = room.read(|c| c.join_code.clone());
    web::State::new(room, format!("http://127.0.0.1:9/?code={code}"), bounds)
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub async fn send(state: &web::Shared, req: Request<Body>) -> Reply {
    let r = web::app(state.clone()).oneshot(req).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = r.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::builder().uri(uri);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, format!("docket_student={c}"));
    }
    b.body(Body::empty()).unwrap()
}

pub fn post(uri: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Request<Body> {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut b = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, format!("docket_student={c}"));
    }
    b.body(Body::from(body)).unwrap()
}

pub fn from(mut req: Request<Body>, ip: [u8; 4]) -> Request<Body> {
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 1234))));
    req
}

/// Joins; returns the student's token.
pub async fn join(state: &web::Shared, name: &str) -> String {
    let code = state.class.read(|c| c.join_code.clone());
    let r = send(
        state,
        post("/join", None, &[("name", name), ("code", &code)]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite"));
    cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("docket_student=")
        .to_string()
}

pub fn teacher_token(state: &web::Shared) -> String {
    state.class.read(|c| c.teacher_token.clone())
}

/// An answer the item accepts (right or not).
pub fn some_answer(item: &FormItem) -> String {
    match item.kind.as_str() {
        "choice" => "a".into(),
        "truefalse" => "true".into(),
        "number" => "1".into(),
        "date" => "2020".into(),
        "order" => (0..item.options.len())
            .map(|i| docket::grade::label(i).to_string())
            .collect::<Vec<_>>()
            .join(" "),
        "cloze" => vec!["x"; item.gaps.max(1)].join(";"),
        _ => "something".into(),
    }
}

/// The key's right answer to item `i`, as a student would type it.
pub fn right_answer(key: &Key, i: usize) -> String {
    let (card, shown) = key.graded_item(i);
    docket::grade::expected_response(&card, &shown)
}
