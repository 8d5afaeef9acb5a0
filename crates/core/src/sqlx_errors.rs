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
            | sqlx::Error::WorkerCrashed => {
                StoreError::Unavailable(format!("the database cannot be reached ({e})"))
            }
            // The database says it cannot serve now (going away, disk full, I/O), not that
            // the statement is wrong.
            sqlx::Error::Database(d) if d.code().is_some_and(|c| unavailable_code(&c)) => {
                StoreError::Unavailable(format!("the database cannot be reached ({d})"))
            }
            other => StoreError::Database(other.to_string()),
        }
    }
}

/// Whether a database error code says the database cannot serve now, not that the
/// statement is wrong: worth retrying later (a server answers 503 with Retry-After).
/// PostgreSQL's SQLSTATE: class 57 and 08 (going away, connection), 53 (disk full, out of
/// memory, too many connections), 58 (I/O), 25006 (read-only: a standby after failover).
/// SQLite's numeric result codes (primary code in the low byte): BUSY, LOCKED, NOMEM,
/// READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB.
fn unavailable_code(code: &str) -> bool {
    match code.parse::<i64>() {
        Ok(n) if code.len() < 5 || n > 99_999 => matches!(n & 0xff, 5..=8 | 10 | 11 | 13 | 14 | 26),
        _ => ["57", "08", "53", "58"].iter().any(|c| code.starts_with(c)) || code == "25006",
    }
}

impl From<sqlx::Error> for AcceptError {
    fn from(e: sqlx::Error) -> Self {
        AcceptError::Store(e.into())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_that_mean_try_again() {
        for code in [
            "57P01", "08006", "53100", "58030", "25006", "5", "8", "266", "14", "26",
        ] {
            assert!(super::unavailable_code(code), "{code}");
        }
        for code in ["23505", "23503", "42P01", "1", "19", "2067", "787"] {
            assert!(!super::unavailable_code(code), "{code}");
        }
    }
}
