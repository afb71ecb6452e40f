//! A route group as a Lambda function behind the HTTP API: configuration from the environment,
//! the DynamoDB store and its client built once per execution environment, then the runtime loop.

use std::sync::Arc;

use axum::Router;

use super::{AppState, app};
use crate::clock::SystemClock;
use crate::config::ApiConfig;
use crate::store::dynamo::DynamoStore;

pub async fn serve(routes: Router<AppState>) -> Result<(), lambda_http::Error> {
    crate::telemetry::init_json();
    let config = ApiConfig::from_env()?;
    let store = DynamoStore::from_env().await?;
    let state = AppState::new(Arc::new(store), &config, Arc::new(SystemClock));
    lambda_http::run(app::api(routes, state, &config.cors_allowed_origins)).await
}
