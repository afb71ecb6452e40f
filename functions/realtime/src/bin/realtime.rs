//! The WebSocket API's `$connect` and `$disconnect` routes.

use std::sync::Arc;

use lambda_runtime::{Error, LambdaEvent, service_fn};
use shared::clock::SystemClock;
use shared::config::ApiConfig;
use shared::http::AppState;
use shared::http::lambda::aws_channels;
use shared::store::dynamo::DynamoStore;

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_json();
    let config = ApiConfig::from_env()?;
    let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk_config), ApiConfig::table_name()?);
    let state = &AppState::new(Arc::new(store), &config, Arc::new(SystemClock), aws_channels(&sdk_config));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        Ok::<_, Error>(realtime::on_connection(state, event.payload).await)
    }))
    .await
}
