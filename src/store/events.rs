//! The event feed: every change to a chat appends a row to `events` in its own transaction.
//! A subscriber reads rows by id after the last one it saw. Postgres wakes it with
//! LISTEN/NOTIFY, SQLite by polling; either way the read is "everything after my last id",
//! so a reconnect or a lost notification never loses an event. Ids appear in commit order
//! (see `WriteTx::emit`), so reading by id never skips one.

use super::{Backend, NOTIFY_CHANNEL, Result, Store, StoreError};
use crate::core::{Event, EventKind};
use futures::Stream;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

const BATCH: i64 = 500;
/// Postgres subscribers also re-read this often, in case a notification was lost.
const PG_SAFETY_POLL: Duration = Duration::from_secs(2);

/// A live stream of events. Dropping it stops its background task.
pub struct Subscription {
    rx: mpsc::Receiver<Result<Event>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Stream for Subscription {
    type Item = Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for Subscription {
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

impl Store {
    /// The id of the newest event (0 when there is none): subscribe after it to see only
    /// what happens from now on.
    pub async fn last_event_id(&self) -> Result<i64> {
        let id: Option<i64> = sqlx::query_scalar("SELECT max(id) FROM events")
            .fetch_one(self.pool())
            .await?;
        Ok(id.unwrap_or(0))
    }

    /// Up to `limit` events with an id greater than `after_id`, oldest first.
    pub async fn events_after(&self, after_id: i64, limit: i64) -> Result<Vec<Event>> {
        let rows = sqlx::query(
            "SELECT id, kind, chat_id, agent_id, queue_id, message_id, created_ms \
             FROM events WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// Every event after `after_id`, then every new one as it is committed, exactly once
    /// and in order. Errors (a dropped connection) are reported as items; the stream goes on
    /// and catches up from its last id once the database answers again.
    pub fn subscribe(&self, after_id: i64) -> Subscription {
        let (tx, rx) = mpsc::channel(1024);
        let wake = Arc::new(Notify::new());
        let mut tasks = Vec::new();
        if self.backend == Backend::Postgres {
            tasks.push(tokio::spawn(listen(self.url.to_string(), wake.clone())));
        }
        tasks.push(tokio::spawn(feed(self.clone(), after_id, tx, wake)));
        Subscription { rx, tasks }
    }
}

async fn feed(
    store: Store,
    mut last_id: i64,
    tx: mpsc::Sender<Result<Event>>,
    pg_wake: Arc<Notify>,
) {
    let local_wake = store.local_wake.clone();
    let idle = match store.backend {
        Backend::Sqlite => store.poll_interval,
        Backend::Postgres => PG_SAFETY_POLL,
    };
    let mut backoff = Duration::from_millis(100);
    loop {
        // Registered before reading, so a commit that lands during the read still wakes us.
        let local = local_wake.notified();
        tokio::pin!(local);
        local.as_mut().enable();

        match store.events_after(last_id, BATCH).await {
            Ok(events) => {
                backoff = Duration::from_millis(100);
                let full = events.len() as i64 == BATCH;
                for event in events {
                    last_id = event.id;
                    if tx.send(Ok(event)).await.is_err() {
                        return;
                    }
                }
                if full {
                    continue;
                }
            }
            Err(error) => {
                tracing::warn!("event feed: {error}");
                if tx.send(Err(error)).await.is_err() {
                    return;
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        }
        tokio::select! {
            _ = &mut local => {}
            _ = pg_wake.notified() => {}
            _ = tokio::time::sleep(idle) => {}
            _ = tx.closed() => return,
        }
    }
}

/// Turns Postgres notifications into wake-ups. Runs on its own task because
/// `PgListener::try_recv` is not documented as cancel-safe.
async fn listen(url: String, wake: Arc<Notify>) {
    loop {
        let mut listener = match sqlx::postgres::PgListener::connect(&url).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!("event listener cannot connect: {error}");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(NOTIFY_CHANNEL).await {
            tracing::warn!("event listener cannot LISTEN: {error}");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        // Anything committed while we were not listening is read by id.
        wake.notify_one();
        loop {
            match listener.try_recv().await {
                Ok(Some(_)) => wake.notify_one(),
                Ok(None) => {
                    // Reconnected: notifications may have been lost; read by id.
                    wake.notify_one();
                }
                Err(error) => {
                    tracing::warn!("event listener: {error}");
                    wake.notify_one();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
    }
}

impl Store {
    /// Appends one event in a transaction that stays open for `hold` before it commits.
    /// For tests of the feed's ordering: other writers start meanwhile.
    #[doc(hidden)]
    pub async fn emit_held(&self, hold: Duration) -> Result<()> {
        let mut w = self.write().await?;
        w.emit(EventKind::AgentStatus, super::NewEvent::default())
            .await?;
        tokio::time::sleep(hold).await;
        w.commit().await
    }
}
