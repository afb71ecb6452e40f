//! The reminder job's DynamoDB reads grow with the work it finds, not with the table: counted by
//! an SDK interceptor (items returned and evaluated by every Query and GetItem) against moto.
//! `JOB_READS_WORKFLOWS` sets the number of workflows of one tenant (default 1,000),
//! `JOB_READS_TENANTS` the number of tenants an hourly run chooses from (default 10,000).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use assetronics_tests::{config, emulator_config, tenant, test_now};
use aws_sdk_dynamodb::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::get_item::GetItemOutput;
use aws_sdk_dynamodb::operation::query::QueryOutput;
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use chrono::{DateTime, Days, NaiveDate, Utc};
use shared::adapters::outbox::{LoggedEvents, Outbox};
use shared::clock::FixedClock;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::jobs::{JobName, Occasion};
use shared::domain::template::Template;
use shared::domain::tenant::Timezone;
use shared::domain::workflow::{TriggeredBy, Workflow, WorkflowDraft};
use shared::http::AppState;
use shared::jobs::JobRunner;
use shared::notify::Channels;
use shared::ports::Store;
use shared::store::dynamo::{DynamoStore, Item, tenant_item, workflow_item};

/// Requests, items returned, and items evaluated (a Query's `ScannedCount`).
#[derive(Debug, Default)]
struct ReadCounter {
    requests: AtomicU64,
    returned: AtomicU64,
    evaluated: AtomicU64,
}

#[derive(Debug, Clone, Default)]
struct Reads(Arc<ReadCounter>);

impl Intercept for Reads {
    fn name(&self) -> &'static str {
        "Reads"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Ok(output) = context.output_or_error() else { return Ok(()) };
        let (returned, evaluated) = if let Some(query) = output.downcast_ref::<QueryOutput>() {
            (query.count() as u64, query.scanned_count() as u64)
        } else if let Some(get) = output.downcast_ref::<GetItemOutput>() {
            let found = u64::from(get.item().is_some());
            (found, found)
        } else {
            return Ok(());
        };
        self.0.requests.fetch_add(1, Ordering::SeqCst);
        self.0.returned.fetch_add(returned, Ordering::SeqCst);
        self.0.evaluated.fetch_add(evaluated, Ordering::SeqCst);
        Ok(())
    }
}

impl Reads {
    /// (requests, items returned, items evaluated) so far.
    fn so_far(&self) -> (u64, u64, u64) {
        let counter = &self.0;
        (
            counter.requests.load(Ordering::SeqCst),
            counter.returned.load(Ordering::SeqCst),
            counter.evaluated.load(Ordering::SeqCst),
        )
    }

    /// What was read since `before`.
    fn since(&self, before: (u64, u64, u64)) -> (u64, u64, u64) {
        let now = self.so_far();
        (now.0 - before.0, now.1 - before.1, now.2 - before.2)
    }
}

/// A fresh table on the emulator, its store, and the reads counted on its client.
async fn measured_store() -> (aws_sdk_dynamodb::Client, String, Arc<dyn Store>, Reads) {
    let reads = Reads::default();
    let client = aws_sdk_dynamodb::Client::from_conf(emulator_config().interceptor(reads.clone()).build());
    let table = format!("job-reads-{}", uuid::Uuid::now_v7().simple());
    shared::store::dynamo::table::create_table(&client, &table).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(DynamoStore::new(client.clone(), table.clone()));
    (client, table, store, reads)
}

/// Writes items in bulk (BatchWriteItem of the very items the store writes): moto copies the
/// whole table for every transaction, which makes thousands of transactional inserts
/// impractical.
async fn bulk_put(client: &aws_sdk_dynamodb::Client, table: &str, items: Vec<Item>) {
    for chunk in items.chunks(25) {
        let requests = chunk
            .iter()
            .map(|item| {
                let put = PutRequest::builder().set_item(Some(item.clone())).build().unwrap();
                WriteRequest::builder().put_request(put).build()
            })
            .collect();
        let written = client.batch_write_item().request_items(table, requests).send().await.unwrap();
        assert!(written.unprocessed_items().is_none_or(|left| left.is_empty()));
    }
}

fn runner(store: &Arc<dyn Store>) -> JobRunner {
    let outbox = Arc::new(Outbox::new(Arc::new(FixedClock(test_now()))));
    let channels = Channels { mailer: outbox.clone(), chat: outbox.clone(), events: Arc::new(LoggedEvents) };
    AppState::new(store.clone(), &config(), Arc::new(FixedClock(test_now())), channels).jobs()
}

/// A workflow of `tenant` due on `due`.
fn workflow_due(n: usize, tenant: &str, due: NaiveDate) -> Workflow {
    let mut draft = WorkflowDraft::from_template(&Template::builtins()[n % 4], TriggeredBy::Template);
    draft.due_date = Some(due);
    let created_on = due.checked_sub_days(Days::new(30)).unwrap();
    Workflow::create(uuid::Uuid::now_v7(), tenant.parse().unwrap(), draft, created_on, test_now()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_reminder_job_reads_about_the_overdue_workflows_only() {
    let total: usize = std::env::var("JOB_READS_WORKFLOWS").ok().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let overdue = 10;
    let (client, table, store, reads) = measured_store().await;
    let acme = tenant("acme", test_now());
    let audit = AuditEntry::new(&acme.id, "bench", "tenant.created", TargetType::Tenant, &acme.id, test_now());
    store.create_tenant(&acme, &audit).await.unwrap();

    let today = test_now().date_naive();
    let started = std::time::Instant::now();
    // The first `overdue` are due yesterday; the rest over the next months.
    let workflows = (0..total).map(|n| {
        let due = if n < overdue { today.pred_opt() } else { today.checked_add_days(Days::new(1 + (n % 90) as u64)) };
        workflow_item(&workflow_due(n, "acme", due.unwrap())).unwrap()
    });
    bulk_put(&client, &table, workflows.collect()).await;
    let seeded_in = started.elapsed();

    let before = reads.so_far();
    let record =
        runner(&store).run(JobName::OverdueReminders, Occasion::EveryTenant(Some(today))).await.unwrap().record;
    let (requests, returned, evaluated) = reads.since(before);
    println!(
        "reminder job on {total} workflows ({overdue} overdue, seeded in {seeded_in:.1?}): {requests} read requests, {returned} items returned, {evaluated} items evaluated; {} digests",
        record.counts.get("reminders_sent").copied().unwrap_or(0)
    );
    assert_eq!(record.counts.get("overdue"), Some(&(overdue as u64)));
    // All unassigned: one digest to the tenant's IT address lists them all.
    assert_eq!(record.counts.get("reminders_sent"), Some(&1));

    // The stats call reads the running totals and the overdue index: the same at any table size.
    let before = reads.so_far();
    let tenant_id = "acme".parse().unwrap();
    store.totals(&tenant_id, &shared::domain::stats::StatsScope::Tenant).await.unwrap();
    let found = store.open_due_before(&tenant_id, today).await.unwrap();
    assert_eq!(found.len(), overdue);
    let (stats_requests, _, _) = reads.since(before);
    println!("stats reads on {total} workflows: {stats_requests} requests");
    assert_eq!(stats_requests, 2);
    // The registry query (1 tenant) + the overdue query (10) + the totals query (no totals here:
    // bulk-loaded items bypass them, so the rate is not meaningful in this measurement).
    assert!(evaluated <= (overdue + 1 + 4) as u64, "evaluated {evaluated} items for {overdue} overdue of {total}");
    assert!(requests <= 3, "{requests} read requests");
}

/// The hourly reminder run reads the zones whose hour it is and the tenants in them, never the
/// others. `JOB_READS_TENANTS` sets the number of tenants (default 10,000), of which 10 are due.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_hourly_reminder_run_reads_about_the_tenants_due_only() {
    let total: usize = std::env::var("JOB_READS_TENANTS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let (client, table, store, reads) = measured_store().await;
    // 04:00 UTC is 09:30 in Kolkata and 09:45 in Kathmandu; no other zone here is at 09:xx.
    let at: DateTime<Utc> = "2026-11-25T04:00:00Z".parse().unwrap();
    let due_zones = ["Asia/Kolkata", "Asia/Kathmandu"];
    let other_zones = [
        "UTC",
        "Europe/London",
        "Europe/Berlin",
        "America/New_York",
        "America/Los_Angeles",
        "America/Sao_Paulo",
        "Asia/Tokyo",
        "Australia/Sydney",
        "Pacific/Chatham",
        "Pacific/Kiritimati",
    ];
    let due = 10;
    let in_zone = |n: usize, zone: &str| {
        let mut tenant = tenant(&format!("t{n}"), test_now());
        tenant.timezone = Timezone::parse(zone).unwrap();
        tenant
    };
    let started = std::time::Instant::now();
    // Every zone registered the way the API does it (creating a tenant), the rest in bulk.
    let mut tenants = Vec::new();
    for (n, zone) in due_zones.iter().chain(&other_zones).enumerate() {
        let tenant = in_zone(n, zone);
        let audit = AuditEntry::new(&tenant.id, "bench", "tenant.created", TargetType::Tenant, &tenant.id, test_now());
        store.create_tenant(&tenant, &audit).await.unwrap();
        tenants.push(tenant);
    }
    let registered = tenants.len();
    let mut items = Vec::new();
    for n in registered..total {
        let zone = if n < registered + due - due_zones.len() {
            due_zones[n % due_zones.len()]
        } else {
            other_zones[n % other_zones.len()]
        };
        let tenant = in_zone(n, zone);
        items.push(tenant_item(&tenant).unwrap());
        tenants.push(tenant);
    }
    // One overdue workflow in every tenant due now.
    let due_now = tenants.iter().filter(|tenant| due_zones.contains(&tenant.timezone.name()));
    for tenant in due_now {
        let due_yesterday = tenant.today(at).pred_opt().unwrap();
        items.push(workflow_item(&workflow_due(0, tenant.id.as_str(), due_yesterday)).unwrap());
    }
    bulk_put(&client, &table, items).await;
    let seeded_in = started.elapsed();

    let before = reads.so_far();
    let run = runner(&store).run(JobName::OverdueReminders, Occasion::Schedule(at)).await.unwrap();
    let (requests, returned, evaluated) = reads.since(before);
    println!(
        "hourly reminder run over {total} tenants ({due} due, seeded in {seeded_in:.1?}): {requests} read requests, {returned} items returned, {evaluated} items evaluated; {} reminders",
        run.record.counts.get("reminders_sent").copied().unwrap_or(0)
    );
    assert_eq!(run.tenants.len(), due, "{:?}", run.record);
    assert_eq!(run.record.counts.get("reminders_sent"), Some(&(due as u64)));
    // The zones item, one query per zone at its hour, and per tenant due its overdue workflows
    // and its running totals.
    assert_eq!(requests, 1 + due_zones.len() as u64 + 2 * due as u64);
    // The due tenants and their overdue workflows (the totals are empty: bulk-loaded items
    // bypass them).
    assert_eq!(evaluated, 2 * due as u64 + 1, "evaluated {evaluated} items for {due} due tenants of {total}");
}
