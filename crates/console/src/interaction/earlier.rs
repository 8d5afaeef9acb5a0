//! The customer's earlier conversations in a chat: whose they are (the email's before
//! verification, the contact's after), and the history screen's actions, passed up.

use super::{Action, Interaction};
use crate::history::{self, History};
use livewindow_core::history::HistoryOf;

impl Interaction {
    /// Whose earlier chats this chat shows.
    fn history_of(&self) -> HistoryOf {
        match self.chat.contact_id {
            Some(contact) => HistoryOf::Contact(contact),
            None => HistoryOf::SameEmailAs(self.chat.id),
        }
    }

    /// Reads the earlier chats from the start, those of the contact once the chat is
    /// verified.
    pub fn load_history(&mut self) -> Action {
        let of = self.history_of();
        if self.history.of() != of {
            self.history = History::new(of, self.chat.id);
        }
        let a = self.history.load();
        self.history_action(a)
    }

    pub(super) fn on_history(&mut self, m: history::Message) -> Action {
        let a = self.history.update(m);
        self.history_action(a)
    }

    fn history_action(&self, a: history::Action) -> Action {
        match a {
            history::Action::None => Action::None,
            history::Action::Load(q) => Action::LoadHistory(q),
            history::Action::Open(place, chat) => Action::OpenPast(place, chat),
        }
    }

    pub fn history(&self) -> &History {
        &self.history
    }
}
