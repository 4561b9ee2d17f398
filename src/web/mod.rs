//! The class in the browser: an axum app over [`crate::app::class`].
//! Students join from a phone with their name and the join code and take
//! the form (self-paced) or answer the item on the projector (live); the
//! teacher's pages, under a secret token, show the dashboard and the
//! projector view, updated by server-sent events.
//!
//! [`app`] builds the whole router from a [`State`], so tests drive it
//! with `oneshot` and a real server is [`serve`] on a listener. Every
//! page is a maud template ([`pages`]), every asset is compiled in
//! ([`assets`]). Bounds: request bodies ([`MAX_BODY_BYTES`]), requests in
//! flight, open connections and live streams, students per class, wrong
//! join codes per address, and the time a client may take to send a
//! request's headers (against slowloris: a connection that trickles its
//! headers, or sends nothing, is closed).

pub mod assets;
pub mod handlers;
pub mod pages;
pub mod qr;

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header;
use axum::response::Response;
use axum::routing::get;
use axum::routing::post;
use tokio::sync::watch;

use crate::app::class::Classroom;

/// Largest request body accepted (a form with one long answer fits).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Bounds on what one server takes on.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Requests handled at once (more wait).
    pub requests_in_flight: usize,
    /// Live-update streams open at once.
    pub streams: usize,
    /// TCP connections open at once (more wait to be accepted).
    pub connections: usize,
    /// Time a client has to send a request's headers, from its first byte
    /// or from the end of the previous request (an idle connection is
    /// closed after this long too).
    pub header_read_timeout: std::time::Duration,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            requests_in_flight: 512,
            streams: 1200,
            connections: 1500,
            header_read_timeout: std::time::Duration::from_secs(30),
        }
    }
}

/// Everything the handlers share.
pub struct State {
    /// The class.
    pub class: Arc<Classroom>,
    /// The address students open (printed, and in the QR code).
    pub join_url: String,
    /// The join URL's QR code, as SVG.
    pub qr_svg: String,
    /// Bumped on every change the teacher's pages show.
    pub changes: watch::Sender<u64>,
    /// Bumped when the live round moves (students' pages reload then).
    pub round: watch::Sender<u64>,
    /// Bounds.
    pub bounds: Bounds,
    /// Live-update streams open now.
    pub streams: AtomicUsize,
    /// Least time between two updates of one teacher's page.
    pub throttle: std::time::Duration,
}

/// The shared state as handlers get it.
pub type Shared = Arc<State>;

impl State {
    /// State for a class served at `join_url`.
    pub fn new(class: Arc<Classroom>, join_url: String, bounds: Bounds) -> Shared {
        let qr_svg = qr::svg(&join_url).unwrap_or_default();
        Arc::new(State {
            class,
            join_url,
            qr_svg,
            changes: watch::channel(0).0,
            round: watch::channel(0).0,
            bounds,
            streams: AtomicUsize::new(0),
            throttle: std::time::Duration::from_millis(250),
        })
    }

    /// Something the teacher sees changed.
    pub fn changed(&self) {
        self.changes.send_modify(|v| *v += 1);
    }

    /// The live round moved.
    pub fn round_moved(&self) {
        self.round.send_modify(|v| *v += 1);
        self.changed();
    }

    /// The teacher's address.
    pub fn teacher_url(&self) -> String {
        let token = self.class.read(|c| c.teacher_token.clone());
        let base = self.join_url.split("/?").next().unwrap_or(&self.join_url);
        format!("{}/t/{token}", base.trim_end_matches('/'))
    }
}

async fn secure_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    // The teacher's token is in the URL: never send it on as a referrer.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    r
}

/// The whole web app.
pub fn app(state: Shared) -> Router {
    use handlers::*;
    let bounds = state.bounds;
    Router::new()
        .route("/", get(join_page))
        .route("/join", post(join))
        .route("/s", get(student_home))
        .route("/s/answer", post(student_answer))
        .route("/s/submit", post(student_submit))
        .route("/s/live", post(student_live))
        .route("/s/events", get(student_events))
        .route("/t/{token}", get(teacher_dashboard))
        .route("/t/{token}/events", get(teacher_events))
        .route("/t/{token}/screen", get(teacher_screen))
        .route("/t/{token}/screen/events", get(screen_events))
        .route("/t/{token}/qr.svg", get(teacher_qr))
        .route("/t/{token}/report", get(teacher_report))
        .route("/t/{token}/export", post(teacher_export))
        .route("/t/{token}/{action}", post(teacher_action))
        .route("/assets/class.css", get(assets::css))
        .route("/assets/class.js", get(assets::js))
        .fallback(not_found)
        .layer(axum::middleware::map_response(secure_headers))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_BODY_BYTES,
        ))
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
            bounds.requests_in_flight,
        ))
        .with_state(state)
}

/// Serves the app on `listener` until `shutdown` completes, with at most
/// `bounds.connections` connections open (more wait in the backlog) and
/// `bounds.header_read_timeout` for each request's headers.
///
/// hyper's HTTP/1 connection is used directly rather than `axum::serve`,
/// which sets no timer and so no header timeout: a client could hold a
/// connection (of the bounded number) forever by sending nothing, or a
/// header byte now and then.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Shared,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::Listener;
    let header_timeout = state.bounds.header_read_timeout;
    let mut limited = limit::Limited::new(listener, state.bounds.connections);
    let router = app(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (io, addr) = tokio::select! {
            c = limited.accept() => c,
            () = &mut shutdown => break,
        };
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(addr));
                req
            },
        );
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(
                hyper_util::rt::TokioIo::new(io),
                hyper_util::service::TowerToHyperService::new(service),
            );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // A connection's errors (a timeout, a reset) end only it.
            let _ = conn.await;
        });
    }
    drop(limited);
    // Requests under way finish; live-update streams never end by
    // themselves, so they are cut after a moment.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), graceful.shutdown()).await;
    Ok(())
}

/// The address to give students when the server listens on every
/// interface: the first IPv4 address of this machine that is not loopback.
pub fn lan_address() -> Option<std::net::IpAddr> {
    if_addrs::get_if_addrs()
        .ok()?
        .into_iter()
        .filter(|i| !i.is_loopback())
        .map(|i| i.ip())
        .find(std::net::IpAddr::is_ipv4)
}

/// A guard counting one open live stream.
pub struct StreamGuard(Shared);

impl StreamGuard {
    /// Counts a stream in, unless too many are open.
    pub fn take(state: &Shared) -> Option<StreamGuard> {
        let n = state.streams.fetch_add(1, Ordering::SeqCst);
        if n >= state.bounds.streams {
            state.streams.fetch_sub(1, Ordering::SeqCst);
            None
        } else {
            Some(StreamGuard(state.clone()))
        }
    }
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

pub mod limit {
    //! A listener that holds at most N connections open: the N+1st waits
    //! in the kernel's backlog until one closes.

    use std::io;
    use std::net::SocketAddr;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::Context;
    use std::task::Poll;

    use tokio::io::AsyncRead;
    use tokio::io::AsyncWrite;
    use tokio::io::ReadBuf;
    use tokio::net::TcpListener;
    use tokio::net::TcpStream;
    use tokio::sync::OwnedSemaphorePermit;
    use tokio::sync::Semaphore;

    /// The bounded listener.
    pub struct Limited {
        inner: TcpListener,
        permits: Arc<Semaphore>,
    }

    impl Limited {
        /// Bounds `inner` to `max` open connections.
        pub fn new(inner: TcpListener, max: usize) -> Self {
            Limited {
                inner,
                permits: Arc::new(Semaphore::new(max.max(1))),
            }
        }
    }

    /// A connection holding its place.
    pub struct Counted {
        stream: TcpStream,
        _permit: OwnedSemaphorePermit,
    }

    /// The address a connection came from.
    #[derive(Debug, Clone, Copy)]
    pub struct ClientAddr(pub SocketAddr);

    impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, Limited>>
        for ClientAddr
    {
        fn connect_info(stream: axum::serve::IncomingStream<'_, Limited>) -> Self {
            *stream.remote_addr()
        }
    }

    impl axum::serve::Listener for Limited {
        type Io = Counted;
        type Addr = ClientAddr;

        async fn accept(&mut self) -> (Self::Io, Self::Addr) {
            loop {
                let Ok(permit) = self.permits.clone().acquire_owned().await else {
                    continue;
                };
                match self.inner.accept().await {
                    Ok((stream, addr)) => {
                        let _ = stream.set_nodelay(true);
                        return (
                            Counted {
                                stream,
                                _permit: permit,
                            },
                            ClientAddr(addr),
                        );
                    }
                    // Out of file descriptors and the like: back off briefly,
                    // as axum's own listener does.
                    Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
                }
            }
        }

        fn local_addr(&self) -> io::Result<Self::Addr> {
            self.inner.local_addr().map(ClientAddr)
        }
    }

    impl AsyncRead for Counted {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Pin::new(&mut self.stream).poll_read(cx, buf)
        }
    }

    impl AsyncWrite for Counted {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut self.stream).poll_write(cx, buf)
        }

        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.stream).poll_flush(cx)
        }

        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.stream).poll_shutdown(cx)
        }
    }
}
