//! The one SDK configuration every deployed function builds its AWS clients from.
//!
//! The SDK's default HTTPS client trusts the system's root store, which it loads and parses when
//! each client is built: ~290 certificates here, about 3 ms of every cold start (measured with
//! `scripts/bench`). Every AWS endpoint the functions call (DynamoDB, SES, EventBridge, the API
//! Gateway Management API) presents a certificate of Amazon Trust Services, so the clients trust
//! those five roots alone, embedded in the binary. Behind a TLS-inspecting proxy, `AWS_CA_BUNDLE`
//! (the SDKs' usual setting) names a PEM file whose certificates are trusted as well.

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
    Ok(aws_config::defaults(BehaviorVersion::latest()).http_client(http_client).load().await)
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
