//! What happens after a change is committed: its domain event is published and the people it
//! concerns are told. Delivery is paced to the mail provider's send rate and retried with
//! backoff; a delivery that still fails is logged as an error (with a metric) and never undoes
//! the change it reports.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::domain::events::{WorkflowChange, WorkflowEvent};
use crate::domain::messages::{self, OutgoingEmail};
use crate::domain::tenant::{SecretField, Tenant};
use crate::domain::workflow::Workflow;
use crate::ports::{ChatPoster, DeliveryError, EventPublisher, Mailer};
use crate::secrets::SecretBox;
use crate::telemetry::{duration_metric, metric};

const ATTEMPTS: u32 = 3;
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

/// Spaces sends out to at most `per_second`.
struct Pacer {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    fn new(per_second: f64) -> Self {
        let interval = Duration::from_secs_f64(1.0 / per_second.max(0.1));
        Self { interval, next: Mutex::new(Instant::now()) }
    }

    async fn wait_turn(&self) {
        let now = Instant::now();
        let slot = {
            let mut next = self.next.lock().await;
            let slot = (*next).max(now);
            *next = slot + self.interval;
            slot
        };
        // Tokio's timer rounds a deadline up to its next millisecond tick, so sleeping until
        // `now` would still hold every unpaced email (and its request) for up to a millisecond.
        if slot > now {
            tokio::time::sleep_until(slot).await;
        }
    }
}

/// The workflow metrics of contract operations: counts by type and step durations.
fn record_metrics(change: WorkflowChange, before: Option<&Workflow>, after: &Workflow) {
    let kind = serde_json::to_value(after.workflow_type)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default();
    let counted = match change {
        WorkflowChange::Created => Some("WorkflowsCreated"),
        WorkflowChange::Started => Some("WorkflowsStarted"),
        WorkflowChange::Completed => Some("WorkflowsCompleted"),
        WorkflowChange::Cancelled => Some("WorkflowsCancelled"),
        WorkflowChange::StepAdvanced | WorkflowChange::Updated => None,
    };
    if let Some(name) = counted {
        metric(name, 1.0, &[("WorkflowType", &kind)]);
    }
    let template = after.template_key.as_deref().unwrap_or("custom");
    for (index, step) in after.steps.iter().enumerate() {
        let newly_done =
            step.completed && before.is_some_and(|before| before.steps.get(index).is_some_and(|old| !old.completed));
        if let (true, Some(started), Some(completed)) = (newly_done, step.started_at, step.completed_at) {
            let order = step.order.to_string();
            duration_metric(
                "StepDuration",
                (completed - started).num_milliseconds() as f64,
                &[("Template", template), ("Step", &order)],
            );
        }
    }
}

/// The person to tell about the active step: its assignee when the step has just become active
/// or has just been given to them, so that each step's owner hears about it once.
fn newly_active_step_owner<'a>(
    before: Option<&Workflow>,
    after: &'a Workflow,
) -> Option<&'a crate::domain::validation::Email> {
    let step = after.active_step()?;
    let to = step.assigned_to.as_ref()?;
    let unchanged = before
        .and_then(Workflow::active_step)
        .is_some_and(|old| old.order == step.order && old.assigned_to.as_ref() == Some(to));
    (!unchanged).then_some(to)
}

/// Where deliveries go.
pub struct Channels {
    pub mailer: Arc<dyn Mailer>,
    pub chat: Arc<dyn ChatPoster>,
    pub events: Arc<dyn EventPublisher>,
}

pub struct Notifier {
    channels: Channels,
    secrets: Arc<SecretBox>,
    frontend_url: String,
    pacer: Pacer,
}

impl Notifier {
    pub fn new(channels: Channels, secrets: Arc<SecretBox>, frontend_url: String, emails_per_second: f64) -> Self {
        Self { channels, secrets, frontend_url, pacer: Pacer::new(emails_per_second) }
    }

    pub fn frontend_url(&self) -> &str {
        &self.frontend_url
    }

    /// After a committed workflow change: publishes its event and emails a new assignee.
    pub async fn workflow_changed(
        &self,
        tenant: &Tenant,
        before: Option<&Workflow>,
        after: &Workflow,
        at: DateTime<Utc>,
    ) {
        self.publish(tenant, before, after, at).await;
        let newly_assigned = after
            .assigned_to
            .as_ref()
            .filter(|to| before.is_none_or(|before| before.assigned_to.as_ref() != Some(*to)));
        if let Some(to) = newly_assigned {
            self.email(&messages::assigned(tenant, to, after, &self.frontend_url)).await.ok();
        }
        if let Some(to) = newly_active_step_owner(before, after) {
            self.email(&messages::step_assigned(tenant, to, after, &self.frontend_url)).await.ok();
        }
    }

    /// After the HRIS started a workflow: its event, the one email to its assignee (saying the
    /// HRIS started it, instead of the assignment email of other new workflows), and the
    /// tenant's Slack post.
    pub async fn hris_started(&self, tenant: &Tenant, workflow: &Workflow, at: DateTime<Utc>) {
        self.publish(tenant, None, workflow, at).await;
        let to = workflow.assigned_to.as_ref().unwrap_or(&tenant.it_email);
        self.email(&messages::hris_started(tenant, to, workflow, &self.frontend_url)).await.ok();
        self.chat(tenant, &messages::hris_started_chat(workflow, &self.frontend_url)).await.ok();
    }

    /// Records the change's metrics and publishes its domain event.
    async fn publish(&self, tenant: &Tenant, before: Option<&Workflow>, after: &Workflow, at: DateTime<Utc>) {
        let change = WorkflowChange::between(before, after);
        record_metrics(change, before, after);
        let event = WorkflowEvent { change, tenant_id: tenant.id.clone(), workflow: after.clone(), at };
        if let Err(error) = self.channels.events.publish(std::slice::from_ref(&event)).await {
            tracing::error!(tenant_id = %tenant.id, workflow_id = %after.id, %error, "domain event not published");
            metric("EventsFailed", 1.0, &[]);
        }
    }

    /// Sends an email, paced and retried; failures are logged and counted.
    pub async fn email(&self, email: &OutgoingEmail) -> Result<(), DeliveryError> {
        let sent = self
            .retrying(|| async {
                self.pacer.wait_turn().await;
                self.channels.mailer.send(email).await
            })
            .await;
        match &sent {
            Ok(()) => metric("EmailsSent", 1.0, &[]),
            Err(error) => {
                tracing::error!(to = %email.to, subject = %email.subject, %error, "email not delivered");
                metric("EmailsFailed", 1.0, &[]);
            }
        }
        sent
    }

    /// Posts to the tenant's Slack incoming webhook, when it has one.
    pub async fn chat(&self, tenant: &Tenant, text: &str) -> Result<(), DeliveryError> {
        let Some(sealed) = &tenant.slack_webhook_url else { return Ok(()) };
        let url = self
            .secrets
            .open(sealed, &SecretField::SlackWebhookUrl.context(&tenant.id))
            .map_err(|error| DeliveryError(error.to_string()))?;
        let posted = self.retrying(|| self.channels.chat.post(&url, text)).await;
        if let Err(error) = &posted {
            tracing::error!(tenant_id = %tenant.id, %error, "Slack post not delivered");
            metric("ChatPostsFailed", 1.0, &[]);
        }
        posted
    }

    async fn retrying<F, Fut>(&self, mut attempt: F) -> Result<(), DeliveryError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<(), DeliveryError>>,
    {
        let mut backoff = FIRST_BACKOFF;
        let mut result = attempt().await;
        for _ in 1..ATTEMPTS {
            if result.is_ok() {
                break;
            }
            tokio::time::sleep(backoff).await;
            backoff *= 4;
            result = attempt().await;
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_turn_that_is_due_does_not_wait() {
        let pacer = Pacer::new(10.0);
        tokio::time::advance(Duration::from_micros(300)).await;
        let start = Instant::now();
        pacer.wait_turn().await;
        assert_eq!(Instant::now(), start);
    }

    #[tokio::test(start_paused = true)]
    async fn turns_are_spaced_by_the_send_rate() {
        let pacer = Pacer::new(10.0);
        let start = Instant::now();
        for _ in 0..3 {
            pacer.wait_turn().await;
        }
        assert_eq!(Instant::now() - start, Duration::from_millis(200));
    }
}
