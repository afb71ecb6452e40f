//! Fanning one workflow change out to the connections that may see it, with bounded
//! concurrency; connections that are gone are forgotten. The AWS broadcaster and the local
//! `/ws` both use this, each with its own pusher.

use futures_util::StreamExt;

use crate::domain::realtime::Broadcast;
use crate::ports::{ConnectionStore, PushError, Pusher, StoreError};

/// Posts in flight at once (API Gateway's management API is rate limited per account).
pub const CONCURRENCY: usize = 64;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FanOut {
    pub sent: usize,
    pub gone: usize,
    pub failed: usize,
}

pub async fn fan_out(
    store: &dyn ConnectionStore,
    pusher: &dyn Pusher,
    broadcast: &Broadcast,
) -> Result<FanOut, StoreError> {
    let recipients: Vec<_> = store
        .connections(&broadcast.tenant_id)
        .await?
        .into_iter()
        .filter(|connection| broadcast.is_for(connection))
        .collect();
    let results: Vec<(String, Result<(), PushError>)> = futures_util::stream::iter(recipients)
        .map(|connection| async move {
            let result = pusher.push(&connection.connection_id, &broadcast.message).await;
            (connection.connection_id, result)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut outcome = FanOut::default();
    for (connection_id, result) in results {
        match result {
            Ok(()) => outcome.sent += 1,
            Err(PushError::Gone) => {
                store.delete_connection(&connection_id).await?;
                outcome.gone += 1;
            }
            Err(PushError::Failed(error)) => {
                tracing::warn!(connection_id, %error, "live update not delivered");
                outcome.failed += 1;
            }
        }
    }
    Ok(outcome)
}
