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
