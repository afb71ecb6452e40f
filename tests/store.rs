//! The store contract suite on both stores.

assetronics_tests::for_each_store!(store_cases:
    tenants_are_created_once_and_read_back,
    workflows_round_trip_every_field,
    a_stale_version_changes_nothing,
    tenants_never_see_each_other,
    pages_list_everything_once_newest_first,
    filters_and_scopes_match_the_reference_semantics,
    racing_writers_of_one_version_have_one_winner,
    employees_are_found_by_email_and_hris_id_and_keep_them_unique,
    directory_lists_match_the_reference_semantics,
    users_live_in_one_tenant_and_an_email_is_one_user_anywhere,
    racing_invitations_of_one_email_have_one_winner,
);
