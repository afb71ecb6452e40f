//! The web console on the local server (contract §11-12): its files with the right caching, deep
//! links answered with `index.html`, API paths kept as problem+json, the runtime configuration,
//! and the demo sign-in whose tokens carry each role's scope.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use shared::clock::{Clock, SystemClock};
use shared::config::ApiConfig;
use shared::http::AppState;
use shared::store::memory::MemoryStore;
use tower::ServiceExt;

struct Answer {
    status: StatusCode,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A built console in a temporary folder, removed when the test ends.
struct BuiltConsole(PathBuf);

impl Drop for BuiltConsole {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn built_console() -> BuiltConsole {
    let dist = std::env::temp_dir().join(format!("assetronics-console-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><div id=app></div>").unwrap();
    std::fs::write(dist.join("assets/index-3f2a.js"), "console.log(1)").unwrap();
    std::fs::write(dist.join("favicon.svg"), "<svg/>").unwrap();
    BuiltConsole(dist)
}

async fn app(dist: PathBuf) -> Router {
    let config = ApiConfig::local_from_env().expect("the local defaults");
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = Arc::new(MemoryStore::new());
    assetronics_local::seed_demo(store.as_ref(), clock.as_ref(), config.auth.hs256_secret.as_deref().unwrap())
        .await
        .expect("seeded");
    let mut local = assetronics_local::Local::new(clock.clone());
    local.console_dist = dist;
    assetronics_local::app(AppState::new(store, &config, clock, local.channels()), &config, &local)
}

async fn send(app: &Router, method: &str, path: &str, token: Option<&str>) -> Answer {
    let mut request = Request::builder().method(method).uri(path).header("host", "127.0.0.1:4321");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer { status, headers, body }
}

#[tokio::test]
async fn the_console_is_served_with_deep_links_and_the_api_keeps_its_errors() {
    let console = built_console();
    let app = app(console.0.clone()).await;
    // `/assets/{id}` is the console's page of a hardware asset as well as Vite's folder of built
    // files: a path that names no built file is a deep link, never cached as an asset.
    let deep_links = [
        "/",
        "/workflows",
        "/workflows/0193f0c2-7a1b-7000-8000-000000000000",
        "/settings",
        "/assets/0193f0c2-7a1b-7000-8000-000000000000",
    ];
    for deep_link in deep_links {
        let page = send(&app, "GET", deep_link, None).await;
        assert_eq!(page.status, StatusCode::OK, "{deep_link}");
        assert_eq!(page.body, b"<!doctype html><div id=app></div>", "{deep_link}");
        assert_eq!(
            (page.header("content-type"), page.header("cache-control")),
            ("text/html; charset=utf-8", "no-cache")
        );
    }
    let script = send(&app, "GET", "/assets/index-3f2a.js", None).await;
    assert_eq!(script.body, b"console.log(1)");
    assert_eq!(script.header("content-type"), "text/javascript; charset=utf-8");
    assert_eq!(script.header("cache-control"), "public, max-age=31536000, immutable");
    assert_eq!(send(&app, "GET", "/favicon.svg", None).await.header("cache-control"), "no-cache");
    // Nothing outside the build is reachable, however the path is spelt.
    for escape in ["/../Cargo.toml", "/assets/../../Cargo.toml", "/%2e%2e/Cargo.toml", "/.hidden"] {
        let answer = send(&app, "GET", escape, None).await;
        assert_eq!(answer.body, b"<!doctype html><div id=app></div>", "{escape}");
    }
    for api_path in ["/api/v1/nope", "/api/v1/workflows/x/y/z", "/local/nope", "/healthz/x"] {
        let answer = send(&app, "GET", api_path, None).await;
        if api_path == "/healthz/x" {
            assert_eq!(answer.status, StatusCode::OK, "only the exact reserved paths are the API's");
            continue;
        }
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{api_path}");
        assert_eq!(answer.header("content-type"), "application/problem+json", "{api_path}");
    }
    let post = send(&app, "POST", "/workflows", None).await;
    assert_eq!((post.status, post.header("content-type")), (StatusCode::NOT_FOUND, "application/problem+json"));
}

#[tokio::test]
async fn an_unbuilt_console_says_how_to_build_it() {
    let app = app(PathBuf::from("/nonexistent/assetronics/dist")).await;
    let page = send(&app, "GET", "/workflows", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(String::from_utf8(page.body).unwrap().contains("./scripts/local"));
}

#[tokio::test]
async fn the_runtime_configuration_names_this_server() {
    let console = built_console();
    let app = app(console.0.clone()).await;
    let config = send(&app, "GET", "/config.json", None).await;
    assert_eq!(config.header("cache-control"), "no-cache");
    let config = config.json();
    assert_eq!(config["api_base_url"], "");
    assert_eq!(config["ws_url"], "ws://127.0.0.1:4321/ws");
    assert_eq!(config["auth"]["mode"], "local");
}

#[tokio::test]
async fn the_demo_sign_in_gives_each_role_its_scope() {
    let console = built_console();
    let app = app(console.0.clone()).await;
    let people = send(&app, "GET", "/local/sign-in", None).await.json()["data"].as_array().unwrap().clone();
    let roles: Vec<&str> = people.iter().map(|person| person["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["admin", "manager", "user"]);
    let visible = |index: usize| {
        let token = people[index]["token"].as_str().unwrap().to_owned();
        let app = app.clone();
        async move {
            let list = send(&app, "GET", "/api/v1/workflows", Some(&token)).await;
            assert_eq!(list.status, StatusCode::OK);
            list.json()["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(visible(0).await.len(), 3, "the admin sees the whole demo tenant");
    assert_eq!(visible(1).await, ["Onboard Maria Lopez (Design)"], "the design manager sees the design team's work");
    assert_eq!(visible(2).await, ["Receive ThinkPad X1 for Jonas Weber"], "the user sees what is assigned to them");
}
