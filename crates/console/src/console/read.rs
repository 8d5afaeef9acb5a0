//! What the console holds, read by its views, the app and the tests: plain getters over
//! its state, apart from `update` so that file keeps to the messages.

use super::{Console, Data, Interaction, Offers, View};
use livewindow_core::{Agent, QueueStat, StoreError};

impl Console {
    /// The data interface, for the app's subscriptions.
    pub fn data(&self) -> &Data {
        &self.data
    }

    /// The agent this console speaks for.
    pub fn agent(&self) -> &Agent {
        &self.me.agent
    }

    /// Whether another console of the agent took over.
    pub fn stopped(&self) -> bool {
        self.me.stopped
    }

    /// The offers waiting for the agent's answer.
    pub fn offers(&self) -> &Offers {
        &self.work.offers
    }

    /// The agent's chats open in the console, in their order.
    pub fn chats(&self) -> &[Interaction] {
        &self.work.chats
    }

    /// The queues the agent works, at a glance.
    pub fn queues(&self) -> &[QueueStat] {
        &self.work.queues
    }

    /// Which top-level tab is in front.
    pub fn front(&self) -> View {
        self.work.view
    }

    /// The chat chosen in the Live Window tab.
    pub fn selected(&self) -> Option<i64> {
        self.work.selected
    }

    /// The newest feed event seen: the feed resumes after it.
    pub fn last_event(&self) -> i64 {
        self.last_event
    }

    /// The last error the data gave, until the next success clears it.
    pub fn error(&self) -> Option<&StoreError> {
        self.error.as_ref()
    }

    /// The database's "now", as this desktop best knows it.
    pub fn db_now(&self) -> i64 {
        chrono::Utc::now().timestamp_millis() + self.clock.offset_ms
    }

    /// Whether the database is not answering now: a tick has waited over 1.5 s, or the last
    /// call failed to reach it.
    pub fn reconnecting(&self) -> bool {
        self.clock
            .tick_since
            .is_some_and(|t| t.elapsed() > std::time::Duration::from_millis(1500))
            || self.error.as_ref().is_some_and(StoreError::is_unavailable)
    }

    /// Chats waiting in the agent's queues.
    pub fn waiting(&self) -> i64 {
        self.work.queues.iter().map(|q| q.waiting).sum()
    }

    /// This console's desk id.
    pub fn desk(&self) -> &str {
        &self.me.desk
    }

    /// Active interactions: what the badge shows.
    pub fn active(&self) -> usize {
        self.work
            .chats
            .iter()
            .filter(|c| c.ended().is_none())
            .count()
    }

    pub fn chat(&self, id: i64) -> Option<&Interaction> {
        self.work.chats.iter().find(|c| c.chat().id == id)
    }

    /// The chat whose conversation is on screen now, if any.
    pub fn in_view(&self) -> Option<i64> {
        match self.work.view {
            View::Chat(id) => Some(id),
            View::Home => self
                .work
                .selected
                .filter(|id| self.chat(*id).is_some_and(|c| !c.verified())),
            View::Supervisor | View::Search => None,
        }
    }
}
