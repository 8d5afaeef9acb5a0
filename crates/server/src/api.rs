//! The customer's HTTP API. Every chat route is under `/api/chats/{id}`, the path its token's
//! cookie is scoped to, and answers only the holder of that chat's token ([`ChatAccess`]).
//! Agent routes will sit beside these under `/api/agent/`.

use super::AppState;
use super::auth::{self, ChatAccess};
use super::error::{ApiError, sentence};
use super::query::query_after;
use super::view::{ChatView, MessageView, chat_view};
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livewindow_core::limits::WEB_MESSAGE_CHARS;
use livewindow_core::{NewMessage, Sender, StoreError, limits, validate};
use livewindow_store::web::{Limit, Sent, Started, WebChatRequest};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// The largest JSON body the API reads (a message is at most [`WEB_MESSAGE_CHARS`]).
const JSON_BYTES: usize = 64 * 1024;

pub(crate) async fn read_json<T: serde::de::DeserializeOwned>(body: Body) -> Result<T, ApiError> {
    let bytes = axum::body::to_bytes(body, JSON_BYTES).await.map_err(|e| {
        body_error(
            e,
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "That is too long to send; a message can have at most {WEB_MESSAGE_CHARS} characters."
                ),
            ),
        )
    })?;
    serde_json::from_slice(&bytes).map_err(|_| ApiError::bad("The request was not understood."))
}

/// A body that could not be read: too slow (the body timeout), else `too_large`.
pub(crate) fn body_error(e: axum::Error, too_large: ApiError) -> ApiError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = source {
        if s.is::<tower_http::timeout::TimeoutError>() {
            return ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "The upload took too long and was stopped. Please try again.",
            );
        }
        source = s.source();
    }
    too_large
}

#[derive(Serialize)]
pub struct QueueView {
    id: i64,
    name: String,
}

#[derive(Serialize)]
pub struct ConfigView {
    queues: Vec<QueueView>,
    /// The page accepts a signed identity from these embedding origins.
    embed_origins: Vec<String>,
    message_chars: usize,
    image_bytes: usize,
    rating_comment_chars: usize,
    /// Files besides images: the extensions accepted, as a sentence, and the largest size.
    file_extensions: Vec<&'static str>,
    file_types_text: String,
    file_bytes: usize,
}

pub async fn config(State(state): State<AppState>) -> Result<Json<ConfigView>, ApiError> {
    let queues = state
        .store
        .queues()
        .await?
        .into_iter()
        .map(|q| QueueView {
            id: q.id,
            name: q.name,
        })
        .collect();
    let files = state.store.file_policy().await?;
    Ok(Json(ConfigView {
        queues,
        embed_origins: state.config.embed_origins.clone(),
        message_chars: WEB_MESSAGE_CHARS,
        image_bytes: limits::IMAGE_BYTES,
        rating_comment_chars: livewindow_core::csat::COMMENT_CHARS,
        file_extensions: files.kinds.iter().map(|k| k.extension()).collect(),
        file_types_text: livewindow_core::attachment::kinds_text(&files.kinds),
        file_bytes: files.max_bytes(),
    }))
}

#[derive(Deserialize)]
struct StartRequest {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    queue_id: Option<i64>,
    message: Option<String>,
    /// From a website that signed its user in: HMAC-SHA256 (hex) over `signed_at`, the
    /// email and the name ([`auth::verify_identity`]).
    signature: Option<String>,
    /// When the website signed, in seconds since the Unix epoch.
    signed_at: Option<i64>,
}

#[derive(Serialize)]
struct Started201 {
    chat: ChatView,
    messages: Vec<MessageView>,
}

/// The pre-chat form: starts a chat and gives the browser its token in a cookie.
pub async fn start(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    _: auth::SameOrigin,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let r: StartRequest = read_json(body).await?;
    let name = validate::clean_text(&r.name);
    let email = validate::clean_text(&r.email);
    let message = r.message.as_deref().map(validate::clean_text);
    let mut fields = std::collections::BTreeMap::new();
    // Cleaned as the store will keep them: the identity is checked on exactly that.
    let name = validate::name(&name).unwrap_or_else(|e| {
        fields.insert("name".to_string(), sentence(&e.to_string()));
        String::new()
    });
    let email = validate::email(&email).unwrap_or_else(|e| {
        fields.insert("email".to_string(), sentence(&e.to_string()));
        String::new()
    });
    if let Some(m) = &message
        && m.chars().count() > WEB_MESSAGE_CHARS
    {
        fields.insert(
            "message".to_string(),
            format!("The question can have at most {WEB_MESSAGE_CHARS} characters."),
        );
    }
    if let Some(m) = &message
        && !m.trim().is_empty()
        && !validate::shows_anything(m)
    {
        fields.insert(
            "message".to_string(),
            sentence(&livewindow_core::RuleError::InvisibleOnly.to_string()),
        );
    }
    let queues = state.store.queues().await?;
    let queue_id = match r.queue_id {
        Some(id) if queues.iter().any(|q| q.id == id) => Some(id),
        Some(_) => {
            fields.insert(
                "queue".to_string(),
                "Choose one of the listed topics.".into(),
            );
            None
        }
        None => queues.first().map(|q| q.id),
    };
    if !fields.is_empty() {
        let mut e = ApiError::bad("Please correct the marked fields.");
        e.fields = fields;
        return Err(e);
    }
    let Some(queue_id) = queue_id else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Chat is not open yet: no team has been set up to answer.",
        ));
    };
    let verified = match (
        &state.config.site_secret,
        r.signature.as_deref(),
        r.signed_at,
    ) {
        (Some(secret), Some(sig), Some(signed_at)) => {
            let now_s = state.store.now_ms().await? / 1000;
            let id = auth::Identity {
                email: &email,
                name: &name,
                signed_at,
            };
            auth::verify_identity(secret, &id, sig, now_s, state.config.identity_max_age_s)
        }
        _ => false,
    };
    let token = auth::new_token();
    let request = WebChatRequest {
        name,
        email,
        queue_id,
        first_message: message,
        verified_by_site: verified,
        token_hash: auth::token_hash(&token),
        client_addr: auth::limit_key(&auth::client_addr(
            &headers,
            Some(peer),
            state.config.trust_forwarded,
        )),
    };
    let limit = Limit {
        max: state.config.chats_per_hour,
        window_ms: 3_600_000,
    };
    let chat_id = match state.store.web_enqueue(&request, limit).await? {
        Started::Chat(id) => id,
        Started::Limited { retry_after_ms } => {
            return Err(ApiError::too_many(
                format!(
                    "Too many chats were started from your network in the last hour. Please try again in {}.",
                    livewindow_core::time::wait(retry_after_ms)
                ),
                retry_after_ms,
            ));
        }
    };
    tracing::info!(chat_id, verified, "web chat started");
    let chat = chat_view(&state.store, chat_id).await?;
    let messages = super::history::window(&state, chat_id, 0).await?;
    let mut response = (StatusCode::CREATED, Json(Started201 { chat, messages })).into_response();
    let cookie = auth::set_cookie(chat_id, &token, state.config.secure_cookies());
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

pub async fn state(
    State(state): State<AppState>,
    access: ChatAccess,
) -> Result<Json<ChatView>, ApiError> {
    Ok(Json(chat_view(&state.store, access.chat_id).await?))
}

/// `after` from the query string (a message id); nothing else there is read.
pub async fn messages(
    State(state): State<AppState>,
    access: ChatAccess,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<MessageView>>, ApiError> {
    // A window: the page's live socket sends the rest from the last id it holds.
    let after = query_after(query.as_deref());
    Ok(Json(
        super::history::window(&state, access.chat_id, after).await?,
    ))
}

#[derive(Deserialize)]
struct SendRequest {
    client_id: Option<String>,
    #[serde(default)]
    text: String,
}

/// The customer's id for a message, made unique to the chat: client ids are unique across
/// all chats, and a reused one must never answer with another chat's message.
pub(crate) fn client_id(chat_id: i64, given: Option<&str>) -> String {
    let given: String = given
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect();
    if given.is_empty() {
        format!("web:{chat_id}:{}", uuid::Uuid::new_v4())
    } else {
        format!("web:{chat_id}:{given}")
    }
}

pub(crate) fn message_limit(state: &AppState) -> Limit {
    Limit {
        max: state.config.messages_per_minute,
        window_ms: 60_000,
    }
}

fn too_fast(retry_after_ms: i64) -> ApiError {
    ApiError::too_many(
        format!(
            "You are sending messages faster than we can read them. Please wait {} and send again.",
            livewindow_core::time::wait(retry_after_ms)
        ),
        retry_after_ms,
    )
}

/// An early refusal before costly work; [`store_message`] counts for real.
async fn check_rate(state: &AppState, chat_id: i64, client_id: &str) -> Result<(), ApiError> {
    match state
        .store
        .customer_message_retry_after(chat_id, message_limit(state), client_id)
        .await?
    {
        Some(ms) => Err(too_fast(ms)),
        None => Ok(()),
    }
}

/// Stores a customer's message within the per-chat limit (counted in the database); a
/// retry of one already stored answers with it.
async fn store_message(
    state: &AppState,
    chat_id: i64,
    m: NewMessage,
) -> Result<Response, ApiError> {
    let sent = state
        .store
        .send_customer_message(chat_id, &m, message_limit(state))
        .await?;
    store_checked(state, chat_id, sent).await
}

/// The answer to a customer's send: the message stored, or the limit's sentence.
pub(crate) async fn store_checked(
    state: &AppState,
    chat_id: i64,
    sent: Sent,
) -> Result<Response, ApiError> {
    let id = match sent {
        Sent::Message(id) => id,
        Sent::Limited { retry_after_ms } => return Err(too_fast(retry_after_ms)),
    };
    let stored = state.store.message(id).await?;
    if stored.chat_id != chat_id {
        return Err(ApiError::forbidden());
    }
    Ok((StatusCode::CREATED, Json(super::history::page_view(stored))).into_response())
}

pub async fn send(
    State(state): State<AppState>,
    access: ChatAccess,
    body: Body,
) -> Result<Response, ApiError> {
    let r: SendRequest = read_json(body).await?;
    let text = validate::clean_text(&r.text);
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::bad("The message is empty.").field("message"));
    }
    if !validate::shows_anything(text) {
        return Err(ApiError::bad(sentence(
            &livewindow_core::RuleError::InvisibleOnly.to_string(),
        ))
        .field("message"));
    }
    let n = text.chars().count();
    if n > WEB_MESSAGE_CHARS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "Your message has {n} characters; the limit is {WEB_MESSAGE_CHARS}. Please shorten it or send it in parts."
            ),
        )
        .field("message"));
    }
    let mut m = NewMessage::plain(Sender::Customer, &access.customer_name, None, text);
    m.client_id = client_id(access.chat_id, r.client_id.as_deref());
    store_message(&state, access.chat_id, m).await
}

/// An image from the customer: the body is the file's bytes; `X-File-Name` (percent-encoded)
/// names it, `X-Client-Id` makes a retry single. The type is read from the bytes, never
/// from the name or Content-Type.
pub async fn image(
    State(state): State<AppState>,
    access: ChatAccess,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let max = limits::IMAGE_BYTES;
    let too_large = |len: Option<u64>| {
        ApiError::from(StoreError::from(limits::image_too_large("That image", len)))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large(declared));
    }
    let _uploading = upload_permit(&state).await?;
    let bytes: Bytes = axum::body::to_bytes(body, max)
        .await
        .map_err(|e| body_error(e, too_large(None)))?;
    let clean = super::images::clean(&state, bytes).await?;
    let mime = clean.mime;
    let name = file_name(&headers).unwrap_or_else(|| "image".into());
    let given = headers.get("x-client-id").and_then(|v| v.to_str().ok());
    let cid = client_id(access.chat_id, given);
    check_rate(&state, access.chat_id, &cid).await?;
    let html = livewindow_richtext::image_message_html(&clean.bytes, mime, &name);
    let mut m = NewMessage::rich(
        Sender::Customer,
        &access.customer_name,
        None,
        html,
        format!("[image: {name}]"),
    );
    m.client_id = cid;
    store_message(&state, access.chat_id, m).await
}

/// Each upload is held in memory while it arrives: a few at a time per process (images
/// and files together).
pub(crate) async fn upload_permit(
    state: &AppState,
) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
    tokio::time::timeout(std::time::Duration::from_secs(10), state.uploads.acquire())
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The chat service is busy for a moment. Please try again in a few seconds.",
            )
        })
}

/// An upload's name from `X-File-Name` (percent-encoded): one clean line of at most 120
/// characters.
pub(crate) fn file_name(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
        .map(|v| validate::clean_text(&v).replace('\n', " "))
        .map(|v| v.trim().chars().take(120).collect::<String>())
        .filter(|v| !v.is_empty())
}

pub async fn typing(
    State(state): State<AppState>,
    access: ChatAccess,
) -> Result<StatusCode, ApiError> {
    super::live::customer_typing(&state, access.chat_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn heartbeat(
    State(state): State<AppState>,
    access: ChatAccess,
) -> Result<StatusCode, ApiError> {
    state.seen.beat(access.chat_id);
    Ok(StatusCode::NO_CONTENT)
}

pub async fn end(
    State(state): State<AppState>,
    access: ChatAccess,
) -> Result<Json<ChatView>, ApiError> {
    state
        .store
        .end_chat(access.chat_id, Sender::Customer)
        .await?;
    Ok(Json(chat_view(&state.store, access.chat_id).await?))
}

/// The conversation as a text file to keep.
pub async fn transcript(
    State(state): State<AppState>,
    access: ChatAccess,
) -> Result<Response, ApiError> {
    let chat = state.store.chat(access.chat_id).await?;
    let mut out = format!(
        "Chat {} — {}\nStarted {}\n\n",
        chat.id,
        chat.queue_name,
        utc(chat.created_ms)
    );
    // Read a window at a time, without the pictures' bytes: only the text is written.
    let mut after = 0;
    loop {
        let window = state
            .store
            .customer_messages_window(access.chat_id, after, limits::PAGE_WINDOW, 0)
            .await?;
        let full = window.len() >= limits::PAGE_WINDOW;
        for m in window.into_iter().map(|w| w.message) {
            after = m.id;
            let who = match m.sender {
                Sender::System => "*".to_string(),
                _ => format!("{}:", m.sender_name),
            };
            let body = m.body_text.replace('\n', "\n    ");
            out.push_str(&format!("[{}] {who} {body}\n", utc(m.created_ms)));
        }
        if !full {
            break;
        }
    }
    let disposition = format!("attachment; filename=\"chat-{}.txt\"", chat.id);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        out,
    )
        .into_response())
}

fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}
