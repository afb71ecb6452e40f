//! Messages to WebSocket clients through API Gateway's management API; a 410 Gone means the
//! client went away.

use async_trait::async_trait;
use aws_sdk_apigatewaymanagement::Client;
use aws_sdk_apigatewaymanagement::error::DisplayErrorContext;
use aws_sdk_apigatewaymanagement::primitives::Blob;

use crate::ports::{PushError, Pusher};

pub struct ApiGatewayPusher {
    client: Client,
}

impl ApiGatewayPusher {
    /// `client` must be configured with the WebSocket API's `https://{id}.execute-api.{region}.amazonaws.com/{stage}` endpoint.
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

#[async_trait]
impl Pusher for ApiGatewayPusher {
    async fn push(&self, connection_id: &str, message: &str) -> Result<(), PushError> {
        let sent = self
            .client
            .post_to_connection()
            .connection_id(connection_id)
            .data(Blob::new(message.as_bytes()))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_gone_exception()) => Err(PushError::Gone),
            Err(error) => Err(PushError::Failed(DisplayErrorContext(&error).to_string())),
        }
    }
}
