//! What the service tells people, as text: the emails and chat posts, built from a workflow.
//! Plain text and HTML carry the same facts (title, due date, current step, a link).

use super::tenant::Tenant;
use super::validation::Email;
use super::workflow::Workflow;

/// An email ready to send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutgoingEmail {
    pub from: Email,
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Where the workflow stands, in words: `current_step` counts the steps done (contract §3).
fn progress(workflow: &Workflow) -> String {
    let total = workflow.total_steps;
    match (workflow.status, workflow.active_step()) {
        (_, Some(step)) => format!("step {} of {total}: {} ({} done)", step.order, step.name, workflow.current_step),
        (super::workflow::WorkflowStatus::Pending, None) => "not started".to_owned(),
        (_, None) => format!("{} of {total} steps done", workflow.current_step),
    }
}

fn link(frontend_url: &str, workflow: &Workflow) -> String {
    format!("{}/workflows/{}", frontend_url.trim_end_matches('/'), workflow.id)
}

fn email(
    tenant: &Tenant,
    to: &Email,
    subject: String,
    intro: &str,
    workflow: &Workflow,
    frontend_url: &str,
) -> OutgoingEmail {
    let link = link(frontend_url, workflow);
    let step = progress(workflow);
    let text = format!(
        "{intro}\n\n{}\nDue: {}\nPriority: {:?}\nProgress: {step}\n\nOpen it: {link}\n",
        workflow.title, workflow.due_date, workflow.priority
    );
    let html = format!(
        "<p>{}</p><p><strong>{}</strong><br>Due: {}<br>Priority: {:?}<br>Progress: {}</p><p><a href=\"{}\">Open the workflow</a></p>",
        escape(intro),
        escape(&workflow.title),
        workflow.due_date,
        workflow.priority,
        escape(&step),
        escape(&link)
    );
    OutgoingEmail { from: tenant.from_email.clone(), to: to.clone(), subject, text, html }
}

/// To the new assignee of a workflow.
pub fn assigned(tenant: &Tenant, to: &Email, workflow: &Workflow, frontend_url: &str) -> OutgoingEmail {
    let subject = format!("Assigned to you: {}", workflow.title);
    email(tenant, to, subject, "A workflow has been assigned to you.", workflow, frontend_url)
}

/// To the assignee of a step that just became active.
pub fn step_assigned(tenant: &Tenant, to: &Email, workflow: &Workflow, frontend_url: &str) -> OutgoingEmail {
    let step = workflow.active_step().map_or_else(String::new, |step| format!("Step {}: {}", step.order, step.name));
    let subject = format!("Your turn: {step} ({})", workflow.title);
    email(tenant, to, subject, "A step of this workflow is now yours to work on.", workflow, frontend_url)
}

/// The daily reminder of an overdue workflow.
pub fn overdue(tenant: &Tenant, to: &Email, workflow: &Workflow, frontend_url: &str) -> OutgoingEmail {
    let subject = format!("Overdue since {}: {}", workflow.due_date, workflow.title);
    email(tenant, to, subject, "This workflow is past its due date.", workflow, frontend_url)
}

/// To IT, when the HRIS started a workflow.
pub fn hris_started(tenant: &Tenant, workflow: &Workflow, frontend_url: &str) -> OutgoingEmail {
    let subject = format!("New from your HRIS: {}", workflow.title);
    email(tenant, &tenant.it_email, subject, "Your HRIS started a workflow.", workflow, frontend_url)
}

/// The Slack text of an HRIS-started workflow.
pub fn hris_started_chat(workflow: &Workflow, frontend_url: &str) -> String {
    format!(
        "New workflow from the HRIS: *{}* (due {}) {}",
        workflow.title,
        workflow.due_date,
        link(frontend_url, workflow)
    )
}
