//! Cursor pagination, the same for every list: `limit` 1..=100 (default 20) and an opaque
//! cursor bound to the tenant (or the platform) and the list's filters.

use axum::Json;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::validation::TenantId;
use crate::ports::Page;

use super::cursor::Position;
use super::response::{ListData, page};
use super::{AppError, AppState};

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// The scope of the platform-wide lists' cursors: not a tenant id (`_` is not allowed in
/// those), so no tenant's cursor opens a platform list or the other way round.
const PLATFORM_SCOPE: &str = "_platform";

/// A checked page request of one list, continuing after a position of type `P`.
pub struct PageRequest<P = Uuid> {
    pub after: Option<P>,
    pub limit: usize,
    /// What the cursor is bound to: the tenant (or the platform), the list and its filters.
    scope: String,
    context: String,
}

impl<P: Position> PageRequest<P> {
    /// 400 for a limit out of range, or a cursor made for another tenant or other filters.
    pub fn new(
        state: &AppState,
        tenant: &TenantId,
        context: String,
        limit: Option<usize>,
        cursor: Option<&str>,
    ) -> Result<Self, AppError> {
        Self::scoped(state, tenant.as_str(), context, limit, cursor)
    }

    /// A page of a list across tenants (platform administrators').
    pub fn platform_wide(
        state: &AppState,
        context: String,
        limit: Option<usize>,
        cursor: Option<&str>,
    ) -> Result<Self, AppError> {
        Self::scoped(state, PLATFORM_SCOPE, context, limit, cursor)
    }

    fn scoped(
        state: &AppState,
        scope: &str,
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
                    .open(scope, &context, cursor)
                    .ok_or_else(|| AppError::BadRequest("the cursor is invalid for this list".to_owned()))?,
            ),
            None => None,
        };
        Ok(Self { after, limit, scope: scope.to_owned(), context })
    }

    /// The items as `{data, meta}`, each shown through `view`, with a cursor to continue after
    /// `next_after` when more follow.
    pub fn respond_items<T, V: Serialize>(
        &self,
        state: &AppState,
        items: Vec<T>,
        next_after: Option<P>,
        view: impl Fn(T) -> V,
    ) -> Json<ListData<V>> {
        let next_cursor = next_after.map(|last| state.cursors.issue(&self.scope, &self.context, last));
        page(items.into_iter().map(view).collect(), next_cursor, self.limit)
    }
}

impl PageRequest<Uuid> {
    /// The page as `{data, meta}`, each item shown through `view`.
    pub fn respond<T, V: Serialize>(
        &self,
        state: &AppState,
        found: Page<T>,
        view: impl Fn(T) -> V,
    ) -> Json<ListData<V>> {
        self.respond_items(state, found.items, found.next_after, view)
    }
}
