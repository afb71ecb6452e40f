//! The workflows route group as a Lambda function behind the HTTP API.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::lambda::serve(workflows::routes(), workflows::openapi()).await
}
