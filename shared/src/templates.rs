//! Finding a tenant's templates, and the step texts of the template versions workflows are made
//! from, read once per process: a version's texts never change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::domain::template::{StepTexts, Template, check_key};
use crate::domain::validation::TenantId;
use crate::domain::workflow::Workflow;
use crate::ports::{StoreError, TemplateStore};

/// The template `key` names for the tenant: a built-in, or one of the tenant's own that is not
/// deleted. A key that no template can have is not looked up (it could be longer than a key of
/// the store may be).
pub async fn visible_template(
    store: &dyn TemplateStore,
    tenant: &TenantId,
    key: &str,
) -> Result<Option<Template>, StoreError> {
    if let Some(builtin) = Template::builtin(key) {
        return Ok(Some(builtin.clone()));
    }
    if check_key(key).is_err() {
        return Ok(None);
    }
    Ok(store.get_template(tenant, key).await?.filter(Template::is_visible))
}

/// How many template versions' texts one process keeps; past it, an arbitrary one is dropped
/// (reading it again costs one request).
const CACHED_VERSIONS: usize = 512;

type VersionKey = (TenantId, String, u64);

/// The step texts of tenant template versions, by tenant, key and version, for the life of
/// the process.
#[derive(Debug, Default)]
pub struct TemplateTexts {
    versions: Mutex<HashMap<VersionKey, Arc<Vec<StepTexts>>>>,
}

impl TemplateTexts {
    /// `workflow` with its steps' descriptions and instructions, when it was made from a
    /// template version (they are that version's, kept once with it); any other workflow as is.
    pub async fn join(&self, store: &dyn TemplateStore, mut workflow: Workflow) -> Result<Workflow, StoreError> {
        let (Some(key), Some(version)) = (workflow.template_key.clone(), workflow.template_version) else {
            return Ok(workflow);
        };
        // A tenant's key is never a built-in's, and built-ins keep their texts in the binary.
        if let Some(builtin) = Template::builtin(&key) {
            workflow.join_texts(&builtin.texts());
            return Ok(workflow);
        }
        if let Some(texts) = self.texts(store, &workflow.tenant_id, key, version).await? {
            workflow.join_texts(&texts);
        }
        Ok(workflow)
    }

    async fn texts(
        &self,
        store: &dyn TemplateStore,
        tenant: &TenantId,
        key: String,
        version: u64,
    ) -> Result<Option<Arc<Vec<StepTexts>>>, StoreError> {
        let cache_key = (tenant.clone(), key, version);
        if let Some(texts) = self.lock().get(&cache_key) {
            return Ok(Some(texts.clone()));
        }
        let Some(texts) = store.template_texts(tenant, &cache_key.1, version).await? else { return Ok(None) };
        let texts = Arc::new(texts);
        let mut versions = self.lock();
        if versions.len() >= CACHED_VERSIONS
            && let Some(dropped) = versions.keys().next().cloned()
        {
            versions.remove(&dropped);
        }
        versions.insert(cache_key, texts.clone());
        Ok(Some(texts))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<VersionKey, Arc<Vec<StepTexts>>>> {
        // Only whole entries are ever inserted, so a poisoned map is still consistent.
        self.versions.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
