//! The chat page's files, built into the binary (no build step, nothing to deploy beside
//! it), served with an ETag so a browser revalidates cheaply instead of downloading again.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub struct Asset {
    pub path: &'static str,
    pub mime: &'static str,
    pub body: &'static [u8],
    etag: String,
}

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "/",
        "text/html; charset=utf-8",
        include_bytes!("../../../assets/web/index.html"),
    ),
    (
        "/assets/chat.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../assets/web/chat.css"),
    ),
    (
        "/assets/chat.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../assets/web/chat.js"),
    ),
    (
        "/assets/survey.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../assets/web/survey.js"),
    ),
    (
        "/assets/render.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../assets/web/render.js"),
    ),
];

pub fn all() -> Vec<Asset> {
    FILES
        .iter()
        .map(|(path, mime, body)| Asset {
            path,
            mime,
            body,
            etag: format!("\"{}\"", &hex::encode(Sha256::digest(body))[..20]),
        })
        .collect()
}

impl Asset {
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let cache = if self.path == "/" {
            // The page itself is checked on every visit, so a new release shows at once.
            "no-cache"
        } else {
            "public, max-age=3600"
        };
        let etag = HeaderValue::from_str(&self.etag).unwrap_or(HeaderValue::from_static("\"\""));
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == self.etag));
        let headers = [
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (header::ETAG, etag),
            (header::CONTENT_TYPE, HeaderValue::from_static(self.mime)),
        ];
        if fresh {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        (headers, self.body).into_response()
    }
}
