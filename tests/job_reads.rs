//! The reminder job's DynamoDB reads grow with the overdue work, not with the table: counted by
//! an SDK interceptor (items returned and evaluated by every Query and GetItem) against moto.
//! `JOB_READS_WORKFLOWS` sets the table size (default 1,000; the closing note's figure uses 10,000).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use assetronics_tests::{config, emulator_config, tenant, test_now};
use aws_sdk_dynamodb::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::get_item::GetItemOutput;
use aws_sdk_dynamodb::operation::query::QueryOutput;
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use chrono::Days;
use shared::adapters::outbox::{LoggedEvents, Outbox};
use shared::clock::FixedClock;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::jobs::JobName;
use shared::domain::template::Template;
use shared::domain::workflow::{TriggeredBy, Workflow, WorkflowDraft};
use shared::http::AppState;
use shared::notify::Channels;
use shared::ports::Store;
use shared::store::dynamo::{DynamoStore, workflow_item};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_reminder_job_reads_about_the_overdue_workflows_only() {
    let total: usize = std::env::var("JOB_READS_WORKFLOWS").ok().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let overdue = 10;
    let reads = Reads::default();
    let client = aws_sdk_dynamodb::Client::from_conf(emulator_config().interceptor(reads.clone()).build());
    let table = format!("job-reads-{}", uuid::Uuid::now_v7().simple());
    shared::store::dynamo::table::create_table(&client, &table).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(DynamoStore::new(client.clone(), table.clone()));
    let acme = tenant("acme", test_now());
    let audit = AuditEntry::new(&acme.id, "bench", "tenant.created", TargetType::Tenant, &acme.id, test_now());
    store.create_tenant(&acme, &audit).await.unwrap();

    let today = test_now().date_naive();
    let started = std::time::Instant::now();
    // Seeded in bulk (BatchWriteItem of the very items the store writes): moto copies the whole
    // table for every transaction, which makes thousands of transactional inserts impractical.
    let workflows: Vec<Workflow> = (0..total)
        .map(|n| {
            let mut draft = WorkflowDraft::from_template(&Template::all()[n % 4], TriggeredBy::Template);
            // The first `overdue` are due yesterday; the rest over the next months.
            let created_on = today.checked_sub_days(Days::new(30)).unwrap();
            let due =
                if n < overdue { today.pred_opt() } else { today.checked_add_days(Days::new(1 + (n % 90) as u64)) };
            draft.due_date = due;
            Workflow::create(uuid::Uuid::now_v7(), "acme".parse().unwrap(), draft, created_on, test_now()).unwrap()
        })
        .collect();
    for chunk in workflows.chunks(25) {
        let requests = chunk
            .iter()
            .map(|workflow| {
                let put = PutRequest::builder().set_item(Some(workflow_item(workflow).unwrap())).build().unwrap();
                WriteRequest::builder().put_request(put).build()
            })
            .collect();
        let written = client.batch_write_item().request_items(&table, requests).send().await.unwrap();
        assert!(written.unprocessed_items().is_none_or(|left| left.is_empty()));
    }
    let seeded_in = started.elapsed();

    let before = (
        reads.0.requests.load(Ordering::SeqCst),
        reads.0.returned.load(Ordering::SeqCst),
        reads.0.evaluated.load(Ordering::SeqCst),
    );
    let outbox = Arc::new(Outbox::new(Arc::new(FixedClock(test_now()))));
    let channels = Channels { mailer: outbox.clone(), chat: outbox.clone(), events: Arc::new(LoggedEvents) };
    let runner = AppState::new(store.clone(), &config(), Arc::new(FixedClock(test_now())), channels).jobs();
    let record = runner.run(JobName::OverdueReminders, Some(today)).await.unwrap();
    let requests = reads.0.requests.load(Ordering::SeqCst) - before.0;
    let returned = reads.0.returned.load(Ordering::SeqCst) - before.1;
    let evaluated = reads.0.evaluated.load(Ordering::SeqCst) - before.2;

    println!(
        "reminder job on {total} workflows ({overdue} overdue, seeded in {seeded_in:.1?}): {requests} read requests, {returned} items returned, {evaluated} items evaluated; {} reminders",
        record.counts.get("reminders_sent").copied().unwrap_or(0)
    );
    assert_eq!(record.counts.get("reminders_sent"), Some(&(overdue as u64)));

    // The stats call reads the running totals and the overdue index: the same at any table size.
    let before = reads.0.requests.load(Ordering::SeqCst);
    let tenant_id = "acme".parse().unwrap();
    store.totals(&tenant_id, &shared::domain::stats::StatsScope::Tenant).await.unwrap();
    let found = store.open_due_before(&tenant_id, today).await.unwrap();
    assert_eq!(found.len(), overdue);
    let stats_requests = reads.0.requests.load(Ordering::SeqCst) - before;
    println!("stats reads on {total} workflows: {stats_requests} requests");
    assert_eq!(stats_requests, 2);
    // The registry query (1 tenant) + the overdue query (10) + the totals query (no totals here:
    // bulk-loaded items bypass them, so the rate is not meaningful in this measurement).
    assert!(evaluated <= (overdue + 1 + 4) as u64, "evaluated {evaluated} items for {overdue} overdue of {total}");
    assert!(requests <= 3, "{requests} read requests");
}
