//! Pure types and rules: no I/O, no AWS. Everything here is deterministic given its inputs
//! (the current time is always passed in).

pub mod audit;
pub mod caller;
pub mod catalog;
pub mod directory;
pub mod events;
pub mod hris;
pub mod hris_url;
pub mod jobs;
pub mod messages;
pub mod metadata;
pub mod realtime;
pub mod secret;
pub mod stats;
pub mod template;
pub mod tenant;
pub mod user;
pub mod validation;
pub mod workflow;
