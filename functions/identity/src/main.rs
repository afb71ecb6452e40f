//! The user pool's pre-token-generation trigger (V2_0 event: ID and access tokens).

use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_json();
    lambda_runtime::run(service_fn(|event: LambdaEvent<_>| async move {
        identity::add_claims(event.payload).map_err(Error::from)
    }))
    .await
}
