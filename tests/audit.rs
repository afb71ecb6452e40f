//! Contract §8 (reading the audit trail) on both stores.

assetronics_tests::for_each_store!(audit_cases:
    admins_read_the_audit_trail_newest_first_by_any_filter,
    the_audit_trail_is_for_tenant_admins_and_checks_its_filters,
);
