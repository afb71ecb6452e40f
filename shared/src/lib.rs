//! Assetronics Workflows: the domain, its ports, the two stores that implement them
//! (embedded and DynamoDB), and the HTTP plumbing that every route group shares.

pub mod adapters;
pub mod auth;
pub mod clock;
pub mod config;
pub mod domain;
pub mod hris;
pub mod http;
pub mod jobs;
pub mod notify;
pub mod ports;
pub mod realtime;
pub mod secrets;
pub mod store;
pub mod telemetry;
pub mod templates;
