//! What a chat holds, read by the console, its views and the tests: plain getters over its
//! state, apart from `update` so that file keeps to the messages.

use super::{
    Chat, ChatMessage, Composer, Document, EndReason, Interaction, Outgoing, Stage, composer_id,
    screen_pop, verification,
};

impl Interaction {
    /// The chat as the console last heard of it.
    pub fn chat(&self) -> &Chat {
        &self.chat
    }

    /// Where the keyboard focus goes when this chat comes to the front: the dialog's primary
    /// action while verifying, else the composer.
    pub fn focus_target(&self) -> Option<iced::widget::Id> {
        match &self.stage {
            Stage::Verify(v) if v.has_contact() => {
                Some(iced::widget::Id::new(verification::VERIFY))
            }
            // The match is on its way; its answer moves the focus (`Message::Matched`).
            Stage::Verify(_) => None,
            Stage::Search(_) => Some(iced::widget::Id::new("contact-search")),
            Stage::Pop(_) => Some(composer_id(self.chat.id)),
        }
    }

    pub fn verified(&self) -> bool {
        matches!(self.stage, Stage::Pop(_))
    }

    pub fn unread(&self) -> usize {
        self.unread
    }

    pub fn ended(&self) -> Option<EndReason> {
        self.ended
    }

    /// The agent a transfer of this chat waits on, if any.
    pub fn pending_transfer(&self) -> Option<&str> {
        self.pending_transfer.as_deref()
    }

    pub fn composer(&self) -> &Composer {
        &self.composer
    }

    pub fn messages(&self) -> &[ChatMessage] {
        &self.messages
    }

    /// The document of a formatted message, as the transcript draws it.
    pub fn document(&self, message_id: i64) -> Option<&Document> {
        self.rich.get(&message_id)
    }

    /// Messages not confirmed by the store yet.
    pub fn outbox(&self) -> &[Outgoing] {
        &self.outbox
    }

    /// The unsent draft: (plain text, HTML when formatted).
    pub fn draft(&self) -> (String, Option<String>) {
        (self.composer.draft_text(), self.composer.draft_html())
    }

    pub fn pop_tab(&self) -> screen_pop::Tab {
        match &self.stage {
            Stage::Pop(p) => p.tab(),
            _ => screen_pop::Tab::Accounts,
        }
    }
}
