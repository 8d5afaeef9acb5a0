//! Throw-away databases for tests and benchmarks: a temporary SQLite file, or a fresh
//! database on a Postgres server, dropped again when the `Scratch` is dropped.

use super::{Result, StoreError};
use sqlx::{Connection, Executor};

pub struct Scratch {
    /// The URL to open with `Store::open`.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl Scratch {
    /// `server` None: a new SQLite file in a temporary directory. `server` a postgres://
    /// URL: a new database on that server.
    pub async fn new(server: Option<&str>) -> Result<Scratch> {
        match server {
            None => {
                let dir = tempfile::tempdir().map_err(|e| {
                    StoreError::Config(format!("cannot make a temporary directory: {e}"))
                })?;
                let url = super::sqlite_url(&dir.path().join("livewindow.db"));
                Ok(Scratch {
                    url,
                    _dir: Some(dir),
                    postgres: None,
                })
            }
            Some(server) => {
                let name = format!("lw_scratch_{}", uuid::Uuid::new_v4().simple());
                let mut admin = sqlx::PgConnection::connect(server).await.map_err(|e| {
                    StoreError::Unreachable(format!("{} ({e})", super::redact(server)))
                })?;
                admin
                    .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await?;
                let _ = admin.close().await;
                let mut url = url::Url::parse(server)
                    .map_err(|e| StoreError::Config(format!("malformed PostgreSQL URL: {e}")))?;
                url.set_path(&name);
                Ok(Scratch {
                    url: url.to_string(),
                    _dir: None,
                    postgres: Some((server.to_string(), name)),
                })
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        // Drop may run inside a runtime; do the async work on a thread of its own.
        let worker = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&server).await {
                    let _ = admin
                        .execute(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .await;
                }
            });
        });
        let _ = worker.join();
    }
}
