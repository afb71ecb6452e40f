//! The baseline of the load test: a bare axum JSON endpoint on the same runtime and listener as
//! the local server, `GET /json` on 127.0.0.1:$PORT.

use axum::Router;
use axum::routing::get;
use serde_json::json;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "3001".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    let router = Router::new().route("/json", get(|| async { axum::Json(json!({"data": {"status": "ok"}})) }));
    axum::serve(listener, router).await
}
