//! The event feed: every change to a chat appends a row to `events` in its own transaction.
//! A subscriber reads rows by id after the last one it saw; the read is "everything after my
//! last id", so a reconnect or a lost wake-up never loses an event.
//!
//! Ids never become readable out of order:
//! - SQLite serializes writers, so ids appear in commit order.
//! - PostgreSQL writers run in parallel and a smaller id can commit after a larger one; a
//!   reader delivers only up to an id that no running transaction can still fall below
//!   (see [`Store::events_after`] and the migration `event_order`).
//!
//! Wake-ups from other processes are shared by all subscriptions of one handle: on Postgres
//! one LISTEN connection (writers notify after they commit), on SQLite one watcher of the
//! database's directory, where writers touch a small "bell" file (`<db>-wake`) after every
//! commit that wrote events. Both keep a slow re-read as a safety net.

use super::feed_hub::{HUB_KEEP, Hub};
use super::wake::{DbWake, WakeHandle};
use super::{Backend, Result, Store, StoreError};
use futures::Stream;
use livewindow_core::{Event, EventKind};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

const BATCH: i64 = 500;
/// Postgres subscribers also re-read this often, in case a notification was lost.
const PG_SAFETY_POLL: Duration = Duration::from_secs(2);
/// SQLite subscribers re-read this often while the directory is watched (writers of older
/// versions, or outside livewindow, do not ring the bell).
const SQLITE_SAFETY_POLL: Duration = Duration::from_secs(1);
/// Postgres: while committed events wait behind a running transaction, re-read after this,
/// doubling up to `HELD_MAX` (a transaction that writes no event sends no wake-up when it
/// ends).
const HELD_FIRST: Duration = Duration::from_millis(2);
const HELD_MAX: Duration = Duration::from_millis(100);
/// How long [`Store::events_after`] waits for held events before it answers without them.
const HELD_PATIENCE: Duration = Duration::from_secs(5);

/// A live stream fed by background tasks: the database's events, or (as
/// [`crate::DeskFeed`]) one agent's desk events. Dropping it stops its tasks.
pub struct Subscription<T = Event> {
    rx: mpsc::Receiver<Result<T>>,
    tasks: Vec<JoinHandle<()>>,
}

impl<T> Subscription<T> {
    /// The stream of what `tasks` send into the channel that `rx` reads.
    pub(crate) fn new(rx: mpsc::Receiver<Result<T>>, tasks: Vec<JoinHandle<()>>) -> Self {
        Subscription { rx, tasks }
    }
}

impl<T> Stream for Subscription<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl<T> Drop for Subscription<T> {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn event_from_row(row: &AnyRow) -> Result<Event> {
    let kind: String = row.try_get("kind")?;
    Ok(Event {
        id: row.try_get("id")?,
        kind: EventKind::parse(&kind)
            .ok_or_else(|| StoreError::Database(format!("unknown event kind {kind:?}")))?,
        chat_id: row.try_get("chat_id")?,
        agent_id: row.try_get("agent_id")?,
        queue_id: row.try_get("queue_id")?,
        message_id: row.try_get("message_id")?,
        created_ms: row.try_get("created_ms")?,
    })
}

/// The columns of an event, as `event_from_row` reads them.
const EVENT_COLUMNS: &str = "id, kind, chat_id, agent_id, queue_id, message_id, created_ms";

/// Postgres: the condition that an event row (alias `e`) is safe to read, with `hz` the
/// age of the statement's snapshot xmin. Its `xmin` (the subtransaction that inserted it,
/// whose xid was drawn after the row's id) is at or below the snapshot's xmin, so every
/// transaction that drew a smaller id has ended. `age` compares 32-bit xids around the
/// current one; a negative age is a row old enough to have wrapped (older than any running
/// transaction), and a frozen row has the largest age.
const SETTLED: &str = "(age(e.xmin) >= hz.age OR age(e.xmin) < 0)";
/// The age of the snapshot's xmin, for [`SETTLED`]; in the same statement as the read, so
/// it is the read's own snapshot.
const HORIZON: &str = "(SELECT age(pg_snapshot_xmin(pg_current_snapshot())::xid) AS age) hz";

/// A page of the feed.
struct Page {
    events: Vec<Event>,
    /// Committed events beyond the page wait for a running transaction to end.
    held: bool,
}

impl Store {
    /// The id of the newest event that nothing can still fall below (0 when there is none):
    /// subscribe after it to see only what happens from now on.
    pub async fn last_event_id(&self) -> Result<i64> {
        let sql = match self.backend {
            Backend::Sqlite => "SELECT max(id) FROM events".to_string(),
            // Backwards from the newest: only the few rows of transactions that are still
            // settling are passed over.
            Backend::Postgres => format!(
                "SELECT e.id FROM events e, {HORIZON} WHERE {SETTLED} ORDER BY e.id DESC LIMIT 1"
            ),
        };
        let id: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_optional(self.pool())
            .await?
            .flatten();
        Ok(id.unwrap_or(0))
    }

    /// Up to `limit` events with an id greater than `after_id`, oldest first; on Postgres
    /// only those that can be read without ever skipping one (see [`Store::subscribe`]).
    /// Committed events that wait behind a running transaction (on Postgres, any in the
    /// cluster that took its xid before them) are waited for, up to `HELD_PATIENCE`, so a
    /// caller sees what it has just committed.
    pub async fn events_after(&self, after_id: i64, limit: i64) -> Result<Vec<Event>> {
        let started = std::time::Instant::now();
        let mut wait = HELD_FIRST;
        loop {
            let page = self.page(after_id, limit).await?;
            if !page.held || started.elapsed() >= HELD_PATIENCE {
                return Ok(page.events);
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(HELD_MAX);
        }
    }

    async fn page(&self, after_id: i64, limit: i64) -> Result<Page> {
        match self.backend {
            Backend::Sqlite => {
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {EVENT_COLUMNS} FROM events WHERE id > $1 ORDER BY id LIMIT $2"
                )))
                .bind(after_id)
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
                Ok(Page {
                    events: rows.iter().map(event_from_row).collect::<Result<_>>()?,
                    held: false,
                })
            }
            Backend::Postgres => {
                // Every visible event up to the newest settled one: a settled row proves
                // that every transaction that drew a smaller id has ended, so those rows are
                // all here (even ones whose own row is not settled yet). One statement, so
                // the horizon and the rows come from one snapshot. The outer row always
                // exists and carries the newest visible id, to tell "held" from "nothing".
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "WITH upto AS ( \
                       SELECT e.id FROM events e, {HORIZON} \
                       WHERE e.id > $1 AND {SETTLED} ORDER BY e.id DESC LIMIT 1) \
                     SELECT top.newest, r.* FROM (SELECT max(id) AS newest FROM events) top \
                     LEFT JOIN LATERAL ( \
                       SELECT {EVENT_COLUMNS} FROM events \
                       WHERE id > $1 AND id <= (SELECT id FROM upto) ORDER BY id LIMIT $2) r ON true"
                )))
                .bind(after_id)
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
                let mut events = Vec::with_capacity(rows.len());
                let mut newest = after_id;
                for row in &rows {
                    newest = row.try_get::<Option<i64>, _>("newest")?.unwrap_or(0);
                    if row.try_get::<Option<i64>, _>("id")?.is_some() {
                        events.push(event_from_row(row)?);
                    }
                }
                let last = events.last().map_or(after_id, |e| e.id);
                Ok(Page {
                    held: newest > last && (events.len() as i64) < limit,
                    events,
                })
            }
        }
    }

    /// Every event after `after_id`, then every new one as it is committed, exactly once
    /// and in order. Errors (a dropped connection) are reported as items; the stream goes on
    /// and catches up from its last id once the database answers again.
    ///
    /// All subscriptions of one handle share one reader of the table (its [`Hub`]): a wake-up
    /// costs one query per handle, not one per subscription.
    pub fn subscribe(&self, after_id: i64) -> Subscription {
        let (tx, rx) = mpsc::channel(1024);
        let hub = self.db_wake.hub(self, after_id);
        let tasks = vec![tokio::spawn(follow(self.clone(), hub, after_id, tx))];
        Subscription::new(rx, tasks)
    }
}

impl DbWake {
    /// The handle's hub, started at `after_id` if none runs.
    fn hub(self: &Arc<Self>, store: &Store, after_id: i64) -> Arc<Hub> {
        let mut slot = self.hub.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hub) = slot.upgrade() {
            return hub;
        }
        let hub = Arc::new(Hub::new(after_id));
        *slot = Arc::downgrade(&hub);
        let wake = self.join();
        tokio::spawn(read_into(
            store.clone(),
            Arc::downgrade(&hub),
            after_id,
            wake,
        ));
        hub
    }
}

/// A subscription: takes its events from the hub, or from the table while it is behind
/// what the hub keeps.
async fn follow(store: Store, hub: Arc<Hub>, mut last_id: i64, tx: mpsc::Sender<Result<Event>>) {
    let mut changed = hub.changed.subscribe();
    let mut errors_seen = 0u64;
    loop {
        changed.borrow_and_update();
        let (batch, behind, error) = {
            let state = hub.state.lock().unwrap_or_else(|e| e.into_inner());
            let error = match &state.error {
                Some((n, e)) if *n > errors_seen => {
                    errors_seen = *n;
                    Some(e.clone())
                }
                _ => None,
            };
            if last_id < state.start {
                (Vec::new(), true, error)
            } else {
                let from = state.events.partition_point(|e| e.id <= last_id);
                (state.events.range(from..).cloned().collect(), false, error)
            }
        };
        if let Some(error) = error
            && tx.send(Err(error)).await.is_err()
        {
            return;
        }
        if behind {
            // Catch up from the table: its pages are gap-free too, and reach the hub's start.
            match store.page(last_id, BATCH).await {
                Ok(page) if !page.events.is_empty() => {
                    for event in page.events {
                        last_id = event.id;
                        if tx.send(Ok(event)).await.is_err() {
                            return;
                        }
                    }
                    continue;
                }
                Ok(_) => {}
                Err(error) => {
                    if tx.send(Err(error)).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
            }
        }
        for event in batch {
            last_id = event.id;
            if tx.send(Ok(event)).await.is_err() {
                return;
            }
        }
        tokio::select! {
            r = changed.changed() => if r.is_err() { return },
            // Behind and the table had nothing settled yet: look again soon.
            _ = tokio::time::sleep(Duration::from_millis(50)), if behind => {}
            _ = tx.closed() => return,
        }
    }
}

/// The hub's reader: reads the table after its last id whenever this process commits or
/// another one signals, as long as some subscription holds the hub.
async fn read_into(store: Store, hub: Weak<Hub>, mut last_id: i64, mut wake: Option<WakeHandle>) {
    let local_wake = store.local_wake.clone();
    let idle = match (store.backend, wake.is_some()) {
        (Backend::Postgres, _) => PG_SAFETY_POLL,
        (Backend::Sqlite, true) => SQLITE_SAFETY_POLL,
        (Backend::Sqlite, false) => store.poll_interval,
    };
    let mut backoff = Duration::from_millis(100);
    let mut held_wait = HELD_FIRST;
    let mut errors = 0u64;
    loop {
        // Registered before reading, so a commit that lands during the read still wakes us.
        let local = local_wake.notified();
        tokio::pin!(local);
        local.as_mut().enable();
        if let Some(wake) = &mut wake {
            wake.rx.borrow_and_update();
        }

        let mut wait = idle;
        let result = store.page(last_id, BATCH).await;
        let Some(hub) = hub.upgrade() else { return };
        match result {
            Ok(page) => {
                backoff = Duration::from_millis(100);
                let full = page.events.len() as i64 == BATCH;
                if let Some(last) = page.events.last() {
                    last_id = last.id;
                    let mut state = hub.state.lock().unwrap_or_else(|e| e.into_inner());
                    state.head = last_id;
                    state.events.extend(page.events);
                    while state.events.len() > HUB_KEEP {
                        if let Some(gone) = state.events.pop_front() {
                            state.start = gone.id;
                        }
                    }
                    drop(state);
                    hub.changed.send_modify(|n| *n = n.wrapping_add(1));
                }
                if full {
                    continue;
                }
                if page.held {
                    wait = held_wait;
                    held_wait = (held_wait * 2).min(HELD_MAX);
                } else {
                    held_wait = HELD_FIRST;
                }
            }
            Err(error) => {
                tracing::warn!("event feed: {error}");
                errors += 1;
                hub.state.lock().unwrap_or_else(|e| e.into_inner()).error = Some((errors, error));
                hub.changed.send_modify(|n| *n = n.wrapping_add(1));
                drop(hub);
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        }
        drop(hub);
        let changed = async {
            let ok = match &mut wake {
                Some(wake) => wake.rx.changed().await.is_ok(),
                None => false,
            };
            if !ok {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            _ = &mut local => {}
            _ = changed => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

impl Store {
    /// Appends one event in a transaction that says so on `ready` once the event is written
    /// (its id drawn), then stays open until `go`. For tests of the feed's ordering: other
    /// writers start meanwhile.
    #[doc(hidden)]
    pub async fn emit_held(
        &self,
        ready: tokio::sync::oneshot::Sender<()>,
        go: tokio::sync::oneshot::Receiver<()>,
    ) -> Result<()> {
        let mut w = self.write().await?;
        w.emit(EventKind::AgentStatus, super::NewEvent::default())
            .await?;
        // Written now (draws its id), not at commit.
        w.flush().await?;
        let _ = ready.send(());
        let _ = go.await;
        w.commit().await
    }
}

impl Store {
    /// A transaction that takes its transaction id at once, says so on `ready`, waits for
    /// `go`, then appends one event and commits. For tests of the feed's ordering: a writer
    /// whose xid is older than a running one's, but whose event id is newer.
    #[doc(hidden)]
    pub async fn emit_with_early_xid(
        &self,
        ready: tokio::sync::oneshot::Sender<()>,
        go: tokio::sync::oneshot::Receiver<()>,
    ) -> Result<()> {
        let mut w = self.write().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_current_xact_id()::text")
                .execute(&mut *w.tx)
                .await?;
        }
        let _ = ready.send(());
        let _ = go.await;
        w.emit(EventKind::AgentStatus, super::NewEvent::default())
            .await?;
        w.commit().await
    }
}
