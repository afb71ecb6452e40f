//! The WebSocket API's `$connect` and `$disconnect` routes.

use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_json();
    let state = &shared::http::lambda::aws_state().await?.0;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        Ok::<_, Error>(realtime::on_connection(state, event.payload).await)
    }))
    .await
}
