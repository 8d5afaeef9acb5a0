//! Ephemeral signals: someone is typing in a chat. Nobody needs one a few seconds later, so
//! on PostgreSQL they never touch a table: a signal reaches this process's readers at once
//! (a broadcast), and other processes through the bus (NATS, with `--bus`) or else as the
//! payload of a notification. Those sent within a few milliseconds travel together, so a
//! busy server sends a few hundred a second however many chats are typing. Lost ones are
//! lost: the next keystroke sends another. On SQLite (one machine) typing stays an event of
//! the feed, which every process there already follows.

use super::bus::Bus;
use super::coalesce::{Bell, Owed};
use livewindow_core::{Event, EventKind};
use serde::{Deserialize, Serialize};
use sqlx::AnyPool;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;

/// The PostgreSQL notification channel of signals, beside the events' wake-ups.
pub(crate) const SIGNAL_CHANNEL: &str = "livewindow_signals";
/// The least time between two sends from one handle.
const GAP: Duration = Duration::from_millis(10);
/// Signals per notification: PostgreSQL's payload is at most 8,000 bytes.
const PER_NOTE: usize = 200;
/// What a slow reader may miss before it skips ahead (it loses typing dots, nothing else).
const LOCAL_BACKLOG: usize = 4096;

/// Someone typing in a chat: the customer (`agent_id` None) or an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    pub chat_id: i64,
    pub agent_id: Option<i64>,
}

impl Signal {
    /// The signal as the feed's readers take a typing event; id 0, as it is no row.
    pub fn event(&self) -> Event {
        Event {
            id: 0,
            kind: EventKind::Typing,
            chat_id: Some(self.chat_id),
            agent_id: self.agent_id,
            queue_id: None,
            message_id: None,
            created_ms: 0,
        }
    }
}

/// What travels between processes: who sent it (to skip one's own) and the signals.
#[derive(Serialize, Deserialize)]
struct Note {
    from: u64,
    typing: Vec<(i64, Option<i64>)>,
}

/// One handle's signals: its readers' broadcast and its outbox to other processes.
pub(crate) struct Signals {
    /// Tells apart this handle's notes from other processes' (and other handles').
    origin: u64,
    local: broadcast::Sender<Signal>,
    outbox: Mutex<Vec<Signal>>,
    bell: Bell,
    pool: AnyPool,
    bus: Option<Arc<Bus>>,
}

impl Signals {
    pub(crate) fn new(pool: AnyPool, bus: Option<Arc<Bus>>) -> Arc<Signals> {
        Arc::new(Signals {
            origin: rand::random(),
            local: broadcast::channel(LOCAL_BACKLOG).0,
            outbox: Mutex::new(Vec::new()),
            bell: Bell::new(GAP),
            pool,
            bus,
        })
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Signal> {
        self.local.subscribe()
    }

    /// To this process's readers now, and to the others' soon.
    pub(crate) fn send(self: &Arc<Self>, signal: Signal) {
        let _ = self.local.send(signal);
        self.outbox
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(signal);
        self.bell.ring(self);
    }

    /// A note from another process (or handle): to this process's readers.
    pub(crate) fn receive(&self, payload: &[u8]) {
        let Ok(note) = serde_json::from_slice::<Note>(payload) else {
            tracing::debug!("a signal note that does not parse was ignored");
            return;
        };
        if note.from == self.origin {
            return;
        }
        for (chat_id, agent_id) in note.typing {
            let _ = self.local.send(Signal { chat_id, agent_id });
        }
    }
}

impl Owed for Signals {
    fn owed(&self) -> bool {
        !self
            .outbox
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// Sends what waits, in notes of at most [`PER_NOTE`] signals.
    async fn send(&self) {
        let waiting = std::mem::take(&mut *self.outbox.lock().unwrap_or_else(|e| e.into_inner()));
        for chunk in waiting.chunks(PER_NOTE) {
            let note = Note {
                from: self.origin,
                typing: chunk.iter().map(|s| (s.chat_id, s.agent_id)).collect(),
            };
            let Ok(payload) = serde_json::to_string(&note) else {
                continue;
            };
            match &self.bus {
                Some(bus) => bus.signal(payload.into_bytes()).await,
                None => {
                    // Not durable, so not waited for; never inside a writer's transaction.
                    if let Err(error) = sqlx::query(
                        "SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)",
                    )
                    .bind(SIGNAL_CHANNEL)
                    .bind(payload)
                    .execute(&self.pool)
                    .await
                    {
                        tracing::debug!("typing signal not sent: {error}");
                    }
                }
            }
        }
    }
}

impl super::Store {
    /// The typing signals of this database from now on, from every process (PostgreSQL;
    /// on SQLite typing comes in the event feed instead). A reader that falls behind
    /// skips ahead.
    pub fn signals(&self) -> broadcast::Receiver<Signal> {
        self.signals.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_note_reaches_readers_once_and_never_its_sender() {
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .connect_lazy("sqlite::memory:")
            .expect("a pool that connects when used");
        let (a, b) = (Signals::new(pool.clone(), None), Signals::new(pool, None));
        let mut heard = b.subscribe();
        let note = Note {
            from: a.origin,
            typing: vec![(7, None), (8, Some(3))],
        };
        let payload = serde_json::to_vec(&note).expect("a note");
        b.receive(&payload);
        assert_eq!(
            heard.try_recv().ok(),
            Some(Signal {
                chat_id: 7,
                agent_id: None
            })
        );
        assert_eq!(
            heard.try_recv().ok(),
            Some(Signal {
                chat_id: 8,
                agent_id: Some(3)
            })
        );
        assert!(heard.try_recv().is_err());
        // Its own note comes back from the bus or the database: not passed on twice.
        let mut own = a.subscribe();
        a.receive(&payload);
        assert!(own.try_recv().is_err());
        // Garbage is ignored.
        b.receive(b"{not json");
        assert!(heard.try_recv().is_err());
    }
}
