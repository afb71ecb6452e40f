//! Bearer token verification. The accepted algorithms come from configuration, never from the
//! token: HS256 tokens are checked only against the shared secret, RS256/ES256 tokens only
//! against the JWKS key their `kid` names, and only when the key's type fits the algorithm. So
//! `alg: none`, an HS token signed with an RS public key, or an unknown algorithm never verify.

mod jwks;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub use jwks::JwksSource;

use crate::adapters::http_client::HttpClient;
use crate::domain::caller::Role;

/// Seconds of clock skew tolerated on `exp`, `nbf` and `iat` (contract §2).
const LEEWAY_SECONDS: u64 = 60;

/// The longest token string accepted (contract §2): real tokens are a few hundred bytes to a few
/// KB; anything longer is refused before it is parsed or remembered.
pub const MAX_TOKEN_BYTES: usize = 8192;

/// How long a verified token is taken on trust without checking it again. A new JWKS key set
/// ends the trust at once (a retired key no longer verifies after the refresh that drops it).
const VERIFIED_FOR_SECONDS: u64 = 60;

/// The most tokens remembered; when full, the cache starts over.
const VERIFIED_CAPACITY: usize = 1024;

/// The claims this API reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub exp: u64,
    /// Not before: refused until then (with the leeway).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    /// Issued at: a token issued in the future (beyond the leeway) is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
}

/// `aud` is one string or an array of them (RFC 7519 §4.1.3); identity providers send both
/// (an Auth0 access token asked for with the `openid` scope carries an array). The configured
/// audience is checked by `jsonwebtoken` against either form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl From<&str> for Audience {
    fn from(audience: &str) -> Self {
        Self::One(audience.to_owned())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("the bearer token is missing, malformed, expired or not signed by a trusted key")]
pub struct InvalidToken;

/// Which tokens are trusted.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Enables HS256 with this shared secret.
    pub hs256_secret: Option<String>,
    /// Enables RS256 and ES256 with the keys of this JWKS.
    pub jwks: Option<JwksSource>,
    /// Narrows the algorithms further (`JWT_ALGORITHMS`), e.g. to RS256 only.
    pub algorithms: Option<Vec<Algorithm>>,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    /// How often an unknown `kid` may trigger a JWKS refresh.
    pub jwks_min_refresh: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            hs256_secret: None,
            jwks: None,
            algorithms: None,
            issuer: None,
            audience: None,
            jwks_min_refresh: Duration::from_secs(30),
        }
    }
}

impl AuthConfig {
    fn allowed_algorithms(&self) -> Vec<Algorithm> {
        let mut enabled = Vec::new();
        if self.hs256_secret.is_some() {
            enabled.push(Algorithm::HS256);
        }
        if self.jwks.is_some() {
            enabled.extend([Algorithm::RS256, Algorithm::ES256]);
        }
        match &self.algorithms {
            Some(narrowed) => enabled.into_iter().filter(|algorithm| narrowed.contains(algorithm)).collect(),
            None => enabled,
        }
    }
}

pub struct TokenVerifier {
    allowed: Vec<Algorithm>,
    secret: Option<DecodingKey>,
    jwks: Option<jwks::Jwks>,
    issuer: Option<String>,
    audience: Option<String>,
    /// Tokens that verified, with the second they did. A client sends the same token with every
    /// request of a session, and checking its signature and claims again was a third of the
    /// work of a warm `GET` (callgrind). Refused tokens are not remembered.
    verified: Mutex<HashMap<String, Verified>>,
}

struct Verified {
    at: u64,
    /// The JWKS key set it was checked against.
    key_set: u64,
    claims: Claims,
}

impl TokenVerifier {
    pub fn new(config: &AuthConfig) -> Self {
        Self {
            allowed: config.allowed_algorithms(),
            secret: config.hs256_secret.as_ref().map(|secret| DecodingKey::from_secret(secret.as_bytes())),
            jwks: config.jwks.clone().map(|source| {
                jwks::Jwks::new(source, HttpClient::new(Duration::from_secs(3)), config.jwks_min_refresh)
            }),
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
            verified: Mutex::default(),
        }
    }

    /// Accepts HS256 tokens signed with `secret` only.
    pub fn hs256(secret: &[u8]) -> Self {
        let secret = String::from_utf8_lossy(secret).into_owned();
        Self::new(&AuthConfig { hs256_secret: Some(secret), ..AuthConfig::default() })
    }

    pub async fn verify(&self, token: &str) -> Result<Claims, InvalidToken> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(InvalidToken);
        }
        let now = jsonwebtoken::get_current_timestamp();
        if let Some(claims) = self.recently_verified(token, now) {
            return Ok(claims);
        }
        let claims = self.check(token).await?;
        if claims.iat.is_some_and(|issued| issued > now + LEEWAY_SECONDS) {
            return Err(InvalidToken);
        }
        self.remember(token, now, &claims);
        Ok(claims)
    }

    /// The claims of `token` if it verified less than `VERIFIED_FOR_SECONDS` ago, against the
    /// current key set, and has not expired since (with the same leeway as the full check).
    fn recently_verified(&self, token: &str, now: u64) -> Option<Claims> {
        let verified = self.verified.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = verified.get(token)?;
        let fresh = now < entry.at + VERIFIED_FOR_SECONDS
            && now <= entry.claims.exp + LEEWAY_SECONDS
            && entry.key_set == self.key_set();
        fresh.then(|| entry.claims.clone())
    }

    fn remember(&self, token: &str, now: u64, claims: &Claims) {
        let entry = Verified { at: now, key_set: self.key_set(), claims: claims.clone() };
        let mut verified = self.verified.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if verified.len() >= VERIFIED_CAPACITY {
            verified.clear();
        }
        verified.insert(token.to_owned(), entry);
    }

    fn key_set(&self) -> u64 {
        self.jwks.as_ref().map_or(0, jwks::Jwks::generation)
    }

    /// The full check: algorithm allowed, signature by a trusted key, `exp`, `iss`, `aud`.
    async fn check(&self, token: &str) -> Result<Claims, InvalidToken> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| InvalidToken)?;
        if !self.allowed.contains(&header.alg) {
            return Err(InvalidToken);
        }
        let key = match header.alg {
            Algorithm::HS256 => self.secret.clone().ok_or(InvalidToken)?,
            Algorithm::RS256 | Algorithm::ES256 => {
                let jwks = self.jwks.as_ref().ok_or(InvalidToken)?;
                jwks.key(header.kid.as_deref().ok_or(InvalidToken)?, header.alg).await.ok_or(InvalidToken)?
            }
            _ => return Err(InvalidToken),
        };
        jsonwebtoken::decode::<Claims>(token, &key, &self.validation(header.alg))
            .map(|data| data.claims)
            .map_err(|_| InvalidToken)
    }

    fn validation(&self, algorithm: Algorithm) -> Validation {
        let mut validation = Validation::new(algorithm);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        // A configured issuer or audience must be present in the token, not just match when present.
        let mut required = vec!["exp"];
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        if let Some(issuer) = &self.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        validation.set_required_spec_claims(&required);
        validation
    }
}

/// Signs HS256 tokens: the local server's demo token and the tests' callers.
pub fn sign_hs256(secret: &[u8], claims: &Claims) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret))
        .expect("HS256 signing with an in-memory key cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: u64) -> Claims {
        Claims {
            sub: "u1".into(),
            email: Some("a@acme.test".into()),
            tenant: Some("acme".into()),
            role: Role::Admin,
            team: None,
            exp,
            nbf: None,
            iat: None,
            iss: None,
            aud: None,
        }
    }

    fn in_an_hour() -> u64 {
        jsonwebtoken::get_current_timestamp() + 3600
    }

    #[tokio::test]
    async fn accepts_a_token_signed_with_the_secret() {
        let verifier = TokenVerifier::hs256(b"secret-one");
        let token = sign_hs256(b"secret-one", &claims(in_an_hour()));
        assert_eq!(verifier.verify(&token).await.unwrap().sub, "u1");
    }

    #[tokio::test]
    async fn rejects_other_secrets_expired_tokens_and_alg_none() {
        let verifier = TokenVerifier::hs256(b"secret-one");
        assert_eq!(verifier.verify(&sign_hs256(b"secret-two", &claims(in_an_hour()))).await, Err(InvalidToken));
        let expired = jsonwebtoken::get_current_timestamp() - 120;
        assert_eq!(verifier.verify(&sign_hs256(b"secret-one", &claims(expired))).await, Err(InvalidToken));
        let token = sign_hs256(b"secret-one", &claims(in_an_hour()));
        let payload = token.split('.').nth(1).unwrap();
        let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert_eq!(verifier.verify(&unsigned).await, Err(InvalidToken));
    }

    #[tokio::test]
    async fn checks_issuer_and_audience_when_configured() {
        let config = AuthConfig {
            hs256_secret: Some("s".into()),
            issuer: Some("https://id.acme.test".into()),
            audience: Some("assetronics".into()),
            ..AuthConfig::default()
        };
        let verifier = TokenVerifier::new(&config);
        let mut good = claims(in_an_hour());
        good.iss = Some("https://id.acme.test".into());
        good.aud = Some("assetronics".into());
        assert!(verifier.verify(&sign_hs256(b"s", &good)).await.is_ok());
        let mut wrong_audience = good.clone();
        wrong_audience.aud = Some("other".into());
        assert!(verifier.verify(&sign_hs256(b"s", &wrong_audience)).await.is_err());
        let mut no_issuer = good;
        no_issuer.iss = None;
        assert!(verifier.verify(&sign_hs256(b"s", &no_issuer)).await.is_err());
    }

    #[tokio::test]
    async fn nbf_and_iat_are_checked_with_a_minute_of_leeway() {
        let verifier = TokenVerifier::hs256(b"s");
        let now = jsonwebtoken::get_current_timestamp();
        let verdict = |nbf: Option<u64>, iat: Option<u64>| {
            let mut token = claims(now + 3600);
            (token.nbf, token.iat) = (nbf, iat);
            let token = sign_hs256(b"s", &token);
            let verifier = &verifier;
            async move { verifier.verify(&token).await.is_ok() }
        };
        assert!(!verdict(Some(now + 3600), None).await, "not valid for another hour");
        assert!(verdict(Some(now + 30), None).await, "within the leeway");
        assert!(verdict(Some(now - 10), Some(now - 10)).await);
        assert!(!verdict(None, Some(now + 3600)).await, "issued an hour from now");
        assert!(verdict(None, Some(now + 30)).await, "a clock 30 s ahead");
    }

    #[tokio::test]
    async fn a_token_over_8_kib_is_refused_unread() {
        let verifier = TokenVerifier::hs256(b"s");
        let mut padded = claims(in_an_hour());
        padded.sub = "u".repeat(7000);
        let token = sign_hs256(b"s", &padded);
        assert!(token.len() > MAX_TOKEN_BYTES);
        assert_eq!(verifier.verify(&token).await, Err(InvalidToken));
        padded.sub = "u".repeat(5000);
        let token = sign_hs256(b"s", &padded);
        assert!(token.len() <= MAX_TOKEN_BYTES);
        assert!(verifier.verify(&token).await.is_ok());
    }

    #[tokio::test]
    async fn a_verified_token_is_trusted_until_it_expires_and_at_most_a_minute() {
        let verifier = TokenVerifier::hs256(b"s");
        let token = sign_hs256(b"s", &claims(in_an_hour()));
        assert!(verifier.verify(&token).await.is_ok());
        let now = jsonwebtoken::get_current_timestamp();
        assert!(verifier.recently_verified(&token, now).is_some());
        assert!(verifier.recently_verified(&token, now + VERIFIED_FOR_SECONDS).is_none());
        assert!(verifier.recently_verified("another token", now).is_none());

        // Verified 20 s after `now`: the trust window outlasts the expiry and its leeway.
        let short = claims(now + 10);
        let token = sign_hs256(b"s", &short);
        verifier.remember(&token, now + 20, &short);
        assert!(verifier.recently_verified(&token, now + 10 + LEEWAY_SECONDS).is_some());
        assert!(verifier.recently_verified(&token, now + 11 + LEEWAY_SECONDS).is_none());
    }

    #[tokio::test]
    async fn refused_tokens_are_not_remembered() {
        let verifier = TokenVerifier::hs256(b"s");
        let forged = sign_hs256(b"other", &claims(in_an_hour()));
        assert_eq!(verifier.verify(&forged).await, Err(InvalidToken));
        assert!(verifier.recently_verified(&forged, jsonwebtoken::get_current_timestamp()).is_none());
        assert!(verifier.verified.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_audience_array_is_read_and_checked() {
        let audiences = |list: &[&str]| Some(Audience::Many(list.iter().map(|aud| (*aud).to_owned()).collect()));
        let mut token = claims(in_an_hour());
        token.aud = audiences(&["https://acme.auth0.test/userinfo", "assetronics"]);
        let unchecked = TokenVerifier::hs256(b"s");
        assert_eq!(unchecked.verify(&sign_hs256(b"s", &token)).await.unwrap().aud, token.aud);
        let checked = TokenVerifier::new(&AuthConfig {
            hs256_secret: Some("s".into()),
            audience: Some("assetronics".into()),
            ..AuthConfig::default()
        });
        assert!(checked.verify(&sign_hs256(b"s", &token)).await.is_ok());
        token.aud = audiences(&["https://acme.auth0.test/userinfo", "other"]);
        assert_eq!(checked.verify(&sign_hs256(b"s", &token)).await, Err(InvalidToken));
    }

    #[tokio::test]
    async fn a_narrowed_algorithm_list_refuses_the_others() {
        let config = AuthConfig {
            hs256_secret: Some("s".into()),
            algorithms: Some(vec![Algorithm::RS256]),
            ..AuthConfig::default()
        };
        let verifier = TokenVerifier::new(&config);
        assert_eq!(verifier.verify(&sign_hs256(b"s", &claims(in_an_hour()))).await, Err(InvalidToken));
    }
}
