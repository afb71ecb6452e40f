//! The one SDK configuration every deployed function builds its AWS clients from, and what keeps
//! building them cheap at cold start (each figure measured with `scripts/bench` and callgrind).
//!
//! - Trust: the SDK's default HTTPS client parses the system's root store (~290 certificates
//!   here, about 3 ms of a cold start). Every AWS endpoint the functions call (DynamoDB, SES,
//!   EventBridge, the API Gateway Management API) presents a certificate of Amazon Trust
//!   Services, so the clients trust those five roots, embedded in the binary. Behind a
//!   TLS-inspecting proxy, `AWS_CA_BUNDLE` (the SDKs' usual setting) names a PEM file whose
//!   certificates are trusted as well.
//! - Credentials: taken from the environment when they are there (as in Lambda).
//! - Clients a function may not need on an invocation are built on first use (`OnFirstUse`).
//! - Time: every call has a deadline and a bounded number of retries ([`call_timeouts`],
//!   [`call_retries`]), so a store that stops answering ends a request with 503 well inside the
//!   request's budget instead of holding it until Lambda kills it (contract §1).

use std::sync::OnceLock;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;

use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::config::ConfigError;

/// Amazon Root CA 1–4 and Starfield Services Root CA G2, as Amazon Trust Services publishes them.
const AMAZON_TRUST_SERVICES_ROOTS: &[u8] = include_bytes!("amazon-trust-services-roots.pem");

/// The trust store of the SDK's HTTPS client: Amazon's roots and the certificates of `ca_bundle`.
fn trust_store(ca_bundle: Option<&str>) -> Result<TrustStore, ConfigError> {
    let store = TrustStore::empty().with_native_roots(false).with_pem_certificate(AMAZON_TRUST_SERVICES_ROOTS);
    let Some(path) = ca_bundle else { return Ok(store) };
    let invalid = |reason: String| ConfigError::Invalid("AWS_CA_BUNDLE", format!("{path}: {reason}"));
    let pem = std::fs::read(path).map_err(|error| invalid(error.to_string()))?;
    // The SDK parses these when it builds a client and panics on a bad one: refuse them here.
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(&pem) {
        roots
            .add(certificate.map_err(|error| invalid(error.to_string()))?)
            .map_err(|error| invalid(error.to_string()))?;
    }
    if roots.is_empty() {
        return Err(invalid("no PEM certificate".to_owned()));
    }
    Ok(store.with_pem_certificate(pem))
}

/// Region, credentials and `AWS_ENDPOINT_URL` as the SDK resolves them, with the HTTPS client above.
pub async fn load_config() -> Result<SdkConfig, ConfigError> {
    let ca_bundle = crate::config::optional("AWS_CA_BUNDLE");
    let tls_context = TlsContext::builder()
        .with_trust_store(trust_store(ca_bundle.as_deref())?)
        .build()
        .map_err(|error| ConfigError::Invalid("AWS_CA_BUNDLE", error.to_string()))?;
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(tls_context)
        .build_https();
    let loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client)
        .timeout_config(call_timeouts())
        .retry_config(call_retries());
    // Lambda hands the function its role's credentials in the environment, which the default
    // chain would pick first anyway; naming that provider spares building the rest of the chain
    // (profile files, SSO, ECS, IMDS, and a whole STS client for web identity): a seventh of the
    // instructions of a cold start, measured with callgrind.
    let loader = match crate::config::optional("AWS_ACCESS_KEY_ID") {
        Some(_) => loader.credentials_provider(EnvironmentVariableCredentialsProvider::new()),
        None => loader,
    };
    Ok(loader.load().await)
}

/// Deadlines of one AWS call. DynamoDB answers in milliseconds; an attempt that takes a second
/// is stuck, and three of them (with the backoff between) end within 2.5 s, so a request that
/// makes two or three store calls still ends inside its budget (`REQUEST_BUDGET_SECONDS`).
pub fn call_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_millis(500))
        .operation_attempt_timeout(Duration::from_secs(1))
        .operation_timeout(Duration::from_millis(2500))
        .build()
}

/// Three attempts with a short backoff: throttling and lost connections get a second chance,
/// a store that is down does not hold the request.
pub fn call_retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(50))
}

/// An SDK client built the first time it is used, then kept for the execution environment.
/// Building one costs as much as a seventh of a cold start (its endpoint rules and partition
/// table are parsed), and most invocations never send an email or an event: the functions build
/// their DynamoDB client in init and the SES and EventBridge clients on the first send.
pub struct OnFirstUse<C> {
    client: OnceLock<C>,
    build: Box<dyn Fn() -> C + Send + Sync>,
}

impl<C> OnFirstUse<C> {
    pub fn new(build: impl Fn() -> C + Send + Sync + 'static) -> Self {
        Self { client: OnceLock::new(), build: Box::new(build) }
    }

    /// A client that is already built.
    pub fn ready(client: C) -> Self {
        Self { client: OnceLock::from(client), build: Box::new(|| unreachable!("the client is already built")) }
    }

    pub fn get(&self) -> &C {
        self.client.get_or_init(&self.build)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle_file(name: &str, contents: &[u8]) -> String {
        let path = std::env::temp_dir().join(format!("assetronics-ca-bundle-{}-{name}.pem", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        path.to_string_lossy().into_owned()
    }

    #[test]
    fn a_client_on_first_use_is_built_once_when_first_asked_for() {
        let builds = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = builds.clone();
        let client = OnFirstUse::new(move || counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1);
        assert_eq!(builds.load(std::sync::atomic::Ordering::SeqCst), 0);
        assert_eq!((*client.get(), *client.get()), (1, 1));
        assert_eq!(builds.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(*OnFirstUse::ready(7).get(), 7);
    }

    #[test]
    fn the_embedded_roots_are_the_five_amazon_trust_services_certificates() {
        let mut roots = rustls::RootCertStore::empty();
        let (valid, invalid) = roots
            .add_parsable_certificates(CertificateDer::pem_slice_iter(AMAZON_TRUST_SERVICES_ROOTS).map(Result::unwrap));
        assert_eq!((valid, invalid), (5, 0));
    }

    #[test]
    fn a_ca_bundle_of_certificates_is_trusted_as_well() {
        let path = bundle_file("valid", AMAZON_TRUST_SERVICES_ROOTS);
        assert!(trust_store(Some(&path)).is_ok());
    }

    #[test]
    fn a_ca_bundle_without_certificates_or_with_a_broken_one_is_refused() {
        let broken = b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n";
        let not_a_certificate = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        for (name, contents) in
            [("empty", &b""[..]), ("text", b"hello"), ("broken", broken), ("junk", not_a_certificate)]
        {
            let path = bundle_file(name, contents);
            assert!(
                matches!(trust_store(Some(&path)), Err(ConfigError::Invalid("AWS_CA_BUNDLE", _))),
                "{name} was accepted"
            );
        }
        assert!(trust_store(Some("/nonexistent/ca-bundle.pem")).is_err());
    }
}
