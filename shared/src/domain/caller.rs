//! Who is calling, and what their role lets them see and do (contract §2).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::validation::{Email, Team, TenantId};
use super::workflow::Workflow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    User,
    PlatformAdmin,
}

/// A verified caller of a tenant's routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub tenant: TenantId,
    pub user_id: String,
    pub email: Option<Email>,
    pub role: Role,
    pub team: Option<Team>,
}

/// What a caller may do to a workflow they can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowAction {
    Create,
    Update,
    Start,
    Advance,
    Complete,
    Cancel,
}

/// The workflows a caller may see, expressed so a store can answer it with an index query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every workflow of the tenant.
    Tenant,
    /// Workflows of `team`, or assigned to `email`.
    TeamOrAssignee { team: Option<Team>, email: Option<Email> },
    /// Workflows assigned to `email` (nothing when the caller has no email).
    Assignee(Option<Email>),
}

impl Scope {
    pub fn includes(&self, workflow: &Workflow) -> bool {
        self.includes_parts(workflow.team.as_ref(), workflow.assigned_to.as_ref())
    }
}

impl Caller {
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::Admin => Scope::Tenant,
            Role::Manager => Scope::TeamOrAssignee { team: self.team.clone(), email: self.email.clone() },
            // A platform admin has no business inside a tenant; the auth layer never lets one here,
            // and should it ever, they see nothing.
            Role::User | Role::PlatformAdmin => Scope::Assignee(self.email.clone()),
        }
    }

    pub fn can_see(&self, workflow: &Workflow) -> bool {
        workflow.tenant_id == self.tenant && self.scope().includes(workflow)
    }

    /// Whether the caller may perform `action` on a workflow they can see.
    pub fn may(&self, action: WorkflowAction) -> bool {
        match self.role {
            Role::Admin | Role::Manager => true,
            Role::User => matches!(action, WorkflowAction::Advance | WorkflowAction::Complete),
            Role::PlatformAdmin => false,
        }
    }

    /// The name recorded as `completed_by` and in audit entries.
    pub fn actor(&self) -> String {
        self.email.as_ref().map_or_else(|| self.user_id.clone(), |email| email.to_string())
    }
}

impl Scope {
    /// Whether a workflow with this team and assignee is in scope, before it exists.
    pub fn includes_parts(&self, team: Option<&Team>, assigned_to: Option<&Email>) -> bool {
        let assigned_to_caller = |email: &Option<Email>| email.is_some() && assigned_to == email.as_ref();
        match self {
            Scope::Tenant => true,
            Scope::TeamOrAssignee { team: own_team, email } => {
                (own_team.is_some() && team == own_team.as_ref()) || assigned_to_caller(email)
            }
            Scope::Assignee(email) => assigned_to_caller(email),
        }
    }
}
