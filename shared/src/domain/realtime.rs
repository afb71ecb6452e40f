//! Live updates (contract §6): which message a workflow change becomes, and which connections
//! receive it. Shared by the AWS broadcaster (DynamoDB stream → API Gateway) and the local
//! server (`/ws`), which differ only in transport.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::caller::{Caller, Role};
use super::events::WorkflowChange;
use super::validation::{Email, Team, TenantId};
use super::workflow::Workflow;

/// API Gateway's largest WebSocket frame (128 KB); larger messages are sent compact.
pub const MAX_MESSAGE_BYTES: usize = 128 * 1024;

/// A live connection and the caller behind it, so its role scope can be applied to each message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub connection_id: String,
    pub tenant_id: TenantId,
    pub user_id: String,
    pub email: Option<Email>,
    pub role: Role,
    pub team: Option<Team>,
    pub connected_at: DateTime<Utc>,
}

impl Connection {
    pub fn of(connection_id: String, caller: &Caller, connected_at: DateTime<Utc>) -> Self {
        Self {
            connection_id,
            tenant_id: caller.tenant.clone(),
            user_id: caller.user_id.clone(),
            email: caller.email.clone(),
            role: caller.role,
            team: caller.team.clone(),
            connected_at,
        }
    }

    fn caller(&self) -> Caller {
        Caller {
            tenant: self.tenant_id.clone(),
            user_id: self.user_id.clone(),
            email: self.email.clone(),
            role: self.role,
            team: self.team.clone(),
        }
    }
}

/// The message of one workflow change, and who may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Broadcast {
    pub tenant_id: TenantId,
    pub before: Option<Workflow>,
    pub after: Workflow,
    pub message: String,
}

fn event_name(change: WorkflowChange) -> &'static str {
    match change {
        WorkflowChange::Created => "workflow_created",
        WorkflowChange::Updated => "workflow_updated",
        WorkflowChange::Started => "workflow_started",
        WorkflowChange::StepAdvanced => "workflow_step_advanced",
        WorkflowChange::Completed => "workflow_completed",
        WorkflowChange::Cancelled => "workflow_cancelled",
    }
}

impl Broadcast {
    pub fn of(before: Option<Workflow>, after: Workflow, at: DateTime<Utc>) -> Broadcast {
        let event = event_name(WorkflowChange::between(before.as_ref(), &after));
        let full = json!({"event": event, "tenant_id": after.tenant_id, "workflow": after, "at": at}).to_string();
        let message = if full.len() <= MAX_MESSAGE_BYTES {
            full
        } else {
            // Too big for one frame: the id and version say what to reload.
            let compact = json!({"id": after.id, "version": after.version, "status": after.status, "compact": true});
            json!({"event": event, "tenant_id": after.tenant_id, "workflow": compact, "at": at}).to_string()
        };
        Broadcast { tenant_id: after.tenant_id.clone(), before, after, message }
    }

    /// Whether the connection's caller can see the workflow before or after the change.
    pub fn is_for(&self, connection: &Connection) -> bool {
        let caller = connection.caller();
        connection.tenant_id == self.tenant_id
            && (caller.can_see(&self.after) || self.before.as_ref().is_some_and(|before| caller.can_see(before)))
    }

    pub fn payload(&self) -> Value {
        serde_json::from_str(&self.message).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::Template;
    use crate::domain::workflow::{TriggeredBy, WorkflowDraft};

    fn connection(role: Role, email: &str, team: Option<&str>) -> Connection {
        Connection {
            connection_id: format!("c-{email}"),
            tenant_id: TenantId::parse("acme").unwrap(),
            user_id: email.to_owned(),
            email: Email::parse(email).ok(),
            role,
            team: team.and_then(|team| Team::parse(team).ok()),
            connected_at: Utc::now(),
        }
    }

    fn workflow(team: &str) -> Workflow {
        let mut draft = WorkflowDraft::from_template(Template::builtin("new_employee").unwrap(), TriggeredBy::Template);
        draft.team = Team::parse(team).ok();
        Workflow::create(
            uuid::Uuid::now_v7(),
            TenantId::parse("acme").unwrap(),
            draft,
            Utc::now().date_naive(),
            Utc::now(),
        )
        .unwrap()
    }

    #[test]
    fn messages_name_the_change_and_reach_the_scope_before_or_after() {
        let before = workflow("it");
        let mut after = before.clone();
        after.team = Team::parse("sales").ok();
        let moved = Broadcast::of(Some(before.clone()), after, Utc::now());
        assert_eq!(moved.payload()["event"], "workflow_updated");
        assert!(moved.is_for(&connection(Role::Manager, "m@acme.test", Some("it"))), "saw it before");
        assert!(moved.is_for(&connection(Role::Manager, "s@acme.test", Some("sales"))), "sees it after");
        assert!(!moved.is_for(&connection(Role::Manager, "d@acme.test", Some("design"))));
        assert!(!moved.is_for(&connection(Role::User, "u@acme.test", None)));
        let mut started = before.clone();
        started.start(Utc::now()).unwrap();
        assert_eq!(Broadcast::of(Some(before), started, Utc::now()).payload()["event"], "workflow_started");
    }

    #[test]
    fn oversized_messages_are_sent_compact() {
        let mut big = workflow("it");
        big.metadata.insert("notes".into(), Value::String("x".repeat(MAX_MESSAGE_BYTES)));
        let broadcast = Broadcast::of(None, big.clone(), Utc::now());
        assert!(broadcast.message.len() < 1024);
        assert_eq!(broadcast.payload()["workflow"]["id"], big.id.to_string());
        assert_eq!(broadcast.payload()["event"], "workflow_created");
    }
}
