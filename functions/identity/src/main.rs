//! The user pool's pre-token-generation trigger (V2_0 event: ID and access tokens), reading
//! users' records from the table (`TABLE_NAME`).

use lambda_runtime::{Error, LambdaEvent, service_fn};
use shared::store::dynamo::DynamoStore;

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_json();
    let store = &DynamoStore::from_env().await?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<_>| async move {
        identity::add_claims(store, event.payload).await.map_err(Error::from)
    }))
    .await
}
