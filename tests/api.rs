//! Contract §1–§3 through the router, on both stores.

assetronics_tests::for_each_store!(api_cases:
    health_and_openapi_need_no_credentials,
    templates_are_listed_and_found_by_key,
    the_template_list_is_revalidated_by_its_etag,
    creating_from_a_template_fills_the_defaults,
    invalid_creations_are_rejected_and_store_nothing,
    a_workflow_is_walked_from_start_to_completion,
    invalid_transitions_are_409_and_change_nothing,
    cancel_needs_a_reason,
    patch_changes_only_the_allowed_fields,
    if_match_guards_every_mutation,
    lists_page_filter_and_refuse_bad_cursors,
    archived_workflows_leave_lists_unless_asked_for,
    credentials_and_tenants_are_checked,
    tenants_are_provisioned_and_suspended_by_platform_admins,
    roles_see_and_do_only_their_scope,
    routing_errors_come_first_and_as_problems,
    racing_advances_have_exactly_one_winner,
    racing_cancels_have_exactly_one_winner,
    tenant_settings_are_admin_only_and_secrets_write_only,
    stats_follow_a_scripted_history,
);
