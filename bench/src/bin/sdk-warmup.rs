//! Does warming the DynamoDB connection in init pay off? Each run builds the deployed functions'
//! SDK configuration and store afresh (as a cold start does) against the emulator at
//! `AWS_ENDPOINT_URL`, then times the first `GetItem` on the cold client, or a warm-up call (the
//! price init would pay) followed by the first request a caller would wait for. Median of runs.
//!
//! Loopback and plain HTTP: the TLS handshake a real endpoint adds to a cold connection is not in
//! these figures (scripts/bench starts moto and calls this).

use std::time::{Duration, Instant};

use shared::domain::validation::TenantId;
use shared::ports::WorkflowStore;
use shared::store::dynamo::DynamoStore;

const RUNS: usize = 15;

async fn fresh_store(table: &str) -> DynamoStore {
    let sdk_config = shared::adapters::aws_sdk::load_config().await.expect("the SDK configuration");
    DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk_config), table)
}

async fn timed_get(store: &DynamoStore, tenant: &TenantId) -> Duration {
    let started = Instant::now();
    let found = store.get_workflow(tenant, uuid::Uuid::now_v7()).await.expect("the emulator answers");
    assert!(found.is_none());
    started.elapsed()
}

fn median(mut values: Vec<Duration>) -> f64 {
    values.sort();
    values[values.len() / 2].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    // Built on first use in the functions: what the first email and the first event of an
    // execution environment wait for (once per process: the SDK parses its endpoint tables once).
    let sdk_config = shared::adapters::aws_sdk::load_config().await.expect("the SDK configuration");
    let started = Instant::now();
    std::hint::black_box(aws_sdk_sesv2::Client::new(&sdk_config));
    let ses = started.elapsed();
    let started = Instant::now();
    std::hint::black_box(aws_sdk_eventbridge::Client::new(&sdk_config));
    let eventbridge = started.elapsed();

    let table = format!("bench-warmup-{}", uuid::Uuid::now_v7().simple());
    let tenant = TenantId::parse("acme").unwrap();
    shared::store::dynamo::table::create_table(fresh_store(&table).await.client(), &table).await.unwrap();

    let (mut cold_first, mut warm_up, mut warmed_first, mut steady) = (vec![], vec![], vec![], vec![]);
    for _ in 0..RUNS {
        let cold = fresh_store(&table).await;
        cold_first.push(timed_get(&cold, &tenant).await);
        steady.push(timed_get(&cold, &tenant).await);

        let warmed = fresh_store(&table).await;
        warm_up.push(timed_get(&warmed, &tenant).await);
        warmed_first.push(timed_get(&warmed, &tenant).await);
    }
    println!("GetItem against the emulator, fresh SDK client per run, median of {RUNS} (ms)");
    println!("{:<44} {:>8.2}", "first request on a cold client", median(cold_first));
    println!("{:<44} {:>8.2}", "warm-up request in init (added to init)", median(warm_up));
    println!("{:<44} {:>8.2}", "first request after the warm-up", median(warmed_first));
    println!("{:<44} {:>8.2}", "steady state (second request)", median(steady));
    println!("{:<44} {:>8.2}", "SES client, built with the first email", ses.as_secs_f64() * 1000.0);
    println!("{:<44} {:>8.2}", "EventBridge client, built with the first event", eventbridge.as_secs_f64() * 1000.0);
}
