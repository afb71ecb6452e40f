//! Contract §11's users API, on both stores.

assetronics_tests::for_each_store!(user_cases:
    admins_invite_list_and_change_their_tenants_users,
    only_admins_manage_users_and_bad_input_changes_nothing,
    platform_admins_invite_a_tenants_first_admin,
    a_disabled_users_tokens_are_refused_and_a_sub_without_a_user_is_taken_on_its_claims,
    the_local_sign_in_lists_every_tenants_active_users,
);
