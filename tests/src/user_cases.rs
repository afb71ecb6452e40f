//! Contract §11's users API through the router on each store, with the local identity provider
//! (its invitations land in the outbox).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use shared::domain::caller::Role;

use crate::{Backend, TestApp, TestResponse, admin, token, user_token};

pub async fn app(backend: Backend) -> TestApp {
    let app = TestApp::new(backend).await;
    app.add_tenant("acme").await;
    app.add_tenant("globex").await;
    app
}

pub fn platform() -> String {
    token(Role::PlatformAdmin, None, Some("ops@assetronics.example"), None)
}

/// Invites a user to `tenant` as its admin would, checking it worked; answers the user.
pub async fn invited(app: &TestApp, tenant: &str, body: Value) -> Value {
    let response = app.request(Method::POST, "/api/v1/users", Some(&admin(tenant)), Some(body)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    response.data().clone()
}

async fn patch(app: &TestApp, token: &str, id: &str, body: Value) -> TestResponse {
    app.request(Method::PATCH, &format!("/api/v1/users/{id}"), Some(token), Some(body)).await
}

pub async fn admins_invite_list_and_change_their_tenants_users(backend: Backend) {
    let app = app(backend).await;
    let body = json!({"email": "Sam.Taylor@Acme.example", "role": "manager", "team": "design", "first_name": "Sam"});
    let response = app.request(Method::POST, "/api/v1/users", Some(&admin("acme")), Some(body)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    let sam = response.data().clone();
    let id = sam["id"].as_str().unwrap();
    assert_eq!(response.header("location"), Some(format!("/api/v1/users/{id}").as_str()));
    assert_eq!(response.header("etag"), Some("\"1\""));
    assert_eq!(
        (&sam["email"], &sam["role"], &sam["team"], &sam["status"], &sam["tenant_id"]),
        (&json!("sam.taylor@acme.example"), &json!("manager"), &json!("design"), &json!("active"), &json!("acme"))
    );
    let invitations: Vec<_> =
        app.outbox.deliveries().into_iter().map(|delivery| serde_json::to_value(delivery).unwrap()).collect();
    assert_eq!(invitations.len(), 1, "the identity provider sent one invitation");
    assert_eq!(invitations[0]["to"], "sam.taylor@acme.example");

    for (tenant, email) in [("acme", "SAM.TAYLOR@acme.example"), ("globex", "sam.taylor@ACME.example")] {
        let again = app
            .request(Method::POST, "/api/v1/users", Some(&admin(tenant)), Some(json!({"email": email, "role": "user"})))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{tenant}: an email is a user once, anywhere");
    }
    let priya = invited(&app, "acme", json!({"email": "priya@acme.example", "role": "user"})).await;
    invited(&app, "globex", json!({"email": "eve@globex.example", "role": "admin"})).await;

    let first = app.request(Method::GET, "/api/v1/users?limit=1", Some(&admin("acme")), None).await;
    assert_eq!(first.status, StatusCode::OK);
    let cursor = first.body["meta"]["next_cursor"].as_str().expect("a second page").to_owned();
    let second =
        app.request(Method::GET, &format!("/api/v1/users?limit=1&cursor={cursor}"), Some(&admin("acme")), None).await;
    assert!(second.body["meta"]["next_cursor"].is_null());
    let mut listed = vec![first.data()[0]["id"].clone(), second.data()[0]["id"].clone()];
    listed.sort_by_key(|id| id.as_str().unwrap().to_owned());
    let mut expected = vec![sam["id"].clone(), priya["id"].clone()];
    expected.sort_by_key(|id| id.as_str().unwrap().to_owned());
    assert_eq!(listed, expected, "acme's two users, never globex's");
    let foreign =
        app.request(Method::GET, &format!("/api/v1/users?cursor={cursor}"), Some(&admin("globex")), None).await;
    assert_eq!(foreign.status, StatusCode::BAD_REQUEST, "a cursor of another tenant");

    let promoted = patch(&app, &admin("acme"), id, json!({"role": "admin", "team": null})).await;
    assert_eq!(promoted.status, StatusCode::OK, "{:?}", promoted.body);
    assert_eq!(
        (&promoted.data()["role"], &promoted.data()["team"], &promoted.data()["version"]),
        (&json!("admin"), &Value::Null, &json!(2))
    );
    let unchanged = patch(&app, &admin("acme"), id, json!({"role": "admin"})).await;
    assert_eq!((unchanged.status, &unchanged.data()["version"]), (StatusCode::OK, &json!(2)), "no change, no version");
    let stale = app
        .send(
            axum::http::Request::patch(format!("/api/v1/users/{id}"))
                .header("authorization", format!("Bearer {}", admin("acme")))
                .header("content-type", "application/json")
                .header("if-match", "\"1\"")
                .body(axum::body::Body::from(r#"{"status": "disabled"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(patch(&app, &admin("globex"), id, json!({"role": "user"})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(patch(&app, &admin("acme"), "not-a-user", json!({"role": "user"})).await.status, StatusCode::NOT_FOUND);

    let audit = app.request(Method::GET, "/api/v1/audit?target_type=user", Some(&admin("acme")), None).await;
    let actions: Vec<_> = audit.data().as_array().unwrap().iter().map(|entry| entry["action"].clone()).collect();
    assert_eq!(actions, [json!("user.changed"), json!("user.invited"), json!("user.invited")]);
    assert_eq!(audit.data()[0]["changes"]["role"], json!({"from": "manager", "to": "admin"}));
}

pub async fn only_admins_manage_users_and_bad_input_changes_nothing(backend: Backend) {
    let app = app(backend).await;
    let sam = invited(&app, "acme", json!({"email": "sam@acme.example", "role": "manager", "team": "design"})).await;
    let id = sam["id"].as_str().unwrap();
    for role in [Role::Manager, Role::User] {
        let caller = token(role, Some("acme"), Some("x@acme.example"), Some("design"));
        assert_eq!(app.request(Method::GET, "/api/v1/users", Some(&caller), None).await.status, StatusCode::FORBIDDEN);
        let body = json!({"email": "y@acme.example", "role": "user"});
        assert_eq!(
            app.request(Method::POST, "/api/v1/users", Some(&caller), Some(body)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(patch(&app, &caller, id, json!({"role": "user"})).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(app.request(Method::GET, "/api/v1/users", Some(&platform()), None).await.status, StatusCode::FORBIDDEN);
    for body in [
        json!({"email": "z@acme.example", "role": "platform_admin"}),
        json!({"email": "z@acme.example", "role": "owner"}),
        json!({"email": "not an email", "role": "user"}),
        json!({"email": "z@acme.example", "role": "user", "first_name": "x".repeat(101)}),
        json!({"email": "z@acme.example", "role": "user", "team": ""}),
        json!({"email": "z@acme.example", "role": "user", "admin": true}),
        json!({"role": "user"}),
    ] {
        let refused = app.request(Method::POST, "/api/v1/users", Some(&admin("acme")), Some(body.clone())).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {:?}", refused.body);
    }
    for body in [
        json!({"role": null}),
        json!({"status": null}),
        json!({"status": "gone"}),
        json!({"email": "new@acme.example"}),
    ] {
        let refused = patch(&app, &admin("acme"), id, body.clone()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {:?}", refused.body);
    }
    let listed = app.request(Method::GET, "/api/v1/users", Some(&admin("acme")), None).await;
    assert_eq!(listed.data().as_array().unwrap().len(), 1, "nothing was invited");
    assert_eq!(listed.data()[0], sam, "nor changed");
    assert_eq!(app.outbox.deliveries().len(), 1, "and no invitation sent");
}

pub async fn platform_admins_invite_a_tenants_first_admin(backend: Backend) {
    let app = app(backend).await;
    let body = json!({"email": "first@acme.example", "role": "admin", "first_name": "Ann", "last_name": "First"});
    let response = app.request(Method::POST, "/api/v1/tenants/acme/users", Some(&platform()), Some(body.clone())).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    let ann = response.data().clone();
    assert_eq!(
        (&ann["tenant_id"], &ann["role"], &ann["last_name"]),
        (&json!("acme"), &json!("admin"), &json!("First"))
    );
    let unknown =
        app.request(Method::POST, "/api/v1/tenants/initech/users", Some(&platform()), Some(body.clone())).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let tenant_admin = app.request(Method::POST, "/api/v1/tenants/acme/users", Some(&admin("acme")), Some(body)).await;
    assert_eq!(tenant_admin.status, StatusCode::FORBIDDEN);

    // The first admin signs in (their token carries what the trigger writes) and takes over.
    let ann_token = user_token(&ann);
    let listed = app.request(Method::GET, "/api/v1/users", Some(&ann_token), None).await;
    assert_eq!((listed.status, listed.data()[0]["id"].clone()), (StatusCode::OK, ann["id"].clone()));
    let id = ann["id"].as_str().unwrap();
    for body in [json!({"status": "disabled"}), json!({"role": "manager"})] {
        let refused = patch(&app, &ann_token, id, body.clone()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: an admin cannot lock themselves out");
    }
    assert_eq!(patch(&app, &ann_token, id, json!({"team": "it"})).await.status, StatusCode::OK);
}

pub async fn a_disabled_users_tokens_are_refused_and_a_sub_without_a_user_is_taken_on_its_claims(backend: Backend) {
    let app = app(backend).await;
    let priya = invited(&app, "acme", json!({"email": "priya@acme.example", "role": "user"})).await;
    let priya_token = user_token(&priya);
    let workflows = |token: String| {
        let app = app.clone();
        async move { app.request(Method::GET, "/api/v1/workflows", Some(&token), None).await.status }
    };
    assert_eq!(workflows(priya_token.clone()).await, StatusCode::OK);
    let id = priya["id"].as_str().unwrap();
    assert_eq!(patch(&app, &admin("acme"), id, json!({"status": "disabled"})).await.status, StatusCode::OK);
    let refused = app.request(Method::GET, "/api/v1/workflows", Some(&priya_token), None).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "at once through the process that disabled her");
    assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    assert_eq!(patch(&app, &admin("acme"), id, json!({"status": "active"})).await.status, StatusCode::OK);
    assert_eq!(workflows(priya_token).await, StatusCode::OK, "enabled again");

    let unknown =
        crate::token_of(&uuid::Uuid::now_v7().to_string(), Role::User, Some("acme"), Some("ext@acme.example"), None);
    assert_eq!(workflows(unknown).await, StatusCode::OK, "a sub that names no user: its claims decide");
    let mut elsewhere = priya.clone();
    elsewhere["tenant_id"] = json!("globex");
    assert_eq!(workflows(user_token(&elsewhere)).await, StatusCode::OK, "her id names no user of globex");
}

pub async fn the_local_sign_in_lists_every_tenants_active_users(backend: Backend) {
    let app = app(backend).await;
    let ann = invited(&app, "acme", json!({"email": "ann@acme.example", "role": "admin", "first_name": "Ann"})).await;
    let sam = invited(&app, "acme", json!({"email": "sam@acme.example", "role": "manager", "team": "design"})).await;
    let eve = invited(&app, "globex", json!({"email": "eve@globex.example", "role": "user", "last_name": "Ng"})).await;
    let choices = app.request(Method::GET, "/local/sign-in", None, None).await;
    assert_eq!(choices.status, StatusCode::OK);
    let listed: Vec<_> = choices
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|choice| (choice["id"].clone(), choice["name"].clone(), choice["role"].clone(), choice["team"].clone()))
        .collect();
    assert_eq!(
        listed,
        [
            (ann["id"].clone(), json!("Ann"), json!("admin"), Value::Null),
            (sam["id"].clone(), json!("sam@acme.example"), json!("manager"), json!("design")),
            (eve["id"].clone(), json!("Ng"), json!("user"), Value::Null),
        ],
        "by tenant, then role"
    );
    let sam_token = choices.data()[1]["token"].as_str().unwrap().to_owned();
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&sam_token).unwrap().claims;
    assert_eq!((&claims["sub"], &claims["tenant"], &claims["team"]), (&sam["id"], &json!("acme"), &json!("design")));
    let works = app.request(Method::GET, "/api/v1/workflows", Some(&sam_token), None).await;
    assert_eq!(works.status, StatusCode::OK);

    let id = sam["id"].as_str().unwrap();
    assert_eq!(patch(&app, &admin("acme"), id, json!({"status": "disabled"})).await.status, StatusCode::OK);
    let after = app.request(Method::GET, "/local/sign-in", None, None).await;
    let ids: Vec<_> = after.data().as_array().unwrap().iter().map(|choice| choice["id"].clone()).collect();
    assert_eq!(ids, [ann["id"].clone(), eve["id"].clone()], "a disabled user cannot be picked");
}
