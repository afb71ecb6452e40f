//! Who is calling, and what their role lets them see and do (contract §2).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::validation::{Email, Team, TenantId};
use super::workflow::{StepKind, Workflow};

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
    Skip,
    Approve,
    Reject,
    Note,
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

    /// The role scope of §2, widened (§10) to the workflows whose active step is the caller's.
    pub fn can_see(&self, workflow: &Workflow) -> bool {
        workflow.tenant_id == self.tenant && (self.scope().includes(workflow) || self.owns_active_step(workflow))
    }

    /// Whether the caller's role allows `action` on workflows of their scope.
    pub fn may(&self, action: WorkflowAction) -> bool {
        match self.role {
            Role::Admin | Role::Manager => true,
            Role::User => matches!(
                action,
                WorkflowAction::Advance
                    | WorkflowAction::Complete
                    | WorkflowAction::Approve
                    | WorkflowAction::Reject
                    | WorkflowAction::Note
            ),
            Role::PlatformAdmin => false,
        }
    }

    /// Whether the caller may perform `action` on `workflow`, which they can see: by their role
    /// within their scope, or as the assignee of its active step, who may work on that step
    /// only. An approval step is decided only by its assignee or an admin.
    pub fn may_act_on(&self, action: WorkflowAction, workflow: &Workflow) -> bool {
        let owns_step = self.owns_active_step(workflow);
        let by_role = self.scope().includes(workflow) && self.may(action);
        let by_step = owns_step
            && matches!(
                action,
                WorkflowAction::Advance | WorkflowAction::Approve | WorkflowAction::Reject | WorkflowAction::Note
            );
        let decides = match action {
            WorkflowAction::Approve | WorkflowAction::Reject => {
                let approval = workflow.active_step().is_some_and(|step| step.kind == StepKind::Approval);
                // Deciding a task is refused by the state machine (409), whoever asks.
                !approval || self.role == Role::Admin || owns_step
            }
            _ => true,
        };
        (by_role || by_step) && decides
    }

    /// Whether the workflow's active step is assigned to the caller (a user or manager).
    pub fn owns_active_step(&self, workflow: &Workflow) -> bool {
        matches!(self.role, Role::User | Role::Manager)
            && self.email.is_some()
            && workflow.active_step().is_some_and(|step| step.assigned_to == self.email)
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
