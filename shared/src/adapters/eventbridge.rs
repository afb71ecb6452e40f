//! Domain events on an EventBridge bus, so customers can hang their own rules on them:
//! `source` `assetronics.workflows`, `detail-type` like `workflow.started`, the workflow as
//! detail. PutEvents takes at most 10 entries; entries that fail are retried with backoff.

use std::time::Duration;

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_sdk_eventbridge::Client;
use aws_sdk_eventbridge::error::DisplayErrorContext;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;

use super::aws_sdk::OnFirstUse;
use crate::domain::events::WorkflowEvent;
use crate::ports::{DeliveryError, EventPublisher};

pub const SOURCE: &str = "assetronics.workflows";
const BATCH: usize = 10;
const ATTEMPTS: u32 = 3;

pub struct EventBridgePublisher {
    client: OnFirstUse<Client>,
    bus: String,
}

impl EventBridgePublisher {
    pub fn new(client: Client, bus: impl Into<String>) -> Self {
        Self { client: OnFirstUse::ready(client), bus: bus.into() }
    }

    /// The deployed functions' publisher: its client is built with the first event.
    pub fn on_first_use(sdk_config: &SdkConfig, bus: impl Into<String>) -> Self {
        let sdk_config = sdk_config.clone();
        Self { client: OnFirstUse::new(move || Client::new(&sdk_config)), bus: bus.into() }
    }

    fn entry(&self, event: &WorkflowEvent) -> Result<PutEventsRequestEntry, DeliveryError> {
        let detail = serde_json::to_string(event).map_err(|error| DeliveryError(error.to_string()))?;
        Ok(PutEventsRequestEntry::builder()
            .event_bus_name(&self.bus)
            .source(SOURCE)
            .detail_type(event.change.detail_type())
            .detail(detail)
            .time(aws_sdk_eventbridge::primitives::DateTime::from_secs(event.at.timestamp()))
            .build())
    }

    /// Sends one batch, retrying only the entries that failed.
    async fn put_batch(&self, mut entries: Vec<PutEventsRequestEntry>) -> Result<(), DeliveryError> {
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100 * 4u64.pow(attempt - 1))).await;
            }
            let output = self
                .client
                .get()
                .put_events()
                .set_entries(Some(entries.clone()))
                .send()
                .await
                .map_err(|error| DeliveryError(DisplayErrorContext(&error).to_string()))?;
            if output.failed_entry_count() == 0 {
                return Ok(());
            }
            // Results are in the order of the entries; a failed one carries an error code.
            let results = output.entries();
            entries = entries
                .into_iter()
                .zip(results)
                .filter(|(_, result)| result.error_code().is_some())
                .map(|(entry, _)| entry)
                .collect();
        }
        Err(DeliveryError(format!("{} events still failed after {ATTEMPTS} attempts", entries.len())))
    }
}

#[async_trait]
impl EventPublisher for EventBridgePublisher {
    async fn publish(&self, events: &[WorkflowEvent]) -> Result<(), DeliveryError> {
        for batch in events.chunks(BATCH) {
            let entries = batch.iter().map(|event| self.entry(event)).collect::<Result<Vec<_>, _>>()?;
            self.put_batch(entries).await?;
        }
        Ok(())
    }
}
