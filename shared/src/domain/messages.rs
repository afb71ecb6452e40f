//! What the service tells people, as text: the emails and chat posts. Every email has a plain
//! text and an HTML part carrying the same facts: the tenant's name, each workflow it is about
//! with a link into the console, and a footer saying why the recipient got it.

use super::tenant::Tenant;
use super::validation::Email;
use super::workflow::{Workflow, WorkflowStatus};

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
        (WorkflowStatus::Pending, None) => "not started".to_owned(),
        (_, None) => format!("{} of {total} steps done", workflow.current_step),
    }
}

fn link(frontend_url: &str, workflow: &Workflow) -> String {
    format!("{}/workflows/{}", frontend_url.trim_end_matches('/'), workflow.id)
}

/// One thing an email is about, as it lists it: a title, its facts and a link into the console.
/// Workflows are entries; anything else people work on (a step) is listed the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub title: String,
    pub facts: Vec<(&'static str, String)>,
    pub link: String,
}

impl Entry {
    pub fn workflow(workflow: &Workflow, frontend_url: &str) -> Entry {
        Entry {
            title: workflow.title.clone(),
            facts: vec![
                ("Due", workflow.due_date.to_string()),
                ("Priority", format!("{:?}", workflow.priority)),
                ("Progress", progress(workflow)),
            ],
            link: link(frontend_url, workflow),
        }
    }
}

/// Renders an email from `tenant` to `to`: the tenant's name, `intro`, the entries with their
/// links, and a footer that says why the recipient gets it (`reason` completes "You get this
/// email because ...").
fn render(tenant: &Tenant, to: &Email, subject: String, intro: &str, entries: &[Entry], reason: &str) -> OutgoingEmail {
    let mut text = format!("{}\n\n{intro}\n", tenant.name);
    let mut html = format!("<h2>{}</h2><p>{}</p>", escape(&tenant.name), escape(intro));
    for entry in entries {
        text.push_str(&format!("\n{}\n", entry.title));
        html.push_str(&format!("<p><strong>{}</strong>", escape(&entry.title)));
        for (name, value) in &entry.facts {
            text.push_str(&format!("{name}: {value}\n"));
            html.push_str(&format!("<br>{name}: {}", escape(value)));
        }
        text.push_str(&format!("Open it: {}\n", entry.link));
        html.push_str(&format!("<br><a href=\"{}\">Open it in the console</a></p>", escape(&entry.link)));
    }
    let footer = format!("You get this email because {reason}. Sent by Assetronics Workflows for {}.", tenant.name);
    text.push_str(&format!("\n--\n{footer}\n"));
    html.push_str(&format!("<hr><p><small>{}</small></p>", escape(&footer)));
    OutgoingEmail { from: tenant.from_email.clone(), to: to.clone(), subject, text, html }
}

/// To the new assignee of a workflow.
pub fn assigned(tenant: &Tenant, to: &Email, workflow: &Workflow, frontend_url: &str) -> OutgoingEmail {
    let subject = format!("Assigned to you: {}", workflow.title);
    let reason = format!("this workflow was assigned to you at {}", tenant.name);
    let entries = [Entry::workflow(workflow, frontend_url)];
    render(tenant, to, subject, "A workflow has been assigned to you.", &entries, &reason)
}

/// To a person invited to the tenant (the local server's sign-in; Cognito sends its own).
pub fn invited(tenant: &Tenant, invitation: &super::user::Invitation, frontend_url: &str) -> OutgoingEmail {
    let subject = format!("You are invited to {} on Assetronics Workflows", tenant.name);
    let reason = format!("an administrator of {} invited you", tenant.name);
    let entry = Entry {
        title: format!("Your account at {}", tenant.name),
        facts: vec![("Sign in as", invitation.email.to_string()), ("Role", invitation.role.as_str().to_owned())],
        link: format!("{}/", frontend_url.trim_end_matches('/')),
    };
    render(tenant, &invitation.email, subject, "You have an account now; sign in to start.", &[entry], &reason)
}

/// The day's one reminder to a person of everything overdue that is theirs to do: assigned to
/// them, or assigned to no one when they are the tenant's IT contact. None without entries.
pub fn overdue_digest(tenant: &Tenant, to: &Email, entries: &[Entry]) -> Option<OutgoingEmail> {
    let (first, rest) = entries.split_first()?;
    let (subject, intro) = match rest.len() {
        0 => (format!("Overdue: {}", first.title), "This is past its due date.".to_owned()),
        more => (
            format!("Overdue: {} and {more} more", first.title),
            format!("These {} are past their due dates.", entries.len()),
        ),
    };
    let reason = if *to == tenant.it_email {
        format!(
            "you are the IT contact of {}, who gets overdue work assigned to no one (at most one such email a day)",
            tenant.name
        )
    } else {
        format!("overdue work is assigned to you at {} (at most one such email a day)", tenant.name)
    };
    Some(render(tenant, to, subject, &intro, entries, &reason))
}

/// To the assignee of a step that just became active.
pub fn step_assigned(tenant: &Tenant, to: &Email, workflow: &Workflow, frontend_url: &str) -> OutgoingEmail {
    let step = workflow.active_step().map_or_else(String::new, |step| format!("Step {}: {}", step.order, step.name));
    let subject = format!("Your turn: {step} ({})", workflow.title);
    let reason = format!("a step of this workflow is assigned to you at {}", tenant.name);
    let entries = [Entry::workflow(workflow, frontend_url)];
    render(tenant, to, subject, "A step of this workflow is now yours to work on.", &entries, &reason)
}

/// To the assignee of a workflow the HRIS started (the tenant's IT contact unless the workflow
/// says otherwise): the one email about it.
pub fn hris_started(tenant: &Tenant, to: &Email, workflow: &Workflow, frontend_url: &str) -> OutgoingEmail {
    let subject = format!("New from your HRIS: {}", workflow.title);
    let reason = format!("the HRIS of {} started a workflow assigned to you", tenant.name);
    let entries = [Entry::workflow(workflow, frontend_url)];
    render(tenant, to, subject, "Your HRIS started a workflow, assigned to you.", &entries, &reason)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::Template;
    use crate::domain::tenant::Timezone;
    use crate::domain::workflow::{TriggeredBy, WorkflowDraft};

    fn tenant() -> Tenant {
        let now = "2026-11-25T09:00:00Z".parse().unwrap();
        let email = |address: &str| Email::parse(address).unwrap();
        Tenant::new(
            "acme".parse().unwrap(),
            "Acme & Co".to_owned(),
            email("it@acme.example"),
            email("noreply@acme.example"),
            Timezone::utc(),
            now,
        )
    }

    fn workflow(title: &str) -> Workflow {
        let mut draft = WorkflowDraft::from_template(Template::builtin("new_employee").unwrap(), TriggeredBy::Template);
        draft.title = title.to_owned();
        let now: chrono::DateTime<chrono::Utc> = "2026-11-25T09:00:00Z".parse().unwrap();
        Workflow::create(uuid::Uuid::now_v7(), "acme".parse().unwrap(), draft, now.date_naive(), now).unwrap()
    }

    #[test]
    fn a_digest_lists_every_entry_with_its_link_in_both_parts() {
        let workflows = [workflow("Onboard <Ana>"), workflow("Collect laptop")];
        let entries: Vec<Entry> =
            workflows.iter().map(|workflow| Entry::workflow(workflow, "https://app.example/")).collect();
        let ana = Email::parse("ana@acme.example").unwrap();
        let email = overdue_digest(&tenant(), &ana, &entries).unwrap();
        assert_eq!(email.subject, "Overdue: Onboard <Ana> and 1 more");
        for workflow in &workflows {
            let link = format!("https://app.example/workflows/{}", workflow.id);
            assert!(email.text.contains(&link), "{}", email.text);
            assert!(email.html.contains(&format!("href=\"{link}\"")), "{}", email.html);
        }
        assert!(email.text.starts_with("Acme & Co\n"), "{}", email.text);
        assert!(email.html.contains("<h2>Acme &amp; Co</h2>"), "{}", email.html);
        assert!(email.html.contains("Onboard &lt;Ana&gt;"), "escaped: {}", email.html);
        assert!(email.text.contains("You get this email because overdue work is assigned to you at Acme & Co"));
        assert!(email.html.contains("You get this email because"));
        assert_eq!(overdue_digest(&tenant(), &ana, &[]), None);
    }

    #[test]
    fn the_it_contact_is_told_why_unassigned_work_comes_to_them() {
        let tenant = tenant();
        let entries = [Entry::workflow(&workflow("Receive monitors"), "https://app.example")];
        let email = overdue_digest(&tenant, &tenant.it_email, &entries).unwrap();
        assert_eq!(email.subject, "Overdue: Receive monitors");
        assert!(email.text.contains("you are the IT contact of Acme & Co"), "{}", email.text);
    }
}
