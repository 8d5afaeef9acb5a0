//! A sender that coalesces: callers say something is owed and go on; one task per owner
//! sends, at most once every `gap`, and whatever is owed while it sends goes with the next.
//! The events' wake-ups (notifier.rs) and the typing signals (signals.rs) both use it.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::Notify;

/// What a coalescing sender sends.
pub(crate) trait Owed: Send + Sync + 'static {
    /// Whether something waits to be sent.
    fn owed(&self) -> bool;
    /// Sends what waits.
    fn send(&self) -> impl Future<Output = ()> + Send;
}

/// The task's bell, started by the first ring.
pub(crate) struct Bell {
    started: AtomicBool,
    bell: Arc<Notify>,
    gap: Duration,
}

impl Bell {
    pub(crate) fn new(gap: Duration) -> Bell {
        Bell {
            started: AtomicBool::new(false),
            bell: Arc::new(Notify::new()),
            gap,
        }
    }

    /// Something is owed by `owner`: its task sends it soon.
    pub(crate) fn ring<T: Owed>(&self, owner: &Arc<T>) {
        if !self.started.swap(true, Ordering::SeqCst) {
            tokio::spawn(run(Arc::downgrade(owner), self.bell.clone(), self.gap));
        }
        self.bell.notify_one();
    }
}

/// Holds its owner weakly: it stops within a second of the owner's end.
async fn run<T: Owed>(owner: Weak<T>, bell: Arc<Notify>, gap: Duration) {
    loop {
        tokio::select! {
            _ = bell.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {
                if owner.strong_count() == 0 {
                    return;
                }
                continue;
            }
        }
        let Some(o) = owner.upgrade() else { return };
        while o.owed() {
            o.send().await;
            tokio::time::sleep(gap).await;
        }
    }
}
