//! BambooHR's REST API, the first HRIS client: one employee by id, and the employees changed
//! since a point in time. Rate limits (429 with Retry-After), server errors and timeouts are
//! retried with backoff; pages are followed.

use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::StatusCode;
use http_body_util::Full;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::http_client::{HttpClient, HttpResponse};
use crate::domain::hris::{HrisEmployee, HrisEventKind, bamboohr_employee};
use crate::domain::hris_url::escape;
use crate::ports::{DeliveryError, HrisAccess, HrisApi, HrisChanges};

const ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// The longest Retry-After honoured; longer waits are left to the next run.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);
const FIELDS: &str = "firstName,lastName,workEmail,department,jobTitle,hireDate,terminationDate,supervisorEmail";

/// The API base of a BambooHR company.
pub fn default_base_url(subdomain: &str) -> String {
    format!("https://api.bamboohr.com/api/gateway.php/{}/v1", escape(subdomain))
}

pub struct BambooHr {
    http: HttpClient,
}

impl BambooHr {
    pub fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// GET with BambooHR's Basic auth (the API key as user name), retried as the module says.
    async fn get(&self, access: &HrisAccess, url: &str) -> Result<Value, DeliveryError> {
        let authorization = format!("Basic {}", STANDARD.encode(format!("{}:x", access.api_key)));
        let mut backoff = FIRST_BACKOFF;
        let mut last_error = String::new();
        for attempt in 1..=ATTEMPTS {
            let request = http::Request::get(url)
                .header(http::header::ACCEPT, "application/json")
                .header(http::header::AUTHORIZATION, &authorization)
                .body(Full::<Bytes>::default())
                .map_err(|error| DeliveryError(error.to_string()))?;
            let wait = match self.http.send(request).await {
                Ok(response) if response.status.is_success() => {
                    return serde_json::from_slice(&response.body)
                        .map_err(|error| DeliveryError(format!("not JSON: {error}")));
                }
                Ok(response) if response.status == StatusCode::TOO_MANY_REQUESTS => {
                    last_error = "rate limited (429)".to_owned();
                    retry_after(&response).unwrap_or(backoff)
                }
                Ok(response) if response.status.is_server_error() => {
                    last_error = format!("server error {}", response.status);
                    backoff
                }
                Ok(response) => return Err(DeliveryError(format!("BambooHR answered {}", response.status))),
                Err(error) => {
                    last_error = error.to_string();
                    backoff
                }
            };
            if attempt < ATTEMPTS {
                tokio::time::sleep(wait.min(MAX_RETRY_AFTER)).await;
                backoff *= 2;
            }
        }
        Err(DeliveryError(format!("BambooHR failed after {ATTEMPTS} attempts: {last_error}")))
    }
}

fn retry_after(response: &HttpResponse) -> Option<Duration> {
    let seconds = response.headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim().parse::<u64>().ok()?;
    Some(Duration::from_secs(seconds))
}

#[derive(Deserialize)]
struct ChangedPage {
    latest: Option<String>,
    #[serde(default)]
    employees: Map<String, Value>,
    /// The next page's URL, when the answer is paged.
    #[serde(rename = "nextPage")]
    next_page: Option<String>,
}

#[async_trait]
impl HrisApi for BambooHr {
    async fn employee(&self, access: &HrisAccess, id: &str) -> Result<HrisEmployee, DeliveryError> {
        // The id comes from a delivery: escaped, it stays one path segment of the base URL.
        let url = format!("{}?fields={FIELDS}", access.base_url.join(&["employees", id]));
        let body = self.get(access, &url).await?;
        let fields = body.as_object().cloned().unwrap_or_default();
        bamboohr_employee(id, &fields).map_err(|error| DeliveryError(error.to_string()))
    }

    async fn changes(&self, access: &HrisAccess, since: Option<&str>) -> Result<HrisChanges, DeliveryError> {
        let since = since.unwrap_or("1970-01-01T00:00:00Z");
        // Escaped: BambooHR's cursors carry `+00:00`, which a query reads as a space.
        let mut url = format!("{}?since={}", access.base_url.join(&["employees", "changed"]), escape(since));
        let mut changes = HrisChanges { changed: Vec::new(), cursor: since.to_owned() };
        loop {
            let page: ChangedPage = serde_json::from_value(self.get(access, &url).await?)
                .map_err(|error| DeliveryError(error.to_string()))?;
            for (id, change) in page.employees {
                let kind = match change.get("action").and_then(Value::as_str) {
                    Some("Inserted") => HrisEventKind::Created,
                    Some("Updated") => HrisEventKind::Updated,
                    _ => HrisEventKind::Ignored,
                };
                changes.changed.push((kind, id));
            }
            if let Some(latest) = page.latest {
                changes.cursor = latest;
            }
            match page.next_page {
                // The API key goes with every page: only to the base URL's own origin.
                Some(next) if access.base_url.same_origin(&next) => url = next,
                Some(_) => return Err(DeliveryError("BambooHR's next page leaves the API's origin".to_owned())),
                None => return Ok(changes),
            }
        }
    }
}
