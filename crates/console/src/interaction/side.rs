//! The side panel's dialogs, answered: the Transfer dialog and Contact Search.

use super::{Action, Interaction, Stage};
use crate::{contact_search, transfer, verification};
use livewindow_core::TransferTarget;

impl Interaction {
    pub(super) fn dialog_action(&mut self, m: transfer::Message) -> Action {
        let Some(dialog) = &mut self.transfer else {
            return Action::None;
        };
        // The dialog opens with its first queue focused, once the targets are there.
        let loaded = matches!(m, transfer::Message::Loaded(Ok(_)));
        match dialog.update(m) {
            transfer::Action::None if loaded => match dialog.first() {
                Some(first) => Action::Run(iced::widget::operation::focus(first)),
                None => Action::None,
            },
            transfer::Action::None => Action::None,
            transfer::Action::Transfer { target, note } => Action::Transfer { target, note },
            transfer::Action::Cancel => {
                self.transfer = None;
                Action::None
            }
            transfer::Action::Transferred(TransferTarget::Queue(_), queue) => {
                self.transfer = None;
                Action::TransferredToQueue(queue)
            }
            transfer::Action::Transferred(TransferTarget::Agent(_), agent) => {
                // The chat stays here, and the customer can keep typing, until they accept.
                self.transfer = None;
                self.pending_transfer = Some(agent);
                Action::None
            }
        }
    }

    pub(super) fn search_action(&mut self, m: contact_search::Message) -> Action {
        let Stage::Search(s) = &mut self.stage else {
            return Action::None;
        };
        match s.update(m) {
            contact_search::Action::None => Action::None,
            contact_search::Action::Search(q) => Action::SearchContacts(q),
            contact_search::Action::SearchAccounts(q) => Action::SearchAccounts(q),
            contact_search::Action::Create(draft) => Action::CreateContact(draft),
            contact_search::Action::Chosen(contact) => {
                self.stage = Stage::Verify(verification::State::with(contact));
                Action::None
            }
            contact_search::Action::Back => {
                self.stage = Stage::Verify(verification::State::matching());
                Action::Match
            }
        }
    }
}
