//! The current time, injectable so jobs and tests can run "as if" on another day.

use chrono::{DateTime, SubsecRound, Utc};

pub trait Clock: Send + Sync {
    /// Now, to the second: API timestamps are whole seconds (`2026-11-25T09:00:00Z`).
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(0)
    }
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
