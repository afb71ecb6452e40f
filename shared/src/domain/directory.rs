//! The tenant's directory: employees and assets, which workflows are about.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::secret::Sealed;
use super::validation::{Email, FieldErrors, Team, TenantId, text_within};
use super::workflow::{AssetSummary, EmployeeSummary, WorkflowType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmployeeStatus {
    Active,
    Terminated,
}

impl EmployeeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Terminated => "terminated",
        }
    }
}

/// An employee. The sensitive fields (`personal_email`, `phone`, `home_address`) are kept only
/// sealed, as one value, and shown to admins only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Employee {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub email: Email,
    pub first_name: String,
    pub last_name: String,
    pub team: Option<Team>,
    pub title: Option<String>,
    pub manager_email: Option<Email>,
    pub start_date: Option<NaiveDate>,
    pub termination_date: Option<NaiveDate>,
    pub status: EmployeeStatus,
    pub hris_id: Option<String>,
    pub sensitive: Option<Sealed>,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The fields of an employee that only admins see, in plaintext form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SensitiveFields {
    #[schema(value_type = Option<String>)]
    pub personal_email: Option<Email>,
    pub phone: Option<String>,
    pub home_address: Option<String>,
}

impl SensitiveFields {
    pub fn is_empty(&self) -> bool {
        self.personal_email.is_none() && self.phone.is_none() && self.home_address.is_none()
    }

    /// The associated data the fields of `employee` are sealed with.
    pub fn context(tenant: &TenantId, employee: Uuid) -> String {
        format!("tenant/{tenant}/employee/{employee}/sensitive")
    }
}

impl Employee {
    pub fn summary(&self) -> EmployeeSummary {
        EmployeeSummary {
            id: self.id,
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            team: self.team.as_ref().map(ToString::to_string),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetCategory {
    Laptop,
    Desktop,
    Monitor,
    Phone,
    Tablet,
    Peripheral,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    InStock,
    Assigned,
    InRepair,
    Retired,
}

impl AssetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InStock => "in_stock",
            Self::Assigned => "assigned",
            Self::InRepair => "in_repair",
            Self::Retired => "retired",
        }
    }
}

impl AssetCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Laptop => "laptop",
            Self::Desktop => "desktop",
            Self::Monitor => "monitor",
            Self::Phone => "phone",
            Self::Tablet => "tablet",
            Self::Peripheral => "peripheral",
            Self::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Asset {
    pub id: Uuid,
    pub tenant_id: TenantId,
    /// Unique per tenant, compared case-insensitively.
    pub asset_tag: String,
    pub serial_number: Option<String>,
    pub name: String,
    pub category: AssetCategory,
    pub status: AssetStatus,
    pub assigned_employee_id: Option<Uuid>,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Asset {
    pub fn summary(&self) -> AssetSummary {
        AssetSummary {
            id: self.id,
            asset_tag: self.asset_tag.clone(),
            name: self.name.clone(),
            category: self.category.as_str().to_owned(),
            serial_number: self.serial_number.clone(),
        }
    }

    /// The form of the tag that uniqueness compares: `lt-0042` and `LT-0042` are one tag.
    pub fn tag_key(tag: &str) -> String {
        tag.trim().to_uppercase()
    }

    /// Back in stock, assigned to no one.
    pub fn return_to_stock(&mut self) {
        self.status = AssetStatus::InStock;
        self.assigned_employee_id = None;
    }

    pub fn assign_to(&mut self, employee: Uuid) {
        self.status = AssetStatus::Assigned;
        self.assigned_employee_id = Some(employee);
    }

    pub fn send_to_repair(&mut self) {
        self.status = AssetStatus::InRepair;
    }

    pub fn touch(&mut self, now: DateTime<Utc>) {
        self.version += 1;
        self.updated_at = now;
    }
}

impl Employee {
    pub fn touch(&mut self, now: DateTime<Utc>) {
        self.version += 1;
        self.updated_at = now;
    }
}

/// What completing a workflow does to one of its assets, the way IT expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetEffect {
    /// Returned equipment goes back to stock, assigned to no one.
    ReturnToStock,
    /// Received hardware goes into stock, or straight to the employee the workflow names.
    Deploy { employee: Option<Uuid> },
    /// The failed device of an emergency replacement goes to repair.
    Repair,
}

impl AssetEffect {
    pub fn apply(self, asset: &mut Asset) {
        match self {
            Self::ReturnToStock | Self::Deploy { employee: None } => asset.return_to_stock(),
            Self::Deploy { employee: Some(employee) } => asset.assign_to(employee),
            Self::Repair => asset.send_to_repair(),
        }
    }

    /// The assets a completed workflow made from a template affects, and how: its `asset_id`
    /// and, for returns, every id in `metadata.asset_ids`. The template's `workflow_type` says
    /// which, so a tenant's own template acts as the built-in of its type does (an offboarding
    /// template returns the equipment an HRIS termination listed); a custom workflow changes no
    /// asset.
    pub fn of_completion(
        made_from_template: bool,
        workflow_type: WorkflowType,
        asset_id: Option<Uuid>,
        employee_id: Option<Uuid>,
        metadata: &serde_json::Map<String, serde_json::Value>,
    ) -> Vec<(Uuid, AssetEffect)> {
        if !made_from_template {
            return Vec::new();
        }
        // The types of incoming_hardware, equipment_return and emergency_replacement.
        let effect = match workflow_type {
            WorkflowType::Offboarding => Self::ReturnToStock,
            WorkflowType::Procurement => Self::Deploy { employee: employee_id },
            WorkflowType::Repair => Self::Repair,
            _ => return Vec::new(),
        };
        let mut ids: Vec<Uuid> = asset_id.into_iter().collect();
        if effect == Self::ReturnToStock {
            let listed = metadata.get("asset_ids").and_then(serde_json::Value::as_array).into_iter().flatten();
            ids.extend(listed.filter_map(|id| id.as_str()?.parse::<Uuid>().ok()));
        }
        ids.sort();
        ids.dedup();
        ids.into_iter().map(|id| (id, effect)).collect()
    }
}

/// The longest first and last names, in characters.
pub const NAME_MAX_CHARS: usize = 100;
/// The longest job title, in characters.
pub const TITLE_MAX_CHARS: usize = 200;
/// The longest HRIS id, in characters.
pub const HRIS_ID_MAX_CHARS: usize = 100;

/// An employee as a creator describes it; `Employee::create` checks it.
#[derive(Debug, Clone, PartialEq)]
pub struct EmployeeDraft {
    pub email: Email,
    pub first_name: String,
    pub last_name: String,
    pub team: Option<Team>,
    pub title: Option<String>,
    pub manager_email: Option<Email>,
    pub start_date: Option<NaiveDate>,
    pub termination_date: Option<NaiveDate>,
    pub status: EmployeeStatus,
    pub hris_id: Option<String>,
}

impl Employee {
    pub fn create(
        id: Uuid,
        tenant_id: TenantId,
        draft: EmployeeDraft,
        sensitive: Option<Sealed>,
        now: DateTime<Utc>,
    ) -> Result<Employee, FieldErrors> {
        let employee = Employee {
            id,
            tenant_id,
            email: draft.email,
            first_name: draft.first_name,
            last_name: draft.last_name,
            team: draft.team,
            title: draft.title,
            manager_email: draft.manager_email,
            start_date: draft.start_date,
            termination_date: draft.termination_date,
            status: draft.status,
            hris_id: draft.hris_id,
            sensitive,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        employee.validated()
    }

    /// Checks the rules every stored employee keeps, normalising texts.
    pub fn validated(mut self) -> Result<Employee, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut text = |field: &str, value: &mut String, max: usize| match text_within(value, 1, max) {
            Ok(text) => *value = text,
            Err(message) => errors.add(field, message),
        };
        text("first_name", &mut self.first_name, NAME_MAX_CHARS);
        text("last_name", &mut self.last_name, NAME_MAX_CHARS);
        if let Some(title) = self.title.as_mut() {
            text("title", title, TITLE_MAX_CHARS);
        }
        if let Some(hris_id) = self.hris_id.as_mut() {
            text("hris_id", hris_id, HRIS_ID_MAX_CHARS);
        }
        // Only a terminated employee may end before the start: a withdrawn hire (contract §5).
        if let (Some(start), Some(end)) = (self.start_date, self.termination_date)
            && end < start
            && self.status != EmployeeStatus::Terminated
        {
            errors.add("termination_date", "must not be before start_date");
        }
        errors.into_result()?;
        Ok(self)
    }
}

impl SensitiveFields {
    pub fn validated(mut self) -> Result<SensitiveFields, FieldErrors> {
        let mut errors = FieldErrors::default();
        for (field, value, max) in [("phone", &mut self.phone, 50), ("home_address", &mut self.home_address, 500)] {
            if let Some(text) = value.as_deref() {
                match text_within(text, 0, max) {
                    Ok(text) if text.is_empty() => *value = None,
                    Ok(text) => *value = Some(text),
                    Err(message) => errors.add(field, message),
                }
            }
        }
        errors.into_result()?;
        Ok(self)
    }
}

/// An asset as a creator describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetDraft {
    pub asset_tag: String,
    pub serial_number: Option<String>,
    pub name: String,
    pub category: AssetCategory,
    pub status: Option<AssetStatus>,
    pub assigned_employee_id: Option<Uuid>,
}

impl Asset {
    pub fn create(id: Uuid, tenant_id: TenantId, draft: AssetDraft, now: DateTime<Utc>) -> Result<Asset, FieldErrors> {
        // An asset given to someone is assigned unless the creator says otherwise.
        let status = draft.status.unwrap_or(if draft.assigned_employee_id.is_some() {
            AssetStatus::Assigned
        } else {
            AssetStatus::InStock
        });
        let asset = Asset {
            id,
            tenant_id,
            asset_tag: draft.asset_tag,
            serial_number: draft.serial_number,
            name: draft.name,
            category: draft.category,
            status,
            assigned_employee_id: draft.assigned_employee_id,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        asset.validated()
    }

    /// Checks the rules every stored asset keeps, normalising texts.
    pub fn validated(mut self) -> Result<Asset, FieldErrors> {
        let mut errors = FieldErrors::default();
        match text_within(&self.asset_tag, 1, 64) {
            Ok(tag) => self.asset_tag = tag,
            Err(message) => errors.add("asset_tag", message),
        }
        match text_within(&self.name, 1, 200) {
            Ok(name) => self.name = name,
            Err(message) => errors.add("name", message),
        }
        if let Some(serial) = &self.serial_number {
            match text_within(serial, 1, 100) {
                Ok(serial) => self.serial_number = Some(serial),
                Err(message) => errors.add("serial_number", message),
            }
        }
        if self.status == AssetStatus::Assigned && self.assigned_employee_id.is_none() {
            errors.add("assigned_employee_id", "is required while the asset is assigned");
        }
        errors.into_result()?;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn asset(status: AssetStatus, assigned: Option<Uuid>) -> Asset {
        let draft = AssetDraft {
            asset_tag: "LT-1".into(),
            serial_number: None,
            name: "ThinkPad".into(),
            category: AssetCategory::Laptop,
            status: Some(status),
            assigned_employee_id: assigned,
        };
        Asset::create(Uuid::now_v7(), TenantId::parse("acme").unwrap(), draft, Utc::now()).unwrap()
    }

    #[test]
    fn completion_effects_follow_the_template() {
        let (a, b, employee) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let listed = json!({"asset_ids": [b.to_string(), "not-a-uuid"]}).as_object().unwrap().clone();
        let effects = |key: Option<&str>, kind: WorkflowType, employee: Option<Uuid>| {
            AssetEffect::of_completion(key.is_some(), kind, Some(a), employee, &listed)
        };
        let returned = effects(Some("equipment_return"), WorkflowType::Offboarding, None);
        assert_eq!(returned, vec![(a, AssetEffect::ReturnToStock), (b, AssetEffect::ReturnToStock)]);
        let deployed = effects(Some("incoming_hardware"), WorkflowType::Procurement, Some(employee));
        assert_eq!(deployed, vec![(a, AssetEffect::Deploy { employee: Some(employee) })]);
        assert_eq!(effects(Some("emergency_replacement"), WorkflowType::Repair, None), vec![(a, AssetEffect::Repair)]);
        assert!(effects(Some("new_employee"), WorkflowType::Onboarding, None).is_empty());
        assert!(effects(None, WorkflowType::Offboarding, None).is_empty(), "a custom workflow changes no asset");
        let tenant_return = effects(Some("leaver_kit"), WorkflowType::Offboarding, None);
        assert_eq!(tenant_return, returned, "a tenant template acts as the built-in of its type");
        assert!(effects(Some("laptop_refresh"), WorkflowType::Maintenance, None).is_empty());
    }

    #[test]
    fn effects_change_status_and_assignment() {
        let employee = Uuid::now_v7();
        let mut returned = asset(AssetStatus::Assigned, Some(employee));
        AssetEffect::ReturnToStock.apply(&mut returned);
        assert_eq!((returned.status, returned.assigned_employee_id), (AssetStatus::InStock, None));
        let mut received = asset(AssetStatus::InStock, None);
        AssetEffect::Deploy { employee: Some(employee) }.apply(&mut received);
        assert_eq!((received.status, received.assigned_employee_id), (AssetStatus::Assigned, Some(employee)));
        let mut failed = asset(AssetStatus::Assigned, Some(employee));
        AssetEffect::Repair.apply(&mut failed);
        assert_eq!(failed.status, AssetStatus::InRepair);
    }

    #[test]
    fn an_assigned_asset_names_its_employee() {
        let draft = AssetDraft {
            asset_tag: "LT-2".into(),
            serial_number: None,
            name: "Mac".into(),
            category: AssetCategory::Laptop,
            status: Some(AssetStatus::Assigned),
            assigned_employee_id: None,
        };
        let errors = Asset::create(Uuid::now_v7(), TenantId::parse("acme").unwrap(), draft, Utc::now()).unwrap_err();
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["assigned_employee_id"]);
    }
}
