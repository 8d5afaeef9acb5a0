//! One reader of the event feed per process for all of its desks. Each event is looked at
//! once and handed only to the desks it concerns (the agent it names, the desks that follow
//! its chat), each deciding through its own [`Follow`]: a server with a thousand desktops
//! does not wake a thousand tasks for every customer's line. The queues' figures are read
//! once for all desks, at most every half second, and so is the supervisors' board (each
//! supervisor's desk gets the changes to its part). A desk that joins behind the reader
//! catches up from the table on its own, then takes what was dispatched meanwhile, then
//! goes live; a desk that falls too far behind is dropped and joins again the same way.

use super::follow::{Follow, Step};
use super::{Result, Store};
use futures::StreamExt;
use livewindow_core::supervise::{Board, BoardDelta};
use livewindow_core::{Event, EventKind, QueueStat, StoreError};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::mpsc;

/// What a desk may have waiting; a desk this far behind is dropped and joins again.
const DESK_QUEUE: usize = 1024;
/// Events kept for a joining desk while it catches up; beyond this it starts again.
const JOIN_BUFFER: usize = 20_000;
/// Queue figures are read at most this often, however many events change them.
const QUEUES_EVERY: Duration = Duration::from_millis(500);
/// The board is read again this often with no event, for its last-hour figures.
const BOARD_AT_LEAST: Duration = Duration::from_secs(10);

/// What the shared reader hands a live desk.
#[derive(Debug)]
pub(crate) enum Live {
    /// What event `id` means at the desk.
    Step(i64, Step),
    /// What a typing signal (no event of the feed) means at the desk.
    Signal(Step),
    /// The figures of the desk's queues changed.
    Queues(Vec<QueueStat>),
    /// What changed on the supervisor's board.
    Board(BoardDelta),
    /// The feed could not be read for a moment; it catches up by itself.
    Error(StoreError),
}

enum Slot {
    /// Catching up from the table; what is dispatched meanwhile waits here, one copy of
    /// each event shared by all the desks joining (500 desktops joining at once under load
    /// held 20,000 events each: 751 MB).
    Joining { buffer: Vec<Arc<Event>> },
    Live {
        follow: Box<Follow>,
        /// The figures last sent, to send only changes.
        queues: Option<Vec<QueueStat>>,
        /// A supervisor's board as last sent.
        board: Option<Box<Board>>,
    },
}

struct Desk {
    slot: Slot,
    tx: mpsc::Sender<Live>,
}

#[derive(Default)]
struct State {
    /// The id of the last event dispatched.
    head: i64,
    next_key: u64,
    desks: HashMap<u64, Desk>,
    joining: HashSet<u64>,
    /// Live desks by agent, and by the chats their offers and chats are.
    by_agent: HashMap<i64, Vec<u64>>,
    by_chat: HashMap<i64, Vec<u64>>,
    queues_owed: bool,
    /// The queues' figures as last read and when: a desktop signing in starts from them
    /// (a thousand signing in at 9 o'clock make one read, not a thousand).
    figures: Option<(std::time::Instant, Figures)>,
    /// An event may have changed the board since it was last read.
    board_owed: bool,
}

fn unindex(map: &mut HashMap<i64, Vec<u64>>, id: i64, key: u64) {
    if let Some(keys) = map.get_mut(&id) {
        keys.retain(|k| *k != key);
        if keys.is_empty() {
            map.remove(&id);
        }
    }
}

impl State {
    fn remove(&mut self, key: u64) {
        self.joining.remove(&key);
        if let Some(Desk {
            slot: Slot::Live { follow, .. },
            ..
        }) = self.desks.remove(&key)
        {
            unindex(&mut self.by_agent, follow.agent, key);
            for chat in follow.chats() {
                unindex(&mut self.by_chat, *chat, key);
            }
        }
    }

    /// Keeps `by_chat` true for `key` and `chat` after its follow changed.
    fn reindex(&mut self, key: u64, chat: i64, follows: bool) {
        let keys = self.by_chat.entry(chat).or_default();
        let has = keys.contains(&key);
        if follows && !has {
            keys.push(key);
        } else if !follows && has {
            unindex(&mut self.by_chat, chat, key);
        } else if keys.is_empty() {
            self.by_chat.remove(&chat);
        }
    }

    fn dispatch(&mut self, e: &Event) {
        self.head = self.head.max(e.id);
        if e.kind.changes_queues() || e.kind == EventKind::AgentStatus {
            self.queues_owed = true;
        }
        if e.kind != EventKind::Typing {
            self.board_owed = true;
        }
        let mut overflowed = Vec::new();
        // Built only while a desk joins: most events meet none.
        if !self.joining.is_empty() {
            let shared = Arc::new(e.clone());
            for key in &self.joining {
                if let Some(Desk {
                    slot: Slot::Joining { buffer, .. },
                    ..
                }) = self.desks.get_mut(key)
                {
                    buffer.push(shared.clone());
                    if buffer.len() > JOIN_BUFFER {
                        overflowed.push(*key);
                    }
                }
            }
        }
        let mut keys: Vec<u64> = Vec::new();
        if let Some(agent) = e.agent_id {
            keys.extend(self.by_agent.get(&agent).into_iter().flatten());
        }
        if let Some(chat) = e.chat_id {
            for key in self.by_chat.get(&chat).into_iter().flatten() {
                if !keys.contains(key) {
                    keys.push(*key);
                }
            }
        }
        for key in keys {
            let Some(Desk {
                slot: Slot::Live { follow, .. },
                tx,
            }) = self.desks.get_mut(&key)
            else {
                continue;
            };
            let step = follow.step(e);
            let follows = e.chat_id.map(|chat| (chat, follow.follows(chat)));
            if step != Step::Skip && tx.try_send(Live::Step(e.id, step)).is_err() {
                overflowed.push(key);
            }
            if let Some((chat, follows)) = follows {
                self.reindex(key, chat, follows);
            }
        }
        for key in overflowed {
            // Dropping its sender tells the desk: it joins again from its last id.
            self.remove(key);
        }
    }
}

impl State {
    /// A typing signal, to the live desks that follow its chat; one a desk has no room for
    /// is dropped (the next keystroke sends another).
    fn signal(&mut self, e: &Event) {
        let Some(chat) = e.chat_id else { return };
        for key in self.by_chat.get(&chat).into_iter().flatten() {
            if let Some(Desk {
                slot: Slot::Live { follow, .. },
                tx,
            }) = self.desks.get_mut(key)
            {
                let step = follow.step(e);
                if step != Step::Skip {
                    let _ = tx.try_send(Live::Signal(step));
                }
            }
        }
    }
}

/// The shared reader's state; the reading task holds it weakly and stops with the last desk.
pub(crate) struct Desks {
    state: Mutex<State>,
}

/// How a joining desk's [`Desks::go_live`] went.
pub(crate) enum GoLive {
    Live,
    /// Events were dispatched while it caught up: take them first, then try again.
    Pending(Box<Follow>, Vec<Arc<Event>>),
    /// It fell too far behind while joining: join again.
    Dropped,
}

/// A desk's place at the shared reader; dropping it removes the desk.
pub(crate) struct Joined {
    desks: Arc<Desks>,
    key: u64,
    /// The id of the last event dispatched when the desk joined: it catches up to here.
    pub head: i64,
    pub rx: mpsc::Receiver<Live>,
}

impl Drop for Joined {
    fn drop(&mut self) {
        self.desks.lock().remove(self.key);
    }
}

impl Joined {
    pub fn go_live(&self, follow: Follow) -> GoLive {
        let mut state = self.desks.lock();
        let Some(desk) = state.desks.get_mut(&self.key) else {
            return GoLive::Dropped;
        };
        let Slot::Joining { buffer, .. } = &mut desk.slot else {
            return GoLive::Live;
        };
        if !buffer.is_empty() {
            return GoLive::Pending(Box::new(follow), std::mem::take(buffer));
        }
        let chats: Vec<i64> = follow.chats().copied().collect();
        let agent = follow.agent;
        let supervises = follow.board.is_some();
        desk.slot = Slot::Live {
            follow: Box::new(follow),
            queues: None,
            board: None,
        };
        state.joining.remove(&self.key);
        state.by_agent.entry(agent).or_default().push(self.key);
        for chat in chats {
            state.reindex(self.key, chat, true);
        }
        // Its first figures (and a supervisor's first board) come with the next read.
        state.queues_owed = true;
        state.board_owed |= supervises;
        GoLive::Live
    }

    /// A transfer of the desk's chat was answered: accepted, the chat is no longer its.
    pub fn answered(&self, chat: i64, accepted: bool) {
        let mut state = self.desks.lock();
        let Some(Desk {
            slot: Slot::Live { follow, .. },
            ..
        }) = state.desks.get_mut(&self.key)
        else {
            return;
        };
        follow.answered(chat, accepted);
        let follows = follow.follows(chat);
        state.reindex(self.key, chat, follows);
    }
}

impl Desks {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn join(self: &Arc<Self>) -> Joined {
        let (tx, rx) = mpsc::channel(DESK_QUEUE);
        let mut state = self.lock();
        let key = state.next_key;
        state.next_key += 1;
        state.desks.insert(
            key,
            Desk {
                slot: Slot::Joining { buffer: Vec::new() },
                tx,
            },
        );
        state.joining.insert(key);
        Joined {
            desks: self.clone(),
            key,
            head: state.head,
            rx,
        }
    }

    fn fail(&self, error: &StoreError) {
        let state = self.lock();
        for desk in state.desks.values() {
            if let Slot::Live { .. } = desk.slot {
                let _ = desk.tx.try_send(Live::Error(error.clone()));
            }
        }
    }

    /// Sends each live desk the figures of its queues, where they changed.
    fn queues(&self, figures: Figures) {
        let mut state = self.lock();
        for desk in state.desks.values_mut() {
            let Slot::Live { follow, queues, .. } = &mut desk.slot else {
                continue;
            };
            let mine = theirs(&figures, follow.agent);
            if queues.as_ref() != Some(&mine)
                && desk.tx.try_send(Live::Queues(mine.clone())).is_ok()
            {
                *queues = Some(mine);
            }
        }
        state.figures = Some((std::time::Instant::now(), figures));
    }

    fn owes_queues(&self) -> bool {
        std::mem::take(&mut self.lock().queues_owed)
    }

    /// Whether a supervisor watches and the board may have changed (or `stale`: its
    /// last-hour figures are due); takes the debt.
    fn owes_board(&self, stale: bool) -> bool {
        let mut state = self.lock();
        let watched = state.desks.values().any(|d| match &d.slot {
            Slot::Live { follow, .. } => follow.board.is_some(),
            Slot::Joining { .. } => false,
        });
        watched && (std::mem::take(&mut state.board_owed) || stale)
    }

    /// Sends each supervisor's desk what changed on their part of the board.
    fn boards(&self, all: &Board) {
        let mut state = self.lock();
        for desk in state.desks.values_mut() {
            let Slot::Live { follow, board, .. } = &mut desk.slot else {
                continue;
            };
            let Some(scope) = &follow.board else {
                continue;
            };
            let mine = all.scoped(scope);
            let delta = board.as_deref().unwrap_or(&Board::default()).diff(&mine);
            if (board.is_none() || !delta.is_empty())
                && desk.tx.try_send(Live::Board(delta)).is_ok()
            {
                *board = Some(Box::new(mine));
            }
        }
    }
}

impl Store {
    /// This process's shared reader of the feed for desks, started by the first desk.
    pub(crate) async fn desks(&self) -> Result<Arc<Desks>> {
        let mut slot = self.desks.lock().await;
        if let Some(desks) = slot.upgrade() {
            return Ok(desks);
        }
        let head = self.last_event_id().await?;
        let desks = Arc::new(Desks {
            state: Mutex::new(State {
                head,
                ..State::default()
            }),
        });
        *slot = Arc::downgrade(&desks);
        tokio::spawn(read(self.clone(), Arc::downgrade(&desks), head));
        Ok(desks)
    }
}

/// Every queue's figures, and which queues each agent works (`Store::queue_figures`).
type Figures = (Vec<QueueStat>, HashMap<i64, HashSet<i64>>);

/// The figures of the queues `agent` works, in the order of all of them.
fn theirs((all, members): &Figures, agent: i64) -> Vec<QueueStat> {
    let theirs = members.get(&agent);
    all.iter()
        .filter(|q| theirs.is_some_and(|t| t.contains(&q.id)))
        .cloned()
        .collect()
}

/// How old the shared figures may be to start a desk with; the desk's feed sends it the
/// current ones once it is live anyway.
const FIGURES_FRESH: Duration = Duration::from_secs(2);

impl Store {
    /// The figures of `agent`'s queues as this process's shared reader last read them, when
    /// it reads for live desks and that was at most [`FIGURES_FRESH`] ago.
    pub(crate) async fn shared_queue_figures(&self, agent: i64) -> Option<Vec<QueueStat>> {
        let desks = self.desks.lock().await.upgrade()?;
        let state = desks.lock();
        let (at, figures) = state.figures.as_ref()?;
        (at.elapsed() <= FIGURES_FRESH).then(|| theirs(figures, agent))
    }
}

/// The shared reader: every event once, to the desks it concerns; the queues' figures
/// when events changed them.
async fn read(store: Store, desks: Weak<Desks>, head: i64) {
    let mut events = store.subscribe(head);
    let mut signals = store.signals();
    let mut tick = tokio::time::interval(QUEUES_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut board_read = std::time::Instant::now();
    loop {
        tokio::select! {
            event = events.next() => {
                let Some(desks) = desks.upgrade() else { return };
                match event {
                    Some(Ok(e)) => desks.lock().dispatch(&e),
                    Some(Err(error)) => desks.fail(&error),
                    None => return,
                }
            }
            signal = signals.recv() => {
                let Some(desks) = desks.upgrade() else { return };
                // A reader that fell behind lost typing dots only.
                if let Ok(signal) = signal {
                    desks.lock().signal(&signal.event());
                }
            }
            _ = tick.tick() => {
                let Some(desks) = desks.upgrade() else { return };
                if desks.owes_board(board_read.elapsed() >= BOARD_AT_LEAST) {
                    board_read = std::time::Instant::now();
                    match store.board().await {
                        Ok(board) => desks.boards(&board),
                        Err(error) => {
                            desks.lock().board_owed = true;
                            desks.fail(&error);
                        }
                    }
                }
                if !desks.owes_queues() {
                    continue;
                }
                match store.queue_figures().await {
                    Ok(figures) => desks.queues(figures),
                    Err(error) => {
                        desks.lock().queues_owed = true;
                        desks.fail(&error);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joining_desks_share_one_copy_of_each_event() {
        let desks = Arc::new(Desks {
            state: Mutex::new(State::default()),
        });
        let (a, b) = (desks.join(), desks.join());
        let e = Event {
            id: 5,
            kind: EventKind::ChatQueued,
            chat_id: Some(1),
            agent_id: None,
            queue_id: Some(1),
            message_id: None,
            created_ms: 0,
        };
        desks.lock().dispatch(&e);
        desks.lock().dispatch(&Event { id: 6, ..e.clone() });
        let buffers: Vec<Vec<Arc<Event>>> = {
            let state = desks.lock();
            [a.key, b.key]
                .iter()
                .map(|k| match &state.desks[k].slot {
                    Slot::Joining { buffer } => buffer.clone(),
                    Slot::Live { .. } => panic!("not joining"),
                })
                .collect()
        };
        let ids: Vec<i64> = buffers[0].iter().map(|e| e.id).collect();
        assert_eq!(ids, [5, 6]);
        for (x, y) in buffers[0].iter().zip(&buffers[1]) {
            assert!(Arc::ptr_eq(x, y), "event {} copied per desk", x.id);
        }
    }
}
