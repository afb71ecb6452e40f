//! RS256/ES256 keys from a JWKS (an identity provider's URL, or a file), cached. An unknown `kid`
//! triggers a refresh (the provider rotated its keys), at most once per `min_refresh` (30 s by
//! default) so that tokens with made-up `kid`s cannot make the service hammer the provider.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use tokio::sync::Mutex;

use crate::adapters::http_client::HttpClient;

const MAX_AGE: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    Url(String),
    File(PathBuf),
}

#[derive(Default)]
struct Cached {
    keys: HashMap<String, Jwk>,
    fetched_at: Option<Instant>,
    last_attempt: Option<Instant>,
}

pub(super) struct Jwks {
    source: JwksSource,
    http: HttpClient,
    min_refresh: Duration,
    cached: Mutex<Cached>,
    /// Counts the key sets fetched, so what was verified with an older set can be told apart.
    generation: AtomicU64,
}

impl Jwks {
    pub(super) fn new(source: JwksSource, http: HttpClient, min_refresh: Duration) -> Self {
        Self { source, http, min_refresh, cached: Mutex::new(Cached::default()), generation: AtomicU64::new(0) }
    }

    /// Which key set is current: it changes with every successful fetch.
    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The key named `kid`, if it exists and fits `algorithm`.
    pub(super) async fn key(&self, kid: &str, algorithm: Algorithm) -> Option<DecodingKey> {
        let mut cached = self.cached.lock().await;
        let expired = cached.fetched_at.is_none_or(|fetched| fetched.elapsed() > MAX_AGE);
        let may_retry = cached.last_attempt.is_none_or(|attempt| attempt.elapsed() > self.min_refresh);
        if (expired || !cached.keys.contains_key(kid)) && may_retry {
            self.refresh(&mut cached).await;
        }
        let jwk = cached.keys.get(kid).filter(|jwk| fits(jwk, algorithm))?;
        DecodingKey::from_jwk(jwk).ok()
    }

    /// Replaces the keys with the source's; on failure keeps the keys it had.
    async fn refresh(&self, cached: &mut Cached) {
        cached.last_attempt = Some(Instant::now());
        match self.fetch().await {
            Ok(set) => {
                cached.keys =
                    set.keys.into_iter().filter_map(|jwk| jwk.common.key_id.clone().map(|kid| (kid, jwk))).collect();
                cached.fetched_at = Some(Instant::now());
                self.generation.fetch_add(1, Ordering::AcqRel);
            }
            Err(error) => tracing::warn!(%error, "could not refresh the JWKS; keeping the cached keys"),
        }
    }

    async fn fetch(&self) -> Result<JwkSet, String> {
        let bytes = match &self.source {
            JwksSource::File(path) => tokio::fs::read(path).await.map_err(|error| error.to_string())?,
            JwksSource::Url(url) => {
                let response = self.http.get(url).await.map_err(|error| error.to_string())?;
                if !response.status.is_success() {
                    return Err(format!("the JWKS URL answered {}", response.status));
                }
                response.body.to_vec()
            }
        };
        serde_json::from_slice(&bytes).map_err(|error| format!("not a JWKS: {error}"))
    }
}

/// Whether a key may verify tokens of `algorithm`: RSA keys for RS256, P-256 keys for ES256, and
/// never a key whose declared algorithm or use says otherwise.
fn fits(jwk: &Jwk, algorithm: Algorithm) -> bool {
    let type_fits = match (&jwk.algorithm, algorithm) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256) => true,
        (AlgorithmParameters::EllipticCurve(parameters), Algorithm::ES256) => parameters.curve == EllipticCurve::P256,
        _ => false,
    };
    let declared = match algorithm {
        Algorithm::RS256 => KeyAlgorithm::RS256,
        Algorithm::ES256 => KeyAlgorithm::ES256,
        _ => return false,
    };
    let declared_fits = jwk.common.key_algorithm.is_none_or(|key_algorithm| key_algorithm == declared);
    let use_fits = !matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption));
    type_fits && declared_fits && use_fits
}
