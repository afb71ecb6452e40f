//! A short-lived, per-process cache of tenant records. Every authenticated request needs its
//! tenant (is it active? what is its time zone?); reading it from the store each time would add
//! a round trip to every request. The price: a suspension made through another process (another
//! Lambda instance) takes effect there within `TTL`. Changes made through this process take
//! effect at once, because they evict the entry.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::tenant::Tenant;
use crate::domain::validation::TenantId;
use crate::ports::{StoreError, TenantStore};

pub const TTL: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct TenantCache {
    entries: Mutex<HashMap<TenantId, (Instant, Option<Tenant>)>>,
}

impl TenantCache {
    /// The tenant, from the cache when it was read less than `TTL` ago.
    pub async fn get(&self, store: &dyn TenantStore, id: &TenantId) -> Result<Option<Tenant>, StoreError> {
        if let Some((read_at, tenant)) = self.lock().get(id)
            && read_at.elapsed() < TTL
        {
            return Ok(tenant.clone());
        }
        let tenant = store.get_tenant(id).await?;
        self.lock().insert(id.clone(), (Instant::now(), tenant.clone()));
        Ok(tenant)
    }

    pub fn evict(&self, id: &TenantId) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TenantId, (Instant, Option<Tenant>)>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
