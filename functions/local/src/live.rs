//! Live updates on the local server: `/ws` with the same protocol as the AWS WebSocket API,
//! fed from the embedded store's change feed through the same derivation and fan-out as the
//! AWS broadcaster. Only the transport differs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use shared::domain::realtime::{Broadcast, Connection};
use shared::http::{AppError, AppState};
use shared::ports::{ConnectionStore, PushError, Pusher};
use shared::realtime::fan_out;
use shared::store::memory::WorkflowChangeRecord;
use tokio::sync::{broadcast, mpsc};

/// The open sockets of this process, by connection id.
#[derive(Default)]
pub struct Hub {
    sockets: Mutex<HashMap<String, mpsc::UnboundedSender<String>>>,
}

impl Hub {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, mpsc::UnboundedSender<String>>> {
        self.sockets.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl Pusher for Hub {
    async fn push(&self, connection_id: &str, message: &str) -> Result<(), PushError> {
        match self.lock().get(connection_id) {
            Some(socket) => socket.send(message.to_owned()).map_err(|_| PushError::Gone),
            None => Err(PushError::Gone),
        }
    }
}

#[derive(Deserialize)]
pub struct Connect {
    token: Option<String>,
}

/// `GET /ws?token=<jwt>`: 401 (no upgrade) without a valid token.
pub async fn websocket(
    State(state): State<AppState>,
    Query(connect): Query<Connect>,
    upgrade: WebSocketUpgrade,
    hub: Arc<Hub>,
) -> Result<Response, AppError> {
    let session = state.authenticate(connect.token.as_deref().unwrap_or_default()).await?;
    let connection = Connection::of(uuid::Uuid::now_v7().to_string(), &session.caller, state.clock.now());
    // Messages queue from the moment the connection is known, so none is lost to the upgrade.
    let (sender, messages) = mpsc::unbounded_channel();
    hub.lock().insert(connection.connection_id.clone(), sender);
    state.store.put_connection(&connection).await?;
    Ok(upgrade.on_upgrade(move |socket| serve(socket, messages, connection, state, hub)))
}

async fn serve(
    mut socket: WebSocket,
    mut messages: mpsc::UnboundedReceiver<String>,
    connection: Connection,
    state: AppState,
    hub: Arc<Hub>,
) {
    loop {
        tokio::select! {
            Some(message) = messages.recv() => {
                if socket.send(Message::Text(message.into())).await.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => match incoming {
                // Pings are answered by axum; anything else from the client is ignored.
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            }
        }
    }
    hub.lock().remove(&connection.connection_id);
    if let Err(error) = state.store.delete_connection(&connection.connection_id).await {
        tracing::warn!(%error, "connection not forgotten");
    }
}

/// Fans every change of the store's feed out to the hub's sockets.
pub fn spawn_feed(mut feed: broadcast::Receiver<WorkflowChangeRecord>, store: Arc<dyn ConnectionStore>, hub: Arc<Hub>) {
    tokio::spawn(async move {
        loop {
            match feed.recv().await {
                Ok(change) => {
                    let at = change.after.updated_at;
                    let broadcast = Broadcast::of(change.before, change.after, at);
                    if let Err(error) = fan_out(store.as_ref(), hub.as_ref(), &broadcast).await {
                        tracing::warn!(%error, "live update not fanned out");
                    }
                }
                Err(broadcast::error::RecvError::Lagged(missed)) => tracing::warn!(missed, "live updates skipped"),
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    });
}
