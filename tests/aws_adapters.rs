//! The SES and EventBridge adapters through the real SDK clients against moto: what they send
//! is what moto received.

use assetronics_tests::emulator_endpoint;
use aws_sdk_eventbridge::config::{BehaviorVersion, Credentials, Region, SharedCredentialsProvider};
use chrono::Utc;
use shared::adapters::eventbridge::EventBridgePublisher;
use shared::adapters::http_client::HttpClient;
use shared::adapters::ses::SesMailer;
use shared::domain::events::{WorkflowChange, WorkflowEvent};
use shared::domain::messages::OutgoingEmail;
use shared::domain::template::Template;
use shared::domain::validation::{Email, TenantId};
use shared::domain::workflow::{TriggeredBy, Workflow, WorkflowDraft};
use shared::ports::{EventPublisher, Mailer};

fn sdk_config() -> aws_config::SdkConfig {
    aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(emulator_endpoint())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new("test", "test", None, None, "static")))
        .build()
}

fn email(from: &str, subject: &str) -> OutgoingEmail {
    OutgoingEmail {
        from: Email::parse(from).unwrap(),
        to: Email::parse("ana@acme.example").unwrap(),
        subject: subject.to_owned(),
        text: "Plain body".to_owned(),
        html: "<p>HTML body</p>".to_owned(),
    }
}

#[tokio::test]
async fn ses_sends_from_a_verified_identity_and_refuses_others() {
    let config = sdk_config();
    let client = aws_sdk_sesv2::Client::new(&config);
    let domain = format!("acme-{}.example", uuid::Uuid::now_v7().simple());
    client.create_email_identity().email_identity(&domain).send().await.unwrap();
    let mailer = SesMailer::new(client);
    let subject = format!("Assigned to you: laptop {}", uuid::Uuid::now_v7());
    mailer.send(&email(&format!("noreply@{domain}"), &subject)).await.expect("SES accepts a verified sender");
    let refused = mailer.send(&email("noreply@unverified.example", "never")).await;
    assert!(refused.is_err(), "an unverified sender is refused and reported");

    let data = HttpClient::new(std::time::Duration::from_secs(5))
        .get(&format!("{}/moto-api/data.json", emulator_endpoint()))
        .await
        .unwrap();
    let sent = String::from_utf8_lossy(&data.body).into_owned();
    assert!(sent.contains(&subject), "moto received the email");
    assert!(!sent.contains("never"));
}

fn event(n: usize) -> WorkflowEvent {
    let draft = WorkflowDraft::from_template(&Template::builtins()[n % 4], TriggeredBy::Template);
    let now = Utc::now();
    let workflow =
        Workflow::create(uuid::Uuid::now_v7(), TenantId::parse("acme").unwrap(), draft, now.date_naive(), now).unwrap();
    WorkflowEvent { change: WorkflowChange::Created, tenant_id: workflow.tenant_id.clone(), workflow, at: now }
}

#[tokio::test]
async fn eventbridge_receives_every_event_in_batches_of_ten() {
    let config = sdk_config();
    let client = aws_sdk_eventbridge::Client::new(&config);
    let bus = format!("assetronics-{}", uuid::Uuid::now_v7().simple());
    let created = client.create_event_bus().name(&bus).send().await.unwrap();
    let archive = format!("all-{}", &bus[..20]);
    client
        .create_archive()
        .archive_name(&archive)
        .event_source_arn(created.event_bus_arn().unwrap())
        .send()
        .await
        .unwrap();

    let events: Vec<WorkflowEvent> = (0..23).map(event).collect();
    EventBridgePublisher::new(client.clone(), &bus).publish(&events).await.expect("23 events in 3 batches");
    let described = client.describe_archive().archive_name(&archive).send().await.unwrap();
    assert_eq!(described.event_count(), 23);

    let missing = EventBridgePublisher::new(client, "no-such-bus").publish(&events[..1]).await;
    assert!(missing.is_err(), "events for a missing bus are reported, not dropped");
}
