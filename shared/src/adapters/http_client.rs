//! A small HTTPS client for the few outbound calls the service makes (JWKS, HRIS APIs, Slack),
//! built on the hyper and rustls stack the AWS SDK already links, with a timeout on every call.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// Responses larger than this are refused: nothing the service fetches is that big.
const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("the request timed out after {0:?}")]
    Timeout(Duration),
    #[error("the request failed: {0}")]
    Transport(String),
}

#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

type Connection = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Built on first use: loading the system's root certificates takes milliseconds, and most
/// invocations of a function never make an outbound call, so it stays out of the cold start.
#[derive(Clone)]
pub struct HttpClient {
    client: Arc<OnceLock<Connection>>,
    timeout: Duration,
}

impl HttpClient {
    pub fn new(timeout: Duration) -> Self {
        Self { client: Arc::default(), timeout }
    }

    fn client(&self) -> &Connection {
        self.client.get_or_init(connect)
    }

    pub async fn send(&self, request: Request<Full<Bytes>>) -> Result<HttpResponse, HttpError> {
        let exchange = async {
            let response =
                self.client().request(request).await.map_err(|error| HttpError::Transport(error.to_string()))?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, MAX_RESPONSE_BYTES)
                .collect()
                .await
                .map_err(|error| HttpError::Transport(error.to_string()))?
                .to_bytes();
            Ok(HttpResponse { status: parts.status, headers: parts.headers, body })
        };
        tokio::time::timeout(self.timeout, exchange).await.map_err(|_| HttpError::Timeout(self.timeout))?
    }

    pub async fn get(&self, url: &str) -> Result<HttpResponse, HttpError> {
        let request = Request::get(url)
            .header(http::header::ACCEPT, "application/json")
            .body(Full::default())
            .map_err(|error| HttpError::Transport(error.to_string()))?;
        self.send(request).await
    }
}

fn connect() -> Connection {
    let mut roots = rustls::RootCertStore::empty();
    // Unreadable system certificates leave fewer roots: such calls then fail, visibly.
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the aws-lc-rs provider supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().build();
    Client::builder(TokioExecutor::new()).build(connector)
}
