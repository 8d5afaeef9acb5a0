//! The Supervisor tab: the queues, agents and chats of the queues the user supervises,
//! kept from the board's changes in their feed (never read row by row), sortable and
//! filtered; a chat opened with *Monitor* (`watch`), with whisper, join, move and end; an
//! agent's status set; requests for help flagged at the top. No IO: `update` returns what
//! the console must do.

mod view;
mod watch;

pub use watch::{Message as WatchMessage, WHISPER, Watch};

use iced::Task;
use livewindow_core::supervise::{Board, BoardDelta, ChatRow, Phase, Supervision};
use livewindow_core::{AgentStatus, Chat, Message as ChatMessage, StoreError};
use livewindow_data::Monitored;
use std::cmp::Reverse;
use std::collections::HashSet;

/// Rows of the chats' table shown at once; the pages hold the rest.
pub const PAGE: usize = 50;

/// What the chats' table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Queue,
    Agent,
    Customer,
    Phase,
    /// Time waiting, or active, or in wrap-up.
    Time,
    /// Time since the customer's last message.
    Silence,
}

/// A choice of the queue filter: every queue, or one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePick {
    pub id: Option<i64>,
    pub name: String,
}

impl std::fmt::Display for QueuePick {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// A choice of the state filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhasePick(pub Option<Phase>);

impl std::fmt::Display for PhasePick {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            None => f.write_str("Every state"),
            Some(p) => p.fmt(f),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    /// What changed on the board (from the feed).
    Board(BoardDelta),
    Queue(QueuePick),
    Phase(PhasePick),
    Sort(Column),
    Page(usize),
    Monitor(i64),
    Monitored(Box<Result<Monitored, StoreError>>),
    Watch(watch::Message),
    Dismiss(i64),
    SetStatus(i64, AgentStatus),
    /// An action's answer.
    Done(Result<(), StoreError>),
    /// A line in the watched chat (from the feed).
    Arrived(Box<ChatMessage>),
    /// The watched chat as it is now (it ended).
    Changed(Box<Chat>),
    CustomerTyping(i64),
}

/// What the console must do for the tab.
pub enum Action {
    None,
    Run(Task<Message>),
    Monitor(i64),
    Supervise(Supervision),
    /// A new request for help: a desktop notification.
    Notify {
        summary: String,
        body: String,
    },
    ReadClipboard,
    WriteClipboard {
        html: String,
        plain: String,
    },
}

pub struct Supervisor {
    board: Board,
    /// The first board arrived.
    ready: bool,
    queue: Option<i64>,
    phase: Option<Phase>,
    sort: Column,
    descending: bool,
    page: usize,
    watch: Option<Watch>,
    /// Requests for help already notified, by chat.
    announced: HashSet<i64>,
    error: Option<String>,
    /// Whether the composer is formatted (the agent's setting).
    rich: bool,
}

impl Supervisor {
    pub fn new(rich: bool) -> Supervisor {
        Supervisor {
            board: Board::default(),
            ready: false,
            queue: None,
            phase: None,
            sort: Column::Time,
            descending: true,
            page: 0,
            watch: None,
            announced: HashSet::new(),
            error: None,
            rich,
        }
    }

    pub fn board(&self) -> &Board {
        &self.board
    }

    pub fn watching(&self) -> Option<&Watch> {
        self.watch.as_ref()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Chats whose agents ask for help, oldest call first.
    pub fn calls(&self) -> Vec<&ChatRow> {
        let mut calls: Vec<&ChatRow> = self
            .board
            .chats
            .values()
            .filter(|c| c.help_ms.is_some())
            .collect();
        calls.sort_by_key(|c| (c.help_ms, c.id));
        calls
    }

    /// The chats' table as filtered and sorted, every page (`now`: the database's time).
    pub fn rows(&self, now: i64) -> Vec<&ChatRow> {
        let mut rows: Vec<&ChatRow> = self
            .board
            .chats
            .values()
            .filter(|c| self.queue.is_none_or(|q| c.queue_id == q))
            .filter(|c| self.phase.is_none_or(|p| c.phase == p))
            .collect();
        let queue = |c: &ChatRow| {
            self.board
                .queues
                .get(&c.queue_id)
                .map(|q| q.name.to_lowercase())
        };
        match self.sort {
            Column::Queue => rows.sort_by_cached_key(|c| (queue(c), c.id)),
            Column::Agent => {
                rows.sort_by_cached_key(|c| (c.agent.as_ref().map(|a| a.to_lowercase()), c.id))
            }
            Column::Customer => rows.sort_by_cached_key(|c| (c.customer.to_lowercase(), c.id)),
            Column::Phase => rows.sort_by_key(|c| (c.phase, c.id)),
            // Longest first when descending.
            Column::Time => rows.sort_by_key(|c| (Reverse(now - c.since_ms), c.id)),
            Column::Silence => {
                rows.sort_by_key(|c| (Reverse(c.customer_last_ms.map_or(0, |t| now - t)), c.id))
            }
        }
        // Time and silence sort longest first by default; the others A to Z.
        let natural = matches!(self.sort, Column::Time | Column::Silence);
        if self.descending != natural {
            rows.reverse();
        }
        rows
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Board(delta) => self.apply(delta),
            Message::Queue(pick) => {
                self.queue = pick.id;
                self.page = 0;
                Action::None
            }
            Message::Phase(pick) => {
                self.phase = pick.0;
                self.page = 0;
                Action::None
            }
            Message::Sort(column) => {
                if self.sort == column {
                    self.descending = !self.descending;
                } else {
                    self.sort = column;
                    self.descending = matches!(column, Column::Time | Column::Silence);
                }
                self.page = 0;
                Action::None
            }
            Message::Page(page) => {
                self.page = page;
                Action::None
            }
            Message::Monitor(chat) => {
                self.error = None;
                Action::Monitor(chat)
            }
            Message::Monitored(r) => match *r {
                Ok(m) => {
                    self.watch = Some(Watch::new(m, self.rich));
                    Action::None
                }
                Err(e) => {
                    self.error = Some(crate::sentence("The chat did not open", &e));
                    Action::None
                }
            },
            Message::Watch(m) => self.on_watch(m),
            Message::Dismiss(chat) => Action::Supervise(Supervision::Dismiss { chat_id: chat }),
            Message::SetStatus(agent_id, status) => {
                Action::Supervise(Supervision::SetStatus { agent_id, status })
            }
            Message::Done(Ok(())) => {
                self.error = None;
                Action::None
            }
            Message::Done(Err(e)) => {
                self.error = Some(crate::sentence("That did not go through", &e));
                Action::None
            }
            Message::Arrived(m) => {
                if let Some(w) = self.watch.as_mut().filter(|w| w.chat().id == m.chat_id) {
                    w.receive(*m);
                }
                Action::None
            }
            Message::Changed(chat) => {
                if let Some(w) = self.watch.as_mut().filter(|w| w.chat().id == chat.id) {
                    w.changed(*chat);
                }
                Action::None
            }
            Message::CustomerTyping(chat) => {
                if let Some(w) = self.watch.as_mut().filter(|w| w.chat().id == chat) {
                    w.customer_typing();
                }
                Action::None
            }
        }
    }

    fn on_watch(&mut self, m: watch::Message) -> Action {
        let Some(w) = self.watch.as_mut() else {
            return Action::None;
        };
        let chat_id = w.chat().id;
        match w.update(m) {
            watch::Action::None => Action::None,
            watch::Action::Run(task) => Action::Run(task.map(Message::Watch)),
            watch::Action::Supervise(act) => Action::Supervise(act),
            watch::Action::Close => {
                self.watch = None;
                Action::Supervise(Supervision::StopMonitor { chat_id })
            }
            watch::Action::ReadClipboard => Action::ReadClipboard,
            watch::Action::WriteClipboard { html, plain } => Action::WriteClipboard { html, plain },
        }
    }

    /// The board's changes; a request for help not seen before is notified once.
    fn apply(&mut self, delta: BoardDelta) -> Action {
        self.board.apply(delta);
        self.ready = true;
        let pages = self.board.chats.len().div_ceil(PAGE).max(1);
        self.page = self.page.min(pages - 1);
        let new: Vec<(String, String)> = self
            .calls()
            .into_iter()
            .filter(|c| !self.announced.contains(&c.id))
            .map(|c| {
                let agent = c.agent.clone().unwrap_or_default();
                (
                    format!("{agent} asks for help"),
                    format!("Chat with {}", c.customer),
                )
            })
            .collect();
        let calling: HashSet<i64> = self.calls().iter().map(|c| c.id).collect();
        self.announced.retain(|id| calling.contains(id));
        self.announced.extend(calling);
        match new.into_iter().next() {
            Some((summary, body)) => Action::Notify { summary, body },
            None => Action::None,
        }
    }
}
