//! Customers' heartbeats, kept in this process and written together every two seconds: at
//! 5,000 customers a heartbeat each every 5 s was a thousand writes a second, now one
//! statement per 500 chats. The customer-absent rule counts in tens of seconds, so two
//! seconds' delay in `customer_seen_ms` is nothing to it.

use livewindow_store::Store;
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::watch;

/// How often the gathered heartbeats are written.
const EVERY: Duration = Duration::from_secs(2);

#[derive(Default)]
pub struct Seen {
    pending: Mutex<HashSet<i64>>,
}

impl Seen {
    /// The customer of `chat_id` is still there.
    pub fn beat(&self, chat_id: i64) {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(chat_id);
    }

    /// Writes the gathered heartbeats until `stop` turns true, and once more then.
    pub async fn run(&self, store: Store, mut stop: watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let stopping = tokio::select! {
                _ = tick.tick() => false,
                _ = stop.wait_for(|s| *s) => true,
            };
            let chats: Vec<i64> =
                std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()))
                    .into_iter()
                    .collect();
            if !chats.is_empty()
                && let Err(e) = store.customers_seen(&chats).await
            {
                // Kept for the next turn.
                tracing::warn!(error = %e, "customers' heartbeats not written");
                self.pending
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(chats);
            }
            if stopping {
                return;
            }
        }
    }
}
