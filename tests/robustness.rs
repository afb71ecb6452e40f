//! Arbitrary input never panics and is never a server error: random bytes as bearer tokens,
//! cursors, webhook signature headers and JSON bodies all answer 4xx (proptest).

use std::sync::OnceLock;

use assetronics_tests::{Backend, TestApp, admin};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use proptest::prelude::*;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap())
}

fn app() -> &'static TestApp {
    static APP: OnceLock<TestApp> = OnceLock::new();
    APP.get_or_init(|| {
        runtime().block_on(async {
            let app = TestApp::new(Backend::Memory).await;
            app.add_tenant("acme").await;
            let secret = serde_json::json!({"hris": {"provider": "standard", "signing_secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}});
            app.request(axum::http::Method::PATCH, "/api/v1/tenant/settings", Some(&admin("acme")), Some(secret)).await;
            app
        })
    })
}

fn status(request: Request<Body>) -> StatusCode {
    runtime().block_on(app().send(request)).status
}

fn client_error(status: StatusCode) -> Result<(), TestCaseError> {
    prop_assert!(status.is_client_error(), "{status}");
    Ok(())
}

fn percent_encoded(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("%{byte:02X}")).collect()
}

const ROUTES: [&str; 6] = [
    "/api/v1/workflows",
    "/api/v1/workflows/from-template",
    "/api/v1/employees",
    "/api/v1/assets",
    "/api/v1/workflows/0195f4a2-0000-7000-8000-000000000000/cancel",
    "/api/v1/tenants",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bearer_token_is_refused(token in "[ -~]{0,600}") {
        let request = Request::get("/api/v1/workflows").header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
        prop_assert_eq!(status(request), StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn any_cursor_is_a_bad_request(bytes in proptest::collection::vec(any::<u8>(), 1..120)) {
        let uri = format!("/api/v1/workflows?cursor={}", percent_encoded(&bytes));
        let request = Request::get(uri).header("authorization", format!("Bearer {}", admin("acme"))).body(Body::empty()).unwrap();
        prop_assert_eq!(status(request), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn any_webhook_signature_headers_are_refused(
        id in "[ -~]{0,80}", timestamp in "[ -~]{0,24}", signature in "[ -~]{0,300}", body in proptest::collection::vec(any::<u8>(), 0..500)
    ) {
        let request = Request::post("/api/v1/webhooks/hris?tenant=acme")
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp)
            .header("webhook-signature", signature)
            .body(Body::from(body))
            .unwrap();
        prop_assert_eq!(status(request), StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn any_json_body_is_a_client_error_or_accepted(
        route in 0..ROUTES.len(), body in proptest::collection::vec(any::<u8>(), 0..2000)
    ) {
        let request = Request::post(ROUTES[route])
            .header("authorization", format!("Bearer {}", admin("acme")))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        let answered = status(request);
        // Random bytes are almost never a valid creation; when they are, 201 is right.
        prop_assert!(answered.is_client_error() || answered == StatusCode::CREATED, "{answered}");
    }

    #[test]
    fn any_json_document_is_a_client_error_or_accepted(route in 0..ROUTES.len(), json in json_value()) {
        let request = Request::post(ROUTES[route])
            .header("authorization", format!("Bearer {}", admin("acme")))
            .header("content-type", "application/json")
            .body(Body::from(json.to_string()))
            .unwrap();
        let answered = status(request);
        prop_assert!(answered.is_client_error() || answered == StatusCode::CREATED, "{answered} for {json}");
    }
}

/// Arbitrary JSON, biased towards the fields the API reads.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let key = prop_oneof![
        Just("template_key".to_owned()),
        Just("title".to_owned()),
        Just("steps".to_owned()),
        Just("reason".to_owned()),
        Just("email".to_owned()),
        Just("due_date".to_owned()),
        Just("metadata".to_owned()),
        "[a-z_]{1,12}"
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

#[test]
fn client_errors_helper_rejects_server_errors() {
    assert!(client_error(StatusCode::INTERNAL_SERVER_ERROR).is_err());
    assert!(client_error(StatusCode::BAD_REQUEST).is_ok());
}
