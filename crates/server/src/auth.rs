//! Who may touch a chat: the token a browser got when it started the chat (a cookie scoped
//! to that chat's path, or the `X-Chat-Token` header for other clients — never the URL),
//! the origin a browser request comes from, the caller's address, and the website's HMAC
//! over the customer's identity.

use super::AppState;
use super::error::ApiError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use hmac::{Hmac, Mac};
use livewindow_core::limits;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
    out.truncate(limits::TOKENS_PER_REQUEST);
    out
}

/// Token hashes already looked up, to their chat, customer name and when they were looked
/// up. A token's chat never changes, but its token expires after the chat ends: an entry
/// holds for [`limits::TOKEN_CACHE_SECONDS`]. Emptied when it grows large.
#[derive(Default)]
pub struct TokenCache(Mutex<HashMap<String, (i64, String, Instant)>>);

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
            let fresh = Duration::from_secs(limits::TOKEN_CACHE_SECONDS);
            let cached = state.tokens.0.lock().ok().and_then(|m| {
                m.get(&hash)
                    .filter(|(_, _, at)| at.elapsed() < fresh)
                    .map(|(id, name, _)| (*id, name.clone()))
            });
            let found = match cached {
                Some(found) => Some(found),
                None => match state.store.chat_for_token(&hash).await? {
                    Some(t) => {
                        let found = (t.chat_id, t.customer_name);
                        if let Ok(mut m) = state.tokens.0.lock() {
                            if m.len() >= TOKEN_CACHE_MAX {
                                m.clear();
                            }
                            m.insert(hash, (found.0, found.1.clone(), Instant::now()));
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
/// a page of this server: its Origin, when sent, is exactly the public URL's origin, or
/// without one `http://` and the Host (`https://` instead when this process serves TLS, and
/// too when a trusted proxy says the request came over https). Another site's page cannot post into a chat even where a
/// browser would send the cookie, and neither can a page on another scheme or port.
pub fn check_origin(parts: &Parts, state: &AppState) -> Result<(), ApiError> {
    let upgrade = parts.headers.contains_key(header::UPGRADE);
    if parts.method == Method::GET && !upgrade || parts.method == Method::HEAD {
        return Ok(());
    }
    let Some(origin) = parts.headers.get(header::ORIGIN) else {
        return Ok(()); // not a browser's cross-origin request
    };
    let origin = origin
        .to_str()
        .ok()
        .and_then(|o| url::Url::parse(o).ok())
        .map(|u| u.origin().ascii_serialization());
    if origin.is_some_and(|o| expected_origins(&parts.headers, state).contains(&o)) {
        Ok(())
    } else {
        Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "This request came from another website.",
        ))
    }
}

/// The origins this server's own pages have, for [`check_origin`].
fn expected_origins(headers: &HeaderMap, state: &AppState) -> Vec<String> {
    if let Some(public) = &state.config.public_url {
        return vec![public.origin().ascii_serialization()];
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return Vec::new();
    };
    // Served over TLS by this process: its pages are https only.
    if state.config.tls.is_some() {
        return url::Url::parse(&format!("https://{host}"))
            .map(|u| vec![u.origin().ascii_serialization()])
            .unwrap_or_default();
    }
    let mut schemes = vec!["http"];
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(str::trim);
    if state.config.trust_forwarded && proto.is_some_and(|p| p.eq_ignore_ascii_case("https")) {
        schemes.push("https");
    }
    schemes
        .into_iter()
        .filter_map(|scheme| url::Url::parse(&format!("{scheme}://{host}")).ok())
        .map(|u| u.origin().ascii_serialization())
        .collect()
}

/// Whether a request's Host (or HTTP/2 authority) names the public URL's host and port.
/// Without a public URL any host is accepted.
pub fn host_allowed(
    headers: &HeaderMap,
    authority: Option<&str>,
    public_url: Option<&url::Url>,
) -> bool {
    let Some(public) = public_url else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or(authority);
    let Some(given) =
        host.and_then(|h| url::Url::parse(&format!("{}://{h}", public.scheme())).ok())
    else {
        return false;
    };
    given
        .host_str()
        .is_some_and(|h| public.host_str().is_some_and(|p| p.eq_ignore_ascii_case(h)))
        && given.port_or_known_default() == public.port_or_known_default()
        && given.path() == "/"
        && given.username().is_empty()
}

/// The caller's address: the peer, or behind a trusted reverse proxy the last address in
/// X-Forwarded-For (the one the proxy itself saw; earlier ones are the client's word). A
/// last entry that is not an address (with or without a port) is ignored: the peer counts.
pub fn client_addr(headers: &HeaderMap, peer: Option<SocketAddr>, trust_forwarded: bool) -> String {
    let forwarded = trust_forwarded
        .then(|| {
            headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|s| !s.is_empty())
        })
        .flatten()
        .and_then(|last| {
            last.parse::<IpAddr>()
                .ok()
                .or_else(|| last.parse::<SocketAddr>().ok().map(|s| s.ip()))
        });
    match forwarded.or(peer.map(|p| p.ip())) {
        Some(ip) => ip.to_canonical().to_string(),
        None => "unknown".into(),
    }
}

/// The key an address is counted under for per-address limits: an IPv4 address itself, an
/// IPv6 address's /64 network (one subscriber usually holds a whole /64).
pub fn limit_key(addr: &str) -> String {
    match addr.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
        Ok(ip) => ip.to_string(),
        Err(_) => addr.to_string(),
    }
}

/// A website's word that its signed-in user is who the pre-chat form says.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    /// The email as it will be stored (already cleaned).
    pub email: &'a str,
    /// The name as it will be stored (already cleaned).
    pub name: &'a str,
    /// When the website signed, in seconds since the Unix epoch.
    pub signed_at: i64,
}

/// What the website signs: `signed_at`, the email with A–Z lower-cased (as the CRM matches
/// addresses) and the name, one per line.
fn identity_text(id: &Identity) -> String {
    format!(
        "{}\n{}\n{}",
        id.signed_at,
        id.email.to_ascii_lowercase(),
        id.name
    )
}

/// Whether `signature` (hex) is the website's HMAC-SHA256 over `id` ([`identity_text`])
/// and was made at most `max_age_s` seconds before `now_s` (and not more than a minute
/// after). The comparison is the hmac crate's constant-time one.
pub fn verify_identity(
    secret: &str,
    id: &Identity,
    signature: &str,
    now_s: i64,
    max_age_s: i64,
) -> bool {
    let age = now_s.saturating_sub(id.signed_at);
    if age > max_age_s || age < -limits::IDENTITY_CLOCK_SKEW_SECONDS {
        return false;
    }
    let Ok(expected) = hex::decode(signature.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(identity_text(id).as_bytes());
    mac.verify_slice(&expected).is_ok()
}

/// The signature a website computes for `id` (tests and docs use it).
pub fn sign_identity(secret: &str, id: &Identity) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(identity_text(id).as_bytes());
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
        let ana = Identity {
            email: "Ana@Example.com",
            name: "Ana Lima",
            signed_at: 1_000_000,
        };
        let sig = sign_identity("s3cret", &ana);
        let now = ana.signed_at + 5;
        assert!(verify_identity("s3cret", &ana, &sig, now, 600));
        let lower = Identity {
            email: "ana@example.com",
            ..ana
        };
        assert!(verify_identity("s3cret", &lower, &sig, now, 600));
        let bob = Identity {
            email: "bob@example.com",
            ..ana
        };
        assert!(!verify_identity("s3cret", &bob, &sig, now, 600));
        let renamed = Identity { name: "Eve", ..ana };
        assert!(!verify_identity("s3cret", &renamed, &sig, now, 600));
        assert!(!verify_identity("other", &ana, &sig, now, 600));
        assert!(!verify_identity("s3cret", &ana, "zz", now, 600));
        assert!(!verify_identity("s3cret", &ana, &sig, now + 600, 600));
        assert!(!verify_identity(
            "s3cret",
            &ana,
            &sig,
            ana.signed_at - 61,
            600
        ));
    }

    /// The README's shell and Python examples give this for these inputs.
    #[test]
    fn the_readme_examples_agree() {
        let id = Identity {
            email: "Ana.Lima@example.com",
            name: "Ana Lima",
            signed_at: 1_700_000_000,
        };
        assert_eq!(
            sign_identity("a-long-site-secret-0123456789", &id),
            "d34112e9d2a5cdafd86df3aab201652ac87cc52c5ac8348fe3c0d1adc1a0969e"
        );
    }

    #[test]
    fn hosts() {
        let public = url::Url::parse("https://chat.example.com/").unwrap();
        let with = |host: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, host.parse().unwrap());
            host_allowed(&h, None, Some(&public))
        };
        assert!(with("chat.example.com"));
        assert!(with("CHAT.example.com:443"));
        assert!(!with("chat.example.com:8443"));
        assert!(!with("evil.example.net"));
        assert!(!with("chat.example.com@evil.example.net"));
        assert!(!host_allowed(&HeaderMap::new(), None, Some(&public)));
        assert!(host_allowed(&HeaderMap::new(), None, None));
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
        for junk in [
            "1.2.3.4, <script>",
            "1.2.3.4, 10.0.0.9\u{0}x",
            "1.2.3.4, unknown",
        ] {
            let mut h = HeaderMap::new();
            if let Ok(v) = junk.parse() {
                h.insert("x-forwarded-for", v);
            }
            assert_eq!(client_addr(&h, Some(peer), true), "127.0.0.1", "{junk:?}");
        }
        h.insert("x-forwarded-for", "[2001:db8::7]:4711".parse().unwrap());
        assert_eq!(client_addr(&h, Some(peer), true), "2001:db8::7");
        assert_eq!(limit_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(limit_key("::ffff:10.1.2.3"), "10.1.2.3");
        assert_eq!(limit_key("10.1.2.3"), "10.1.2.3");
    }
}
