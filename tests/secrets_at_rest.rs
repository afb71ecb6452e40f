//! Tenant secrets are sealed before they reach either store: the raw stored data contains no
//! plaintext secret, and the sealed values still open with the configured key.

use std::sync::Arc;

use assetronics_tests::{Backend, TestApp, admin, config, emulator_client, test_now};
use aws_sdk_dynamodb::types::AttributeValue;
use axum::http::{Method, StatusCode};
use serde_json::json;
use shared::clock::FixedClock;
use shared::domain::tenant::SecretField;
use shared::ports::Store;
use shared::store::dynamo::DynamoStore;
use shared::store::memory::MemoryStore;

const SLACK_URL: &str = "https://hooks.slack.com/services/T0001/B0001/plaintextSlackSecret";
const SIGNING_SECRET: &str = "bamboo-signing-secret-plaintext";
const API_KEY: &str = "bamboo-api-key-plaintext";

async fn configure_secrets(app: &TestApp) {
    app.add_tenant("acme").await;
    let patch = json!({
        "slack_webhook_url": SLACK_URL,
        "hris": {"provider": "bamboohr", "signing_secret": SIGNING_SECRET, "api_key": API_KEY, "subdomain": "acme"}
    });
    let response = app.request(Method::PATCH, "/api/v1/tenant/settings", Some(&admin("acme")), Some(patch)).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
}

fn assert_no_plaintext(raw: &str) {
    for secret in [SLACK_URL, "plaintextSlackSecret", SIGNING_SECRET, API_KEY] {
        assert!(!raw.contains(secret), "plaintext {secret} found at rest");
    }
    assert!(raw.contains("ciphertext"), "the sealed values are stored");
}

async fn assert_secrets_open(store: &dyn Store) {
    let tenant = store.get_tenant(&"acme".parse().unwrap()).await.unwrap().unwrap();
    let secrets = config().secrets;
    let hris = tenant.hris.as_ref().unwrap();
    let open = |sealed, field: SecretField| secrets.open(sealed, &field.context(&tenant.id)).unwrap();
    assert_eq!(open(tenant.slack_webhook_url.as_ref().unwrap(), SecretField::SlackWebhookUrl), SLACK_URL);
    assert_eq!(open(hris.signing_secret.as_ref().unwrap(), SecretField::HrisSigningSecret), SIGNING_SECRET);
    assert_eq!(open(hris.api_key.as_ref().unwrap(), SecretField::HrisApiKey), API_KEY);
}

#[tokio::test]
async fn the_embedded_stores_file_holds_no_plaintext_secret() {
    let path = std::env::temp_dir().join(format!("assetronics-secrets-{}.json", uuid::Uuid::now_v7()));
    let store: Arc<dyn Store> = Arc::new(MemoryStore::persistent(&path).unwrap());
    let app = TestApp::on_store(store.clone(), Backend::Memory, Arc::new(FixedClock(test_now())));
    configure_secrets(&app).await;
    assert_no_plaintext(&std::fs::read_to_string(&path).unwrap());
    let reloaded = MemoryStore::persistent(&path).unwrap();
    assert_secrets_open(&reloaded).await;
    std::fs::remove_file(path).ok();
}

#[tokio::test]
async fn the_dynamodb_item_holds_no_plaintext_secret() {
    let client = emulator_client();
    let table = format!("secrets-{}", uuid::Uuid::now_v7().simple());
    shared::store::dynamo::table::create_table(&client, &table).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(DynamoStore::new(client.clone(), table.clone()));
    let app = TestApp::on_store(store.clone(), Backend::Dynamo, Arc::new(FixedClock(test_now())));
    configure_secrets(&app).await;
    let items = client.scan().table_name(&table).send().await.unwrap().items.unwrap_or_default();
    let raw = format!("{items:?}");
    assert_no_plaintext(&raw);
    let tenant_item = items.iter().find(|item| item.get("sk") == Some(&AttributeValue::S("TENANT".into())));
    assert!(tenant_item.is_some(), "the tenant item was read raw");
    assert_secrets_open(store.as_ref()).await;
}
