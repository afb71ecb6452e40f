//! Assembles a route group into a servable API: body limit, problem+json fallbacks, CORS.
//! The same assembly serves Lambda, the local server and `Router::oneshot` tests.

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use utoipa::openapi::OpenApi;

use super::cors::{self, RouteMethods};
use super::{AppError, AppState};
use crate::config::ApiConfig;

/// The largest request body accepted (contract §1).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// `routes` (documented by `document`) with the layers and fallbacks every deployment of the API
/// has.
pub fn api(routes: Router<AppState>, document: &OpenApi, state: AppState, config: &ApiConfig) -> Router {
    api_with_fallback(routes, document, state, config, |_request: Request| async {
        AppError::NotFound("no such route".to_owned())
    })
}

/// [`api`] whose unknown routes go to `fallback` (the local server's web console) instead of
/// a plain 404.
pub fn api_with_fallback<F, Fut, R>(
    routes: Router<AppState>,
    document: &OpenApi,
    state: AppState,
    config: &ApiConfig,
    fallback: F,
) -> Router
where
    F: Fn(Request) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = R> + Send + 'static,
    R: axum::response::IntoResponse + 'static,
{
    let budget = config.request_budget;
    let route_methods = std::sync::Arc::new(RouteMethods::of(document));
    routes
        // Only matched routes read bodies, so an unknown route stays 404 whatever its size.
        .route_layer(middleware::from_fn(limit_body))
        .fallback(fallback)
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(middleware::from_fn(move |request, next| within_budget(budget, request, next)))
        .layer(cors::layer(&config.cors_allowed_origins))
        .layer(middleware::from_fn(move |request, next| route_methods.clone().narrow_preflight(request, next)))
        .layer(middleware::from_fn(request_span))
        .with_state(state)
}

/// Ends a request that has not finished within its budget with 503 and `Retry-After` (contract
/// §1). The store's own deadlines usually answer first; this bounds the sum of a request's calls.
/// A write cut off here was one atomic transaction: stored whole or not at all.
async fn within_budget(budget: std::time::Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(budget, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::ServiceUnavailable(format!("no answer within the {budget:?} budget")).into_response(),
    }
}

/// True until the first request of this execution environment has been served.
static COLD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Every log line of a request carries its request id (Lambda's, when on Lambda), whether the
/// environment was cold, and — recorded as they become known — `tenant_id`, `workflow_id`, `step`.
async fn request_span(request: Request, next: Next) -> Response {
    use tracing::Instrument;
    let request_id = request
        .extensions()
        .get::<lambda_http::Context>()
        .map(|context| context.request_id.clone())
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let cold_start = COLD.swap(false, std::sync::atomic::Ordering::Relaxed);
    let span = tracing::info_span!(
        "request",
        request_id,
        cold_start,
        method = %request.method(),
        path = request.uri().path(),
        tenant_id = tracing::field::Empty,
        workflow_id = tracing::field::Empty,
        step = tracing::field::Empty,
    );
    next.run(request).instrument(span).await
}

/// Reads the whole body before anything else looks at the request, so an oversized body is
/// 413 before authentication, as the contract orders the checks.
async fn limit_body(request: Request, next: Next) -> Result<Response, AppError> {
    let (parts, body) = request.into_parts();
    let bytes = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => return Err(AppError::PayloadTooLarge),
        Err(_) => return Err(AppError::BadRequest("the request body could not be read".to_owned())),
    };
    Ok(next.run(Request::from_parts(parts, Body::from(bytes))).await)
}
