//! The Cognito adapter through the real SDK client, with the bounded settings the deployed
//! functions use, against moto's cognito-idp: what it does is what the pool then holds.

use assetronics_tests::emulator_endpoint;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::{SchemaAttributeType, UsernameAttributeType};
use shared::adapters::aws_sdk::{call_retries, call_timeouts};
use shared::adapters::cognito::{CognitoIdentity, ROLE_ATTRIBUTE, TEAM_ATTRIBUTE, TENANT_ATTRIBUTE};
use shared::domain::user::{Invitation, UserRole};
use shared::domain::validation::{Email, Team, TenantId};
use shared::ports::{IdentityError, IdentityProvider};

fn client() -> Client {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(emulator_endpoint())
        .credentials_provider(Credentials::new("test", "test", None, None, "static"))
        .timeout_config(call_timeouts())
        .retry_config(call_retries())
        .build();
    Client::from_conf(config)
}

/// A pool shaped like `template.yaml`'s: email sign-in, the three custom attributes.
async fn new_pool(client: &Client) -> String {
    let custom = |name: &str| {
        SchemaAttributeType::builder()
            .name(name)
            .attribute_data_type(aws_sdk_cognitoidentityprovider::types::AttributeDataType::String)
            .mutable(true)
            .build()
    };
    let created = client
        .create_user_pool()
        .pool_name(format!("users-{}", uuid::Uuid::now_v7().simple()))
        .username_attributes(UsernameAttributeType::Email)
        .schema(custom("tenant"))
        .schema(custom("role"))
        .schema(custom("team"))
        .send()
        .await
        .expect("moto creates the pool");
    created.user_pool().and_then(|pool| pool.id()).expect("a pool id").to_owned()
}

fn invitation(tenant: &str, email: &str, role: UserRole, team: Option<&str>) -> Invitation {
    Invitation {
        tenant_id: TenantId::parse(tenant).unwrap(),
        email: Email::parse(email).unwrap(),
        role,
        team: team.map(|team| Team::parse(team).unwrap()),
        first_name: Some("Sam".to_owned()),
        last_name: Some("Taylor".to_owned()),
    }
}

/// The account's attributes and whether it is enabled, as the pool holds them.
async fn account(client: &Client, pool: &str, email: &str) -> (std::collections::HashMap<String, String>, bool) {
    let user = client.admin_get_user().user_pool_id(pool).username(email).send().await.expect("the account exists");
    let attributes = user
        .user_attributes()
        .iter()
        .map(|attribute| (attribute.name().to_owned(), attribute.value().unwrap_or_default().to_owned()))
        .collect();
    (attributes, user.enabled())
}

#[tokio::test]
async fn invited_accounts_carry_the_users_placement_and_follow_its_changes() {
    let client = client();
    let pool = new_pool(&client).await;
    let cognito = CognitoIdentity::new(client.clone(), &pool);
    let sam = invitation("acme", "Sam.Taylor@acme.example", UserRole::Manager, Some("design"));
    let id = cognito.invite(&sam).await.expect("the invitation is sent");

    let (attributes, enabled) = account(&client, &pool, "sam.taylor@acme.example").await;
    assert_eq!(attributes.get("sub"), Some(&id.to_string()), "the invite answers the account's sub");
    assert_eq!(attributes.get("email").map(String::as_str), Some("sam.taylor@acme.example"));
    assert_eq!(attributes.get(TENANT_ATTRIBUTE).map(String::as_str), Some("acme"));
    assert_eq!(attributes.get(ROLE_ATTRIBUTE).map(String::as_str), Some("manager"));
    assert_eq!(attributes.get(TEAM_ATTRIBUTE).map(String::as_str), Some("design"));
    assert_eq!(attributes.get("given_name").map(String::as_str), Some("Sam"));
    assert!(enabled);
    assert_eq!(cognito.invite(&sam).await, Err(IdentityError::Exists), "one account per email");

    let mut user = sam.accepted(id, chrono::Utc::now());
    user.role = UserRole::Admin;
    user.team = None;
    cognito.update_attributes(&user).await.unwrap();
    let (attributes, _) = account(&client, &pool, "sam.taylor@acme.example").await;
    assert_eq!(attributes.get(ROLE_ATTRIBUTE).map(String::as_str), Some("admin"));
    assert_eq!(attributes.get(TEAM_ATTRIBUTE).map(String::as_str).unwrap_or_default(), "", "the team is removed");

    cognito.disable(&user.email).await.unwrap();
    assert!(!account(&client, &pool, "sam.taylor@acme.example").await.1, "disabled in the pool");
    cognito.enable(&user.email).await.unwrap();
    assert!(account(&client, &pool, "sam.taylor@acme.example").await.1, "enabled again");

    let nobody = Email::parse("nobody@acme.example").unwrap();
    assert_eq!(cognito.disable(&nobody).await, Err(IdentityError::Unknown));
    cognito.remove(&user.email).await.unwrap();
    assert_eq!(cognito.enable(&user.email).await, Err(IdentityError::Unknown), "removed");
}

#[tokio::test]
async fn a_tenants_accounts_are_listed_without_the_others() {
    let client = client();
    let pool = new_pool(&client).await;
    let cognito = CognitoIdentity::new(client.clone(), &pool);
    let mut acme = Vec::new();
    for n in 0..3 {
        let invited = invitation("acme", &format!("person{n}@acme.example"), UserRole::User, None);
        acme.push(cognito.invite(&invited).await.unwrap());
    }
    let globex = cognito.invite(&invitation("globex", "eve@globex.example", UserRole::Admin, None)).await.unwrap();
    cognito.disable(&Email::parse("person1@acme.example").unwrap()).await.unwrap();

    let mut listed = cognito.tenant_accounts(&TenantId::parse("acme").unwrap()).await.unwrap();
    listed.sort_by_key(|account| account.email.clone());
    let ids: Vec<_> = listed.iter().map(|account| account.id).collect();
    assert_eq!(ids, acme);
    let enabled: Vec<_> = listed.iter().map(|account| account.enabled).collect();
    assert_eq!(enabled, [true, false, true]);
    let others = cognito.tenant_accounts(&TenantId::parse("globex").unwrap()).await.unwrap();
    assert_eq!(others.iter().map(|account| account.id).collect::<Vec<_>>(), [globex]);
    assert!(cognito.tenant_accounts(&TenantId::parse("initech").unwrap()).await.unwrap().is_empty());
}
