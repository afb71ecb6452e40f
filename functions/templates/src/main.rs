//! The templates route group as a Lambda function behind the HTTP API.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::lambda::serve(templates::routes(), templates::openapi()).await
}
