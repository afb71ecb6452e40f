//! Contract §4 and the workflow links, on both stores.

assetronics_tests::for_each_store!(directory_cases:
    employees_are_created_read_listed_and_patched,
    emails_and_tags_are_unique_per_tenant,
    assets_are_assigned_with_an_audit_trail,
    workflows_link_to_the_directory,
    completing_workflows_updates_their_assets,
);
