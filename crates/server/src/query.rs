//! The page's query strings, read by both the API (api.rs) and the live channel (live.rs).

/// The `after` parameter: the last id the page already has; 0 when absent or not a number.
pub(super) fn query_after(query: Option<&str>) -> i64 {
    query
        .into_iter()
        .flat_map(|q| url::form_urlencoded::parse(q.as_bytes()))
        .find(|(k, _)| k == "after")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
}
