//! Contract §10, steps: owners, approvals, skips, notes and the step assignee's scope, on both
//! stores.

assetronics_tests::for_each_store!(step_cases:
    steps_get_owners_kinds_and_due_dates,
    approvals_are_decided_by_their_assignee_or_an_admin,
    skip_counts_the_task_done_with_its_reason,
    notes_are_added_by_anyone_who_sees_the_workflow,
    step_assignees_change_through_the_workflow_patch,
    an_activated_step_emails_its_assignee_once,
    a_step_assignee_sees_the_workflow_only_while_their_step_is_active,
    two_approvals_of_one_step_have_one_winner,
    skip_racing_advance_has_one_winner,
    tasks_list_a_persons_active_steps_soonest_due_first,
    audit_entries_hold_only_what_changed,
);
