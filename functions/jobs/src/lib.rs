//! The scheduled jobs as Lambda functions: an EventBridge schedule invokes one binary per job,
//! and every binary runs the shared job runner.

use std::sync::Arc;

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use shared::clock::SystemClock;
use shared::config::ApiConfig;
use shared::domain::jobs::{JobName, JobRecord};
use shared::http::AppState;
use shared::http::lambda::aws_channels;
use shared::jobs::JobRunner;
use shared::store::dynamo::DynamoStore;

/// Runs `job` for the scheduled event; each tenant's "today" is its own date.
pub async fn handle(
    runner: &JobRunner,
    job: JobName,
    _event: LambdaEvent<EventBridgeEvent>,
) -> Result<JobRecord, Error> {
    Ok(runner.run(job, None).await?)
}

/// The Lambda entry point of one job: clients built once per execution environment.
pub async fn serve(job: JobName) -> Result<(), Error> {
    shared::telemetry::init_json();
    let config = ApiConfig::from_env()?;
    let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk_config), ApiConfig::table_name()?);
    let runner = AppState::new(Arc::new(store), &config, Arc::new(SystemClock), aws_channels(&sdk_config)).jobs();
    let runner = &runner;
    lambda_runtime::run(service_fn(move |event| handle(runner, job, event))).await
}
