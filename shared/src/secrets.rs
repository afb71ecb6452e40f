//! Secrets at rest: AES-256-GCM with a random 96-bit nonce per value, the key id stored beside
//! the ciphertext so keys can rotate (new values use the current key; values sealed under a
//! previous key still open). The associated data binds a ciphertext to its place (tenant and
//! field), so a sealed value copied into another tenant's record does not open.

use std::collections::HashMap;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::config::{ConfigError, optional};
use crate::domain::secret::Sealed;

/// The local server's key when `ENCRYPTION_KEY` is unset: for development only.
const DEV_KEY: &str = "ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE=";
const DEV_KEY_ID: &str = "dev";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("no key with id {0} is configured")]
    UnknownKey(String),
    #[error("the sealed value is corrupt or belongs elsewhere")]
    Corrupt,
}

pub struct SecretBox {
    current_id: String,
    keys: HashMap<String, LessSafeKey>,
    random: SystemRandom,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretBox").field("current_id", &self.current_id).finish_non_exhaustive()
    }
}

fn key_from_base64(name: &'static str, encoded: &str) -> Result<LessSafeKey, ConfigError> {
    let bytes = STANDARD.decode(encoded.trim()).map_err(|_| ConfigError::Invalid(name, "not base64".to_owned()))?;
    let key = UnboundKey::new(&AES_256_GCM, &bytes)
        .map_err(|_| ConfigError::Invalid(name, "must be 32 bytes, base64-encoded".to_owned()))?;
    Ok(LessSafeKey::new(key))
}

impl SecretBox {
    /// `current` seals; `previous` (id, base64 key) only open older values.
    pub fn new(current_id: &str, current_key: &str, previous: &[(String, String)]) -> Result<Self, ConfigError> {
        let mut keys = HashMap::new();
        for (id, key) in previous {
            keys.insert(id.clone(), key_from_base64("ENCRYPTION_PREVIOUS_KEYS", key)?);
        }
        keys.insert(current_id.to_owned(), key_from_base64("ENCRYPTION_KEY", current_key)?);
        Ok(Self { current_id: current_id.to_owned(), keys, random: SystemRandom::new() })
    }

    /// `ENCRYPTION_KEY` (base64 of 32 bytes), `ENCRYPTION_KEY_ID`, and optional
    /// `ENCRYPTION_PREVIOUS_KEYS` (`id=base64,...`). `development_default` allows the documented
    /// development key when `ENCRYPTION_KEY` is unset (the local server only).
    pub fn from_env(development_default: bool) -> Result<Self, ConfigError> {
        let (id, key) = match (optional("ENCRYPTION_KEY"), development_default) {
            (Some(key), _) => (optional("ENCRYPTION_KEY_ID").ok_or(ConfigError::Missing("ENCRYPTION_KEY_ID"))?, key),
            (None, true) => (DEV_KEY_ID.to_owned(), DEV_KEY.to_owned()),
            (None, false) => return Err(ConfigError::Missing("ENCRYPTION_KEY")),
        };
        let previous: Vec<(String, String)> = optional("ENCRYPTION_PREVIOUS_KEYS")
            .unwrap_or_default()
            .split(',')
            .filter_map(|pair| pair.split_once('='))
            .map(|(id, key)| (id.trim().to_owned(), key.trim().to_owned()))
            .collect();
        Self::new(&id, &key, &previous)
    }

    /// The development key, for the local server and tests.
    pub fn development() -> Self {
        Self::new(DEV_KEY_ID, DEV_KEY, &[]).expect("the development key is valid")
    }

    /// Encrypts `plaintext` for the place named by `context` (e.g. `tenant/acme/slack_webhook_url`).
    pub fn seal(&self, plaintext: &str, context: &str) -> Sealed {
        let key = &self.keys[&self.current_id];
        let mut nonce = [0u8; NONCE_LEN];
        self.random.fill(&mut nonce).expect("the system random source works");
        let mut buffer = plaintext.as_bytes().to_vec();
        key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(context.as_bytes()), &mut buffer)
            .expect("AES-GCM sealing of an in-memory buffer cannot fail");
        Sealed { key_id: self.current_id.clone(), nonce: STANDARD.encode(nonce), ciphertext: STANDARD.encode(buffer) }
    }

    pub fn open(&self, sealed: &Sealed, context: &str) -> Result<String, SecretError> {
        let key = self.keys.get(&sealed.key_id).ok_or_else(|| SecretError::UnknownKey(sealed.key_id.clone()))?;
        let nonce: [u8; NONCE_LEN] =
            STANDARD.decode(&sealed.nonce).ok().and_then(|bytes| bytes.try_into().ok()).ok_or(SecretError::Corrupt)?;
        let mut buffer = STANDARD.decode(&sealed.ciphertext).map_err(|_| SecretError::Corrupt)?;
        let plaintext = key
            .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(context.as_bytes()), &mut buffer)
            .map_err(|_| SecretError::Corrupt)?;
        String::from_utf8(plaintext.to_vec()).map_err(|_| SecretError::Corrupt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OTHER_KEY: &str = "b3RoZXItdGVzdC1rZXktdGhhdC1pcy0zMi1ieXRlcyE=";

    #[test]
    fn sealed_values_open_in_their_place_only() {
        let secrets = SecretBox::development();
        let sealed = secrets.seal("whsec_c2VjcmV0", "tenant/acme/signing_secret");
        assert!(!sealed.ciphertext.contains("c2VjcmV0"));
        assert_eq!(secrets.open(&sealed, "tenant/acme/signing_secret").unwrap(), "whsec_c2VjcmV0");
        assert_eq!(secrets.open(&sealed, "tenant/globex/signing_secret"), Err(SecretError::Corrupt));
        let again = secrets.seal("whsec_c2VjcmV0", "tenant/acme/signing_secret");
        assert_ne!(again.nonce, sealed.nonce, "every value gets its own nonce");
    }

    #[test]
    fn keys_rotate() {
        let old = SecretBox::development();
        let sealed = old.seal("xoxb-token", "ctx");
        let rotated = SecretBox::new("k2", OTHER_KEY, &[(DEV_KEY_ID.to_owned(), DEV_KEY.to_owned())]).unwrap();
        assert_eq!(rotated.open(&sealed, "ctx").unwrap(), "xoxb-token");
        assert_eq!(rotated.seal("new", "ctx").key_id, "k2");
        let without_old = SecretBox::new("k2", OTHER_KEY, &[]).unwrap();
        assert_eq!(without_old.open(&sealed, "ctx"), Err(SecretError::UnknownKey("dev".into())));
    }

    #[test]
    fn keys_must_be_32_bytes() {
        assert!(SecretBox::new("k", "c2hvcnQ=", &[]).is_err());
    }
}
