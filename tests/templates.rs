//! Contract §10, tenant templates, on both stores.

assetronics_tests::for_each_store!(template_cases:
    templates_keep_their_keys_versions_and_texts,
    a_template_write_and_its_audit_entry_are_atomic,
    only_admins_write_templates_and_every_role_reads_them,
    template_writes_answer_each_rule_with_its_status,
    concurrent_patches_with_one_if_match_have_one_winner,
    workflows_keep_the_template_version_they_were_made_from,
);
