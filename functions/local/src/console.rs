//! The web console on the local server (contract §12): the built `web/dist` at `/`, its runtime
//! configuration at `/config.json`, and the demo sign-in at `/local/sign-in` (contract §11).
//! Any GET outside the API's own prefixes answers `index.html`, so the console's deep links
//! work; everything else keeps the API's problem+json 404.

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::http::AppError;

/// Path prefixes that belong to the API and the local-only routes, never to the console.
const RESERVED_PREFIXES: [&str; 2] = ["/api", "/local"];
/// Single paths that are the server's own.
const RESERVED_PATHS: [&str; 3] = ["/ws", "/health", "/config.json"];

fn is_reserved(path: &str) -> bool {
    RESERVED_PATHS.contains(&path)
        || RESERVED_PREFIXES
            .iter()
            .any(|prefix| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// Where the built console is: `WEB_DIST`, else `web/dist` of this repository.
pub fn dist_from_env() -> PathBuf {
    std::env::var_os("WEB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist"))
}

/// The fallback of the local server: a console file, `index.html` for a deep link, or 404.
pub async fn serve(dist: PathBuf, request: Request) -> Response {
    let path = request.uri().path();
    let is_read = request.method() == Method::GET || request.method() == Method::HEAD;
    if !is_read || is_reserved(path) {
        return AppError::NotFound("no such route".to_owned()).into_response();
    }
    if let Some(file) = asset_path(&dist, path)
        && let Ok(bytes) = tokio::fs::read(&file).await
    {
        // Vite names built assets by their content hash: they never change under their name.
        let cache = if path.starts_with("/assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        return file_response(bytes, content_type(&file), cache);
    }
    match tokio::fs::read(dist.join("index.html")).await {
        Ok(bytes) => file_response(bytes, "text/html; charset=utf-8", "no-cache"),
        Err(_) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
            NOT_BUILT,
        )
            .into_response(),
    }
}

const NOT_BUILT: &str = "<!doctype html><title>Assetronics</title><p>The web console is not built. \
Start the server with <code>./scripts/local</code>, which builds it, or run <code>npm ci &amp;&amp; \
npm run build</code> in <code>web/</code>. The API is at <code>/api/v1</code>.</p>";

/// The file under `dist` that a URL path names, refusing anything that could leave `dist`.
fn asset_path(dist: &Path, url_path: &str) -> Option<PathBuf> {
    let relative = Path::new(url_path.trim_start_matches('/'));
    if url_path.ends_with('/') || relative.as_os_str().is_empty() {
        return None;
    }
    let safe = relative
        .components()
        .all(|part| matches!(part, Component::Normal(name) if !name.to_string_lossy().starts_with('.')));
    safe.then(|| dist.join(relative))
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|extension| extension.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn file_response(bytes: Vec<u8>, content_type: &'static str, cache: &'static str) -> Response {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// `GET /config.json`: the console's runtime configuration (contract §12). Locally the API is
/// the console's own origin and sign-in is the demo user picker.
pub async fn runtime_config(headers: axum::http::HeaderMap) -> Response {
    let host = headers.get(header::HOST).and_then(|host| host.to_str().ok()).unwrap_or("127.0.0.1:3000");
    let config = serde_json::json!({
        "api_base_url": "",
        "ws_url": format!("ws://{host}/ws"),
        "auth": { "mode": "local", "sign_in_url": "/local/sign-in" },
    });
    ([(header::CACHE_CONTROL, "no-cache")], axum::Json(config)).into_response()
}
