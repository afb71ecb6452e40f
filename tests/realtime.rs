//! Contract §6: live updates. The stream-record derivation and the broadcaster against moto
//! (API Gateway Management through the real SDK client), and the local `/ws` end to end with two
//! tenants and a user out of scope.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use assetronics_tests::{Backend, TestApp, admin, emulator_client, emulator_endpoint, tenant, test_now, token};
use aws_lambda_events::event::dynamodb::{Event as DynamoDbEvent, EventRecord};
use aws_sdk_apigatewaymanagement::config::{BehaviorVersion, Credentials, Region};
use axum::http::{Method, StatusCode};
use futures_util::StreamExt;
use serde_json::{Value, json};
use shared::adapters::apigw::ApiGatewayPusher;
use shared::clock::SystemClock;
use shared::domain::caller::Role;
use shared::domain::realtime::Connection;
use shared::domain::template::Template;
use shared::domain::validation::{Email, Team};
use shared::domain::workflow::{TriggeredBy, Workflow, WorkflowDraft};
use shared::ports::{ConnectionStore, Store};
use shared::store::dynamo::{DynamoStore, workflow_item};
use shared::store::memory::MemoryStore;

fn workflow(team: &str) -> Workflow {
    let mut draft = WorkflowDraft::from_template(Template::builtin("new_employee").unwrap(), TriggeredBy::Template);
    draft.team = Team::parse(team).ok();
    Workflow::create(uuid::Uuid::now_v7(), "acme".parse().unwrap(), draft, test_now().date_naive(), test_now()).unwrap()
}

/// A stream record as Lambda delivers it, from the very items the store writes (serialized to
/// the event JSON and read back, as the runtime does).
fn record(sequence: &str, before: Option<&Workflow>, after: &Workflow) -> EventRecord {
    let image = |workflow: &Workflow| -> Value {
        let item: serde_dynamo::Item = workflow_item(workflow).unwrap().into();
        serde_json::to_value(item).unwrap()
    };
    let json = json!({
        "awsRegion": "us-east-1", "eventID": format!("event-{sequence}"), "eventName": if before.is_some() { "MODIFY" } else { "INSERT" },
        "eventSource": "aws:dynamodb", "eventVersion": "1.1",
        "dynamodb": {
            "Keys": {"pk": {"S": format!("TENANT#acme#WORKFLOW#{}", after.id)}, "sk": {"S": "WORKFLOW"}},
            "NewImage": image(after),
            "OldImage": before.map(image).unwrap_or(json!({})),
            "SequenceNumber": sequence, "SizeBytes": 1000, "StreamViewType": "NEW_AND_OLD_IMAGES"
        }
    });
    serde_json::from_value(json).unwrap()
}

fn connection(id: &str, role: Role, email: &str, team: Option<&str>) -> Connection {
    Connection {
        connection_id: id.to_owned(),
        tenant_id: "acme".parse().unwrap(),
        user_id: email.to_owned(),
        email: Email::parse(email).ok(),
        role,
        team: team.and_then(|team| Team::parse(team).ok()),
        connected_at: test_now(),
    }
}

#[test]
fn stream_records_become_the_contract_events() {
    let created = workflow("it");
    let mut started = created.clone();
    started.start(test_now()).unwrap();
    let mut advanced = started.clone();
    advanced.advance(None, "a", test_now()).unwrap();
    for (before, after, event) in [
        (None, &created, "workflow_created"),
        (Some(&created), &started, "workflow_started"),
        (Some(&started), &advanced, "workflow_step_advanced"),
    ] {
        let broadcast = realtime::broadcast_of(&record("1", before, after)).unwrap().unwrap();
        assert_eq!(broadcast.payload()["event"], event);
        assert_eq!(broadcast.payload()["tenant_id"], "acme");
        assert_eq!(broadcast.payload()["workflow"]["id"], after.id.to_string());
        assert_eq!(broadcast.payload()["workflow"]["version"], after.version);
    }
    let mut audit = record("2", None, &created);
    audit.change.keys.insert("sk".into(), serde_dynamo::AttributeValue::S("AUDIT#x".into()));
    assert_eq!(realtime::broadcast_of(&audit).unwrap(), None, "only workflow items are broadcast");
}

fn management_client() -> aws_sdk_apigatewaymanagement::Client {
    let config = aws_sdk_apigatewaymanagement::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(emulator_endpoint())
        .credentials_provider(Credentials::new("test", "test", None, None, "static"))
        .build();
    aws_sdk_apigatewaymanagement::Client::from_conf(config)
}

async fn dynamo_store() -> DynamoStore {
    let client = emulator_client();
    let table = format!("realtime-{}", uuid::Uuid::now_v7().simple());
    shared::store::dynamo::table::create_table(&client, &table).await.unwrap();
    DynamoStore::new(client, table)
}

#[tokio::test]
async fn the_broadcaster_posts_to_the_scope_and_reports_poison_records() {
    let store = dynamo_store().await;
    for connection in [
        connection("admin-1", Role::Admin, "admin@acme.example", None),
        connection("it-manager", Role::Manager, "m@acme.example", Some("it")),
        connection("sales-manager", Role::Manager, "s@acme.example", Some("sales")),
    ] {
        store.put_connection(&connection).await.unwrap();
    }
    let pusher = ApiGatewayPusher::new(management_client());
    let created = workflow("it");
    let mut poison = record("2", None, &created);
    poison.change.new_image.insert("status".into(), serde_dynamo::AttributeValue::S("exploded".into()));
    let event = {
        let mut event = DynamoDbEvent::default();
        event.records = vec![record("1", None, &created), poison, record("3", None, &workflow("sales"))];
        event
    };
    let response = realtime::on_stream(&store, &pusher, event).await;
    let failed: Vec<Option<String>> =
        response.batch_item_failures.iter().map(|failure| failure.item_identifier.clone()).collect();
    assert_eq!(failed, [Some("2".to_owned())], "only the poison record is reported");
    let broadcast = realtime::broadcast_of(&record("1", None, &created)).unwrap().unwrap();
    let fanned = shared::realtime::fan_out(&store, &pusher, &broadcast).await.unwrap();
    assert_eq!(fanned.sent, 2, "the admin and the IT manager, not the sales manager");
    store.delete_connection("admin-1").await.unwrap();
    assert_eq!(store.connections(&"acme".parse().unwrap()).await.unwrap().len(), 2);
}

#[tokio::test]
async fn fan_out_to_many_connections_against_moto() {
    let total: usize = std::env::var("FANOUT_CONNECTIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(200);
    let store = dynamo_store().await;
    for n in 0..total {
        store.put_connection(&connection(&format!("c{n}"), Role::Admin, "admin@acme.example", None)).await.unwrap();
    }
    let pusher = ApiGatewayPusher::new(management_client());
    let broadcast = realtime::broadcast_of(&record("1", None, &workflow("it"))).unwrap().unwrap();
    let started = Instant::now();
    let fanned = shared::realtime::fan_out(&store, &pusher, &broadcast).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(fanned.sent, total);
    println!(
        "fan-out of one event to {total} connections on moto: {elapsed:.2?} (concurrency {})",
        shared::realtime::CONCURRENCY
    );
}

/// How long a message that must arrive may take, and how long silence is listened for.
const ARRIVES: Duration = Duration::from_secs(5);
const SILENT: Duration = Duration::from_millis(500);

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next message within `wait` (long for what must arrive, short for what must not).
async fn next_event(socket: &mut Socket, wait: Duration) -> Option<Value> {
    match tokio::time::timeout(wait, socket.next()).await {
        Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text)))) => Some(serde_json::from_str(&text).unwrap()),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_websocket_delivers_to_the_scope_only() {
    let memory = MemoryStore::new();
    let feed = memory.subscribe();
    let store: Arc<dyn Store> = Arc::new(memory);
    let app = TestApp::configured(store.clone(), Backend::Memory, Arc::new(SystemClock), assetronics_tests::config());
    for id in ["acme", "globex"] {
        let audit = shared::domain::audit::AuditEntry::new(
            &id.parse().unwrap(),
            "t",
            "tenant.created",
            shared::domain::audit::TargetType::Tenant,
            id,
            test_now(),
        );
        store.create_tenant(&tenant(id, test_now()), &audit).await.unwrap();
    }
    assetronics_local::live::spawn_feed(feed, store.clone(), app.hub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let refused = tokio_tungstenite::connect_async(format!("ws://{address}/ws?token=forged")).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("a bad token must not upgrade: {other:?}"),
    }
    let mut sockets = HashMap::new();
    let callers = [
        ("acme-admin", admin("acme")),
        ("acme-user", token(Role::User, Some("acme"), Some("uma@acme.example"), None)),
        ("globex-admin", admin("globex")),
    ];
    for (name, token) in callers {
        let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{address}/ws?token={token}")).await.unwrap();
        sockets.insert(name, socket);
    }
    let created = app
        .request(
            Method::POST,
            "/api/v1/workflows/from-template",
            Some(&admin("acme")),
            Some(json!({"template_key": "new_employee", "team": "it"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.data()["id"].as_str().unwrap().to_owned();
    app.request(Method::POST, &format!("/api/v1/workflows/{id}/start"), Some(&admin("acme")), None).await;

    let admin_socket = sockets.get_mut("acme-admin").unwrap();
    let first = next_event(admin_socket, ARRIVES).await.expect("the admin hears of the creation");
    assert_eq!(
        (first["event"].clone(), first["tenant_id"].clone(), first["workflow"]["id"].clone()),
        (json!("workflow_created"), json!("acme"), json!(id))
    );
    assert_eq!(next_event(admin_socket, ARRIVES).await.expect("and of the start")["event"], "workflow_started");
    assert_eq!(
        next_event(sockets.get_mut("acme-user").unwrap(), SILENT).await,
        None,
        "a user out of scope hears nothing"
    );
    assert_eq!(
        next_event(sockets.get_mut("globex-admin").unwrap(), SILENT).await,
        None,
        "another tenant hears nothing"
    );

    // Assigning the workflow to the user brings it into their scope: they hear of it.
    app.request(
        Method::PATCH,
        &format!("/api/v1/workflows/{id}"),
        Some(&admin("acme")),
        Some(json!({"assigned_to": "uma@acme.example"})),
    )
    .await;
    assert_eq!(
        next_event(sockets.get_mut("acme-user").unwrap(), ARRIVES).await.expect("now in scope")["event"],
        "workflow_updated"
    );

    // A closed socket is forgotten.
    let mut gone = sockets.remove("globex-admin").unwrap();
    gone.close(None).await.unwrap();
    let deadline = Instant::now() + ARRIVES;
    while !store.connections(&"globex".parse().unwrap()).await.unwrap().is_empty() {
        assert!(Instant::now() < deadline, "a closed socket is forgotten");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
