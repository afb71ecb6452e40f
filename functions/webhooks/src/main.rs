//! The webhooks route group (HRIS deliveries) as a Lambda function behind the HTTP API.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::lambda::serve(webhooks::routes(), webhooks::openapi()).await
}
