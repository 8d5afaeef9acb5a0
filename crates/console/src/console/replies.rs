//! The standard replies the agent sees: read at start and once a minute (with the
//! settings), and handed to every chat's composer for its "/" list.

use super::{Console, Message};
use iced::Task;
use livewindow_core::StoreError;
use livewindow_core::reply::StandardReply;

impl Console {
    pub(super) fn load_replies(&self) -> Task<Message> {
        Task::perform(self.data.replies(), Message::Replies)
    }

    /// The replies as read; unchanged ones are not handed out again.
    pub(super) fn replies_loaded(
        &mut self,
        r: Result<Vec<StandardReply>, StoreError>,
    ) -> Task<Message> {
        match r {
            Ok(list) => {
                if self.work.replies.as_ref() != list.as_slice() {
                    self.work.replies = list.into();
                    for c in &mut self.work.chats {
                        c.set_replies(self.work.replies.clone());
                    }
                }
            }
            // The "/" list keeps what it had; the next minute tries again.
            Err(e) => tracing::info!("standard replies not read: {e}"),
        }
        Task::none()
    }

    /// The standard replies the agent sees.
    pub fn replies(&self) -> &[StandardReply] {
        &self.work.replies
    }
}
