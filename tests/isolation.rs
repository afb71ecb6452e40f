//! Tenant and role isolation on both stores: the generated role × route × target matrix (also for
//! users invited through the users API), and
//! random interleavings of requests from five tenants.

use assetronics_tests::Backend;
use assetronics_tests::isolation_cases::random_interleavings_never_cross_tenants;

assetronics_tests::for_each_store!(isolation_cases: the_role_and_route_matrix_holds);

/// The same matrix for users invited through the users API, signing in with their records'
/// claims. On the embedded store only: what differs from hand-made tokens is the token path
/// (the same on both stores), and the users store's DynamoDB side has its own suites (`store`,
/// `users`). A second matrix on moto took it to about a second a request on this 2-core machine,
/// past the request deadlines.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_role_and_route_matrix_holds_for_invited_users() {
    assetronics_tests::isolation_cases::the_role_and_route_matrix_holds_for_invited_users(Backend::Memory).await;
}

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
