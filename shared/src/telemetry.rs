//! Logging: JSON lines in Lambda (CloudWatch indexes the fields), readable lines locally.
//! `RUST_LOG` sets the level (default `info`).

use tracing_subscriber::EnvFilter;

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

/// JSON logs with the current span's fields (`tenant_id`, `workflow_id`, `step`) on every line.
pub fn init_json() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter())
        .with_current_span(true)
        .with_span_list(false)
        .flatten_event(true)
        .with_target(false)
        .without_time()
        .init();
}

pub fn init_text() {
    tracing_subscriber::fmt().with_env_filter(filter()).with_target(false).init();
}
