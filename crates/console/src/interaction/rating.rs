//! What the customer sends besides words: their satisfaction answer (shown in the chat's
//! wrap-up when it arrives in time) and their files (saved through the file dialog).

use super::{Action, Interaction};
use livewindow_core::csat::Rating;

impl Interaction {
    pub fn rated(&mut self, rating: Rating) {
        self.wrapup.rated(rating);
    }

    /// The agent asked to save the file of message `id`.
    pub(super) fn save_file(&self, id: i64) -> Action {
        match self
            .messages
            .iter()
            .find(|m| m.id == id)
            .and_then(|m| m.file.as_ref())
        {
            Some(f) => Action::SaveFile {
                message_id: id,
                name: f.name.clone(),
            },
            None => Action::None,
        }
    }
}
