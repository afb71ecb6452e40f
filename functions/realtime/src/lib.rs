//! Live updates on AWS (contract §6). The connection function keeps one record per WebSocket
//! connection with its caller's role scope; the broadcaster turns the table's stream into
//! messages and fans each out to the tenant's connections that may see it. One bad record is
//! reported alone (`ReportBatchItemFailures`) and never replays the batch.

use aws_lambda_events::event::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use aws_lambda_events::event::dynamodb::{Event as DynamoDbEvent, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use shared::domain::realtime::{Broadcast, Connection};
use shared::domain::workflow::Workflow;
use shared::http::{AppError, AppState};
use shared::ports::{ConnectionStore, Pusher};
use shared::realtime::fan_out;
use shared::store::dynamo::from_item;

fn respond(status: i64) -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = status;
    response
}

/// `$connect` verifies the `token` query parameter (401 refuses the upgrade) and keeps the
/// connection; `$disconnect` forgets it.
pub async fn on_connection(state: &AppState, request: ApiGatewayWebsocketProxyRequest) -> ApiGatewayProxyResponse {
    let context = &request.request_context;
    let Some(connection_id) = context.connection_id.clone() else { return respond(400) };
    match context.route_key.as_deref() {
        Some("$connect") => {
            let token = request.query_string_parameters.first("token").unwrap_or_default();
            let session = match state.authenticate(token).await {
                Ok(session) => session,
                Err(AppError::Forbidden(_)) => return respond(403),
                Err(_) => return respond(401),
            };
            let connection = Connection::of(connection_id, &session.caller, state.clock.now());
            match state.store.put_connection(&connection).await {
                Ok(()) => respond(200),
                Err(error) => {
                    tracing::error!(%error, "connection not stored");
                    respond(500)
                }
            }
        }
        Some("$disconnect") => match state.store.delete_connection(&connection_id).await {
            Ok(()) => respond(200),
            Err(error) => {
                tracing::error!(%error, "connection not forgotten");
                respond(500)
            }
        },
        _ => respond(200),
    }
}

/// The broadcast of one stream record: `None` for items that are not workflows.
pub fn broadcast_of(record: &EventRecord) -> Result<Option<Broadcast>, String> {
    let is_workflow = record
        .change
        .keys
        .get("sk")
        .is_some_and(|sk| matches!(sk, serde_dynamo::AttributeValue::S(sk) if sk == "WORKFLOW"));
    if !is_workflow || record.change.new_image.is_empty() {
        return Ok(None);
    }
    let image = |image: &serde_dynamo::Item, which: &str| -> Result<Workflow, String> {
        from_item(image.clone().into()).map_err(|error| format!("{which} image: {error}"))
    };
    let after = image(&record.change.new_image, "new")?;
    let before = if record.change.old_image.is_empty() { None } else { Some(image(&record.change.old_image, "old")?) };
    let at = after.updated_at;
    Ok(Some(Broadcast::of(before, after, at)))
}

/// Fans every workflow record out; records that fail are reported by sequence number.
pub async fn on_stream(
    store: &dyn ConnectionStore,
    pusher: &dyn Pusher,
    event: DynamoDbEvent,
) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    for record in &event.records {
        let outcome = match broadcast_of(record) {
            Ok(Some(broadcast)) => {
                fan_out(store, pusher, &broadcast).await.map(|_| ()).map_err(|error| error.to_string())
            }
            Ok(None) => Ok(()),
            Err(error) => Err(error),
        };
        if let Err(error) = outcome {
            tracing::error!(event_id = %record.event_id, %error, "stream record not broadcast");
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = record.change.sequence_number.clone();
            response.batch_item_failures.push(failure);
        }
    }
    response
}
