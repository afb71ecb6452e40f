//! The directory route group (employees and assets) as a Lambda function behind the HTTP API.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::lambda::serve(directory::routes(), directory::openapi()).await
}
