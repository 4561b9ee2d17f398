//! The handlers: each reads the request, asks [`crate::app::class`], and
//! draws a page from [`super::pages`]. Student requests are bound to the
//! student's token (a cookie set at joining); every teacher request
//! carries the teacher's token, compared in constant time.

use std::convert::Infallible;
use std::net::IpAddr;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::extract::FromRequestParts;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::Html;
use axum::response::IntoResponse;
use axum::response::Redirect;
use axum::response::Response;
use axum::response::sse::Event;
use axum::response::sse::KeepAlive;
use axum::response::sse::Sse;
use futures_util::StreamExt;

use super::Shared;
use super::StreamGuard;
use super::pages;
use crate::app::class::ClassError;
use crate::app::class::Classroom;
use crate::app::class::Mode;
use crate::app::class::Nav;
use crate::quiz::take::Step;

/// The student's cookie.
pub const COOKIE: &str = "docket_student";

/// Why a request was refused.
#[derive(Debug)]
pub enum WebError {
    /// The class said no.
    Class(ClassError),
    /// No student token, or an unknown one.
    NotJoined,
    /// Not the teacher's token.
    Forbidden,
    /// A malformed request.
    BadRequest(String),
    /// Too many streams.
    Busy,
    /// Our fault; the cause is logged, not shown.
    Internal(String),
}

impl From<ClassError> for WebError {
    fn from(e: ClassError) -> Self {
        match e {
            ClassError::NoStudent => WebError::NotJoined,
            e => WebError::Class(e),
        }
    }
}

/// The status for a refusal.
pub fn status(e: &ClassError) -> StatusCode {
    match e {
        ClassError::WrongCode | ClassError::WrongRejoin => StatusCode::FORBIDDEN,
        ClassError::Closed
        | ClassError::NameTaken
        | ClassError::Submitted(_)
        | ClassError::NotNow(_) => StatusCode::CONFLICT,
        ClassError::Full(_) => StatusCode::SERVICE_UNAVAILABLE,
        ClassError::BadName(_) => StatusCode::BAD_REQUEST,
        ClassError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        ClassError::NoStudent => StatusCode::UNAUTHORIZED,
        ClassError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ClassError::Journal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (code, title, text) = match &self {
            WebError::Class(ClassError::Journal(cause)) | WebError::Internal(cause) => {
                eprintln!("docket class: {}", crate::sanitize::one_line(cause));
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Server error",
                    "Something went wrong on the teacher's computer; nothing was lost before this. Tell the teacher.".to_string(),
                )
            }
            WebError::Class(e) => (status(e), "Not done", e.to_string()),
            WebError::NotJoined => (
                StatusCode::UNAUTHORIZED,
                "Not joined",
                ClassError::NoStudent.to_string(),
            ),
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                "For the teacher only",
                "This page is for the teacher: it needs the teacher's address.".to_string(),
            ),
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, "Bad request", m.clone()),
            WebError::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Busy",
                "Too many pages are open: close some and reload.".to_string(),
            ),
        };
        (
            code,
            Html(pages::message(title, &text, Some(("/", "Back to the start"))).into_string()),
        )
            .into_response()
    }
}

/// The address a request came from, when the server knows it.
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<super::limit::ClientAddr>>()
                .map(|c| c.0.0.ip())
                .or_else(|| {
                    parts
                        .extensions
                        .get::<ConnectInfo<SocketAddr>>()
                        .map(|c| c.0.ip())
                }),
        ))
    }
}

/// A url-encoded form's fields, repeated keys kept.
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// Parses a body.
    pub fn parse(body: &[u8]) -> Fields {
        Fields(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of a field.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }

    /// Every value of a field.
    pub fn all(&self, k: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// The student token in a request's cookie.
pub fn student_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn known_student(state: &Shared, headers: &HeaderMap) -> Result<String, WebError> {
    let token = student_token(headers).ok_or(WebError::NotJoined)?;
    if state.class.read(|c| c.student(&token).is_some()) {
        Ok(token)
    } else {
        Err(WebError::NotJoined)
    }
}

fn teacher(state: &Shared, token: &str) -> Result<(), WebError> {
    if state.class.is_teacher(token) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

fn page(code: StatusCode, m: maud::Markup) -> Response {
    (code, Html(m.into_string())).into_response()
}

/// Query of the join page.
#[derive(serde::Deserialize)]
pub struct JoinQuery {
    code: Option<String>,
}

/// `GET /`: the join form (or the student's page, once joined).
pub async fn join_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<JoinQuery>,
) -> Response {
    if known_student(&state, &headers).is_ok() {
        return Redirect::to("/s").into_response();
    }
    let code: String = q.code.unwrap_or_default().chars().take(12).collect();
    let title = state.class.read(|c| c.form.title.clone());
    page(StatusCode::OK, pages::join(&title, &code, "", None))
}

/// Runs a change of the class on a blocking thread: the change waits for
/// the class's store (a PostgreSQL server that is down is retried for up
/// to 30 s), and an async worker held that long would stall every other
/// request, static pages included.
async fn blocking<T: Send + 'static>(
    state: &Shared,
    change: impl FnOnce(&Classroom) -> Result<T, ClassError> + Send + 'static,
) -> Result<T, ClassError> {
    let class = state.class.clone();
    tokio::task::spawn_blocking(move || change(&class))
        .await
        .unwrap_or_else(|e| Err(ClassError::Journal(e.to_string())))
}

/// `POST /join`: name and code.
pub async fn join(State(state): State<Shared>, ClientIp(ip): ClientIp, body: Bytes) -> Response {
    let f = Fields::parse(&body);
    let name = f.get("name").unwrap_or("");
    let code = f.get("code").unwrap_or("");
    let (owned_name, owned_code) = (name.to_string(), code.to_string());
    let rejoin = f.get("rejoin").map(str::to_string);
    match blocking(&state, move |class| {
        class.join(&owned_name, &owned_code, rejoin.as_deref(), ip)
    })
    .await
    {
        Ok(token) => {
            state.changed();
            let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400");
            let mut r = Redirect::to("/s").into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(ClassError::Journal(cause)) => WebError::Internal(cause).into_response(),
        Err(e) => {
            let title = state.class.read(|c| c.form.title.clone());
            let code: String = code.chars().take(12).collect();
            let name: String = name.chars().take(100).collect();
            page(
                status(&e),
                pages::join(&title, &code, &name, Some(&e.to_string())),
            )
        }
    }
}

/// `GET /s`: where the student is.
pub async fn student_home(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let Ok(token) = known_student(&state, &headers) else {
        return Redirect::to("/").into_response();
    };
    let now = state.class.now();
    let version = *state.round.borrow();
    state.class.read(|c| {
        let Some(s) = c.student(&token) else {
            return Redirect::to("/").into_response();
        };
        let m = match c.mode {
            Mode::Live => pages::live_student(c, s, version, None),
            Mode::SelfPaced if s.receipt().is_some() => pages::done_page(c, s),
            Mode::SelfPaced => match s.current() {
                Some(i) => pages::item_page(c, s, i, None, None, now),
                None => pages::review_page(c, s),
            },
        };
        page(StatusCode::OK, m)
    })
}

fn parse_item(f: &Fields) -> Result<Option<usize>, WebError> {
    match f.get("item") {
        None => Ok(None),
        Some(t) => match t.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(Some(n - 1)),
            _ => Err(WebError::BadRequest(format!(
                "`{}` is not an item number",
                crate::sanitize::one_line(&t.chars().take(20).collect::<String>())
            ))),
        },
    }
}

fn parse_nav(t: &str) -> Result<Nav, WebError> {
    match t {
        "next" => Ok(Nav::Next),
        "back" => Ok(Nav::Back),
        "review" => Ok(Nav::Review),
        "stay" => Ok(Nav::Stay),
        _ => match t.strip_prefix("goto-").map(str::parse::<usize>) {
            Some(Ok(n)) if n >= 1 => Ok(Nav::Goto(n - 1)),
            _ => Err(WebError::BadRequest("unknown navigation".into())),
        },
    }
}

/// The answer a form carries: checkboxes joined, else the text or radio.
fn answer_of(f: &Fields) -> Option<String> {
    let picks = f.all("pick");
    if !picks.is_empty() {
        let chosen: Vec<&str> = picks.into_iter().filter(|p| !p.is_empty()).collect();
        return Some(chosen.join(" "));
    }
    f.get("answer").map(str::to_string)
}

/// `POST /s/answer`: the answer on the page, and where to go.
pub async fn student_answer(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    // The class checks the token as it acts (one lock, not two).
    let token = student_token(&headers).ok_or(WebError::NotJoined)?;
    let f = Fields::parse(&body);
    let item = parse_item(&f)?;
    let nav = parse_nav(f.get("nav").unwrap_or("next"))?;
    let answer = answer_of(&f);
    let step = {
        let (token, answer) = (token.clone(), answer.clone());
        blocking(&state, move |class| {
            class.act(&token, item, answer.as_deref(), nav)
        })
        .await?
    };
    state.changed();
    if let Step::Invalid(msg) = step {
        let now = state.class.now();
        return Ok(state.class.read(|c| {
            let Some(s) = c.student(&token) else {
                return Redirect::to("/").into_response();
            };
            let i = item.or(s.current()).unwrap_or(0);
            page(
                StatusCode::UNPROCESSABLE_ENTITY,
                pages::item_page(c, s, i, Some(&msg), answer.as_deref(), now),
            )
        }));
    }
    Ok(Redirect::to("/s").into_response())
}

/// `POST /s/submit`: hand in, after the review list.
pub async fn student_submit(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let token = known_student(&state, &headers)?;
    let f = Fields::parse(&body);
    if f.get("confirm") != Some("yes") {
        return Err(WebError::BadRequest(
            "Hand in from the review page, which lists your unanswered items.".into(),
        ));
    }
    blocking(&state, move |class| class.hand_in(&token)).await?;
    state.changed();
    Ok(Redirect::to("/s").into_response())
}

/// `POST /s/live`: an answer to the open item of a live round.
pub async fn student_live(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    // The class checks the token as it acts (one lock, not two).
    let token = student_token(&headers).ok_or(WebError::NotJoined)?;
    let f = Fields::parse(&body);
    let item = parse_item(&f)?.ok_or_else(|| WebError::BadRequest("which item?".into()))?;
    let answer = answer_of(&f).unwrap_or_default();
    let step = {
        let token = token.clone();
        blocking(&state, move |class| {
            class.answer_live(&token, item, &answer)
        })
        .await?
    };
    state.changed();
    if let Step::Invalid(msg) = step {
        let version = *state.round.borrow();
        return Ok(state.class.read(|c| match c.student(&token) {
            Some(s) => page(
                StatusCode::UNPROCESSABLE_ENTITY,
                pages::live_student(c, s, version, Some(&msg)),
            ),
            None => Redirect::to("/").into_response(),
        }));
    }
    Ok(Redirect::to("/s").into_response())
}

type Render = Arc<dyn Fn(&super::State) -> String + Send + Sync>;

/// A stream of `update` events carrying `render`'s output: one at once,
/// then one after each change, at most one per throttle period.
fn updates(state: Shared, guard: StreamGuard, render: Render) -> Response {
    let rx = state.changes.subscribe();
    let stream = futures_util::stream::unfold(
        (state, rx, guard, render, true),
        |(state, mut rx, guard, render, first)| async move {
            if !first {
                tokio::time::sleep(state.throttle).await;
                if rx.changed().await.is_err() {
                    return None;
                }
            }
            rx.borrow_and_update();
            let html = render(&state);
            let event = Event::default().event("update").data(html);
            Some((
                Ok::<Event, Infallible>(event),
                (state, rx, guard, render, false),
            ))
        },
    );
    Sse::new(stream.boxed())
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// `GET /s/events`: the live round's version, so a student's page reloads
/// when the teacher opens or closes an item.
pub async fn student_events(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    known_student(&state, &headers)?;
    let guard = StreamGuard::take(&state).ok_or(WebError::Busy)?;
    let rx = state.round.subscribe();
    let stream =
        futures_util::stream::unfold((rx, guard, true), |(mut rx, guard, first)| async move {
            if !first && rx.changed().await.is_err() {
                return None;
            }
            let v = *rx.borrow_and_update();
            let event = Event::default().event("version").data(v.to_string());
            Some((Ok::<Event, Infallible>(event), (rx, guard, false)))
        });
    Ok(Sse::new(stream.boxed())
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// `GET /t/{token}`: the dashboard.
pub async fn teacher_dashboard(
    State(state): State<Shared>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    teacher(&state, &token)?;
    Ok(state.class.read(|c| {
        page(
            StatusCode::OK,
            pages::dashboard(c, &token, &state.join_url, &state.qr_svg),
        )
    }))
}

/// `GET /t/{token}/events`: the dashboard's live part.
pub async fn teacher_events(
    State(state): State<Shared>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    teacher(&state, &token)?;
    let guard = StreamGuard::take(&state).ok_or(WebError::Busy)?;
    let render: Render = Arc::new(move |s: &super::State| {
        s.class.read(|c| pages::dashboard_fragment(c).into_string())
    });
    Ok(updates(state, guard, render))
}

/// `GET /t/{token}/screen`: the projector page.
pub async fn teacher_screen(
    State(state): State<Shared>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    teacher(&state, &token)?;
    Ok(state.class.read(|c| {
        page(
            StatusCode::OK,
            pages::screen(c, &token, &state.join_url, &state.qr_svg),
        )
    }))
}

/// `GET /t/{token}/screen/events`: the projector's live part.
pub async fn screen_events(
    State(state): State<Shared>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    teacher(&state, &token)?;
    let guard = StreamGuard::take(&state).ok_or(WebError::Busy)?;
    let render: Render = Arc::new(move |s: &super::State| {
        s.class
            .read(|c| pages::screen_fragment(c, &s.join_url, &s.qr_svg).into_string())
    });
    Ok(updates(state, guard, render))
}

/// `GET /t/{token}/qr.svg`: the join QR code on its own.
pub async fn teacher_qr(
    State(state): State<Shared>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    teacher(&state, &token)?;
    let mut r = state.qr_svg.clone().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    Ok(r)
}

/// `GET /t/{token}/report`: the report so far, as `docket quiz report --html`.
pub async fn teacher_report(
    State(state): State<Shared>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    teacher(&state, &token)?;
    let class = state.class.clone();
    let report = tokio::task::spawn_blocking(move || class.report())
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(Html(crate::quiz::html::render_html(&report.report)).into_response())
}

/// `POST /t/{token}/export`: writes the result files into the data
/// directory's `results/`.
pub async fn teacher_export(
    State(state): State<Shared>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    teacher(&state, &token)?;
    let class = state.class.clone();
    let out = state.class.data_dir().join("results");
    let out2 = out.clone();
    let done = tokio::task::spawn_blocking(move || class.export(&out2))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))?;
    state.changed();
    let key = state.class.data_dir().join("key.json");
    let m = pages::layout(
        "Exported",
        false,
        maud::html! {
            h1 { "Exported " (done.files.len()) " result files" }
            p { "Into " code { (out.display()) } "." }
            @if !done.timed_out.is_empty() {
                p { "Handed in now, their time being up: " (done.timed_out.join(", ")) "." }
            }
            @if !done.not_handed_in.is_empty() {
                p { "Not handed in (the report lists them as never submitted): " (done.not_handed_in.join(", ")) "." }
            }
            p { "Report on them with " code { "docket quiz report " (key.display()) " " (out.display()) } "." }
            p { a href=(format!("/t/{token}")) { "Back to the dashboard" } }
        },
    );
    Ok(page(StatusCode::OK, m))
}

/// `POST /t/{token}/{action}`: next, close, finish, names, joining, speed.
pub async fn teacher_action(
    State(state): State<Shared>,
    Path((token, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    teacher(&state, &token)?;
    let f = Fields::parse(&body);
    let c = &state.class;
    match action.as_str() {
        "next" => c.open_next()?,
        "close" => c.close_item()?,
        "finish" => c.finish()?,
        "names" => c.hide_names(f.get("hidden") == Some("1"))?,
        "joining" => c.set_joining(f.get("open") == Some("1"))?,
        "speed" => c.set_speed_bonus(f.get("on") == Some("1"))?,
        _ => return Err(WebError::BadRequest("unknown action".into())),
    }
    // Students' pages show points: they reload for the speed bonus too.
    if matches!(action.as_str(), "next" | "close" | "finish" | "speed") {
        state.round_moved();
    } else {
        state.changed();
    }
    let back = if f.get("back") == Some("screen") {
        format!("/t/{token}/screen")
    } else {
        format!("/t/{token}")
    };
    Ok(Redirect::to(&back).into_response())
}

/// Anything else.
pub async fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        pages::message(
            "Not found",
            "There is no such page.",
            Some(("/", "Join the class")),
        ),
    )
}
