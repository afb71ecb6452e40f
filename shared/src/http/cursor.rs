//! Opaque, tamper-proof list cursors: the position (the last id of a page, or the last task's
//! place) plus an HMAC over the scope (the tenant, or the platform for platform-wide lists), the
//! list's filters and the position. A cursor of another scope, of other filters, or a forged one
//! does not verify.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::domain::workflow::TaskPosition;

/// Where a list continues, as the bytes a cursor carries.
pub trait Position: Sized {
    fn to_bytes(&self) -> Vec<u8>;
    fn from_bytes(bytes: &[u8]) -> Option<Self>;
}

impl Position for Uuid {
    fn to_bytes(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }

    fn from_bytes(bytes: &[u8]) -> Option<Self> {
        Uuid::from_slice(bytes).ok()
    }
}

/// The due date as days from the common era (4 bytes), then the workflow id (16 bytes).
impl Position for TaskPosition {
    fn to_bytes(&self) -> Vec<u8> {
        use chrono::Datelike;
        let mut bytes = self.due.num_days_from_ce().to_be_bytes().to_vec();
        bytes.extend_from_slice(self.id.as_bytes());
        bytes
    }

    fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let (days, id) = bytes.split_at_checked(4)?;
        let due = chrono::NaiveDate::from_num_days_from_ce_opt(i32::from_be_bytes(days.try_into().ok()?))?;
        Some(TaskPosition { due, id: Uuid::from_slice(id).ok()? })
    }
}

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

    fn mac(&self, scope: &str, context: &str, position: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC accepts keys of any length");
        for part in [scope.as_bytes(), context.as_bytes(), position] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// A cursor continuing after `position`, valid only for `scope` and `context` (the filters).
    pub fn issue<P: Position>(&self, scope: &str, context: &str, position: P) -> String {
        let mut bytes = position.to_bytes();
        let tag = self.mac(scope, context, &bytes).finalize().into_bytes();
        bytes.extend_from_slice(&tag);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The position of a cursor issued for this scope and context, or `None`.
    pub fn open<P: Position>(&self, scope: &str, context: &str, cursor: &str) -> Option<P> {
        let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        let (position, tag) = bytes.split_at_checked(bytes.len().checked_sub(MAC_LEN)?)?;
        // verify_slice compares in constant time.
        self.mac(scope, context, position).verify_slice(tag).ok()?;
        P::from_bytes(position)
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
        assert_eq!(signer.open::<Uuid>(globex, "status=pending", &cursor), None);
        assert_eq!(signer.open::<Uuid>(acme, "status=completed", &cursor), None);
        assert_eq!(CursorSigner::new(b"other").open::<Uuid>(acme, "status=pending", &cursor), None);
    }

    #[test]
    fn a_task_cursor_carries_the_due_date_and_the_id() {
        let signer = CursorSigner::new(b"key");
        let acme = "acme";
        let position = TaskPosition { due: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(), id: Uuid::now_v7() };
        let cursor = signer.issue(acme, "tasks", position);
        assert_eq!(signer.open(acme, "tasks", &cursor), Some(position));
        assert_eq!(signer.open::<Uuid>(acme, "tasks", &cursor), None, "a task cursor is no id cursor");
    }

    #[test]
    fn forged_and_garbled_cursors_do_not_open() {
        let signer = CursorSigner::new(b"key");
        let acme = "acme";
        let mut cursor = signer.issue(acme, "", Uuid::now_v7()).into_bytes();
        cursor[3] = if cursor[3] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(cursor).unwrap();
        for bad in [tampered.as_str(), "", "abc", "!!!!", &URL_SAFE_NO_PAD.encode([0u8; 48])] {
            assert_eq!(signer.open::<Uuid>(acme, "", bad), None, "{bad}");
        }
    }
}
