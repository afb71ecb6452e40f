//! What every handler gets: the store port, the token verifier, the clock and the cursor signer.

use std::sync::Arc;

use crate::adapters::bamboohr::BambooHr;
use crate::adapters::http_client::HttpClient;
use crate::auth::TokenVerifier;
use crate::clock::Clock;
use crate::config::ApiConfig;
use crate::domain::hris_url::UrlPolicy;
use crate::hris::HrisService;
use crate::jobs::JobRunner;
use crate::notify::{Channels, Notifier};
use crate::ports::{HrisApi, IdentityProvider, Store};
use crate::secrets::SecretBox;
use crate::templates::TemplateTexts;

use super::cursor::CursorSigner;
use super::read_cache::{TenantCache, UserStatusCache};

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub verifier: Arc<TokenVerifier>,
    pub clock: Arc<dyn Clock>,
    pub cursors: CursorSigner,
    pub tenants: Arc<TenantCache>,
    /// Callers' user statuses (a disabled user's tokens are refused).
    pub users: Arc<UserStatusCache>,
    pub secrets: Arc<SecretBox>,
    pub notifier: Arc<Notifier>,
    /// Tenants' HRIS APIs (BambooHR).
    pub hris_api: Arc<dyn HrisApi>,
    /// Which HRIS API URLs are accepted when set and when used.
    pub hris_urls: UrlPolicy,
    /// The step texts of the template versions workflows were made from.
    pub template_texts: Arc<TemplateTexts>,
    /// Where people are invited and disabled; none when the operator brings their own identity
    /// provider (its people are managed there, and their tokens accepted on their claims).
    pub identity: Option<Arc<dyn IdentityProvider>>,
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
            users: Arc::default(),
            secrets: config.secrets.clone(),
            notifier: Arc::new(notifier),
            hris_api: Arc::new(BambooHr::new(HttpClient::new(std::time::Duration::from_secs(5)))),
            hris_urls: config.hris_urls,
            template_texts: Arc::default(),
            identity: None,
        }
    }

    /// This state with people invited through `identity`.
    pub fn with_identity(self, identity: Arc<dyn IdentityProvider>) -> Self {
        Self { identity: Some(identity), ..self }
    }
}

impl AppState {
    /// HRIS changes applied with this state's store, notifier and clock.
    pub fn hris(&self) -> HrisService {
        HrisService {
            store: self.store.clone(),
            notifier: self.notifier.clone(),
            clock: self.clock.clone(),
            api: self.hris_api.clone(),
            secrets: self.secrets.clone(),
            urls: self.hris_urls,
        }
    }

    pub fn jobs(&self) -> JobRunner {
        JobRunner::new(self.store.clone(), self.notifier.clone(), self.clock.clone(), Arc::new(self.hris()))
    }
}
