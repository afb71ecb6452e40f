//! A secret as stored: ciphertext with the id of the key that sealed it. Only `crate::secrets`
//! turns it back into plaintext; the API shows that a secret is set, never its value.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub key_id: String,
    /// base64 of the 96-bit nonce
    pub nonce: String,
    /// base64 of ciphertext and tag
    pub ciphertext: String,
}
