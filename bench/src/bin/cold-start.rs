//! Cold starts, measured side by side: each function's release binary is started against a local
//! implementation of the Lambda Runtime API (`/2018-06-01/runtime/...`), and the time from exec to
//! its first `next` call (init) and to its first response is taken, median of several runs, next
//! to a hello-world `lambda_runtime` binary measured in the same run.
//!
//! `cold-start <release dir> <binary>...` (scripts/bench builds and calls it).

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::Notify;

const RUNS: usize = 15;

/// An HTTP API (payload 2.0) request for `GET /health`, which answers without any AWS call.
fn health_event() -> Value {
    json!({
        "version": "2.0", "routeKey": "GET /health", "rawPath": "/health", "rawQueryString": "",
        "headers": {"host": "api.example.com"},
        "requestContext": {"accountId": "123456789012", "apiId": "api", "domainName": "api.example.com",
            "domainPrefix": "api", "http": {"method": "GET", "path": "/health", "protocol": "HTTP/1.1",
            "sourceIp": "192.0.2.1", "userAgent": "bench"}, "requestId": "bench", "routeKey": "GET /health",
            "stage": "$default", "time": "25/Nov/2026:09:00:00 +0000", "timeEpoch": 1795600000000u64},
        "isBase64Encoded": false
    })
}

#[derive(Default)]
struct Timings {
    first_next: Option<Instant>,
    first_response: Option<Instant>,
    served: bool,
}

#[derive(Clone)]
struct Api {
    timings: Arc<Mutex<Timings>>,
    responded: Arc<Notify>,
    event: Value,
}

async fn next(State(api): State<Api>) -> (HeaderMap, axum::Json<Value>) {
    let first = {
        let mut timings = api.timings.lock().unwrap();
        timings.first_next.get_or_insert_with(Instant::now);
        let first = !timings.served;
        timings.served = true;
        first
    };
    if !first {
        // One invocation per process: later `next` calls wait until the process is killed.
        std::future::pending::<()>().await;
    }
    let mut headers = HeaderMap::new();
    headers.insert("lambda-runtime-aws-request-id", "bench-request".parse().unwrap());
    headers.insert("lambda-runtime-deadline-ms", "99999999999999".parse().unwrap());
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:us-east-1:123456789012:function:bench".parse().unwrap(),
    );
    headers.insert("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000".parse().unwrap());
    (headers, axum::Json(api.event.clone()))
}

async fn response(State(api): State<Api>, Path(_id): Path<String>) -> &'static str {
    api.timings.lock().unwrap().first_response.get_or_insert_with(Instant::now);
    api.responded.notify_one();
    "ok"
}

/// (init, first response) of one cold start of `binary`.
async fn cold_start(binary: &PathBuf, event: Value) -> (Duration, Option<Duration>) {
    let api = Api { timings: Arc::default(), responded: Arc::new(Notify::new()), event };
    let router = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
        .route("/2018-06-01/runtime/invocation/{id}/error", post(response))
        .route("/2018-06-01/runtime/init/error", post(|| async { "ok" }))
        .with_state(api.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let started = Instant::now();
    let mut child = std::process::Command::new(binary)
        // Only what Lambda's provided runtime sets, not this machine's variables (AWS_CA_BUNDLE
        // or SSL_CERT_FILE, say, would change what the SDK loads at init).
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("LANG", "en_US.UTF-8")
        .env("TZ", ":UTC")
        .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "bench")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("TABLE_NAME", "bench")
        .env("JWT_SECRET", "bench-secret-bench-secret-bench-secret")
        .env("CURSOR_SECRET", "bench-cursor-secret-bench-cursor-secret")
        .env("ENCRYPTION_KEY", "ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE=")
        .env("ENCRYPTION_KEY_ID", "k1")
        .env("FRONTEND_BASE_URL", "https://app.example.com")
        .env("WEBSOCKET_ENDPOINT", "https://ws.example.com/live")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let _ = tokio::time::timeout(Duration::from_secs(10), api.responded.notified()).await;
    child.kill().ok();
    child.wait().ok();
    server.abort();
    let timings = api.timings.lock().unwrap();
    let init = timings.first_next.map_or(Duration::MAX, |at| at - started);
    (init, timings.first_response.map(|at| at - started))
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let directory = PathBuf::from(args.next().expect("the release directory"));
    let names: Vec<String> = std::iter::once("hello-lambda".to_owned()).chain(args).collect();
    // Round by round, every binary once per round: drift in the machine's load touches all alike.
    let mut inits = vec![Vec::new(); names.len()];
    let mut replies = vec![Vec::new(); names.len()];
    for _ in 0..RUNS {
        for (index, name) in names.iter().enumerate() {
            // HTTP functions answer GET /health; the others get the same event and answer or
            // fail, which does not matter for init.
            let (init, reply) = cold_start(&directory.join(name), health_event()).await;
            inits[index].push(init);
            replies[index].extend(reply);
        }
    }
    println!("{:<20} {:>12} {:>16} {:>10}", "binary", "init (ms)", "1st reply (ms)", "init/hello");
    let baseline = median(inits[0].clone());
    for ((name, inits), replies) in names.iter().zip(inits).zip(replies) {
        let init = median(inits);
        let reply =
            if replies.is_empty() { "-".to_owned() } else { format!("{:.2}", median(replies).as_secs_f64() * 1000.0) };
        println!(
            "{name:<20} {:>12.2} {reply:>16} {:>10.2}",
            init.as_secs_f64() * 1000.0,
            init.as_secs_f64() / baseline.as_secs_f64()
        );
    }
}
