//! A job runs whatever invoked it: the scheduler's event (at the instant it says it fired), or
//! `{}` from the console's Test button and a bare `aws lambda invoke` (which used to fail to
//! deserialize), meaning now.

use std::sync::Arc;

use jobs::{Trigger, handle};
use lambda_runtime::{Context, LambdaEvent};
use shared::adapters::outbox::{LoggedEvents, Outbox};
use shared::clock::{Clock, SystemClock};
use shared::config::ApiConfig;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::jobs::JobName;
use shared::domain::tenant::{Tenant, Timezone};
use shared::http::AppState;
use shared::notify::Channels;
use shared::ports::TenantStore;
use shared::store::memory::MemoryStore;

const SCHEDULER_EVENT: &str = r#"{
  "version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602", "detail-type": "Scheduled Event",
  "source": "aws.scheduler", "account": "123456789012", "time": "2026-11-25T09:00:00Z",
  "region": "eu-west-1", "resources": ["arn:aws:scheduler:eu-west-1:123456789012:schedule/default/stack-reminders"],
  "detail": "{}"
}"#;

#[tokio::test]
async fn every_kind_of_invocation_runs_the_job() {
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

#[tokio::test]
async fn the_scheduler_events_time_is_the_runs_instant_and_a_redelivery_does_nothing() {
    let config = ApiConfig::local_from_env().expect("the local defaults");
    let clock = Arc::new(SystemClock);
    let outbox = Arc::new(Outbox::new(clock.clone()));
    let channels = Channels { mailer: outbox.clone(), chat: outbox, events: Arc::new(LoggedEvents) };
    let store = Arc::new(MemoryStore::new());
    let now = clock.now();
    let tenant = Tenant::new(
        "acme".parse().unwrap(),
        "Acme".to_owned(),
        "it@acme.example".parse().unwrap(),
        "noreply@acme.example".parse().unwrap(),
        Timezone::utc(),
        now,
    );
    let audit = AuditEntry::new(&tenant.id, "test", "tenant.created", TargetType::Tenant, &tenant.id, now);
    store.create_tenant(&tenant, &audit).await.unwrap();
    let runner = AppState::new(store, &config, clock, channels).jobs();
    let fire = || {
        let trigger: Trigger = serde_json::from_str(SCHEDULER_EVENT).unwrap();
        handle(&runner, JobName::OverdueReminders, LambdaEvent::new(trigger, Context::default()))
    };
    // 09:00 UTC is the reminders' hour of a tenant in UTC, whatever the real time.
    let first = fire().await.unwrap();
    assert_eq!(first.counts.get("tenants"), Some(&1), "{first:?}");
    assert_eq!(first.run_date.to_string(), "2026-11-25");
    let again = fire().await.unwrap();
    assert_eq!(again.counts.get("tenants"), None, "{again:?}");
    assert_eq!(again.counts.get("tenants_already_run"), Some(&1));
}
