//! Contract §2 authentication against attacks: RS256/ES256 from a JWKS (file and URL, with
//! refresh on an unknown `kid`), and every forged, expired or misdirected token rejected with 401.

use std::sync::Arc;
use std::time::Duration;

use assetronics_tests::jwks_server::JwksServer;
use assetronics_tests::{Backend, TestApp, TestResponse, config, fixture, new_store, test_now};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use shared::auth::{AuthConfig, Claims, JwksSource};
use shared::clock::FixedClock;
use shared::domain::caller::Role;

fn claims() -> Claims {
    Claims {
        sub: "u-1".into(),
        email: Some("admin@acme.example".into()),
        tenant: Some("acme".into()),
        role: Role::Admin,
        team: None,
        exp: chrono::Utc::now().timestamp().unsigned_abs() + 600,
        nbf: None,
        iat: None,
        iss: Some("https://id.acme.example".into()),
        aud: Some("assetronics".into()),
    }
}

fn sign(algorithm: Algorithm, kid: &str, key: &EncodingKey, claims: &Claims) -> String {
    let mut header = Header::new(algorithm);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, key).expect("signing")
}

fn rsa_key() -> EncodingKey {
    EncodingKey::from_rsa_der(&fixture("rsa-private.der"))
}

fn ec_key() -> EncodingKey {
    EncodingKey::from_ec_der(&fixture("ec-private.der"))
}

fn rotated_rsa_key() -> EncodingKey {
    EncodingKey::from_rsa_der(&fixture("rsa-rotated-private.der"))
}

/// An app that trusts RS256/ES256 keys from `jwks` only (no shared secret), issuer and audience checked.
async fn app_trusting(jwks: JwksSource) -> TestApp {
    let mut api = config();
    api.auth = AuthConfig {
        jwks: Some(jwks),
        issuer: Some("https://id.acme.example".into()),
        audience: Some("assetronics".into()),
        ..AuthConfig::default()
    };
    let app =
        TestApp::configured(new_store(Backend::Memory).await, Backend::Memory, Arc::new(FixedClock(test_now())), api);
    app.add_tenant("acme").await;
    app
}

async fn list_with(app: &TestApp, token: &str) -> TestResponse {
    app.request(Method::GET, "/api/v1/workflows", Some(token), None).await
}

fn jwks_file() -> JwksSource {
    JwksSource::File(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/jwks.json").into())
}

#[tokio::test]
async fn rs256_and_es256_tokens_verify_against_the_jwks() {
    let app = app_trusting(jwks_file()).await;
    for token in [
        sign(Algorithm::RS256, "rsa-2026", &rsa_key(), &claims()),
        sign(Algorithm::ES256, "ec-2026", &ec_key(), &claims()),
    ] {
        let response = list_with(&app, &token).await;
        assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    }
}

#[tokio::test]
async fn forged_expired_and_misdirected_tokens_are_401() {
    let app = app_trusting(jwks_file()).await;
    let good = sign(Algorithm::RS256, "rsa-2026", &rsa_key(), &claims());
    let (header, payload, signature) = {
        let parts: Vec<&str> = good.split('.').collect();
        (parts[0].to_owned(), parts[1].to_owned(), parts[2].to_owned())
    };
    let with = |change: &dyn Fn(&mut Claims)| {
        let mut claims = claims();
        change(&mut claims);
        sign(Algorithm::RS256, "rsa-2026", &rsa_key(), &claims)
    };
    let mut escalated = claims();
    escalated.tenant = Some("globex".into());
    let tampered_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&escalated).unwrap());
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"rsa-2026"}"#);
    let hs_with_public_key =
        sign(Algorithm::HS256, "rsa-2026", &EncodingKey::from_secret(&fixture("rsa-public.pem")), &claims());
    let attacks = [
        ("alg none", format!("{none_header}.{payload}.")),
        ("alg none with the original signature", format!("{none_header}.{payload}.{signature}")),
        ("HS256 signed with the RSA public key", hs_with_public_key),
        ("HS256 with any secret", sign(Algorithm::HS256, "rsa-2026", &EncodingKey::from_secret(b"guess"), &claims())),
        ("signed by another key under a known kid", sign(Algorithm::RS256, "rsa-2026", &rotated_rsa_key(), &claims())),
        ("unknown kid", sign(Algorithm::RS256, "rsa-1999", &rsa_key(), &claims())),
        ("no kid", jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims(), &rsa_key()).unwrap()),
        ("ES256 naming the RSA key", sign(Algorithm::ES256, "rsa-2026", &ec_key(), &claims())),
        ("RS256 naming the EC key", sign(Algorithm::RS256, "ec-2026", &rsa_key(), &claims())),
        ("expired", with(&|claims| claims.exp = chrono::Utc::now().timestamp().unsigned_abs() - 120)),
        ("wrong audience", with(&|claims| claims.aud = Some("another-app".into()))),
        ("no audience", with(&|claims| claims.aud = None)),
        ("wrong issuer", with(&|claims| claims.iss = Some("https://evil.example".into()))),
        ("no issuer", with(&|claims| claims.iss = None)),
        ("tampered payload", format!("{header}.{tampered_payload}.{signature}")),
        ("truncated", good[..good.len() - 10].to_owned()),
        ("garbage", "eyJhbGciOi.not.a-token".to_owned()),
        ("empty", String::new()),
        ("unknown tenant", with(&|claims| claims.tenant = Some("initech".into()))),
        ("no tenant", with(&|claims| claims.tenant = None)),
    ];
    for (attack, token) in &attacks {
        let response = list_with(&app, token).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{attack}: {:?}", response.body);
        assert_eq!(response.header("www-authenticate"), Some("Bearer"), "{attack}");
        assert!(response.body.get("data").is_none(), "{attack} leaked data");
    }
    for scheme in ["Basic", "Token", ""] {
        let request = Request::get("/api/v1/workflows")
            .header("authorization", format!("{scheme} {good}"))
            .body(Body::empty())
            .unwrap();
        assert_eq!(app.send(request).await.status, StatusCode::UNAUTHORIZED, "scheme {scheme:?}");
    }
    let other_tenant = Request::get("/api/v1/workflows")
        .header("authorization", format!("Bearer {good}"))
        .header("x-tenant-id", "globex")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(other_tenant).await.status, StatusCode::FORBIDDEN);
    assert_eq!(list_with(&app, &good).await.status, StatusCode::OK, "the genuine token still works");
}

#[tokio::test]
async fn an_unknown_kid_refreshes_the_jwks_at_most_once_per_interval() {
    let server = JwksServer::start("jwks.json").await;
    let mut api = config();
    api.auth = AuthConfig {
        jwks: Some(JwksSource::Url(server.url.clone())),
        issuer: Some("https://id.acme.example".into()),
        audience: Some("assetronics".into()),
        jwks_min_refresh: Duration::from_millis(300),
        ..AuthConfig::default()
    };
    let app =
        TestApp::configured(new_store(Backend::Memory).await, Backend::Memory, Arc::new(FixedClock(test_now())), api);
    app.add_tenant("acme").await;

    assert_eq!(
        list_with(&app, &sign(Algorithm::RS256, "rsa-2026", &rsa_key(), &claims())).await.status,
        StatusCode::OK
    );
    assert_eq!(server.fetches(), 1, "keys are fetched once and cached");
    assert_eq!(list_with(&app, &sign(Algorithm::ES256, "ec-2026", &ec_key(), &claims())).await.status, StatusCode::OK);
    assert_eq!(server.fetches(), 1);

    // The provider rotates its keys. Tokens of unknown kids within the interval cause no fetch.
    server.publish("jwks-rotated.json");
    let rotated = sign(Algorithm::RS256, "rsa-2027", &rotated_rsa_key(), &claims());
    for n in 0..20 {
        let made_up = sign(Algorithm::RS256, &format!("made-up-{n}"), &rsa_key(), &claims());
        assert_eq!(list_with(&app, &made_up).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(server.fetches(), 1, "made-up kids cannot make the service hammer the provider");
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(list_with(&app, &rotated).await.status, StatusCode::OK, "the new key is found by one refresh");
    assert_eq!(server.fetches(), 2);
    assert_eq!(
        list_with(&app, &sign(Algorithm::RS256, "rsa-2026", &rsa_key(), &claims())).await.status,
        StatusCode::UNAUTHORIZED,
        "the retired key no longer verifies"
    );
}
