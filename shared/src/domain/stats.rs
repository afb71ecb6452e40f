//! Workflow statistics kept as running totals: every change carries the difference it makes to
//! them, stored in the same transaction, so reading stats costs the same for 100 workflows and
//! for a million.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::workflow::{Workflow, WorkflowStatus};

/// Running totals of one scope (a tenant, a team, an assignee).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Workflows by status.
    pub counts: BTreeMap<String, i64>,
    /// Per workflow type: (completed workflows, their hours from start to completion).
    pub completion: BTreeMap<String, (i64, f64)>,
    /// Per template key and step order: (completed steps, their hours from start to completion).
    pub steps: BTreeMap<String, BTreeMap<String, (i64, f64)>>,
}

/// What one change adds to the totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delta {
    pub counts: Vec<(WorkflowStatus, i64)>,
    pub completion: Option<(String, f64)>,
    pub steps: Vec<(String, u32, f64)>,
}

fn hours(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds() as f64 / 3600.0
}

fn wire(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        other => format!("{other:?}"),
    }
}

impl Delta {
    pub fn between(before: Option<&Workflow>, after: &Workflow) -> Delta {
        let mut delta = Delta::default();
        match before {
            None => delta.counts.push((after.status, 1)),
            Some(before) if before.status != after.status => {
                delta.counts.push((before.status, -1));
                delta.counts.push((after.status, 1));
            }
            Some(_) => {}
        }
        if after.status == WorkflowStatus::Completed
            && before.is_none_or(|before| before.status != WorkflowStatus::Completed)
            && let (Some(started), Some(completed)) = (after.started_at, after.completed_at)
        {
            delta.completion = Some((wire(after.workflow_type), hours(started, completed)));
        }
        if let Some(template) = &after.template_key {
            for (index, step) in after.steps.iter().enumerate() {
                let newly_done = step.completed
                    && before.is_none_or(|before| !before.steps.get(index).is_some_and(|old| old.completed));
                if let (true, Some(started), Some(completed)) = (newly_done, step.started_at, step.completed_at) {
                    delta.steps.push((template.clone(), step.order, hours(started, completed)));
                }
            }
        }
        delta
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty() && self.completion.is_none() && self.steps.is_empty()
    }

    pub fn apply(&self, totals: &mut Totals) {
        for (status, change) in &self.counts {
            *totals.counts.entry(status.as_str().to_owned()).or_default() += change;
        }
        if let Some((workflow_type, hours)) = &self.completion {
            let entry = totals.completion.entry(workflow_type.clone()).or_default();
            entry.0 += 1;
            entry.1 += hours;
        }
        for (template, order, hours) in &self.steps {
            let entry = totals.steps.entry(template.clone()).or_default().entry(order.to_string()).or_default();
            entry.0 += 1;
            entry.1 += hours;
        }
    }
}

impl Totals {
    pub fn add(&mut self, other: &Totals) {
        for (status, count) in &other.counts {
            *self.counts.entry(status.clone()).or_default() += count;
        }
        for (kind, (count, hours)) in &other.completion {
            let entry = self.completion.entry(kind.clone()).or_default();
            entry.0 += count;
            entry.1 += hours;
        }
        for (template, steps) in &other.steps {
            for (order, (count, hours)) in steps {
                let entry = self.steps.entry(template.clone()).or_default().entry(order.clone()).or_default();
                entry.0 += count;
                entry.1 += hours;
            }
        }
    }

    /// Pending plus in-progress workflows.
    pub fn open(&self) -> i64 {
        [WorkflowStatus::Pending, WorkflowStatus::InProgress]
            .iter()
            .map(|status| self.counts.get(status.as_str()).copied().unwrap_or(0))
            .sum()
    }
}

/// A scope whose totals are kept: the role scopes of contract §2 read them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum StatsScope {
    Tenant,
    Team(super::validation::Team),
    Assignee(super::validation::Email),
}

impl StatsScope {
    /// A stable name of the scope, for storage keys.
    pub fn key(&self) -> String {
        match self {
            Self::Tenant => "TENANT".to_owned(),
            Self::Team(team) => format!("TEAM#{team}"),
            Self::Assignee(email) => format!("ASSIGNEE#{email}"),
        }
    }

    pub fn includes(&self, workflow: &Workflow) -> bool {
        match self {
            Self::Tenant => true,
            Self::Team(team) => workflow.team.as_ref() == Some(team),
            Self::Assignee(email) => workflow.assigned_to.as_ref() == Some(email),
        }
    }
}

/// The delta of every scope a change touches: counts move with membership (a workflow that
/// changes team leaves one team's counts and joins the other's); durations count where the
/// workflow is after the change.
pub fn deltas(before: Option<&Workflow>, after: &Workflow) -> Vec<(StatsScope, Delta)> {
    let full = Delta::between(before, after);
    let mut scopes = vec![StatsScope::Tenant];
    for workflow in before.into_iter().chain([after]) {
        scopes.extend(workflow.team.clone().map(StatsScope::Team));
        scopes.extend(workflow.assigned_to.clone().map(StatsScope::Assignee));
    }
    scopes.sort();
    scopes.dedup();
    scopes
        .into_iter()
        .filter_map(|scope| {
            let was = before.filter(|before| scope.includes(before)).map(|before| before.status);
            let is = scope.includes(after).then_some(after.status);
            let mut delta = Delta::default();
            if was != is {
                delta.counts.extend(was.map(|status| (status, -1)));
                delta.counts.extend(is.map(|status| (status, 1)));
            }
            if is.is_some() {
                delta.completion = full.completion.clone();
                delta.steps = full.steps.clone();
            }
            (!delta.is_empty()).then_some((scope, delta))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::Template;
    use crate::domain::validation::{Team, TenantId};
    use crate::domain::workflow::{TriggeredBy, WorkflowDraft};

    fn at(hours: i64) -> DateTime<Utc> {
        "2026-11-25T09:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::hours(hours)
    }

    fn workflow() -> Workflow {
        let mut draft =
            WorkflowDraft::from_template(Template::builtin("emergency_replacement").unwrap(), TriggeredBy::Template);
        draft.team = Team::parse("it").ok();
        Workflow::create(uuid::Uuid::now_v7(), TenantId::parse("acme").unwrap(), draft, at(0).date_naive(), at(0))
            .unwrap()
    }

    fn totals(history: &[(Option<&Workflow>, &Workflow)], scope: &StatsScope) -> Totals {
        let mut totals = Totals::default();
        for (before, after) in history {
            for (touched, delta) in deltas(*before, after) {
                if &touched == scope {
                    delta.apply(&mut totals);
                }
            }
        }
        totals
    }

    #[test]
    fn counts_follow_status_and_durations_are_summed() {
        let created = workflow();
        let mut started = created.clone();
        started.start(at(1)).unwrap();
        let mut advanced = started.clone();
        advanced.advance(None, "a", at(3)).unwrap();
        let mut done = advanced.clone();
        done.approve(None, None, "a", at(4)).unwrap();
        for hour in 5..8 {
            done.advance(None, "a", at(hour)).unwrap();
        }
        let mut completed = done.clone();
        completed.complete(at(9)).unwrap();
        let history = [
            (None, &created),
            (Some(&created), &started),
            (Some(&started), &advanced),
            (Some(&advanced), &done),
            (Some(&done), &completed),
        ];
        let tenant = totals(&history, &StatsScope::Tenant);
        assert_eq!(tenant.counts.get("completed"), Some(&1));
        assert_eq!(tenant.counts.get("pending"), Some(&0));
        assert_eq!(tenant.counts.get("in_progress"), Some(&0));
        assert_eq!(tenant.completion.get("repair"), Some(&(1, 8.0)));
        assert_eq!(tenant.steps["emergency_replacement"]["1"], (1, 2.0));
        assert_eq!(tenant.steps["emergency_replacement"]["2"], (1, 1.0));
        assert_eq!(totals(&history, &StatsScope::Team(Team::parse("it").unwrap())), tenant);
    }

    #[test]
    fn a_workflow_moving_team_moves_its_count() {
        let created = workflow();
        let mut moved = created.clone();
        moved.team = Team::parse("sales").ok();
        let history = [(None, &created), (Some(&created), &moved)];
        assert_eq!(totals(&history, &StatsScope::Team(Team::parse("it").unwrap())).open(), 0);
        assert_eq!(totals(&history, &StatsScope::Team(Team::parse("sales").unwrap())).open(), 1);
        assert_eq!(totals(&history, &StatsScope::Tenant).open(), 1);
    }
}
