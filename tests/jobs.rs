//! Contract §7 (jobs and emails) on both stores.

assetronics_tests::for_each_store!(job_cases:
    overdue_reminders_go_out_once_a_day,
    a_person_gets_one_digest_a_day_of_all_their_overdue_workflows,
    overdue_active_steps_reach_their_assignees_digest,
    reminders_follow_each_tenants_calendar,
    auto_start_starts_what_is_due_to_start_once,
    archive_takes_workflows_completed_more_than_ninety_days_ago,
    assignment_emails_go_to_new_assignees_only,
    daily_jobs_run_once_a_local_day_at_their_local_hour,
    an_hourly_run_retried_or_delivered_twice_handles_each_tenant_once,
    admins_see_their_tenants_part_of_job_runs_and_platform_admins_whole_runs,
);
