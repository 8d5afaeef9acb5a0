//! The data layer: one `Store` over SQLite or PostgreSQL (sqlx's `Any` driver, so every query
//! is written once), migrations, queries and the event feed. Never imports iced.
//!
//! SQL is written with `$N` placeholders, which both SQLite and Postgres accept, and with a few
//! tokens that differ per backend (see [`Store::sql`]). Times are BIGINT milliseconds taken
//! from the database's clock, so every desktop agrees on deadlines.

mod admin;
mod chats;
mod console_data;
mod crm;
mod error;
mod events;
mod messages;
mod routing;
pub mod scratch;
mod seed;
pub mod web;
/// Name lists shared by the seed and the simulated customers.
pub mod seed_names {
    pub use super::seed::{FIRST_NAMES, LAST_NAMES};
}

// The domain types live in `core`; they are re-exported here for the store's callers.
pub use crate::core::crm::{
    Account, AccountDraft, Asset, AssetDraft, Contact, ContactDraft, WorkOrder, WorkOrderDraft,
};
pub use crate::core::{
    AcceptError, Agent, Chat, Message, NewMessage, Offer, QueueInfo, StoreError,
};
pub use events::Subscription;
pub use messages::plain_to_html;
pub use seed::SeedSummary;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, AssertSqlSafe, Executor, Transaction};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The Postgres channel every event transaction notifies.
const NOTIFY_CHANNEL: &str = "livewindow_events";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// A handle on the database. Cheap to clone; clones share the pool.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: Arc<str>,
    /// SQLite allows one writer; writers in this process queue here instead of spinning on
    /// SQLITE_BUSY. Other processes are still serialized by `BEGIN IMMEDIATE` + busy_timeout.
    write_lock: Option<Arc<Mutex<()>>>,
    /// Wakes this process's subscribers right after a commit; other processes poll or LISTEN.
    local_wake: Arc<Notify>,
    poll_interval: Duration,
}

/// The SQLite file used when no database URL is given: the platform data directory.
pub fn default_sqlite_path() -> Result<PathBuf> {
    let dir = crate::core::paths::data_dir().ok_or_else(|| {
        StoreError::Config(
            "cannot find a home directory for the default database; pass --database-url".into(),
        )
    })?;
    Ok(dir.join("livewindow.db"))
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

impl Store {
    /// Opens (and for SQLite creates) the database at `url`, then applies migrations.
    pub async fn open(url: &str) -> Result<Store> {
        Self::open_sized(url, None).await
    }

    /// [`Store::open`] with a pool of `max_connections` on PostgreSQL (a server with many
    /// customers needs more than a desktop's few); `None` keeps the default.
    pub async fn open_sized(url: &str, max_connections: Option<u32>) -> Result<Store> {
        install_default_drivers();
        let backend = backend_of(url)?;
        let connect_url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => {
                url::Url::parse(url).map_err(|e| {
                    StoreError::Config(format!("malformed PostgreSQL URL {:?}: {e}", redact(url)))
                })?;
                url.to_string()
            }
        };
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                // A desktop needs few connections; a team of desktops shares one server.
                Backend::Postgres => max_connections.unwrap_or(3),
            })
            .acquire_timeout(Duration::from_secs(30));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL lets readers run beside the writer; the busy timeout covers writers in
                    // other processes (this process queues on `write_lock`).
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 30000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        // One direct connection first: a refused or misnamed server fails at once with the
        // driver's own reason, where the pool would retry until its timeout.
        {
            use sqlx::Connection;
            let conn = sqlx::AnyConnection::connect(&connect_url)
                .await
                .map_err(|e| StoreError::Unreachable(format!("{} ({e})", redact(url))))?;
            let _ = conn.close().await;
        }
        let pool = options
            .connect(&connect_url)
            .await
            .map_err(|e| StoreError::Unreachable(format!("{} ({e})", redact(url))))?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        migrator.run(&pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(v) => StoreError::SchemaNewer(format!(
                "the database has schema version {v}, which this livewindow does not know; it was \
                 written by a newer livewindow (this one knows up to {}); upgrade livewindow",
                migrator.iter().map(|m| m.version).max().unwrap_or(0)
            )),
            other => StoreError::Migrate(other.to_string()),
        })?;
        Ok(Store {
            pool,
            backend,
            url: url.into(),
            write_lock: (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(()))),
            local_wake: Arc::new(Notify::new()),
            poll_interval: Duration::from_millis(50),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// How often SQLite subscribers poll for events written by other processes.
    pub fn set_poll_interval(&mut self, interval: Duration) {
        self.poll_interval = interval;
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Rewrites the per-backend tokens of a statement:
    /// `NOW_MS` (database clock, ms), `LOCK_SKIP` (`FOR UPDATE SKIP LOCKED` on Postgres),
    /// `LOCK_WAIT` (`FOR UPDATE` on Postgres), `LOCK_AGENT` (`FOR UPDATE OF a SKIP LOCKED`
    /// on Postgres, for the agents table aliased `a`). SQLite needs no row locks: `BEGIN IMMEDIATE`
    /// already serializes writers.
    pub(crate) fn sql(&self, statement: &str) -> AssertSqlSafe<String> {
        sql_for(self.backend, statement)
    }

    /// Starts a write transaction. On SQLite it takes the process's write lock and the
    /// database's write lock up front (`BEGIN IMMEDIATE`), so it can never fail half-way
    /// with SQLITE_BUSY on its first write.
    pub(crate) async fn write(&self) -> Result<WriteTx> {
        let guard = match &self.write_lock {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            backend: self.backend,
            _guard: guard,
            wrote_events: false,
            store_wake: self.local_wake.clone(),
        })
    }

    /// The database's clock, in ms since the epoch.
    pub async fn now_ms(&self) -> Result<i64> {
        let now: i64 = sqlx::query_scalar(self.sql("SELECT NOW_MS"))
            .fetch_one(&self.pool)
            .await?;
        Ok(now)
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// A write transaction. Events are appended with [`WriteTx::emit`] as the last statements
/// before [`WriteTx::commit`].
pub(crate) struct WriteTx {
    pub tx: Transaction<'static, Any>,
    backend: Backend,
    _guard: Option<OwnedMutexGuard<()>>,
    wrote_events: bool,
    store_wake: Arc<Notify>,
}

/// An event to append in the same transaction as the change it describes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NewEvent {
    pub chat_id: Option<i64>,
    pub agent_id: Option<i64>,
    pub queue_id: Option<i64>,
    pub message_id: Option<i64>,
}

impl NewEvent {
    /// An event about a chat in a queue.
    pub fn chat(chat_id: i64, queue_id: i64) -> Self {
        NewEvent {
            chat_id: Some(chat_id),
            queue_id: Some(queue_id),
            ..Default::default()
        }
    }

    /// An event about an agent alone (status, presence).
    pub fn agent(agent_id: i64) -> Self {
        NewEvent {
            agent_id: Some(agent_id),
            ..Default::default()
        }
    }

    /// The agent the event concerns.
    pub fn by(self, agent_id: Option<i64>) -> Self {
        NewEvent { agent_id, ..self }
    }

    pub fn message(self, message_id: i64) -> Self {
        NewEvent {
            message_id: Some(message_id),
            ..self
        }
    }
}

impl WriteTx {
    /// Appends an event. On Postgres `lw_emit` (a migration) first takes a transaction-scoped
    /// advisory lock, held to commit: event ids are then handed out in commit order, so a
    /// reader that has seen id N can never later find a smaller id appear. (A sequence alone
    /// does not give this: a transaction can take id 5, and commit after another took id 6.)
    /// Because the lock is held until commit, emitting must be the last thing a transaction
    /// does, after its row locks; it then never waits while holding the lock.
    pub async fn emit(&mut self, kind: crate::core::EventKind, event: NewEvent) -> Result<i64> {
        let id: i64 = match self.backend {
            Backend::Postgres => {
                sqlx::query_scalar("SELECT lw_emit($1, $2, $3, $4, $5)")
                    .bind(kind.as_str())
                    .bind(event.chat_id)
                    .bind(event.agent_id)
                    .bind(event.queue_id)
                    .bind(event.message_id)
                    .fetch_one(&mut *self.tx)
                    .await?
            }
            Backend::Sqlite => sqlx::query_scalar(sql_for(
                Backend::Sqlite,
                "INSERT INTO events (kind, chat_id, agent_id, queue_id, message_id, created_ms) \
                     VALUES ($1, $2, $3, $4, $5, NOW_MS) RETURNING id",
            ))
            .bind(kind.as_str())
            .bind(event.chat_id)
            .bind(event.agent_id)
            .bind(event.queue_id)
            .bind(event.message_id)
            .fetch_one(&mut *self.tx)
            .await?,
        };
        self.wrote_events = true;
        Ok(id)
    }

    /// Appends one event and commits: the usual end of a transaction.
    pub async fn commit_with(
        mut self,
        kind: crate::core::EventKind,
        event: NewEvent,
    ) -> Result<()> {
        self.emit(kind, event).await?;
        self.commit().await
    }

    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        if self.wrote_events {
            self.store_wake.notify_waiters();
        }
        Ok(())
    }
}

/// See [`Store::sql`].
fn sql_for(backend: Backend, statement: &str) -> AssertSqlSafe<String> {
    let (now, skip, wait) = match backend {
        Backend::Sqlite => (
            "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
            "",
            "",
        ),
        Backend::Postgres => (
            "CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT)",
            "FOR UPDATE SKIP LOCKED",
            "FOR UPDATE",
        ),
    };
    let agent_lock = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => "FOR UPDATE OF a SKIP LOCKED",
    };
    AssertSqlSafe(
        statement
            .replace("LOCK_AGENT", agent_lock)
            .replace("NOW_MS", now)
            .replace("LOCK_SKIP", skip)
            .replace("LOCK_WAIT", wait),
    )
}

fn backend_of(url: &str) -> Result<Backend> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::Config(format!(
            "unsupported database URL {:?}: use sqlite://PATH or postgres://USER@HOST/DB",
            redact(url)
        )))
    }
}

/// Makes sure the SQLite file's directory exists and the file is created on first use.
fn prepare_sqlite_url(url: &str) -> Result<String> {
    let rest = url.split_once(':').map(|(_, r)| r).unwrap_or_default();
    let path_part = rest.trim_start_matches("//");
    let (path, query) = match path_part.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_part, None),
    };
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::Config(format!(
            "the SQLite URL {url:?} names no file; use sqlite://PATH (an in-memory database cannot be shared between desktops)"
        )));
    }
    if let Some(parent) = Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::Config(format!("cannot create {}: {e}", parent.display())))?;
    }
    Ok(match query {
        Some(q) if q.contains("mode=") => format!("sqlite://{path}?{q}"),
        Some(q) => format!("sqlite://{path}?{q}&mode=rwc"),
        None => format!("sqlite://{path}?mode=rwc"),
    })
}

/// Hides a password in a URL before it is printed.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("url", &redact(&self.url))
            .finish()
    }
}
