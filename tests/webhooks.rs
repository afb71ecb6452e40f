//! Contract §5 (HRIS webhooks and sync) on both stores.

assetronics_tests::for_each_store!(webhook_cases:
    a_signed_hire_creates_the_employee_and_one_onboarding,
    unsigned_or_misdirected_deliveries_are_401_and_write_nothing,
    absurd_timestamps_are_401_problems_for_both_providers,
    long_delivery_ids_are_idempotency_keys_up_to_8_kib,
    hris_api_urls_must_be_public_https,
    a_refused_stored_hris_url_is_never_fetched,
    employee_ids_from_deliveries_are_escaped_path_segments,
    events_name_employees_by_hris_id_or_email,
    settings_patches_merge_hris,
    a_termination_before_the_start_date_is_a_withdrawn_hire,
    redeliveries_and_concurrent_duplicates_create_one_workflow,
    a_termination_starts_an_equipment_return_listing_the_assets,
    bamboohr_deliveries_in_both_formats,
    the_sync_applies_changes_once_with_webhooks,
    hris_events_start_the_templates_the_settings_choose,
);

#[test]
fn random_mixes_of_deliveries_and_syncs_on_the_embedded_store() {
    let (mixes, steps, created) = assetronics_tests::webhook_cases::random_mixes_create_each_workflow_once(
        assetronics_tests::Backend::Memory,
        32,
    );
    println!(
        "exactly-once property (embedded store): {mixes} mixes, {steps} deliveries and syncs, {created} workflows, none twice"
    );
}

#[test]
fn random_mixes_of_deliveries_and_syncs_on_dynamodb() {
    let (mixes, steps, created) =
        assetronics_tests::webhook_cases::random_mixes_create_each_workflow_once(assetronics_tests::Backend::Dynamo, 8);
    println!(
        "exactly-once property (DynamoDB on moto): {mixes} mixes, {steps} deliveries and syncs, {created} workflows, none twice"
    );
}
