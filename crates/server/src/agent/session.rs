//! Signing in and out, and the [`Signed`] extractor every other agents' route starts with:
//! the Bearer token checked against the sessions table (revoked, expired, disabled users
//! and changed passwords all end a session there).

use super::AgentError;
use crate::AppState;
use crate::auth::client_addr;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livewindow_core::StoreError;
use livewindow_core::account::{Act, Caller, PasswordState, authorize};
use livewindow_core::{Password, SessionToken};
use livewindow_data::wire::{OwnPassword, SignInAnswer, SignInRequest};
use livewindow_store::{SessionCheck, SessionUser};
use std::net::SocketAddr;

/// The signed-in user of a request, and the token that opened it.
pub struct Signed {
    pub user: SessionUser,
    pub token: SessionToken,
}

impl Signed {
    pub fn agent_id(&self) -> i64 {
        self.user.user.agent.id
    }

    /// Who acts, as `authorize` is asked.
    pub fn caller(&self) -> Caller {
        Caller {
            agent_id: self.agent_id(),
            role: self.user.user.role,
            must_change_password: self.user.user.password == PasswordState::MustChange,
        }
    }
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &HeaderMap) -> Option<SessionToken> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| SessionToken::new(token.trim()))
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = AgentError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AgentError> {
        let token = bearer(&parts.headers).ok_or(AgentError::session(None))?;
        match state.store.check_session(&token).await? {
            SessionCheck::Valid(user) => Ok(Signed { user, token }),
            SessionCheck::Ended(why) => Err(AgentError::session(Some(why))),
            SessionCheck::Unknown => Err(AgentError::session(None)),
        }
    }
}

/// `POST /api/agent/session`.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AgentError> {
    let r: SignInRequest = serde_json::from_slice(&body)
        .map_err(|_| AgentError::request("the sign-in request was not understood"))?;
    let address = client_addr(&headers, Some(peer), state.config.trust_forwarded);
    let password = Password::new(r.password);
    let signed = state
        .store
        .sign_in(&r.email, &password, &r.device, &address)
        .await?;
    let agent = &signed.session.user.agent;
    tracing::info!(
        agent_id = agent.id,
        session_id = signed.session.session_id,
        "signed in"
    );
    Ok((
        StatusCode::CREATED,
        Json(SignInAnswer {
            token: signed.token.expose().to_string(),
            agent_id: agent.id,
            name: agent.name.clone(),
            email: agent.email.clone(),
            role: signed.session.user.role,
            must_change_password: signed.session.user.password == PasswordState::MustChange,
            idle_expires_ms: signed.idle_expires_ms,
            absolute_expires_ms: signed.absolute_expires_ms,
        }),
    )
        .into_response())
}

/// `GET /api/agent/session`: who the token signs in.
pub async fn me(signed: Signed) -> Response {
    let u = &signed.user.user;
    Json(serde_json::json!({
        "agent_id": u.agent.id,
        "name": u.agent.name,
        "email": u.agent.email,
        "role": u.role,
        "session_id": signed.user.session_id,
        "must_change_password": signed.caller().must_change_password,
    }))
    .into_response()
}

/// `DELETE /api/agent/session`: signs out; the desk's event socket closes.
pub async fn sign_out(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response, AgentError> {
    state.store.sign_out(&signed.token).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/agent/password`: the signed-in user changes their own password. Their other
/// sessions end; this one goes on, now allowed everything its role allows.
pub async fn change_password(
    State(state): State<AppState>,
    signed: Signed,
    body: Bytes,
) -> Result<Response, AgentError> {
    let caller = signed.caller();
    if let Err(denied) = authorize(&caller, &Act::ChangeOwnPassword) {
        return Err(StoreError::Denied(denied).into());
    }
    let OwnPassword::Password { current, new } =
        super::commands::parse("password", &body).map_err(AgentError::request)?;
    state
        .store
        .change_own_password(signed.user.session_id, caller.agent_id, &current, &new)
        .await?;
    tracing::info!(
        agent_id = caller.agent_id,
        session_id = signed.user.session_id,
        "password changed"
    );
    Ok(Json(()).into_response())
}

/// In front of the desk's event feed: its session must be allowed its own desk (one that
/// must change its one-time password first is not), as `authorize` decides.
pub async fn own_desk(
    signed: Signed,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Result<Response, AgentError> {
    authorize(&signed.caller(), &Act::OwnDesk).map_err(StoreError::Denied)?;
    Ok(next.run(request).await)
}
