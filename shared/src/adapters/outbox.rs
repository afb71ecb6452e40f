//! The local server's mail and chat: nothing leaves the machine; every email and Slack post is
//! kept, in order, for `GET /local/outbox`. Events are written to the log.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::clock::Clock;
use crate::domain::events::WorkflowEvent;
use crate::domain::messages::OutgoingEmail;
use crate::ports::{ChatPoster, DeliveryError, EventPublisher, Mailer};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Delivery {
    Email { to: String, subject: String, body: String, sent_at: DateTime<Utc> },
    Slack { url: String, text: String, sent_at: DateTime<Utc> },
}

pub struct Outbox {
    deliveries: Mutex<Vec<Delivery>>,
    clock: Arc<dyn Clock>,
}

impl Outbox {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { deliveries: Mutex::new(Vec::new()), clock }
    }

    /// Everything delivered so far, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Delivery>> {
        self.deliveries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl Mailer for Outbox {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), DeliveryError> {
        let delivery = Delivery::Email {
            to: email.to.to_string(),
            subject: email.subject.clone(),
            body: email.text.clone(),
            sent_at: self.clock.now(),
        };
        self.lock().push(delivery);
        Ok(())
    }
}

#[async_trait]
impl ChatPoster for Outbox {
    async fn post(&self, webhook_url: &str, text: &str) -> Result<(), DeliveryError> {
        let delivery =
            Delivery::Slack { url: webhook_url.to_owned(), text: text.to_owned(), sent_at: self.clock.now() };
        self.lock().push(delivery);
        Ok(())
    }
}

/// Writes events to the log, where a local developer sees them.
pub struct LoggedEvents;

#[async_trait]
impl EventPublisher for LoggedEvents {
    async fn publish(&self, events: &[WorkflowEvent]) -> Result<(), DeliveryError> {
        for event in events {
            tracing::info!(
                tenant_id = %event.tenant_id,
                workflow_id = %event.workflow.id,
                step = event.workflow.current_step,
                detail_type = event.change.detail_type(),
                "domain event"
            );
        }
        Ok(())
    }
}
