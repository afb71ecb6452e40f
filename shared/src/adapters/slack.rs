//! Posts to a Slack incoming webhook.

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::Full;

use super::http_client::HttpClient;
use crate::ports::{ChatPoster, DeliveryError};

pub struct SlackPoster {
    http: HttpClient,
}

impl SlackPoster {
    pub fn new(http: HttpClient) -> Self {
        Self { http }
    }
}

#[async_trait]
impl ChatPoster for SlackPoster {
    async fn post(&self, webhook_url: &str, text: &str) -> Result<(), DeliveryError> {
        let body = serde_json::json!({ "text": text }).to_string();
        let request = http::Request::post(webhook_url)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .map_err(|error| DeliveryError(error.to_string()))?;
        let response = self.http.send(request).await.map_err(|error| DeliveryError(error.to_string()))?;
        if response.status.is_success() {
            Ok(())
        } else {
            Err(DeliveryError(format!("Slack answered {}", response.status)))
        }
    }
}
