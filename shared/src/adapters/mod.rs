//! Adapters to the outside world other than the store: each implements a port of `crate::ports`.

pub mod apigw;
pub mod aws_sdk;
pub mod bamboohr;
pub mod cognito;
pub mod eventbridge;
pub mod http_client;
pub mod outbox;
pub mod ses;
pub mod slack;
