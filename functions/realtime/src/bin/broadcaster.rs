//! The table's DynamoDB stream → live updates through the WebSocket API (`WEBSOCKET_ENDPOINT`).

use lambda_runtime::{Error, LambdaEvent, service_fn};
use shared::adapters::apigw::ApiGatewayPusher;
use shared::store::dynamo::DynamoStore;

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init_json();
    let sdk_config = shared::adapters::aws_sdk::load_config().await?;
    let store = &DynamoStore::from_sdk_config(&sdk_config)?;
    let endpoint = std::env::var("WEBSOCKET_ENDPOINT")?;
    let management = aws_sdk_apigatewaymanagement::config::Builder::from(&sdk_config).endpoint_url(endpoint).build();
    let pusher = &ApiGatewayPusher::new(aws_sdk_apigatewaymanagement::Client::from_conf(management));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        Ok::<_, Error>(realtime::on_stream(store, pusher, event.payload).await)
    }))
    .await
}
