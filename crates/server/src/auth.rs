//! Who may touch a chat: the token a browser got when it started the chat (a cookie scoped
//! to that chat's path, or the `X-Chat-Token` header for other clients — never the URL),
//! the origin a browser request comes from, the caller's address, and the website's HMAC
//! over the customer's email.

use super::AppState;
use super::error::ApiError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

/// The cookie that carries a chat's token.
pub const COOKIE: &str = "lw_chat";
/// The header that may carry it instead (non-browser clients).
pub const TOKEN_HEADER: &str = "x-chat-token";
/// How long the browser keeps the token.
const COOKIE_MAX_AGE_S: u64 = 24 * 3600;

/// A new token: 256 random bits from rand's thread generator (a CSPRNG seeded by the
/// operating system), as hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The Set-Cookie value for a chat's token: HttpOnly (no script reads it), SameSite=Strict
/// (no other site's page sends it), Secure when the public URL is https, and a Path of
/// the chat's own API so it is sent for that chat and nothing else.
pub fn set_cookie(chat_id: i64, token: &str, secure: bool) -> String {
    let mut cookie = cookie::Cookie::build((COOKIE, token.to_string()))
        .path(format!("/api/chats/{chat_id}"))
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .max_age(cookie::time::Duration::seconds(COOKIE_MAX_AGE_S as i64));
    if secure {
        cookie = cookie.secure(true);
    }
    cookie.build().to_string()
}

/// The tokens a request carries: every `lw_chat` cookie (a browser with several chats
/// sends the one whose path matches, but be lenient) and the header. Query strings are
/// never looked at.
fn tokens(headers: &HeaderMap) -> Vec<String> {
    let mut out = Vec::new();
    for value in headers.get_all(header::COOKIE) {
        let Ok(value) = value.to_str() else { continue };
        for c in cookie::Cookie::split_parse(value).flatten() {
            if c.name() == COOKIE {
                out.push(c.value().to_string());
            }
        }
    }
    if let Some(v) = headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()) {
        out.push(v.trim().to_string());
    }
    out.retain(|t| !t.is_empty() && t.len() <= 128);
    out
}

/// Token hashes already looked up, to their chat and customer name. A token's chat never
/// changes, so the cache cannot go stale; it is emptied when it grows large.
#[derive(Default)]
pub struct TokenCache(Mutex<HashMap<String, (i64, String)>>);

const TOKEN_CACHE_MAX: usize = 200_000;

/// A request allowed into one chat: its id and the customer's name.
#[derive(Debug, Clone)]
pub struct ChatAccess {
    pub chat_id: i64,
    pub customer_name: String,
}

impl FromRequestParts<AppState> for ChatAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        check_origin(parts, state)?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::forbidden())?;
        let chat_id: i64 = params
            .get("id")
            .and_then(|v| v.parse().ok())
            .ok_or_else(ApiError::forbidden)?;
        for token in tokens(&parts.headers) {
            let hash = token_hash(&token);
            let cached = state
                .tokens
                .0
                .lock()
                .ok()
                .and_then(|m| m.get(&hash).cloned());
            let found = match cached {
                Some(found) => Some(found),
                None => match state.store.chat_for_token(&hash).await? {
                    Some(t) => {
                        let found = (t.chat_id, t.customer_name);
                        if let Ok(mut m) = state.tokens.0.lock() {
                            if m.len() >= TOKEN_CACHE_MAX {
                                m.clear();
                            }
                            m.insert(hash, found.clone());
                        }
                        Some(found)
                    }
                    None => None,
                },
            };
            if let Some((id, name)) = found
                && id == chat_id
            {
                return Ok(ChatAccess {
                    chat_id,
                    customer_name: name,
                });
            }
        }
        Err(ApiError::forbidden())
    }
}

/// A request whose origin passed [`check_origin`].
pub struct SameOrigin;

impl FromRequestParts<AppState> for SameOrigin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        check_origin(parts, state)?;
        Ok(SameOrigin)
    }
}

/// A browser's request that changes something (or opens the live channel) must come from
/// a page of this server: its Origin, when sent, is the public URL's or the Host's. Another
/// site's page cannot post into a chat even where a browser would send the cookie.
pub fn check_origin(parts: &Parts, state: &AppState) -> Result<(), ApiError> {
    let upgrade = parts.headers.contains_key(header::UPGRADE);
    if parts.method == Method::GET && !upgrade || parts.method == Method::HEAD {
        return Ok(());
    }
    let Some(origin) = parts.headers.get(header::ORIGIN) else {
        return Ok(()); // not a browser's cross-origin request
    };
    let origin = origin.to_str().unwrap_or_default();
    if let Some(public) = &state.config.public_url
        && origin == public.origin().ascii_serialization()
    {
        return Ok(());
    }
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let ours = url::Url::parse(origin)
        .ok()
        .and_then(|u| {
            let h = u.host_str()?.to_string();
            Some(match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h,
            })
        })
        .is_some_and(|o| !host.is_empty() && o.eq_ignore_ascii_case(host));
    if ours {
        Ok(())
    } else {
        Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "This request came from another website.",
        ))
    }
}

/// The caller's address: the peer, or behind a trusted reverse proxy the last address in
/// X-Forwarded-For (the one the proxy itself saw; earlier ones are the client's word).
pub fn client_addr(headers: &HeaderMap, peer: Option<SocketAddr>, trust_forwarded: bool) -> String {
    if trust_forwarded
        && let Some(last) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|s| !s.is_empty())
    {
        return last.chars().take(64).collect();
    }
    peer.map(|p| p.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Whether `signature` (hex) is HMAC-SHA256(secret, email). The comparison is the hmac
/// crate's constant-time one. Emails are compared as the website wrote them, trimmed.
pub fn verify_signature(secret: &str, email: &str, signature: &str) -> bool {
    let Ok(expected) = hex::decode(signature.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(email.trim().as_bytes());
    mac.verify_slice(&expected).is_ok()
}

/// HMAC-SHA256(secret, email) as hex: what a website computes (used by tests and docs).
pub fn sign_email(secret: &str, email: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(email.trim().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn signatures() {
        let sig = sign_email("s3cret", "ana@example.com");
        assert!(verify_signature("s3cret", "ana@example.com", &sig));
        assert!(!verify_signature("s3cret", "bob@example.com", &sig));
        assert!(!verify_signature("other", "ana@example.com", &sig));
        assert!(!verify_signature("s3cret", "ana@example.com", "zz"));
    }

    #[test]
    fn cookie_is_scoped() {
        let c = set_cookie(42, "abc", true);
        assert!(c.contains("Path=/api/chats/42"), "{c}");
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!set_cookie(42, "abc", false).contains("Secure"));
    }

    #[test]
    fn forwarded_only_when_trusted() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "1.2.3.4, 10.0.0.9".parse().unwrap());
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        assert_eq!(client_addr(&h, Some(peer), true), "10.0.0.9");
        assert_eq!(client_addr(&h, Some(peer), false), "127.0.0.1");
    }
}
