//! The tenants route group as a Lambda function behind the HTTP API.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::lambda::serve(tenants::routes(), tenants::openapi()).await
}
