//! Contract §11 end to end: the claims the Cognito trigger writes, in an RS256 access token shaped
//! as Cognito issues it (no `aud`, `token_use`, `client_id`, `scope`, `username`), signed by a key
//! of a JWKS the API trusts, give the user exactly their tenant, role and team.

use std::sync::Arc;

use assetronics_tests::{Backend, TestApp, config, new_store, test_now};
use axum::http::{Method, StatusCode};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use shared::auth::{AuthConfig, JwksSource};
use shared::clock::FixedClock;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E";

/// What Cognito puts in an access token, with the trigger's claims added.
fn cognito_access_token(attributes: &[(&str, &str)]) -> String {
    let attributes = attributes.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect();
    let added = identity::claims_of(&attributes).expect("a usable user record");
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "sub": "6f1c2a4e-9d0b-4c51-8f3e-2b7a9c1d0e5f",
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
        "username": "6f1c2a4e-9d0b-4c51-8f3e-2b7a9c1d0e5f",
    });
    let object = claims.as_object_mut().unwrap();
    object.extend(added);
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("rsa-2026".to_owned());
    let key = EncodingKey::from_rsa_der(&std::fs::read(format!("{FIXTURES}/rsa-private.der")).unwrap());
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

#[tokio::test]
async fn a_cognito_access_token_with_the_triggers_claims_gives_the_users_scope() {
    let mut api = config();
    // The shared secret stays for the test's own admin token; Cognito's tokens verify by the JWKS.
    api.auth = AuthConfig {
        jwks: Some(JwksSource::File(format!("{FIXTURES}/jwks.json").into())),
        issuer: Some(ISSUER.to_owned()),
        ..api.auth
    };
    let app =
        TestApp::configured(new_store(Backend::Memory).await, Backend::Memory, Arc::new(FixedClock(test_now())), api);
    app.add_tenant("acme").await;
    let manager = cognito_access_token(&[
        ("email", "Sam.Taylor@acme.example"),
        ("custom:tenant", "acme"),
        ("custom:role", "manager"),
        ("custom:team", "design"),
    ]);
    let created = app
        .request(
            Method::POST,
            "/api/v1/workflows/from-template",
            Some(&manager),
            Some(json!({"template_key": "new_employee"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.data()["team"], "design", "a manager's workflow is their team's");
    let refused = app
        .request(
            Method::POST,
            "/api/v1/workflows/from-template",
            Some(&manager),
            Some(json!({"template_key": "new_employee", "team": "sales"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "and never another team's");

    let other_tenant =
        cognito_access_token(&[("email", "eve@globex.example"), ("custom:tenant", "globex"), ("custom:role", "admin")]);
    let listed = app.request(Method::GET, "/api/v1/workflows", Some(&other_tenant), None).await;
    assert_eq!(listed.status, StatusCode::UNAUTHORIZED, "a tenant that does not exist here: {:?}", listed.body);

    let platform = cognito_access_token(&[("email", "ops@assetronics.example"), ("custom:role", "platform_admin")]);
    let provisioned = app
        .request(Method::POST, "/api/v1/tenants", Some(&platform), Some(json!({"id": "globex", "name": "Globex", "it_email": "it@globex.example", "from_email": "noreply@globex.example"})))
        .await;
    assert_eq!(provisioned.status, StatusCode::CREATED, "{:?}", provisioned.body);
    let now_listed = app.request(Method::GET, "/api/v1/workflows", Some(&other_tenant), None).await;
    assert_eq!((now_listed.status, now_listed.data().clone()), (StatusCode::OK, Value::Array(vec![])));
}
