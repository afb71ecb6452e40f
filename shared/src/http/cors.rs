//! CORS (contract §1): origins from configuration, preflights answered without authentication,
//! and each preflight told the methods of the path it asks about, read from the route group's
//! OpenAPI document (a browser asking about `/workflows/{id}/start` learns `POST`, not every
//! method the API has anywhere).

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::cors::{AllowMethods, AllowOrigin, CorsLayer};
use utoipa::openapi::OpenApi;

/// The origins, headers and caching of every CORS answer; the methods mirror the request here and
/// are narrowed to the path's own by [`RouteMethods::narrow_preflight`].
pub fn layer(allowed_origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> =
        allowed_origins.iter().filter_map(|origin| HeaderValue::from_str(origin.trim()).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods(AllowMethods::mirror_request())
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            HeaderName::from_static("x-tenant-id"),
        ])
        .expose_headers([header::ETAG, header::LOCATION])
        .max_age(std::time::Duration::from_secs(600))
}

/// The methods of each documented path, with `{name}` segments matching any one segment.
#[derive(Debug, Clone, Default)]
pub struct RouteMethods {
    routes: Vec<(Vec<String>, String)>,
}

impl RouteMethods {
    pub fn of(document: &OpenApi) -> Self {
        let routes = document
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let operations = [
                    ("GET", item.get.is_some()),
                    ("HEAD", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                let mut methods: Vec<&str> =
                    operations.iter().filter(|(_, present)| *present).map(|(method, _)| *method).collect();
                methods.push("OPTIONS");
                (segments(path).map(str::to_owned).collect(), methods.join(","))
            })
            .collect();
        Self { routes }
    }

    /// The methods of the route `path` names; a literal segment wins over a `{name}` one, as the
    /// router decides (`/workflows/stats` before `/workflows/{id}`).
    pub fn methods(&self, path: &str) -> Option<&str> {
        let asked: Vec<&str> = segments(path).collect();
        self.routes
            .iter()
            .filter(|(pattern, _)| {
                pattern.len() == asked.len()
                    && pattern.iter().zip(&asked).all(|(part, segment)| part.starts_with('{') || part == segment)
            })
            .max_by_key(|(pattern, _)| pattern.iter().map(|part| !part.starts_with('{')).collect::<Vec<_>>())
            .map(|(_, methods)| methods.as_str())
    }

    /// Middleware: a preflight answer lists the methods of its path (all of them, so the browser
    /// can cache one answer per path) instead of echoing the one asked for.
    pub async fn narrow_preflight(self: std::sync::Arc<Self>, request: Request, next: Next) -> Response {
        let preflight = request.method() == Method::OPTIONS
            && request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        let methods = preflight.then(|| self.methods(request.uri().path())).flatten().map(str::to_owned);
        let mut response = next.run(request).await;
        if let Some(methods) = methods
            && response.headers().contains_key(header::ACCESS_CONTROL_ALLOW_METHODS)
            && let Ok(value) = HeaderValue::from_str(&methods)
        {
            response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_METHODS, value);
        }
        response
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|segment| !segment.is_empty())
}
