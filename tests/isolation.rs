//! Tenant and role isolation on both stores: the generated role × route × target matrix (for
//! hand-made tokens and for users invited through the users API), and
//! random interleavings of requests from five tenants.

use assetronics_tests::Backend;
use assetronics_tests::isolation_cases::random_interleavings_never_cross_tenants;

assetronics_tests::for_each_store!(isolation_cases: the_role_and_route_matrix_holds);

#[test]
fn random_interleavings_on_the_embedded_store() {
    let requests = random_interleavings_never_cross_tenants(Backend::Memory, 64, 40);
    println!("property test (embedded store): {requests} requests in 64 interleavings");
}

#[test]
fn random_interleavings_on_dynamodb() {
    let requests = random_interleavings_never_cross_tenants(Backend::Dynamo, 12, 40);
    println!("property test (DynamoDB on moto): {requests} requests in 12 interleavings");
}
