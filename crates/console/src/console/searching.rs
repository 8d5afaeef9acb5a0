//! The Search tab's actions, done: a search, an earlier chat opened from a hit, the
//! queues and agents of its filters. Each answer goes back to the tab.

use super::{Console, Message, View};
use crate::search::{self, Action};
use iced::Task;

impl Console {
    /// The Search tab.
    pub fn search(&self) -> &search::Search {
        &self.work.search
    }

    /// Ctrl+Shift+F: the Search tab in front, its box focused; the filters' queues and
    /// agents are read the first time.
    pub(super) fn search_tab(&mut self) -> Task<Message> {
        self.work.view = View::Search;
        let focus = iced::widget::operation::focus(search::INPUT);
        if self.work.search.has_targets() {
            return focus;
        }
        let targets = Task::perform(self.data.transfer_targets(), |r| {
            Message::Search(search::Message::Targets(r))
        });
        Task::batch([focus, targets])
    }

    pub(super) fn on_search(&mut self, m: search::Message) -> Task<Message> {
        let now = self.db_now();
        match self.work.search.update(m, now) {
            Action::None => Task::none(),
            Action::Search(seq, q) => Task::perform(self.data.search_messages(q), move |r| {
                Message::Search(search::Message::Found(seq, r))
            }),
            Action::Open(chat) => {
                Task::perform(self.data.past_chat(chat, crate::past::NEWEST), |r| {
                    Message::Search(search::Message::Opened(Box::new(r)))
                })
            }
        }
    }
}
