//! What every handler gets: the store port, the token verifier, the clock and the cursor signer.

use std::sync::Arc;

use crate::auth::TokenVerifier;
use crate::clock::Clock;
use crate::config::ApiConfig;
use crate::notify::{Channels, Notifier};
use crate::ports::Store;
use crate::secrets::SecretBox;

use super::cursor::CursorSigner;
use super::tenant_cache::TenantCache;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub verifier: Arc<TokenVerifier>,
    pub clock: Arc<dyn Clock>,
    pub cursors: CursorSigner,
    pub tenants: Arc<TenantCache>,
    pub secrets: Arc<SecretBox>,
    pub notifier: Arc<Notifier>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: &ApiConfig, clock: Arc<dyn Clock>, channels: Channels) -> Self {
        let notifier =
            Notifier::new(channels, config.secrets.clone(), config.frontend_url.clone(), config.emails_per_second);
        let verifier = TokenVerifier::new(&config.auth);
        Self {
            store,
            verifier: Arc::new(verifier),
            clock,
            cursors: CursorSigner::new(config.cursor_secret.as_bytes()),
            tenants: Arc::default(),
            secrets: config.secrets.clone(),
            notifier: Arc::new(notifier),
        }
    }
}
