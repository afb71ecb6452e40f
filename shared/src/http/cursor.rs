//! Opaque, tamper-proof list cursors: the position (the last id of a page) plus an HMAC over the
//! scope (the tenant, or the platform for platform-wide lists), the list's filters and the
//! position. A cursor of another scope, of other filters, or a forged one does not verify.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

const MAC_LEN: usize = 32;

#[derive(Clone)]
pub struct CursorSigner {
    key: Vec<u8>,
}

impl CursorSigner {
    pub fn new(secret: &[u8]) -> Self {
        Self { key: secret.to_vec() }
    }

    fn mac(&self, scope: &str, context: &str, position: &Uuid) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC accepts keys of any length");
        for part in [scope.as_bytes(), context.as_bytes(), position.as_bytes()] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// A cursor continuing after `position`, valid only for `scope` and `context` (the filters).
    pub fn issue(&self, scope: &str, context: &str, position: Uuid) -> String {
        let tag = self.mac(scope, context, &position).finalize().into_bytes();
        let mut bytes = position.as_bytes().to_vec();
        bytes.extend_from_slice(&tag);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The position of a cursor issued for this scope and context, or `None`.
    pub fn open(&self, scope: &str, context: &str, cursor: &str) -> Option<Uuid> {
        let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        if bytes.len() != 16 + MAC_LEN {
            return None;
        }
        let (position, tag) = bytes.split_at(16);
        let position = Uuid::from_slice(position).ok()?;
        // verify_slice compares in constant time.
        self.mac(scope, context, &position).verify_slice(tag).ok()?;
        Some(position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_opens_only_for_its_tenant_and_filters() {
        let signer = CursorSigner::new(b"key");
        let (acme, globex) = ("acme", "globex");
        let position = Uuid::now_v7();
        let cursor = signer.issue(acme, "status=pending", position);
        assert_eq!(signer.open(acme, "status=pending", &cursor), Some(position));
        assert_eq!(signer.open(globex, "status=pending", &cursor), None);
        assert_eq!(signer.open(acme, "status=completed", &cursor), None);
        assert_eq!(CursorSigner::new(b"other").open(acme, "status=pending", &cursor), None);
    }

    #[test]
    fn forged_and_garbled_cursors_do_not_open() {
        let signer = CursorSigner::new(b"key");
        let acme = "acme";
        let mut cursor = signer.issue(acme, "", Uuid::now_v7()).into_bytes();
        cursor[3] = if cursor[3] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(cursor).unwrap();
        for bad in [tampered.as_str(), "", "abc", "!!!!", &URL_SAFE_NO_PAD.encode([0u8; 48])] {
            assert_eq!(signer.open(acme, "", bad), None, "{bad}");
        }
    }
}
