//! Short-lived, per-process caches of what every authenticated request checks: the caller's
//! tenant (is it active? what is its time zone?) and the caller's user record (disabled?).
//! Reading them from the store each time would add a round trip or two to every request. The
//! price: a suspension or a disabling made through another process (another Lambda instance)
//! takes effect there within the cache's TTL. Changes made through this process take effect at
//! once, because they evict the entry.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;
use uuid::Uuid;

use crate::domain::tenant::Tenant;
use crate::domain::user::UserStatus;
use crate::domain::validation::TenantId;
use crate::ports::{StoreError, TenantStore, UserStore};

/// Past this many entries, an insertion first drops the expired ones.
const PRUNE_ABOVE: usize = 10_000;

/// Values read from the store, each kept for `ttl` after it was read.
struct ReadCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash + Clone, V: Clone> ReadCache<K, V> {
    fn new(ttl: Duration) -> Self {
        Self { ttl, entries: Mutex::new(HashMap::new()) }
    }

    /// The value of `key`, from the cache when it was read less than `ttl` ago, else by `read`.
    async fn get<F>(&self, key: &K, read: impl FnOnce() -> F) -> Result<V, StoreError>
    where
        F: Future<Output = Result<V, StoreError>>,
    {
        if let Some((read_at, value)) = self.lock().get(key)
            && read_at.elapsed() < self.ttl
        {
            return Ok(value.clone());
        }
        let value = read().await?;
        let mut entries = self.lock();
        if entries.len() > PRUNE_ABOVE {
            entries.retain(|_, (read_at, _)| read_at.elapsed() < self.ttl);
        }
        entries.insert(key.clone(), (Instant::now(), value.clone()));
        Ok(value)
    }

    fn evict(&self, key: &K) {
        self.lock().remove(key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, V)>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// How long a tenant record is trusted.
pub const TENANT_TTL: Duration = Duration::from_secs(30);

pub struct TenantCache(ReadCache<TenantId, Option<Tenant>>);

impl Default for TenantCache {
    fn default() -> Self {
        Self(ReadCache::new(TENANT_TTL))
    }
}

impl TenantCache {
    pub async fn get(&self, store: &dyn TenantStore, id: &TenantId) -> Result<Option<Tenant>, StoreError> {
        self.0.get(id, || store.get_tenant(id)).await
    }

    pub fn evict(&self, id: &TenantId) {
        self.0.evict(id);
    }
}

/// How long a user's status is trusted: a disabled user's tokens are refused within this
/// (contract §11: within 60 s).
pub const USER_TTL: Duration = Duration::from_secs(60);

/// Each caller's status, by tenant and user id: none when the `sub` names no user record (the
/// tokens of an operator's own identity provider, accepted on their claims).
pub struct UserStatusCache(ReadCache<(TenantId, Uuid), Option<UserStatus>>);

impl Default for UserStatusCache {
    fn default() -> Self {
        Self(ReadCache::new(USER_TTL))
    }
}

impl UserStatusCache {
    pub async fn get(
        &self,
        store: &dyn UserStore,
        tenant: &TenantId,
        id: Uuid,
    ) -> Result<Option<UserStatus>, StoreError> {
        let read = || async { Ok(store.get_user(tenant, id).await?.map(|user| user.status)) };
        self.0.get(&(tenant.clone(), id), read).await
    }

    pub fn evict(&self, tenant: &TenantId, id: Uuid) {
        self.0.evict(&(tenant.clone(), id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::{AuditEntry, TargetType};
    use crate::domain::user::{Invitation, UserChange, UserRole};
    use crate::domain::validation::Email;
    use crate::store::memory::MemoryStore;

    #[tokio::test(start_paused = true)]
    async fn a_disabling_through_another_process_takes_effect_within_the_ttl() {
        let store = MemoryStore::new();
        let tenant = TenantId::parse("acme").unwrap();
        let now = "2026-11-25T09:00:00Z".parse().unwrap();
        let invitation = Invitation {
            tenant_id: tenant.clone(),
            email: Email::parse("sam@acme.example").unwrap(),
            role: UserRole::User,
            team: None,
            first_name: None,
            last_name: None,
        };
        let sam = invitation.accepted(Uuid::now_v7(), now);
        let audit = |action| AuditEntry::new(&tenant, "t", action, TargetType::User, sam.id, now);
        store.insert_user(&sam, &audit("user.invited")).await.unwrap();
        let cache = UserStatusCache::default();
        assert_eq!(cache.get(&store, &tenant, sam.id).await.unwrap(), Some(UserStatus::Active));
        assert_eq!(cache.get(&store, &tenant, Uuid::now_v7()).await.unwrap(), None, "no record");

        let change = UserChange { status: Some(UserStatus::Disabled), ..Default::default() };
        let disabled = sam.changed(&change, "admin", now).unwrap();
        store.update_user(&disabled, sam.version, &audit("user.changed")).await.unwrap();
        tokio::time::advance(USER_TTL - Duration::from_secs(1)).await;
        assert_eq!(cache.get(&store, &tenant, sam.id).await.unwrap(), Some(UserStatus::Active), "still cached");
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(cache.get(&store, &tenant, sam.id).await.unwrap(), Some(UserStatus::Disabled), "read again");
    }
}
