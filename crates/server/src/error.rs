//! The API's errors: a status, and one sentence the page can show as it is. Database errors
//! are logged and answered with a general sentence: a driver's words never reach a customer.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;

use livewindow_core::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// The form field the sentence belongs next to.
    pub field: Option<String>,
    /// Sentences for several fields at once (the pre-chat form).
    pub fields: BTreeMap<String, String>,
    pub retry_after_s: Option<u64>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    fields: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            field: None,
            fields: BTreeMap::new(),
            retry_after_s: None,
        }
    }

    pub fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    /// Not this caller's chat, or no such chat: the same answer, so nothing is learned.
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "This chat is not yours, or it has expired. Start a new chat.",
        )
    }

    /// 429 with Retry-After (whole seconds, at least one).
    pub fn too_many(message: impl Into<String>, retry_after_ms: i64) -> Self {
        let secs = (retry_after_ms.max(1000) as u64).div_ceil(1000);
        ApiError {
            retry_after_s: Some(secs),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, message)
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid { field, message } => ApiError {
                field,
                ..ApiError::bad(sentence(&message))
            },
            StoreError::Rule { field, rule } => ApiError {
                field,
                ..ApiError::new(
                    if rule.is_too_large() {
                        StatusCode::PAYLOAD_TOO_LARGE
                    } else {
                        StatusCode::BAD_REQUEST
                    },
                    sentence(&rule.to_string()),
                )
            },
            // Not this caller's, like a chat that does not exist: nothing is learned.
            StoreError::NotFound(_) | StoreError::NotYours | StoreError::Denied(_) => {
                ApiError::forbidden()
            }
            e @ StoreError::Ended => ApiError::new(StatusCode::CONFLICT, sentence(&e.to_string())),
            e @ (StoreError::Conflict(_)
            | StoreError::TargetAway { .. }
            | StoreError::TargetBusy { .. }
            | StoreError::EditConflict { .. }) => {
                ApiError::new(StatusCode::CONFLICT, sentence(&e.to_string()))
            }
            StoreError::Unavailable(m) => {
                tracing::warn!(error = %m, "database unavailable");
                ApiError {
                    retry_after_s: Some(5),
                    ..ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "The chat service is busy for a moment. Please try again in a few seconds.",
                    )
                }
            }
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side. Please try again.",
                )
            }
        }
    }
}

/// The store words its rules in lower case without a stop ("the chat is empty"); the page
/// shows sentences.
pub fn sentence(s: &str) -> String {
    let mut chars = s.trim().chars();
    let mut out: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: &self.message,
            field: self.field.as_deref(),
            fields: &self.fields,
            retry_after: self.retry_after_s,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after_s
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}
