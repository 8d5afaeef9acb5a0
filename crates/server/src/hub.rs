//! The process's fan-out: one subscription to the event feed (one LISTEN connection on
//! PostgreSQL, one poller on SQLite) for the whole process, handing each event to the
//! sockets of its chat. A socket that cannot keep up is cut off; its page reconnects and
//! resyncs from its last message id, so nothing is lost. Agent sockets will tap the same
//! hub (by agent, by queue) beside the customers'.

use futures::StreamExt;
use livewindow_core::Event;
use livewindow_store::Store;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, mpsc, watch};

/// Events a socket may have waiting before it counts as too slow.
const SOCKET_BACKLOG: usize = 256;

/// A socket's sending end, with the id that unregisters it.
type Sink = (u64, mpsc::Sender<Arc<Event>>);

pub struct Hub {
    chats: Mutex<HashMap<i64, Vec<Sink>>>,
    /// Sockets open per chat and per address, for their caps; counted apart from `chats`,
    /// which forgets a slow socket's sink before the socket has closed.
    open: Mutex<Open>,
    /// Queue ids whose waiting line changed: waiting pages refresh their place.
    queues: broadcast::Sender<i64>,
    next_id: AtomicU64,
    /// The feed answered its last read.
    healthy: AtomicBool,
    /// The newest event handed out: `/readyz` and tests read it.
    last_event: AtomicU64,
    shutdown: watch::Sender<bool>,
    sockets: AtomicUsize,
}

#[derive(Default)]
struct Open {
    by_chat: HashMap<i64, usize>,
    by_address: HashMap<String, usize>,
}

/// Why a socket was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooMany {
    Chat,
    Address,
}

/// A socket's tap on one chat's events; dropping it unregisters.
pub struct Tap {
    hub: Arc<Hub>,
    chat_id: i64,
    id: u64,
    /// The address it counts against, when it was opened under the caps.
    address: Option<String>,
    pub rx: mpsc::Receiver<Arc<Event>>,
}

impl Drop for Tap {
    fn drop(&mut self) {
        if let Ok(mut chats) = self.hub.chats.lock()
            && let Some(taps) = chats.get_mut(&self.chat_id)
        {
            taps.retain(|(id, _)| *id != self.id);
            if taps.is_empty() {
                chats.remove(&self.chat_id);
            }
        }
        if let Some(address) = &self.address
            && let Ok(mut open) = self.hub.open.lock()
        {
            decrement(&mut open.by_chat, &self.chat_id);
            decrement(&mut open.by_address, address);
        }
        self.hub.sockets.fetch_sub(1, Ordering::Relaxed);
    }
}

fn decrement<K: std::hash::Hash + Eq>(counts: &mut HashMap<K, usize>, key: &K) {
    if let Some(n) = counts.get_mut(key) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            counts.remove(key);
        }
    }
}

impl Hub {
    /// Starts following the feed from the newest event.
    pub async fn start(store: Store) -> livewindow_store::Result<Arc<Hub>> {
        let after = store.last_event_id().await?;
        let (queues, _) = broadcast::channel(1024);
        let hub = Arc::new(Hub {
            chats: Mutex::new(HashMap::new()),
            open: Mutex::default(),
            queues,
            next_id: AtomicU64::new(1),
            healthy: AtomicBool::new(true),
            last_event: AtomicU64::new(after.max(0) as u64),
            shutdown: watch::channel(false).0,
            sockets: AtomicUsize::new(0),
        });
        tokio::spawn(run(Arc::downgrade(&hub), store, after));
        Ok(hub)
    }

    /// A tap on one chat's events from now on.
    pub fn tap(self: &Arc<Self>, chat_id: i64) -> Tap {
        let (tx, rx) = mpsc::channel(SOCKET_BACKLOG);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut chats) = self.chats.lock() {
            chats.entry(chat_id).or_default().push((id, tx));
        }
        self.sockets.fetch_add(1, Ordering::Relaxed);
        Tap {
            hub: self.clone(),
            chat_id,
            id,
            address: None,
            rx,
        }
    }

    /// A tap for a socket of `address` on `chat_id`, unless that chat or that address has
    /// its most sockets open already. Checked and counted in one step, so concurrent
    /// sockets cannot pass the caps together.
    pub fn try_tap(
        self: &Arc<Self>,
        chat_id: i64,
        address: &str,
        per_chat: usize,
        per_address: usize,
    ) -> Result<Tap, TooMany> {
        {
            let Ok(mut open) = self.open.lock() else {
                return Err(TooMany::Chat);
            };
            if open.by_chat.get(&chat_id).copied().unwrap_or(0) >= per_chat {
                return Err(TooMany::Chat);
            }
            if open.by_address.get(address).copied().unwrap_or(0) >= per_address {
                return Err(TooMany::Address);
            }
            *open.by_chat.entry(chat_id).or_default() += 1;
            *open.by_address.entry(address.to_string()).or_default() += 1;
        }
        let mut tap = self.tap(chat_id);
        tap.address = Some(address.to_string());
        Ok(tap)
    }

    pub fn queue_changes(&self) -> broadcast::Receiver<i64> {
        self.queues.subscribe()
    }

    pub fn is_healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed)
    }

    pub fn sockets(&self) -> usize {
        self.sockets.load(Ordering::Relaxed)
    }

    /// Tells every socket to have its page reconnect (elsewhere) and close.
    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    pub fn shutting_down(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    pub fn is_shutting_down(&self) -> bool {
        *self.shutdown.borrow()
    }

    fn dispatch(&self, event: Event) {
        self.last_event
            .store(event.id.max(0) as u64, Ordering::Relaxed);
        if event.kind.changes_queues()
            && let Some(q) = event.queue_id
        {
            let _ = self.queues.send(q);
        }
        self.deliver(event);
    }

    /// Hands an event (or a typing signal as one) to the sockets of its chat.
    fn deliver(&self, event: Event) {
        let Some(chat_id) = event.chat_id else { return };
        let Ok(mut chats) = self.chats.lock() else {
            return;
        };
        let Some(taps) = chats.get_mut(&chat_id) else {
            return;
        };
        let event = Arc::new(event);
        // A full or closed tap is dropped: its socket sees the channel end and has its page
        // reconnect, which resyncs by message id.
        taps.retain(|(_, tx)| tx.try_send(event.clone()).is_ok());
        if taps.is_empty() {
            chats.remove(&chat_id);
        }
    }
}

async fn run(hub: std::sync::Weak<Hub>, store: Store, after: i64) {
    let mut events = store.subscribe(after);
    // Typing on PostgreSQL: signals, not events (the store's signals.rs).
    let mut signals = store.signals();
    loop {
        tokio::select! {
            item = events.next() => {
                let Some(item) = item else { return };
                let Some(hub) = hub.upgrade() else { return };
                match item {
                    Ok(event) => {
                        hub.healthy.store(true, Ordering::Relaxed);
                        hub.dispatch(event);
                    }
                    Err(error) => {
                        hub.healthy.store(false, Ordering::Relaxed);
                        tracing::warn!(%error, "event feed");
                    }
                }
            }
            signal = signals.recv() => {
                let Some(hub) = hub.upgrade() else { return };
                // A hub that fell behind lost typing dots only.
                if let Ok(signal) = signal {
                    hub.deliver(signal.event());
                }
            }
        }
    }
}
