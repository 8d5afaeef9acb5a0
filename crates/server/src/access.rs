//! What every request passes through before its route: a request id of the server's own
//! making (a client's X-Request-Id is kept only when it is a well-formed UUID, so no
//! client text reaches the log), one access-log line, and the Host check against
//! `--public-url`.

use super::AppState;
use super::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::time::Instant;

const REQUEST_ID: &str = "x-request-id";

/// Sets the request's id: the client's when it is a UUID (written back in one canonical
/// form), otherwise a new random one.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| uuid::Uuid::try_parse(v.trim()).ok())
        .unwrap_or_else(uuid::Uuid::new_v4);
    if let Ok(v) = HeaderValue::from_str(&id.hyphenated().to_string()) {
        req.headers_mut().insert(REQUEST_ID, v);
    }
    next.run(req).await
}

/// One line per request at info level: id, method, path (never the query string, where a
/// careless client might put a token), status, time taken and the caller's address. Names,
/// emails and tokens travel in bodies, cookies and headers, none of which is logged.
pub async fn log(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    // The path is percent-encoded ASCII: it cannot break the line.
    let path: String = req.uri().path().chars().take(200).collect();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let client = super::auth::client_addr(req.headers(), peer, state.config.trust_forwarded);
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let response = next.run(req).await;
    tracing::info!(
        target: "livewindow::access",
        request_id = %id,
        %method,
        path = %path,
        status = response.status().as_u16(),
        ms = start.elapsed().as_millis() as u64,
        client = %client,
        "request"
    );
    response
}

/// With `--public-url`, a request must name its host (and port): a page reached through
/// another name (DNS rebinding, a stray proxy) is refused. The load balancer's probes are
/// answered whatever the name.
pub async fn host_check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let probe = matches!(req.uri().path(), "/healthz" | "/readyz");
    let public = state.config.public_url.as_ref();
    let authority = req.uri().authority().map(|a| a.as_str());
    if probe || super::auth::host_allowed(req.headers(), authority, public) {
        return next.run(req).await;
    }
    let name = public
        .and_then(|u| u.host_str())
        .unwrap_or("its public address");
    ApiError::new(
        StatusCode::MISDIRECTED_REQUEST,
        format!("This server answers only for {name}."),
    )
    .into_response()
}
