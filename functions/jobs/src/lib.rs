//! The scheduled jobs as Lambda functions: an EventBridge schedule invokes one binary per job,
//! and every binary runs the shared job runner.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use shared::domain::jobs::{JobName, JobRecord};
use shared::http::lambda::aws_state;
use shared::jobs::JobRunner;

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
    let runner = &aws_state().await?.0.jobs();
    lambda_runtime::run(service_fn(move |event| handle(runner, job, event))).await
}
