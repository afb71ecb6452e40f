//! Logging: JSON lines in Lambda (CloudWatch indexes the fields), readable lines locally.
//! `RUST_LOG` sets the level (default `info`).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use tracing_subscriber::EnvFilter;

/// Whether metrics go to stdout as EMF lines (Lambda, where CloudWatch reads them) or, locally,
/// into the human log at debug level, so the console shows people text and not metric JSON.
static EMF_ON_STDOUT: AtomicBool = AtomicBool::new(false);

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
    EMF_ON_STDOUT.store(true, Ordering::Relaxed);
}

/// Readable lines for people; colours only on a terminal, never into a file or a pipe.
pub fn init_text() {
    tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal())
        .init();
}

/// Emits one CloudWatch metric in Embedded Metric Format: a JSON log line that CloudWatch turns
/// into a metric of namespace `Assetronics`, with the given dimensions.
pub fn metric(name: &str, value: f64, dimensions: &[(&str, &str)]) {
    emit(name, value, "Count", dimensions);
}

/// A duration metric in milliseconds, in Embedded Metric Format.
pub fn duration_metric(name: &str, milliseconds: f64, dimensions: &[(&str, &str)]) {
    emit(name, milliseconds, "Milliseconds", dimensions);
}

fn emit(name: &str, value: f64, unit: &str, dimensions: &[(&str, &str)]) {
    if !EMF_ON_STDOUT.load(Ordering::Relaxed) {
        tracing::debug!(metric = name, value, unit, ?dimensions, "metric");
        return;
    }
    let mut line = serde_json::Map::new();
    let dimension_names: Vec<&str> = dimensions.iter().map(|(key, _)| *key).collect();
    line.insert(
        "_aws".to_owned(),
        serde_json::json!({
            "Timestamp": chrono::Utc::now().timestamp_millis(),
            "CloudWatchMetrics": [{
                "Namespace": "Assetronics",
                "Dimensions": [dimension_names],
                "Metrics": [{"Name": name, "Unit": unit}],
            }],
        }),
    );
    for (key, dimension) in dimensions {
        line.insert((*key).to_owned(), serde_json::Value::String((*dimension).to_owned()));
    }
    line.insert(name.to_owned(), serde_json::json!(value));
    // EMF must be a line of its own on stdout, outside the tracing format.
    println!("{}", serde_json::Value::Object(line));
}
