//! Adapters to the outside world other than the store.

pub mod http_client;
