//! `livewindow server`: the team's hub. Serves the customer's chat page, its API and live
//! channel; stateless, so any number of processes run behind a load balancer on one
//! database. Each process holds one event subscription ([`hub::Hub`]) and a small pool.
//!
//! Layout: `/` and `/assets/*` the page; `/api/config` and `/api/chats` the customer API
//! (`/api/chats/{id}/…` per chat, the path the chat's token cookie is scoped to; `…/live`
//! the WebSocket); `/healthz`, `/readyz` for the load balancer. Agent routes will go under
//! `/api/agent/` and tap the same hub.

mod access;
mod agent;
mod api;
mod args;
mod assets;
pub mod auth;
mod csat;
mod error;
mod files;
mod history;
mod hub;
mod images;
mod listen;
mod live;
mod query;
mod seen;
mod tls;
mod view;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use livewindow_core::limits;
use livewindow_store::Store;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tower::ServiceBuilder;
use tower_http::request_id::PropagateRequestIdLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

pub use args::ServerArgs;
pub use hub::Hub;

pub use livewindow_core::limits::WEB_MESSAGE_CHARS;

#[derive(Debug, Clone)]
pub struct Config {
    /// With it, connections are https (`--tls-cert`, `--tls-key`).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// The address customers reach the page at, when it differs from the listen address
    /// (behind a proxy): its origin is accepted, and https makes cookies Secure.
    pub public_url: Option<url::Url>,
    /// Origins allowed to frame the page (CSP frame-ancestors); none: no framing.
    pub embed_origins: Vec<String>,
    /// With it, a website's HMAC-SHA256 over the customer's identity marks a chat verified
    /// by website (see [`auth::verify_identity`]).
    pub site_secret: Option<String>,
    /// How long a website's identity signature holds, in seconds.
    pub identity_max_age_s: i64,
    /// Take the client's address from X-Forwarded-For (only behind a proxy that sets it).
    pub trust_forwarded: bool,
    pub chats_per_hour: i64,
    pub messages_per_minute: i64,
    /// Live sockets open at once on one chat, and from one address.
    pub sockets_per_chat: usize,
    pub sockets_per_address: usize,
    /// Open connections from one address (not applied with `trust_forwarded`: the proxy's
    /// address is everyone's), and in all.
    pub connections_per_address: usize,
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
    pub shutdown_timeout: Duration,
    /// Runs the routing, offer-expiry and presence rules every second (`livewindow
    /// server` does, so a team routes with no desktop open; tests that tick by hand do not).
    pub run_rules: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            tls: None,
            public_url: None,
            embed_origins: Vec::new(),
            site_secret: None,
            identity_max_age_s: livewindow_core::limits::IDENTITY_MAX_AGE_SECONDS,
            trust_forwarded: false,
            chats_per_hour: 20,
            messages_per_minute: 30,
            sockets_per_chat: limits::SOCKETS_PER_CHAT,
            sockets_per_address: limits::SOCKETS_PER_ADDRESS,
            connections_per_address: limits::CONNECTIONS_PER_ADDRESS,
            max_connections: limits::CONNECTIONS,
            header_timeout: Duration::from_secs(limits::HEADER_TIMEOUT_SECS),
            body_timeout: Duration::from_secs(limits::BODY_TIMEOUT_SECS),
            idle_timeout: Duration::from_secs(limits::IDLE_TIMEOUT_SECS),
            shutdown_timeout: Duration::from_secs(limits::SHUTDOWN_TIMEOUT_SECS),
            run_rules: false,
        }
    }
}

impl Config {
    pub fn secure_cookies(&self) -> bool {
        self.tls.is_some()
            || self
                .public_url
                .as_ref()
                .is_some_and(|u| u.scheme() == "https")
    }

    /// The Content-Security-Policy: scripts, styles and connections only from this server,
    /// no inline script and no eval; images only from this server (messages' pictures are
    /// sent by reference).
    pub fn csp(&self) -> String {
        let ancestors = if self.embed_origins.is_empty() {
            "'none'".to_string()
        } else {
            self.embed_origins.join(" ")
        };
        format!(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
             connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
        )
    }
}

/// Checks an `--embed-origin`: scheme, host and optional port, nothing else.
pub fn parse_origin(value: &str) -> Result<String, String> {
    let url = url::Url::parse(value.trim()).map_err(|e| format!("{value:?}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("{value:?} is not an http(s) origin"));
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(format!(
            "{value:?} has a path; give only the origin, e.g. https://www.example.com"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// What every request shares: cloned per request as one pointer (a request cloned fifteen
/// of them before, about 2% of a busy server's time).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub store: Store,
    pub hub: Arc<Hub>,
    pub config: Arc<Config>,
    tokens: Arc<auth::TokenCache>,
    /// When each chat's customer last made a typing event from this process.
    typing: Arc<Mutex<HashMap<i64, Instant>>>,
    assets: Arc<Vec<assets::Asset>>,
    /// Messages with pictures read from the database at once (see `history`).
    heavy: Arc<tokio::sync::Semaphore>,
    heavy_views: Arc<history::HeavyViews>,
    /// Uploads decoded at once, uploads read at once, and MiB of pictures being sent.
    decoding: Arc<tokio::sync::Semaphore>,
    uploads: Arc<tokio::sync::Semaphore>,
    in_flight: Arc<tokio::sync::Semaphore>,
    /// The last readiness check and when it ran: probes share one check a second.
    readiness: Arc<tokio::sync::Mutex<Option<(Instant, bool)>>>,
    /// The sessions of the agents' open event sockets, checked together.
    sessions: Arc<agent::Sessions>,
    /// The desktops' heartbeats, written together once a second.
    beats: Arc<agent::Beats>,
    /// The customers' heartbeats, written together every two seconds.
    seen: Arc<seen::Seen>,
}

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/api/config", get(api::config))
        .route("/api/chats", post(api::start))
        .route("/api/chats/{id}", get(api::state))
        .route(
            "/api/chats/{id}/messages",
            get(api::messages).post(api::send),
        )
        .route(
            "/api/chats/{id}/images",
            post(api::image).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/api/chats/{id}/files",
            post(files::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/api/chats/{id}/typing", post(api::typing))
        .route("/api/chats/{id}/heartbeat", post(api::heartbeat))
        .route("/api/chats/{id}/end", post(api::end))
        .route("/api/chats/{id}/rating", post(csat::rate))
        .route("/api/chats/{id}/transcript", get(api::transcript))
        .route("/api/chats/{id}/images/{message}/{n}", get(images::serve))
        .route("/api/chats/{id}/live", get(live::live))
        .merge(agent::routes(state.clone()))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let csp = HeaderValue::from_str(&state.config.csp())
        .unwrap_or(HeaderValue::from_static("default-src 'none'"));
    let mut app = Router::new()
        .route("/", get(asset))
        .route("/assets/{file}", get(asset))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .merge(api)
        .fallback(not_found)
        .with_state(state.clone())
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .layer(header_layer(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ))
        .layer(header_layer(
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ));
    if state.config.embed_origins.is_empty() {
        // For browsers older than CSP's frame-ancestors.
        app = app.layer(header_layer(header::X_FRAME_OPTIONS, "DENY"));
    }
    if state.config.secure_cookies() {
        app = app.layer(header_layer(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000",
        ));
    }
    // Bodies must arrive within the body timeout (an upload is read in its handler).
    app = app.layer(RequestBodyTimeoutLayer::new(state.config.body_timeout));
    app.layer(
        ServiceBuilder::new()
            .layer(axum::middleware::from_fn(access::request_id))
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                access::log,
            ))
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                access::host_check,
            ))
            .layer(
                TraceLayer::new_for_http().make_span_with(|req: &Request<axum::body::Body>| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    // The path only: a query string is never logged.
                    tracing::info_span!("request", request_id = %id, method = %req.method(),
                        path = %req.uri().path())
                }),
            )
            .layer(PropagateRequestIdLayer::x_request_id()),
    )
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

async fn asset(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    match state.assets.iter().find(|a| a.path == uri.path()) {
        Some(a) => a.respond(&headers),
        None => not_found(uri).await,
    }
}

async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        error::ApiError::new(StatusCode::NOT_FOUND, "There is nothing here.").into_response()
    } else {
        (StatusCode::NOT_FOUND, "Not found").into_response()
    }
}

/// Ready when the database reads and could write (`Store::check_ready`), the event feed is
/// live and no shutdown has begun. One check a second at most, whoever asks.
async fn ready(State(state): State<AppState>) -> Response {
    let db_ok = {
        let mut last = state.readiness.lock().await;
        match *last {
            Some((at, ok)) if at.elapsed() < Duration::from_secs(1) => ok,
            _ => {
                let check =
                    tokio::time::timeout(Duration::from_secs(2), state.store.check_ready()).await;
                let ok = match check {
                    Ok(Ok(())) => true,
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "not ready");
                        false
                    }
                    Err(_) => false,
                };
                *last = Some((Instant::now(), ok));
                ok
            }
        }
    };
    let ok = db_ok && state.hub.is_healthy() && !state.hub.is_shutting_down();
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, if ok { "ready" } else { "not ready" }).into_response()
}

/// Serves on `listener` until `shutdown` resolves; then tells every socket to reconnect
/// elsewhere, finishes the requests under way and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let hub = Hub::start(store.clone()).await?;
    let (heavy, decoding, in_flight) = images::semaphores();
    let limits = listen::Limits {
        per_address: (!config.trust_forwarded).then_some(config.connections_per_address),
        total: config.max_connections,
        header_timeout: config.header_timeout,
        idle_timeout: config.idle_timeout,
        shutdown_timeout: config.shutdown_timeout,
        tls: config.tls.clone().map(tokio_rustls::TlsAcceptor::from),
    };
    let state = AppState(Arc::new(Shared {
        store,
        hub: hub.clone(),
        config: Arc::new(config),
        tokens: Arc::default(),
        typing: Arc::default(),
        assets: Arc::new(assets::all()),
        heavy,
        heavy_views: Arc::default(),
        decoding,
        uploads: Arc::new(tokio::sync::Semaphore::new(limits::IMAGE_UPLOADS_AT_ONCE)),
        in_flight,
        readiness: Arc::default(),
        sessions: Arc::default(),
        beats: Arc::default(),
        seen: Arc::default(),
    }));
    let beats = state.beats.clone();
    let (store, stop) = (state.store.clone(), hub.shutting_down());
    tokio::spawn(async move { beats.run(store, stop).await });
    let seen = state.seen.clone();
    let (store, stop) = (state.store.clone(), hub.shutting_down());
    tokio::spawn(async move { seen.run(store, stop).await });
    tokio::spawn(
        state
            .sessions
            .clone()
            .run(state.store.clone(), hub.shutting_down()),
    );
    if state.config.run_rules {
        tokio::spawn(run_rules(state.store.clone(), hub.shutting_down()));
    }
    let app = router(state);
    let stopping = hub.clone();
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: sockets are told to reconnect");
        stopping.begin_shutdown();
    };
    listen::serve(listener, app, limits, signal).await;
    // Sockets were told to reconnect when the shutdown began; those not closed by now are
    // left to the process's exit.
    let deadline = Instant::now() + Duration::from_secs(2);
    while hub.sockets() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// The rules a team's desktops no longer run: routing, offer expiry, absent agents and
/// customers, discards, wrap-up maximums. Every server process runs them; they are safe
/// to run concurrently.
async fn run_rules(store: Store, mut stopping: tokio::sync::watch::Receiver<bool>) {
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {
                if let Err(e) = store.tick().await {
                    tracing::warn!(error = %e, "rules");
                }
            }
            _ = stopping.changed() => return,
        }
    }
}

/// `livewindow server`: binds, says where, serves until SIGTERM or Ctrl-C.
pub async fn run(store: Store, listen: SocketAddr, config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let local = listener.local_addr()?;
    let page = match &config.public_url {
        Some(u) => u.to_string(),
        None if config.tls.is_some() => format!("https://{local}/"),
        None => format!("http://{local}/"),
    };
    println!(
        "Live Window server on {local} ({}); the chat page is {page}",
        store.backend()
    );
    tracing::info!(%local, backend = %store.backend(), "listening");
    serve(listener, store.clone(), config, stop_signal()).await?;
    // A connection still busy must not hold the exit up.
    let _ = tokio::time::timeout(Duration::from_secs(2), store.close()).await;
    Ok(())
}

/// SIGTERM (a service manager, a load balancer draining) or Ctrl-C.
pub async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
