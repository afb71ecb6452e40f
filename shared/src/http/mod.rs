//! HTTP plumbing shared by every route group: one error type rendered as problem+json, the
//! extractors (caller, JSON body, query, If-Match), signed cursors, and the layers every API
//! router gets (CORS, body limit, problem+json 404/405).

pub mod app;
pub mod cors;
pub mod cursor;
pub mod error;
pub mod extract;
pub mod lambda;
pub mod openapi;
pub mod paging;
pub mod read_cache;
pub mod response;
pub mod state;

pub use error::AppError;
pub use state::AppState;
