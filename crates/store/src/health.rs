//! Whether the database can serve: what `livewindow server`'s `/readyz` asks.

use super::{Backend, Result, Store, StoreError};
use sqlx::Connection;

impl Store {
    /// Ok when the database answers a read of a real table and could take a write: on
    /// PostgreSQL not a standby nor read-only; on SQLite the file opens and reads afresh (a
    /// pooled connection keeps reading a file that was removed, replaced or made unreadable).
    pub async fn check_ready(&self) -> Result<()> {
        let _: Option<i64> = sqlx::query_scalar("SELECT max(id) FROM events")
            .fetch_one(self.pool())
            .await?;
        match self.backend {
            Backend::Postgres => {
                let read_only: i64 = sqlx::query_scalar(
                    "SELECT CAST(CASE WHEN pg_is_in_recovery() \
                     OR current_setting('transaction_read_only') = 'on' THEN 1 ELSE 0 END AS BIGINT)",
                )
                .fetch_one(self.pool())
                .await?;
                if read_only != 0 {
                    return Err(StoreError::Unavailable("the database is read-only".into()));
                }
            }
            Backend::Sqlite => {
                let (path, _) = super::sqlite_file::sqlite_path(&self.url);
                let mut conn = sqlx::AnyConnection::connect(&format!("sqlite://{path}?mode=rw"))
                    .await
                    .map_err(|e| {
                        StoreError::Unavailable(format!("cannot open the database: {e}"))
                    })?;
                let read: std::result::Result<i64, _> =
                    sqlx::query_scalar("SELECT count(*) FROM sqlite_master")
                        .fetch_one(&mut conn)
                        .await;
                let _ = conn.close().await;
                read.map_err(|e| {
                    StoreError::Unavailable(format!("cannot read the database: {e}"))
                })?;
            }
        }
        Ok(())
    }
}
