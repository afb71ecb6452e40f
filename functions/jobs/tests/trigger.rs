//! A job runs whatever invoked it: the scheduler's event, or `{}` from the console's Test button
//! and a bare `aws lambda invoke` (which used to fail to deserialize).

use std::sync::Arc;

use jobs::{Trigger, handle};
use lambda_runtime::{Context, LambdaEvent};
use shared::adapters::outbox::{LoggedEvents, Outbox};
use shared::clock::SystemClock;
use shared::config::ApiConfig;
use shared::domain::jobs::JobName;
use shared::http::AppState;
use shared::notify::Channels;
use shared::store::memory::MemoryStore;

const SCHEDULER_EVENT: &str = r#"{
  "version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602", "detail-type": "Scheduled Event",
  "source": "aws.scheduler", "account": "123456789012", "time": "2026-11-25T09:00:00Z",
  "region": "eu-west-1", "resources": ["arn:aws:scheduler:eu-west-1:123456789012:schedule/default/stack-reminders"],
  "detail": "{}"
}"#;

#[tokio::test]
async fn every_kind_of_invocation_runs_the_job_now() {
    let config = ApiConfig::local_from_env().expect("the local defaults");
    let clock = Arc::new(SystemClock);
    let outbox = Arc::new(Outbox::new(clock.clone()));
    let channels = Channels { mailer: outbox.clone(), chat: outbox, events: Arc::new(LoggedEvents) };
    let runner = AppState::new(Arc::new(MemoryStore::new()), &config, clock, channels).jobs();
    for payload in ["{}", SCHEDULER_EVENT, r#"{"key1": "value1"}"#, "null"] {
        let trigger: Trigger = serde_json::from_str(payload).expect("any JSON is a trigger");
        let record = handle(&runner, JobName::Archive, LambdaEvent::new(trigger, Context::default()))
            .await
            .unwrap_or_else(|error| panic!("{payload}: {error}"));
        assert_eq!(record.job, JobName::Archive, "{payload}");
    }
}
