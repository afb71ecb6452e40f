//! The served OpenAPI document (`openapi.json`, compiled into the templates function) must be
//! the one generated from the code. `UPDATE_OPENAPI=1 cargo test -p assetronics-local` rewrites it.

use serde_json::Value;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json");

#[test]
fn the_committed_document_is_the_generated_one() {
    let generated = serde_json::to_string_pretty(&assetronics_local::openapi()).expect("serializable") + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(COMMITTED, &generated).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(COMMITTED).expect("openapi.json exists");
    assert!(committed == generated, "openapi.json is stale: run UPDATE_OPENAPI=1 cargo test -p assetronics-local");
}

#[test]
fn every_contract_route_is_documented() {
    let document: Value = serde_json::to_value(assetronics_local::openapi()).expect("serializable");
    assert_eq!(document["openapi"], "3.1.0");
    let routes = [
        ("/health", "get"),
        ("/api/v1/openapi.json", "get"),
        ("/api/v1/tenants", "post"),
        ("/api/v1/tenants/{id}", "patch"),
        ("/api/v1/workflows/templates", "get"),
        ("/api/v1/workflows/templates/{key}", "get"),
        ("/api/v1/workflows/from-template", "post"),
        ("/api/v1/workflows", "post"),
        ("/api/v1/workflows", "get"),
        ("/api/v1/workflows/{id}", "get"),
        ("/api/v1/workflows/{id}", "patch"),
        ("/api/v1/workflows/{id}/start", "post"),
        ("/api/v1/workflows/{id}/advance", "post"),
        ("/api/v1/workflows/{id}/complete", "post"),
        ("/api/v1/workflows/{id}/cancel", "post"),
        ("/api/v1/workflows/{id}/approve", "post"),
        ("/api/v1/workflows/{id}/reject", "post"),
        ("/api/v1/workflows/{id}/skip", "post"),
        ("/api/v1/workflows/{id}/steps/{order}/notes", "post"),
        ("/api/v1/workflows/{id}/history", "get"),
        ("/api/v1/tasks", "get"),
        ("/api/v1/tenant/settings", "get"),
        ("/api/v1/tenant/settings", "patch"),
        ("/api/v1/employees", "get"),
        ("/api/v1/employees", "post"),
        ("/api/v1/employees/{id}", "get"),
        ("/api/v1/employees/{id}", "patch"),
        ("/api/v1/assets", "get"),
        ("/api/v1/assets", "post"),
        ("/api/v1/assets/{id}", "get"),
        ("/api/v1/assets/{id}", "patch"),
        ("/api/v1/webhooks/hris", "post"),
        ("/api/v1/audit", "get"),
        ("/api/v1/jobs/runs", "get"),
    ];
    for (path, method) in routes {
        assert!(document["paths"][path][method].is_object(), "{method} {path} is not documented");
    }
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    assert!(document["components"]["schemas"]["Problem"].is_object());
}
