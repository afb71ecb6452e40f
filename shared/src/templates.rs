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

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::domain::audit::{AuditEntry, TargetType};
    use crate::domain::template::TemplateFields;
    use crate::domain::workflow::{StepDraft, TriggeredBy, WorkflowDraft, WorkflowType};
    use crate::store::memory::MemoryStore;

    #[tokio::test]
    async fn a_workflow_gets_its_template_versions_texts_from_a_bounded_cache() {
        let store = MemoryStore::new();
        let tenant = TenantId::parse("acme").unwrap();
        let now: chrono::DateTime<chrono::Utc> = "2026-11-25T09:00:00Z".parse().unwrap();
        let step = StepDraft { instructions: Some("Swap it.".into()), ..StepDraft::named("Swap") };
        let fields = TemplateFields {
            title: Some("Refresh".into()),
            workflow_type: Some(WorkflowType::Maintenance),
            steps: Some(vec![step]),
            ..TemplateFields::default()
        };
        let mut template = Template::create("refresh", None, fields.validate().unwrap()).unwrap();
        let audit = || AuditEntry::new(&tenant, "a", "template.changed", TargetType::Template, "refresh", now);
        store.insert_template(&tenant, &template, &audit()).await.unwrap();
        let draft = WorkflowDraft::from_template(&template, TriggeredBy::Template);
        let workflow = Workflow::create(Uuid::now_v7(), tenant.clone(), draft, now.date_naive(), now).unwrap();
        assert_eq!(workflow.steps[0].instructions, None, "the workflow carries no copy");
        let texts = TemplateTexts::default();
        let joined = texts.join(&store, workflow.clone()).await.unwrap();
        assert_eq!(joined.steps[0].instructions.as_deref(), Some("Swap it."));

        for _ in 0..CACHED_VERSIONS {
            template.version += 1;
            store.update_template(&tenant, &template, template.version - 1, &audit()).await.unwrap();
            let made = Workflow { template_version: Some(template.version), ..workflow.clone() };
            assert_eq!(texts.join(&store, made).await.unwrap().steps[0].instructions.as_deref(), Some("Swap it."));
        }
        assert_eq!(texts.lock().len(), CACHED_VERSIONS, "one version dropped for the newest");
    }
}
