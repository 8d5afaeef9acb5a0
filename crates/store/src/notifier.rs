//! PostgreSQL wake-ups for other processes, coalesced: a commit that wrote events asks for a
//! NOTIFY (or, with `--bus`, a NATS message: bus.rs) and goes on; one task per handle sends it, and the commits that come while one is
//! on its way share the next. A busy server then sends a few hundred notifications a second
//! whatever its write rate, where one per commit would queue every writer behind
//! PostgreSQL's cluster-wide notification lock.

use super::NOTIFY_CHANNEL;
use super::bus::Bus;
use sqlx::AnyPool;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::Notify;

/// The least time between two notifications from one handle.
const GAP: Duration = Duration::from_millis(2);

pub(crate) struct Notifier {
    owed: AtomicBool,
    started: AtomicBool,
    bell: Arc<Notify>,
    pool: AnyPool,
    bus: Option<Arc<Bus>>,
}

impl Notifier {
    pub(crate) fn new(pool: AnyPool, bus: Option<Arc<Bus>>) -> Arc<Notifier> {
        Arc::new(Notifier {
            owed: AtomicBool::new(false),
            started: AtomicBool::new(false),
            bell: Arc::new(Notify::new()),
            pool,
            bus,
        })
    }

    /// Events were committed: other processes hear of it soon.
    pub(crate) fn ask(self: &Arc<Self>) {
        self.owed.store(true, Ordering::SeqCst);
        if !self.started.swap(true, Ordering::SeqCst) {
            tokio::spawn(run(Arc::downgrade(self), self.bell.clone()));
        }
        self.bell.notify_one();
    }
}

/// Sends one notification now (also what a one-shot command does after its commit).
pub(crate) async fn notify(pool: &AnyPool) {
    // Nothing here needs to be durable, so it does not wait for its flush; a lost wake-up
    // costs latency only (subscribers re-read every 2 s).
    if let Err(error) =
        sqlx::query("SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')")
            .bind(NOTIFY_CHANNEL)
            .execute(pool)
            .await
    {
        tracing::warn!("event wake-up not sent: {error}");
    }
}

/// Holds the notifier weakly: it stops within a second of its handle's end.
async fn run(notifier: Weak<Notifier>, bell: Arc<Notify>) {
    loop {
        tokio::select! {
            _ = bell.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {
                if notifier.strong_count() == 0 {
                    return;
                }
                continue;
            }
        }
        let Some(n) = notifier.upgrade() else { return };
        while n.owed.swap(false, Ordering::SeqCst) {
            match &n.bus {
                Some(bus) => bus.wake().await,
                None => notify(&n.pool).await,
            }
            tokio::time::sleep(GAP).await;
        }
    }
}
