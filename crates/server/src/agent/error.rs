//! The agents' API's failures: a status and a [`Failure`] the desktop reads back into the
//! same typed error it would get from a local store. A driver's words are logged, never sent.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livewindow_core::{AcceptError, SessionEnd, SignInError, StoreError};
use livewindow_data::wire::{Failure, FailureKind, SignInRefusal};

#[derive(Debug)]
pub struct AgentError {
    status: StatusCode,
    failure: Failure,
    retry_after_s: Option<u64>,
}

impl AgentError {
    fn new(status: StatusCode, kind: FailureKind, line: String) -> Self {
        AgentError {
            status,
            failure: Failure {
                error: super::super::error::sentence(&line),
                kind,
            },
            retry_after_s: None,
        }
    }

    /// No session (`None`), or one that ended: the desktop goes back to its sign-in screen.
    pub fn session(why: Option<SessionEnd>) -> Self {
        let line = match why {
            Some(why) => why.sentence().to_string(),
            None => "You are not signed in.".to_string(),
        };
        Self::new(StatusCode::UNAUTHORIZED, FailureKind::Session(why), line)
    }

    /// A request the API does not understand.
    pub fn request(line: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            FailureKind::Request,
            line.to_string(),
        )
    }
}

fn store_status(e: &StoreError) -> StatusCode {
    match e {
        StoreError::Rule { rule, .. } if rule.is_too_large() => StatusCode::PAYLOAD_TOO_LARGE,
        StoreError::Rule { .. } | StoreError::Invalid { .. } => StatusCode::BAD_REQUEST,
        StoreError::NotFound(_) => StatusCode::NOT_FOUND,
        StoreError::Denied(_) => StatusCode::FORBIDDEN,
        StoreError::SignedOut { .. } => StatusCode::UNAUTHORIZED,
        StoreError::NotYours
        | StoreError::Ended
        | StoreError::Conflict(_)
        | StoreError::TargetAway { .. }
        | StoreError::TargetBusy { .. }
        | StoreError::EditConflict { .. } => StatusCode::CONFLICT,
        StoreError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        StoreError::Config(_)
        | StoreError::Unreachable(_)
        | StoreError::SchemaNewer(_)
        | StoreError::Migrate(_)
        | StoreError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The error as the desktop may see it: the server's internals stay in its log.
fn shown(e: StoreError) -> StoreError {
    match e {
        StoreError::Unavailable(why) => {
            tracing::warn!(error = %why, "database unavailable");
            StoreError::Unavailable("the server cannot reach its database".into())
        }
        e if store_status(&e) == StatusCode::INTERNAL_SERVER_ERROR => {
            tracing::error!(error = %e, "store error");
            StoreError::Database("something went wrong on the server".into())
        }
        e => e,
    }
}

impl From<StoreError> for AgentError {
    fn from(e: StoreError) -> Self {
        let status = store_status(&e);
        let e = shown(e);
        let mut out = Self::new(status, FailureKind::Store(e.clone()), e.to_string());
        if status == StatusCode::SERVICE_UNAVAILABLE {
            out.retry_after_s = Some(5);
        }
        out
    }
}

impl From<AcceptError> for AgentError {
    fn from(e: AcceptError) -> Self {
        match e {
            AcceptError::Store(e) => e.into(),
            e => Self::new(
                StatusCode::CONFLICT,
                FailureKind::Accept(e.clone()),
                e.to_string(),
            ),
        }
    }
}

impl From<SignInError> for AgentError {
    fn from(e: SignInError) -> Self {
        let line = e.to_string();
        match e {
            SignInError::BadCredentials => Self::new(
                StatusCode::UNAUTHORIZED,
                FailureKind::SignIn(SignInRefusal::BadCredentials),
                line,
            ),
            SignInError::Disabled => Self::new(
                StatusCode::FORBIDDEN,
                FailureKind::SignIn(SignInRefusal::Disabled),
                line,
            ),
            SignInError::TooManyAttempts { retry_after_secs } => AgentError {
                retry_after_s: Some(retry_after_secs.max(1)),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    FailureKind::SignIn(SignInRefusal::TooManyAttempts { retry_after_secs }),
                    line,
                )
            },
            SignInError::Store(e) => e.into(),
        }
    }
}

impl IntoResponse for AgentError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(&self.failure)).into_response();
        if let Some(s) = self.retry_after_s
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    }
}
