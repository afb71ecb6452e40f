//! The webhooks route group: HRIS deliveries (contract §5). No bearer token: the tenant's signing
//! secret authenticates the raw body, checked in constant time before anything is parsed, and
//! every failure of that check is the same 401. Each delivery is processed once: its id is claimed
//! (in progress, then completed with its result) and each effect holds a natural key.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;
use shared::domain::hris::{
    self, DeliveryId, HrisEvent, Payload, SignatureError, bamboohr_delivery_id, body_hash, verify_bamboohr,
    verify_standard,
};
use shared::domain::tenant::{HrisProvider, SecretField, Tenant};
use shared::domain::validation::TenantId;
use shared::domain::workflow::TriggeredBy;
use shared::hris::EventResult;
use shared::http::openapi::Problems;
use shared::http::response::data;
use shared::http::{AppError, AppState};
use shared::ports::DeliveryClaim;
use shared::telemetry::metric;
use utoipa::OpenApi;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/webhooks/hris", post(receive))
}

#[derive(OpenApi)]
#[openapi(paths(receive), tags((name = "webhooks", description = "Signed HRIS deliveries")))]
struct WebhooksApi;

pub fn openapi() -> utoipa::openapi::OpenApi {
    WebhooksApi::openapi()
}

/// How long a duplicate of a delivery in progress waits for the first one's result.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(50);

const REFUSED: &str = "the delivery is not signed by this tenant's HRIS";

fn refuse(reason: &'static str) -> AppError {
    tracing::warn!(reason, "webhook rejected");
    metric("WebhookRejected", 1.0, &[("Reason", reason)]);
    AppError::Unauthorized(REFUSED)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// The tenant named by `?tenant=`, active, with a signing secret: anything else is the same 401.
async fn signing_tenant(state: &AppState, query: Option<&str>) -> Result<(Tenant, HrisProvider, String), AppError> {
    let tenant_id = query
        .and_then(|query| serde_urlencoded::from_str::<Vec<(String, String)>>(query).ok())
        .and_then(|pairs| pairs.into_iter().find(|(key, _)| key == "tenant").map(|(_, value)| value))
        .and_then(|tenant| TenantId::parse(&tenant).ok())
        .ok_or_else(|| refuse("unknown_tenant"))?;
    let tenant =
        state.store.get_tenant(&tenant_id).await?.filter(Tenant::is_active).ok_or_else(|| refuse("unknown_tenant"))?;
    let hris = tenant.hris.clone().ok_or_else(|| refuse("no_secret"))?;
    let sealed = hris.signing_secret.ok_or_else(|| refuse("no_secret"))?;
    let secret = state.secrets.open(&sealed, &SecretField::HrisSigningSecret.context(&tenant.id)).map_err(|error| {
        tracing::error!(tenant_id = %tenant.id, %error, "signing secret does not open");
        refuse("bad_secret")
    })?;
    Ok((tenant, hris.provider, secret))
}

#[utoipa::path(post, path = "/api/v1/webhooks/hris", tag = "webhooks", security(()),
    params(
        ("tenant" = String, Query, description = "The tenant id"),
        ("webhook-id" = Option<String>, Header, max_length = 8192, description = "Standard Webhooks: the delivery id, the idempotency key: up to 8,192 bytes (422 beyond, after the signature is checked); stored as its SHA-256, echoed as `event_id`"),
        ("webhook-timestamp" = Option<String>, Header, description = "Standard Webhooks: unix seconds, an integer within 300 s of now (401 otherwise)"),
        ("webhook-signature" = Option<String>, Header, description = "Standard Webhooks: `v1,<base64>` entries"),
        ("X-BambooHR-Timestamp" = Option<String>, Header, description = "BambooHR: unix seconds, an integer within 300 s of now (401 otherwise)"),
        ("X-BambooHR-Signature" = Option<String>, Header, description = "BambooHR: hex HMAC-SHA256 of body + timestamp"),
    ),
    request_body(content = Object, description = "A Standard Webhooks employee event (`data.employee` names the employee by `hris_id`, `email` or both; neither is 422; text past the directory's limits is truncated), or BambooHR's field-based or event-based payload"),
    responses(
        (status = 200, description = "`{data: {event_id, employee_id, workflow_id, duplicate}}`, or a list for a BambooHR delivery of several employees. A termination dated before the start date (a withdrawn hire) cancels the pending or in-progress onboarding and answers the offboarding workflow's id (made only if the employee holds assets) or null", body = Object),
        Problems,
    ))]
async fn receive(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (tenant, provider, secret) = signing_tenant(&state, query.as_deref()).await?;
    let now = chrono::Utc::now();
    // Standard Webhooks names the delivery; a BambooHR delivery is named by what it signs.
    let (verified, sent_id) = match provider {
        HrisProvider::Standard => {
            let id = header(&headers, "webhook-id");
            let verified = verify_standard(
                &secret,
                id,
                header(&headers, "webhook-timestamp"),
                header(&headers, "webhook-signature"),
                &body,
                now,
            );
            // Without an id the signature check has already failed.
            (verified, DeliveryId::new(id.unwrap_or_default()))
        }
        HrisProvider::Bamboohr => {
            let timestamp = header(&headers, "x-bamboohr-timestamp");
            let verified = verify_bamboohr(&secret, timestamp, header(&headers, "x-bamboohr-signature"), &body, now);
            (verified, Ok(bamboohr_delivery_id(timestamp.unwrap_or_default(), &body)))
        }
    };
    verified.map_err(|error: SignatureError| refuse(error.reason()))?;
    let is_json = header(&headers, CONTENT_TYPE.as_str()).is_none_or(|media| {
        media.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("application/json")
    });
    if !is_json {
        return Err(AppError::UnsupportedMediaType);
    }
    let json: Value = serde_json::from_slice(&body)
        .map_err(|error| AppError::BadRequest(format!("the body is not valid JSON: {error}")))?;
    let payload = match provider {
        HrisProvider::Standard => hris::parse_standard(&json),
        HrisProvider::Bamboohr => hris::parse_bamboohr(&json),
    }
    .map_err(|error| AppError::validation("body", error.to_string()))?;
    // Judged after the signature and the body, as the contract orders 401, 415, 400, then 422.
    let delivery_id = sent_id.map_err(|error| AppError::validation("webhook-id", error.to_string()))?;
    let several = matches!(&payload, Payload::Events(events) if events.len() != 1);

    let hash = body_hash(&body);
    let deadline = tokio::time::Instant::now() + WAIT_FOR_FIRST;
    loop {
        match state.store.claim_delivery(&tenant.id, &delivery_id, &hash).await? {
            DeliveryClaim::Claimed => break,
            DeliveryClaim::Completed(result) => return Ok(data(as_duplicate(result)).into_response()),
            DeliveryClaim::BodyMismatch => {
                return Err(AppError::validation("webhook-id", "this delivery id was used before with another body"));
            }
            DeliveryClaim::InProgress if tokio::time::Instant::now() < deadline => tokio::time::sleep(POLL).await,
            DeliveryClaim::InProgress => {
                return Err(AppError::Conflict("this delivery is being processed; retry shortly".to_owned()));
            }
        }
    }
    match process(&state, &tenant, payload, delivery_id.as_str()).await {
        Ok(results) => {
            let answer = if several { serde_json::to_value(&results) } else { serde_json::to_value(&results[0]) }
                .map_err(|error| AppError::Internal(error.to_string()))?;
            state.store.complete_delivery(&tenant.id, &delivery_id, &answer).await?;
            Ok(data(answer).into_response())
        }
        Err(error) => {
            // Let a redelivery try again.
            state.store.release_delivery(&tenant.id, &delivery_id).await?;
            Err(error)
        }
    }
}

async fn process(
    state: &AppState,
    tenant: &Tenant,
    payload: Payload,
    delivery_id: &str,
) -> Result<Vec<EventResult>, AppError> {
    let service = state.hris();
    let events: Vec<HrisEvent> = match payload {
        Payload::Events(events) => events,
        Payload::Lookups(lookups) => {
            let mut events = Vec::new();
            for (kind, id) in lookups {
                events.push(service.lookup(tenant, kind, &id).await?);
            }
            events
        }
    };
    let mut results = Vec::with_capacity(events.len());
    for event in &events {
        results.push(service.apply(tenant, event, delivery_id, TriggeredBy::HrisWebhook).await?);
    }
    Ok(results)
}

/// A stored result, as a redelivery answers it.
fn as_duplicate(mut result: Value) -> Value {
    match &mut result {
        Value::Array(results) => results.iter_mut().for_each(|result| result["duplicate"] = Value::Bool(true)),
        Value::Object(result) => {
            result.insert("duplicate".to_owned(), Value::Bool(true));
        }
        _ => {}
    }
    result
}
