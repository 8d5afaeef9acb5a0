//! `POST /api/chats/{id}/rating`: the customer's answer to "How did we do?", with the chat's
//! own credentials (its cookie, or the `X-Chat-Token` header) like every chat route, and
//! under the same edge limits (connections per address, the body timeout, a small body).

use super::AppState;
use super::api::read_json;
use super::auth::ChatAccess;
use super::error::ApiError;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use livewindow_core::csat::{Rated, Rating, RatingError};
use serde::Deserialize;

#[derive(Deserialize)]
struct RateRequest {
    rating: i64,
    comment: Option<String>,
}

pub async fn rate(
    State(state): State<AppState>,
    access: ChatAccess,
    body: Body,
) -> Result<Response, ApiError> {
    let r: RateRequest = read_json(body).await?;
    let rating = Rating::new(r.rating, r.comment.as_deref()).map_err(|e| {
        let field = match e {
            RatingError::OutOfRange => "rating",
            RatingError::CommentTooLong(_) => "comment",
        };
        ApiError::bad(e.to_string()).field(field)
    })?;
    match state.store.rate_chat(access.chat_id, &rating).await? {
        Rated::Stored => {
            tracing::info!(chat_id = access.chat_id, "chat rated");
            Ok((
                StatusCode::CREATED,
                Json(serde_json::json!({ "rating": rating.rating })),
            )
                .into_response())
        }
        Rated::NotEnded => Err(ApiError::new(
            StatusCode::CONFLICT,
            "You can rate the chat once it has ended.",
        )),
        Rated::AlreadyRated => Err(ApiError::new(
            StatusCode::CONFLICT,
            "This chat was rated already. Thank you!",
        )),
        Rated::Off => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "Ratings are not collected here.",
        )),
    }
}
