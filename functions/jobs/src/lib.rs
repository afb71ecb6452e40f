//! The scheduled jobs as Lambda functions: an EventBridge schedule invokes one binary per job,
//! and every binary runs the shared job runner.

use chrono::{DateTime, Utc};
use lambda_runtime::{Error, LambdaEvent, service_fn};
use shared::domain::jobs::{JobName, JobRecord, Occasion};
use shared::http::lambda::aws_state;
use shared::jobs::JobRunner;

/// Whatever invoked the job: EventBridge Scheduler's event, `{}` from the Lambda console's Test
/// button or a bare `aws lambda invoke`. Accepted as any JSON: the scheduler's `time` (when the
/// schedule fired, the same on a retry) is the run's instant; anything else means now.
pub type Trigger = serde_json::Value;

/// The instant a trigger fired at, when it says.
fn fired_at(trigger: &Trigger) -> Option<DateTime<Utc>> {
    trigger.get("time")?.as_str()?.parse().ok()
}

/// Runs `job` as its hourly schedule does at the trigger's instant: a daily job for the tenants
/// whose local hour it is, the HRIS sync for every tenant.
pub async fn handle(runner: &JobRunner, job: JobName, event: LambdaEvent<Trigger>) -> Result<JobRecord, Error> {
    let at = fired_at(&event.payload).unwrap_or_else(|| runner.now());
    Ok(runner.run(job, Occasion::Schedule(at)).await?.record)
}

/// The Lambda entry point of one job: clients built once per execution environment.
pub async fn serve(job: JobName) -> Result<(), Error> {
    shared::telemetry::init_json();
    let runner = &aws_state().await?.0.jobs();
    lambda_runtime::run(service_fn(move |event| handle(runner, job, event))).await
}
