//! The scheduled jobs as Lambda functions: an EventBridge schedule invokes one binary per job,
//! and every binary runs the shared job runner.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use shared::domain::jobs::{JobName, JobRecord};
use shared::http::lambda::aws_state;
use shared::jobs::JobRunner;

/// Whatever invoked the job: EventBridge Scheduler's event, `{}` from the Lambda console's Test
/// button or a bare `aws lambda invoke`. Every invocation means "run now", so the payload is
/// accepted as any JSON and not read.
pub type Trigger = serde_json::Value;

/// Runs `job` now; each tenant's "today" is its own date.
pub async fn handle(runner: &JobRunner, job: JobName, _event: LambdaEvent<Trigger>) -> Result<JobRecord, Error> {
    Ok(runner.run(job, None).await?)
}

/// The Lambda entry point of one job: clients built once per execution environment.
pub async fn serve(job: JobName) -> Result<(), Error> {
    shared::telemetry::init_json();
    let runner = &aws_state().await?.0.jobs();
    lambda_runtime::run(service_fn(move |event| handle(runner, job, event))).await
}
