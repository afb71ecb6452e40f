//! A JWKS endpoint on loopback, as an identity provider serves its keys.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A JWKS endpoint on loopback whose key set can be swapped, counting fetches.
pub struct JwksServer {
    pub url: String,
    keys: Arc<std::sync::Mutex<Vec<u8>>>,
    fetches: Arc<AtomicUsize>,
}

impl JwksServer {
    pub async fn start(initial: &str) -> Self {
        let keys = Arc::new(std::sync::Mutex::new(crate::fixture(initial)));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (served, counted) = (keys.clone(), fetches.clone());
        let router = axum::Router::new().route(
            "/.well-known/jwks.json",
            axum::routing::get(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                let body = served.lock().unwrap().clone();
                async move { ([("content-type", "application/json")], body) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/.well-known/jwks.json", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { url, keys, fetches }
    }

    pub fn publish(&self, name: &str) {
        *self.keys.lock().unwrap() = crate::fixture(name);
    }

    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}
