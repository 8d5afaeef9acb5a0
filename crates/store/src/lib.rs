//! The data layer: one `Store` over SQLite or PostgreSQL (sqlx's `Any` driver, so every query
//! is written once), migrations, queries and the event feed. Never imports iced.
//!
//! SQL is written with `$N` placeholders, which both SQLite and Postgres accept, and with a few
//! tokens that differ per backend (see [`Store::sql`]). Times are BIGINT milliseconds taken
//! from the database's clock, so every desktop agrees on deadlines.

mod admin;
mod admin_data;
mod audit;
mod board;
mod bus;
mod chats;
mod coalesce;
mod console_data;
mod corpus;
mod crm;
mod csat;
mod desk_feed;
mod desks;
mod error;
mod events;
mod feed_hub;
mod files;
mod follow;
mod health;
mod history;
mod memo;
mod messages;
mod notifier;
mod options;
mod presence;
mod rate;
mod recent;
mod replies;
mod role;
mod routing;
pub mod scratch;
mod search;
mod secrets;
mod seed;
mod sessions;
mod sign_in;
mod signals;
mod sqlite_file;
mod supervise;
mod sweep;
mod transfer;
mod users;
mod wake;
pub mod web;
pub mod window;
mod wrapup;
/// Name lists shared by the seed and the simulated customers.
pub mod seed_names {
    pub use super::seed::{FIRST_NAMES, LAST_NAMES};
}

pub use corpus::{CORPUS_AGENTS, TranscriptSeed, Zipf, vocabulary as corpus_vocabulary};
pub use crm::CrmEdit;
pub use csat::Survey;
pub use files::{FilePolicy, NewFile};
pub use secrets::one_time_password;
pub use sessions::{SessionCheck, SessionInfo, SessionUser};
pub use sign_in::{SIGN_IN_ATTEMPTS_PER_MINUTE, SignedIn};
pub use users::{InitialPassword, NewUser, PasswordState, User};
// The domain types live in `core`; they are re-exported here for the store's callers.
pub use console_data::Desk;
pub use desk_feed::{DeskFeed, DeskReader};
pub use events::Subscription;
pub use livewindow_core::crm::{
    Account, AccountDraft, Asset, AssetDraft, Contact, ContactDraft, WorkOrder, WorkOrderDraft,
};
pub use livewindow_core::{
    AcceptError, Agent, Chat, Message, NewMessage, Offer, QueueInfo, StoreError,
};
pub use livewindow_data::admin::ChatFilter;
pub use livewindow_richtext::plain_to_html;
pub use role::Role;
pub use seed::SeedSummary;
pub use signals::Signal;
use sqlite_file::prepare_sqlite_url;
pub use sqlite_file::{default_sqlite_path, sqlite_url};
pub use sweep::{ABSENT_LINE, DISCARD_LINE};

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, AssertSqlSafe, Executor, Transaction};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

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
    /// When this handle last ran the presence and queue rules (`sweep`): every few seconds
    /// is enough for rules counted in minutes.
    last_sweep: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
    /// Wake-ups from other processes, shared by this handle's subscriptions: one LISTEN
    /// connection (Postgres) or one file watcher (SQLite), started by the first subscription.
    pub(crate) db_wake: Arc<wake::DbWake>,
    /// PostgreSQL: the coalesced sender of this handle's wake-ups; `None` for a one-shot
    /// command, which notifies after each commit before it exits.
    notifier: Option<Arc<notifier::Notifier>>,
    /// The shared reader of the feed for this handle's desks (desks.rs), while any follow it.
    desks: Arc<tokio::sync::Mutex<std::sync::Weak<desks::Desks>>>,
    /// PostgreSQL: typing signals, kept off the tables (signals.rs).
    signals: Arc<signals::Signals>,
    /// What every waiting customer's page asks for, read once for all (memo.rs).
    memos: Arc<memo::Memos>,
    /// The messages this process committed lately (recent.rs).
    recent: Arc<recent::Recent>,
}

impl Store {
    /// Opens (and for SQLite creates) the database at `url`, then applies migrations.
    /// A general-purpose handle; see [`Store::open_with`] for a desktop's or a server's.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with(url, Role::General).await
    }

    /// [`Store::open`] with the connection budget of `role`.
    pub async fn open_with(url: &str, role: Role) -> Result<Store> {
        Store::open_on(url, role, None).await
    }

    /// [`Store::open_with`], its wake-ups and signals between processes on the NATS bus at
    /// `bus` when given (PostgreSQL only; see bus.rs).
    pub async fn open_on(url: &str, role: Role, bus: Option<&str>) -> Result<Store> {
        install_default_drivers();
        let backend = backend_of(url)?;
        if bus.is_some() && backend == Backend::Sqlite {
            return Err(StoreError::Config(
                "--bus is for servers on PostgreSQL; SQLite's processes share one machine".into(),
            ));
        }
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
                Backend::Sqlite => role.sqlite_pool(),
                // A team of desktops shares one server's connection limit.
                Backend::Postgres => role.postgres_pool(),
            })
            .acquire_timeout(role.acquire_timeout());
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
        // The bus before the migrations: a wrong address changes nothing in the database.
        let bus = match bus {
            None => None,
            Some(bus) => {
                let database: String = sqlx::query_scalar("SELECT current_database()::text")
                    .fetch_one(&pool)
                    .await?;
                Some(bus::Bus::connect(bus, &database).await?)
            }
        };
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
        let signals = signals::Signals::new(pool.clone(), bus.clone());
        // This handle's wake-ups carry it: its own readers were woken in-process at the
        // commit, so its listener skips them (one read of the events table fewer per commit).
        let tag: Arc<str> = uuid::Uuid::new_v4().simple().to_string().into();
        Ok(Store {
            backend,
            url: url.into(),
            write_lock: (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(()))),
            local_wake: Arc::new(Notify::new()),
            poll_interval: Duration::from_millis(50),
            last_sweep: Arc::default(),
            db_wake: Arc::new(wake::DbWake::new(
                backend,
                &connect_url,
                signals.clone(),
                bus.clone(),
                tag.clone(),
            )),
            notifier: (backend == Backend::Postgres && role != Role::Admin)
                .then(|| notifier::Notifier::new(pool.clone(), bus, tag)),
            desks: Arc::default(),
            signals,
            memos: Arc::default(),
            recent: Arc::default(),
            pool,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// How often SQLite subscribers poll for events written by other processes when the
    /// database's files cannot be watched (with a watcher this is a 1 s safety net).
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
            events: Vec::new(),
            wrote_events: false,
            store_wake: self.local_wake.clone(),
            pool: self.pool.clone(),
            db_wake: self.db_wake.clone(),
            notifier: self.notifier.clone(),
            inserted: Vec::new(),
            recent: self.recent.clone(),
        })
    }

    /// The database's clock, in ms since the epoch.
    pub async fn now_ms(&self) -> Result<i64> {
        let now: i64 = sqlx::query_scalar(self.sql("SELECT NOW_MS"))
            .fetch_one(&self.pool)
            .await?;
        Ok(now)
    }

    /// The pool itself, for the load runs (`livewindow bench`) that measure the database
    /// directly; nothing else outside the store reaches it.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// A write transaction. Events are added with [`WriteTx::emit`] at any point and written
/// together at [`WriteTx::commit`].
pub(crate) struct WriteTx {
    pub tx: Transaction<'static, Any>,
    backend: Backend,
    _guard: Option<OwnedMutexGuard<()>>,
    /// Emitted, not yet written.
    events: Vec<(livewindow_core::EventKind, NewEvent)>,
    wrote_events: bool,
    store_wake: Arc<Notify>,
    pool: AnyPool,
    db_wake: Arc<wake::DbWake>,
    notifier: Option<Arc<notifier::Notifier>>,
    /// Messages inserted, kept in `recent` once the commit succeeded.
    inserted: Vec<livewindow_core::Message>,
    recent: Arc<recent::Recent>,
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
    /// Adds an event, written with the transaction's other events when it commits (so it
    /// becomes visible with the change it describes). Emitting holds no lock: on Postgres
    /// the ids are drawn in one call at commit and readers keep the feed gap-free (see
    /// `events_after` and the migration `event_order`).
    pub async fn emit(&mut self, kind: livewindow_core::EventKind, event: NewEvent) -> Result<()> {
        self.events.push((kind, event));
        Ok(())
    }

    /// Writes the events emitted so far. `commit` does this; a caller rarely needs it.
    pub async fn flush(&mut self) -> Result<()> {
        if self.events.is_empty() {
            return Ok(());
        }
        let events = std::mem::take(&mut self.events);
        let n = events.len();
        match self.backend {
            Backend::Postgres => {
                // One call for all of them: one subtransaction and one round trip.
                let list = |first: usize, cast: &str| {
                    let items: Vec<String> =
                        (0..n).map(|i| format!("${}", i * 5 + first)).collect();
                    format!("ARRAY[{}]::{cast}[]", items.join(", "))
                };
                let sql = format!(
                    "SELECT lw_emit_batch({}, {}, {}, {}, {})",
                    list(1, "text"),
                    list(2, "bigint"),
                    list(3, "bigint"),
                    list(4, "bigint"),
                    list(5, "bigint"),
                );
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for (kind, e) in &events {
                    query = query
                        .bind(kind.as_str())
                        .bind(e.chat_id)
                        .bind(e.agent_id)
                        .bind(e.queue_id)
                        .bind(e.message_id);
                }
                query.execute(&mut *self.tx).await?;
            }
            Backend::Sqlite => {
                // Writers are serialized (BEGIN IMMEDIATE), so ids appear in commit order.
                let rows: Vec<String> = (0..n)
                    .map(|i| {
                        let b = i * 5;
                        format!(
                            "(${}, ${}, ${}, ${}, ${}, NOW_MS)",
                            b + 1,
                            b + 2,
                            b + 3,
                            b + 4,
                            b + 5
                        )
                    })
                    .collect();
                let sql = format!(
                    "INSERT INTO events (kind, chat_id, agent_id, queue_id, message_id, created_ms) \
                     VALUES {}",
                    rows.join(", ")
                );
                let mut query = sqlx::query(sql_for(Backend::Sqlite, &sql));
                for (kind, e) in &events {
                    query = query
                        .bind(kind.as_str())
                        .bind(e.chat_id)
                        .bind(e.agent_id)
                        .bind(e.queue_id)
                        .bind(e.message_id);
                }
                query.execute(&mut *self.tx).await?;
            }
        }
        self.wrote_events = true;
        Ok(())
    }

    /// Adds one event and commits: the usual end of a transaction.
    pub async fn commit_with(
        mut self,
        kind: livewindow_core::EventKind,
        event: NewEvent,
    ) -> Result<()> {
        self.emit(kind, event).await?;
        self.commit().await
    }

    pub async fn commit(mut self) -> Result<()> {
        self.flush().await?;
        self.tx.commit().await?;
        // Before the wake-up, so the readers it wakes find the lines here.
        self.recent.put(std::mem::take(&mut self.inserted));
        if self.wrote_events {
            self.store_wake.notify_waiters();
            // Other processes: SQLite's watchers see the bell file change.
            self.db_wake.ring();
            if self.backend == Backend::Postgres {
                // After the commit, in a transaction of its own: a transaction that notifies
                // holds a cluster-wide lock from just before its commit until the commit is
                // flushed, which would serialize every writer again. Coalesced per handle.
                match &self.notifier {
                    Some(n) => n.ask(),
                    None => notifier::notify(&self.pool, "").await,
                }
            }
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

/// `$1, $2, …, $n`: the placeholders of a list bound one value each.
pub(crate) fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
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
