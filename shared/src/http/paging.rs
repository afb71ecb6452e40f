//! Cursor pagination, the same for every list: `limit` 1..=100 (default 20) and an opaque
//! cursor bound to the tenant and the list's filters.

use axum::Json;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::validation::TenantId;
use crate::ports::Page;

use super::response::{ListData, page};
use super::{AppError, AppState};

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// A checked page request of one list.
pub struct PageRequest {
    pub after: Option<Uuid>,
    pub limit: usize,
    tenant: TenantId,
    /// What the cursor is bound to: the list and its filters.
    context: String,
}

impl PageRequest {
    /// 400 for a limit out of range, or a cursor made for another tenant or other filters.
    pub fn new(
        state: &AppState,
        tenant: &TenantId,
        context: String,
        limit: Option<usize>,
        cursor: Option<&str>,
    ) -> Result<Self, AppError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(AppError::BadRequest(format!("limit must be 1 to {MAX_LIMIT}")));
        }
        let after = match cursor {
            Some(cursor) => Some(
                state
                    .cursors
                    .open(tenant, &context, cursor)
                    .ok_or_else(|| AppError::BadRequest("the cursor is invalid for this list".to_owned()))?,
            ),
            None => None,
        };
        Ok(Self { after, limit, tenant: tenant.clone(), context })
    }

    /// The page as `{data, meta}`, each item shown through `view`.
    pub fn respond<T, V: Serialize>(
        &self,
        state: &AppState,
        found: Page<T>,
        view: impl Fn(T) -> V,
    ) -> Json<ListData<V>> {
        let next_cursor = found.next_after.map(|last| state.cursors.issue(&self.tenant, &self.context, last));
        page(found.items.into_iter().map(view).collect(), next_cursor, self.limit)
    }
}
