//! The two implementations of the store ports.

pub mod dynamo;
pub mod memory;
