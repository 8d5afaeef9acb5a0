//! sqlx's errors into the console's cloneable [`StoreError`]: a lost connection becomes
//! `Unavailable` (worth retrying), anything else `Database` with the driver's words.

pub use crate::core::StoreError;

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

/// Whether a sqlx error is a UNIQUE violation (looked at before it becomes a `StoreError`).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Whether a sqlx error is a foreign-key violation.
pub(crate) fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_foreign_key_violation())
}

impl From<sqlx::Error> for crate::core::AcceptError {
    fn from(e: sqlx::Error) -> Self {
        crate::core::AcceptError::Store(e.into())
    }
}
