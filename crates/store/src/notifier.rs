//! PostgreSQL wake-ups for other processes, coalesced (coalesce.rs): a commit that wrote
//! events asks for a NOTIFY (or, with `--bus`, a NATS message: bus.rs) and goes on; one task
//! per handle sends it, and the commits that come while one is on its way share the next.
//! A busy server then sends a few hundred notifications a second
//! whatever its write rate, where one per commit would queue every writer behind
//! PostgreSQL's cluster-wide notification lock.

use super::NOTIFY_CHANNEL;
use super::bus::Bus;
use super::coalesce::{Bell, Owed};
use sqlx::AnyPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The least time between two notifications from one handle.
const GAP: Duration = Duration::from_millis(2);

pub(crate) struct Notifier {
    owed: AtomicBool,
    bell: Bell,
    pool: AnyPool,
    bus: Option<Arc<Bus>>,
    /// The handle's tag, which its own listener skips (wake.rs).
    tag: Arc<str>,
}

impl Notifier {
    pub(crate) fn new(pool: AnyPool, bus: Option<Arc<Bus>>, tag: Arc<str>) -> Arc<Notifier> {
        Arc::new(Notifier {
            owed: AtomicBool::new(false),
            bell: Bell::new(GAP),
            pool,
            bus,
            tag,
        })
    }

    /// Events were committed: other processes hear of it soon.
    pub(crate) fn ask(self: &Arc<Self>) {
        self.owed.store(true, Ordering::SeqCst);
        self.bell.ring(self);
    }
}

impl Owed for Notifier {
    /// Takes the debt: what is committed from here on asks again.
    fn owed(&self) -> bool {
        self.owed.swap(false, Ordering::SeqCst)
    }

    async fn send(&self) {
        match &self.bus {
            Some(bus) => bus.wake(&self.tag).await,
            None => notify(&self.pool, &self.tag).await,
        }
    }
}

/// Sends one notification now, tagged with the sending handle's tag (a one-shot command,
/// which follows no feed, sends an empty one).
pub(crate) async fn notify(pool: &AnyPool, tag: &str) {
    // Nothing here needs to be durable, so it does not wait for its flush; a lost wake-up
    // costs latency only (subscribers re-read every 2 s).
    if let Err(error) =
        sqlx::query("SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)")
            .bind(NOTIFY_CHANNEL)
            .bind(tag)
            .execute(pool)
            .await
    {
        tracing::warn!("event wake-up not sent: {error}");
    }
}
