//! sqlx's errors into the cloneable [`StoreError`]: a lost connection becomes `Unavailable`
//! (worth retrying), anything else `Database` with the driver's words.
//!
//! Here, behind the `sqlx` feature that only the store enables, because Rust allows
//! `From<sqlx::Error>` only beside `StoreError`, and the store's `?` needs it. Nothing else
//! of sqlx is used in core, and the console's build does not enable the feature.

use crate::{AcceptError, StoreError};

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
            // Postgres says why it is going away (admin shutdown, crash recovery): class 57
            // and 08 are connection-level, not a problem with the statement.
            sqlx::Error::Database(d)
                if d.code()
                    .is_some_and(|c| c.starts_with("57") || c.starts_with("08")) =>
            {
                StoreError::Unavailable(d.to_string())
            }
            other => StoreError::Database(other.to_string()),
        }
    }
}

impl From<sqlx::Error> for AcceptError {
    fn from(e: sqlx::Error) -> Self {
        AcceptError::Store(e.into())
    }
}
