//! Bearer token verification. The accepted algorithms come from configuration, never from the
//! token's header, so `alg: none` or an HS token against an RS key can never verify.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::domain::caller::Role;

/// Seconds of clock skew tolerated on `exp`.
const LEEWAY_SECONDS: u64 = 30;

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("the bearer token is missing, malformed, expired or not signed by a trusted key")]
pub struct InvalidToken;

pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl TokenVerifier {
    /// Accepts HS256 tokens signed with `secret`; checks `iss`/`aud` when they are given.
    pub fn hs256(secret: &[u8], issuer: Option<&str>, audience: Option<&str>) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        // A configured issuer or audience must be present in the token, not just match when present.
        let mut required = vec!["exp"];
        match audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        if let Some(issuer) = issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        validation.set_required_spec_claims(&required);
        Self { key: DecodingKey::from_secret(secret), validation }
    }

    pub fn verify(&self, token: &str) -> Result<Claims, InvalidToken> {
        jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| InvalidToken)
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
            iss: None,
            aud: None,
        }
    }

    fn in_an_hour() -> u64 {
        jsonwebtoken::get_current_timestamp() + 3600
    }

    #[test]
    fn accepts_a_token_signed_with_the_secret() {
        let verifier = TokenVerifier::hs256(b"secret-one", None, None);
        let token = sign_hs256(b"secret-one", &claims(in_an_hour()));
        assert_eq!(verifier.verify(&token).unwrap().sub, "u1");
    }

    #[test]
    fn rejects_other_secrets_expired_tokens_and_alg_none() {
        let verifier = TokenVerifier::hs256(b"secret-one", None, None);
        assert_eq!(verifier.verify(&sign_hs256(b"secret-two", &claims(in_an_hour()))), Err(InvalidToken));
        let expired = jsonwebtoken::get_current_timestamp() - 120;
        assert_eq!(verifier.verify(&sign_hs256(b"secret-one", &claims(expired))), Err(InvalidToken));
        let token = sign_hs256(b"secret-one", &claims(in_an_hour()));
        let payload = token.split('.').nth(1).unwrap();
        let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert_eq!(verifier.verify(&unsigned), Err(InvalidToken));
    }

    #[test]
    fn checks_issuer_and_audience_when_configured() {
        let verifier = TokenVerifier::hs256(b"s", Some("https://id.acme.test"), Some("assetronics"));
        let mut good = claims(in_an_hour());
        good.iss = Some("https://id.acme.test".into());
        good.aud = Some("assetronics".into());
        assert!(verifier.verify(&sign_hs256(b"s", &good)).is_ok());
        let mut wrong_audience = good.clone();
        wrong_audience.aud = Some("other".into());
        assert!(verifier.verify(&sign_hs256(b"s", &wrong_audience)).is_err());
        let mut no_issuer = good;
        no_issuer.iss = None;
        assert!(verifier.verify(&sign_hs256(b"s", &no_issuer)).is_err());
    }
}
