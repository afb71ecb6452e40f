//! The templates route group as a Lambda function behind the HTTP API.

use std::sync::Arc;

use shared::clock::SystemClock;
use shared::config::ApiConfig;
use shared::http::AppState;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init_json();
    let config = ApiConfig::from_env()?;
    let store = shared::store::dynamo::DynamoStore::from_env().await?;
    let state = AppState::new(Arc::new(store), &config, Arc::new(SystemClock));
    lambda_http::run(shared::http::app::api(templates::routes(), state, &config.cors_allowed_origins)).await
}
