//! Success envelopes: `{"data": ...}` for one item, `{"data": [...], "meta": {...}}` for lists.

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Data<T> {
    pub data: T,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListMeta {
    /// Pass as `cursor` to read the next page; null on the last page.
    pub next_cursor: Option<String>,
    pub limit: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListData<T> {
    pub data: Vec<T>,
    pub meta: ListMeta,
}

pub fn data<T: Serialize>(value: T) -> Json<Data<T>> {
    Json(Data { data: value })
}

pub fn page<T: Serialize>(items: Vec<T>, next_cursor: Option<String>, limit: usize) -> Json<ListData<T>> {
    Json(ListData { data: items, meta: ListMeta { next_cursor, limit } })
}

/// A list that is always returned whole (one page, no cursor).
pub fn whole_list<T: Serialize>(items: Vec<T>) -> Json<ListData<T>> {
    let limit = items.len();
    page(items, None, limit)
}

/// A single versioned item with its `ETag: "<version>"`, and `Location` when it was just created.
pub fn versioned<T: Serialize>(value: T, version: u64, location: Option<String>) -> Response {
    let mut headers = HeaderMap::new();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        headers.insert(header::ETAG, etag);
    }
    let status = match location.and_then(|location| HeaderValue::from_str(&location).ok()) {
        Some(location) => {
            headers.insert(header::LOCATION, location);
            StatusCode::CREATED
        }
        None => StatusCode::OK,
    };
    (status, headers, data(value)).into_response()
}

/// A response the browser may keep and revalidate (contract §3, templates): a strong `ETag` that
/// is a digest of the body, so any change of what the caller would read changes it;
/// `Cache-Control: private, no-cache`; and `304 Not Modified` without a body when
/// `If-None-Match` already names the tag.
pub fn revalidated<T: Serialize>(value: &T, if_none_match: Option<&HeaderValue>) -> Response {
    use sha2::Digest;
    let body = match serde_json::to_vec(value) {
        Ok(body) => body,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let digest = sha2::Sha256::digest(&body);
    let tag: String = digest[..12].iter().map(|byte| format!("{byte:02x}")).collect();
    let etag = format!("\"{tag}\"");
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex is a valid header value"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    if if_none_match.and_then(|value| value.to_str().ok()).is_some_and(|value| none_match_names(value, &etag)) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    (StatusCode::OK, headers, body).into_response()
}

/// `If-None-Match` uses the weak comparison (RFC 9110 §13.1.2): `W/` is ignored, `*` matches.
fn none_match_names(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == etag)
}
