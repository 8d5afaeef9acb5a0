//! The store's errors are core's [`StoreError`] (its `From<sqlx::Error>` lives in core,
//! behind the `sqlx` feature); here, what the store asks of a driver error first.

use livewindow_core::StoreError;

/// Whether a sqlx error is a UNIQUE violation (looked at before it becomes a `StoreError`).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Whether a sqlx error is a foreign-key violation.
pub(crate) fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_foreign_key_violation())
}

/// A driver error where a queue is named: a foreign-key violation means the queue is not
/// there, said next to the queue field.
pub(crate) fn no_such_queue(e: sqlx::Error) -> StoreError {
    if is_foreign_key_violation(&e) {
        StoreError::invalid_field("queue", "there is no such queue")
    } else {
        e.into()
    }
}
