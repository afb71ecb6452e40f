//! The local server's identity provider: people sign in on `/local/sign-in`, which lists the
//! user records themselves, so an account is its user record and has no state of its own. An
//! invitation gets a fresh id and an email in the outbox.

use std::sync::Arc;

use async_trait::async_trait;
use shared::domain::messages;
use shared::domain::user::{Invitation, User};
use shared::domain::validation::{Email, TenantId};
use shared::ports::{Account, IdentityError, IdentityProvider, Mailer, Store, StoreError};
use uuid::Uuid;

pub struct LocalIdentity {
    store: Arc<dyn Store>,
    mailer: Arc<dyn Mailer>,
    console_url: String,
}

impl LocalIdentity {
    pub fn new(store: Arc<dyn Store>, mailer: Arc<dyn Mailer>, console_url: impl Into<String>) -> Self {
        Self { store, mailer, console_url: console_url.into() }
    }
}

fn failed(error: StoreError) -> IdentityError {
    match error {
        StoreError::Busy(message) => IdentityError::Busy(message),
        other => IdentityError::Unavailable(other.to_string()),
    }
}

#[async_trait]
impl IdentityProvider for LocalIdentity {
    async fn invite(&self, invitation: &Invitation) -> Result<Uuid, IdentityError> {
        let tenant = self.store.get_tenant(&invitation.tenant_id).await.map_err(failed)?;
        let tenant = tenant.ok_or_else(|| IdentityError::Unavailable(format!("no tenant {}", invitation.tenant_id)))?;
        let email = messages::invited(&tenant, invitation, &self.console_url);
        self.mailer.send(&email).await.map_err(|error| IdentityError::Unavailable(error.to_string()))?;
        Ok(Uuid::now_v7())
    }

    /// The record is the account: its tenant, role and team are already there.
    async fn update_attributes(&self, _user: &User) -> Result<(), IdentityError> {
        Ok(())
    }

    /// The sign-in list reads the record's status.
    async fn disable(&self, _email: &Email) -> Result<(), IdentityError> {
        Ok(())
    }

    async fn enable(&self, _email: &Email) -> Result<(), IdentityError> {
        Ok(())
    }

    /// Nothing was created but the email.
    async fn remove(&self, _email: &Email) -> Result<(), IdentityError> {
        Ok(())
    }

    async fn tenant_accounts(&self, tenant: &TenantId) -> Result<Vec<Account>, IdentityError> {
        let mut accounts = Vec::new();
        let mut after = None;
        loop {
            let page = self.store.list_users(tenant, after, 100).await.map_err(failed)?;
            accounts.extend(page.items.iter().map(|user| Account {
                id: user.id,
                email: user.email.clone(),
                enabled: user.is_active(),
            }));
            match page.next_after {
                Some(next) => after = Some(next),
                None => return Ok(accounts),
            }
        }
    }
}
