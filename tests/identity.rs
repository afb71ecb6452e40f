//! Contract §11 end to end: people invited through the users API sign in, the Cognito trigger
//! (fed Cognito's own V2_0 event JSON) writes their claims from their records, and RS256 access
//! tokens shaped as Cognito issues them (no `aud`; `token_use`, `client_id`, `scope`,
//! `username`), signed by a key of a JWKS served over HTTP, give each exactly their tenant, role
//! and team; a disabled user gets no new token and their old one is refused.

use std::collections::HashMap;
use std::sync::Arc;

use assetronics_tests::jwks_server::JwksServer;
use assetronics_tests::{Backend, TestApp, config, fixture, new_store, test_now};
use aws_lambda_events::event::cognito::CognitoEventUserPoolsPreTokenGenV2;
use axum::http::{Method, StatusCode};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use shared::auth::{AuthConfig, JwksSource};
use shared::clock::FixedClock;

const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E";

/// Cognito's event for a sign-in of the account with these attributes (`sub` among them).
fn sign_in_event(attributes: &[(&str, &str)]) -> CognitoEventUserPoolsPreTokenGenV2 {
    let mut event: CognitoEventUserPoolsPreTokenGenV2 =
        serde_json::from_slice(&fixture("cognito-pre-token-generation-v2.json")).expect("Cognito's event parses");
    event.request.user_attributes =
        attributes.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect::<HashMap<_, _>>();
    event
}

/// What Cognito puts in an access token, with the claims the trigger added.
fn access_token(sub: &str, added: &Value) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "sub": sub,
        "iss": ISSUER,
        "client_id": "4k2j9s8d7f6g5h4j3k2l1",
        "origin_jti": "0b6d1c9e-3f3a-4c1f-9f7c-2d1e5a6b7c8d",
        "event_id": "7a8b9c0d-1e2f-4a5b-8c6d-7e8f9a0b1c2d",
        "token_use": "access",
        "scope": "openid email profile",
        "auth_time": now,
        "iat": now,
        "exp": now + 3600,
        "jti": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
        "username": sub,
    });
    claims.as_object_mut().unwrap().extend(added.as_object().expect("claims").clone());
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("rsa-2026".to_owned());
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_rsa_der(&fixture("rsa-private.der"))).unwrap()
}

/// The access token of a sign-in with these account attributes: the trigger's answer to
/// Cognito's event, signed as the pool signs.
async fn token_for(app: &TestApp, attributes: &[(&str, &str)]) -> Result<String, identity::UnusableRecord> {
    let sub = attributes.iter().find(|(name, _)| *name == "sub").expect("an account has a sub").1;
    let answered = identity::add_claims(app.store.as_ref(), sign_in_event(attributes)).await?;
    let answered = serde_json::to_value(answered).unwrap();
    let added =
        &answered["response"]["claimsAndScopeOverrideDetails"]["accessTokenGeneration"]["claimsToAddOrOverride"];
    Ok(access_token(sub, added))
}

/// The platform administrator that `scripts/create-platform-admin` makes: an account with
/// attributes and no user record.
async fn platform_admin(app: &TestApp) -> String {
    let attributes = [
        ("sub", "0d9f3b1e-5a7c-4e2b-9c8d-1f2e3a4b5c6d"),
        ("email", "Ops@Assetronics.example"),
        ("email_verified", "true"),
        ("custom:role", "platform_admin"),
    ];
    token_for(app, &attributes).await.expect("the platform admin signs in")
}

/// Signs in as the user: the trigger's answer to Cognito's event, then the access token.
async fn sign_in(app: &TestApp, user: &Value) -> Result<String, identity::UnusableRecord> {
    let attributes = [
        ("sub", user["id"].as_str().unwrap()),
        ("email", user["email"].as_str().unwrap()),
        ("email_verified", "true"),
        ("custom:tenant", user["tenant_id"].as_str().unwrap()),
        ("custom:role", user["role"].as_str().unwrap()),
    ];
    token_for(app, &attributes).await
}

async fn app_trusting_the_pool(jwks: &JwksServer) -> TestApp {
    let mut api = config();
    // The shared secret stays for the platform admin's hand-made token; the pool's tokens verify by the JWKS.
    // Only the pool's tokens: its issuer, its keys.
    api.auth = AuthConfig {
        jwks: Some(JwksSource::Url(jwks.url.clone())),
        issuer: Some(ISSUER.to_owned()),
        ..AuthConfig::default()
    };
    TestApp::configured(new_store(Backend::Memory).await, Backend::Memory, Arc::new(FixedClock(test_now())), api)
}

#[tokio::test]
async fn invited_people_sign_in_with_the_claims_of_their_records() {
    let jwks = JwksServer::start("jwks.json").await;
    let app = app_trusting_the_pool(&jwks).await;
    app.add_tenant("acme").await;
    let platform = platform_admin(&app).await;
    let first = app
        .request(
            Method::POST,
            "/api/v1/tenants/acme/users",
            Some(&platform),
            Some(json!({"email": "ann@acme.example", "role": "admin"})),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    let ann = sign_in(&app, first.data()).await.expect("the first admin signs in");

    let invited = app
        .request(
            Method::POST,
            "/api/v1/users",
            Some(&ann),
            Some(json!({"email": "Sam.Taylor@acme.example", "role": "manager", "team": "design"})),
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED, "the admin's RS256 token works: {:?}", invited.body);
    let sam_user = invited.data().clone();
    let sam = sign_in(&app, &sam_user).await.expect("the manager signs in");
    let created = app
        .request(
            Method::POST,
            "/api/v1/workflows/from-template",
            Some(&sam),
            Some(json!({"template_key": "new_employee"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.data()["team"], "design", "the team comes from the record");
    let refused = app
        .request(
            Method::POST,
            "/api/v1/workflows/from-template",
            Some(&sam),
            Some(json!({"template_key": "new_employee", "team": "sales"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "and never another team's");
    assert_eq!(app.request(Method::GET, "/api/v1/users", Some(&sam), None).await.status, StatusCode::FORBIDDEN);

    let id = sam_user["id"].as_str().unwrap();
    let disabled = app
        .request(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&ann), Some(json!({"status": "disabled"})))
        .await;
    assert_eq!(disabled.status, StatusCode::OK);
    assert_eq!(sign_in(&app, &sam_user).await.unwrap_err(), identity::UnusableRecord::Disabled, "no new token");
    let old_token = app.request(Method::GET, "/api/v1/workflows", Some(&sam), None).await;
    assert_eq!(old_token.status, StatusCode::UNAUTHORIZED, "and the old one is refused");
    assert_eq!(jwks.fetches(), 1, "the keys are fetched once");
}

#[tokio::test]
async fn accounts_without_records_sign_in_on_their_attributes() {
    let jwks = JwksServer::start("jwks.json").await;
    let app = app_trusting_the_pool(&jwks).await;
    let platform = platform_admin(&app).await;
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&platform).unwrap().claims;
    assert_eq!((&claims["role"], &claims["email"]), (&json!("platform_admin"), &json!("ops@assetronics.example")));
    assert!(claims.get("tenant").is_none(), "a platform admin has no tenant");
    let tenant = json!({"id": "globex", "name": "Globex", "it_email": "it@globex.example", "from_email": "noreply@globex.example"});
    let provisioned = app.request(Method::POST, "/api/v1/tenants", Some(&platform), Some(tenant)).await;
    assert_eq!(provisioned.status, StatusCode::CREATED, "{:?}", provisioned.body);

    let stranger = access_token(
        "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e",
        &json!({"tenant": "initech", "role": "admin", "email": "eve@initech.example"}),
    );
    let listed = app.request(Method::GET, "/api/v1/workflows", Some(&stranger), None).await;
    assert_eq!(listed.status, StatusCode::UNAUTHORIZED, "a tenant that does not exist here");
}
