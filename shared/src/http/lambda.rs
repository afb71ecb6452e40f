//! A route group as a Lambda function behind the HTTP API: configuration from the environment,
//! the DynamoDB store and its client built once per execution environment, then the runtime loop.

use std::sync::Arc;

use axum::Router;

use std::time::Duration;

use super::{AppState, app};

use crate::adapters::cognito::CognitoIdentity;
use crate::adapters::eventbridge::EventBridgePublisher;
use crate::adapters::http_client::HttpClient;
use crate::adapters::ses::SesMailer;
use crate::adapters::slack::SlackPoster;
use crate::clock::SystemClock;
use crate::config::{ApiConfig, ConfigError};
use crate::notify::Channels;
use crate::store::dynamo::DynamoStore;

/// SES for mail, EventBridge (`EVENT_BUS_NAME`, default `default`) for events, HTTPS for Slack;
/// each client is built when it first sends.
pub fn aws_channels(sdk_config: &aws_config::SdkConfig) -> Channels {
    let bus = crate::config::optional("EVENT_BUS_NAME").unwrap_or_else(|| "default".to_owned());
    Channels {
        mailer: Arc::new(SesMailer::on_first_use(sdk_config)),
        chat: Arc::new(SlackPoster::new(HttpClient::new(Duration::from_secs(5)))),
        events: Arc::new(EventBridgePublisher::on_first_use(sdk_config, bus)),
    }
}

/// What every deployed function runs on: the configuration from the environment, the DynamoDB
/// store (its client built here, in init: every invocation needs it), SES, EventBridge and Slack
/// (their clients built on the first send), all from one SDK configuration.
pub async fn aws_state() -> Result<(AppState, ApiConfig), ConfigError> {
    let config = ApiConfig::from_env()?;
    let sdk_config = crate::adapters::aws_sdk::load_config().await?;
    let store = DynamoStore::from_sdk_config(&sdk_config)?;
    let state = AppState::new(Arc::new(store), &config, Arc::new(SystemClock), aws_channels(&sdk_config));
    // The user pool, for the function that invites people (the tenants function's `USER_POOL_ID`).
    let state = match crate::config::optional("USER_POOL_ID") {
        Some(pool) => state.with_identity(Arc::new(CognitoIdentity::on_first_use(&sdk_config, pool))),
        None => state,
    };
    Ok((state, config))
}

/// Serves `routes`, documented by `document` (its paths name each route's methods for CORS).
pub async fn serve(routes: Router<AppState>, document: utoipa::openapi::OpenApi) -> Result<(), lambda_http::Error> {
    crate::telemetry::init_json();
    let (state, config) = aws_state().await?;
    lambda_http::run(app::api(routes, &document, state, &config)).await
}
