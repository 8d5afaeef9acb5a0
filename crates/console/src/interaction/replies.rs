//! Standard replies in a chat: the list the composer's "/" shows, and a chosen reply's
//! variables filled from this chat (its customer, agent, queue and the verified contact's
//! account) before it goes into the composer.

use super::{Action, Interaction, Message, Stage};
use crate::replies::{self, Panel};
use livewindow_core::reply::{StandardReply, Values, fill};
use std::sync::Arc;

impl Interaction {
    /// The replies the agent sees, for the composer's "/" list.
    pub fn set_replies(&mut self, replies: Arc<[StandardReply]>) {
        if let Some(p) = &mut self.replies {
            p.set_replies(replies.clone());
        }
        self.composer.set_replies(replies);
    }

    /// The Replies panel, while open.
    pub fn replies_panel(&self) -> Option<&Panel> {
        self.replies.as_ref()
    }

    /// The Replies panel opened or closed, and its messages.
    pub(super) fn on_replies(&mut self, m: Message) -> Action {
        match m {
            Message::RepliesPanel if self.replies.is_some() => self.replies = None,
            Message::RepliesPanel => {
                self.replies = Some(Panel::new(self.agent_id, self.composer.replies()));
                return Action::Run(iced::widget::operation::focus(replies::SEARCH));
            }
            Message::Replies(m) => {
                let Some(panel) = &mut self.replies else {
                    return Action::None;
                };
                let opened_form = matches!(m, replies::Message::New | replies::Message::Edit(_));
                match panel.update(m) {
                    replies::Action::None if opened_form => {
                        return Action::Run(iced::widget::operation::focus(replies::NAME));
                    }
                    replies::Action::None => {}
                    replies::Action::Insert(reply) => return self.insert_reply(&reply),
                    replies::Action::Save(id, draft) => return Action::SaveReply(id, draft),
                    replies::Action::Remove(id) => return Action::RemoveReply(id),
                    replies::Action::Close => self.replies = None,
                }
            }
            _ => {}
        }
        Action::None
    }

    /// What the variables stand for in this chat.
    pub fn reply_values(&self) -> Values {
        Values {
            customer_name: Some(self.chat.customer_name.clone()),
            agent_name: Some(self.agent_name.clone()),
            queue_name: Some(self.chat.queue_name.clone()),
            contact_account: match &self.stage {
                Stage::Pop(p) => p.account().map(|a| a.name.clone()),
                _ => None,
            },
        }
    }

    /// A reply chosen in the "/" list: filled, inserted, and its use counted. A reply's
    /// templates were checked when it was saved; one that no longer reads goes in as it is.
    pub(super) fn insert_reply(&mut self, reply: &StandardReply) -> Action {
        let values = self.reply_values();
        let text = fill(&reply.body_text, &values, str::to_string)
            .unwrap_or_else(|_| reply.body_text.clone());
        let html = reply
            .body_html
            .as_deref()
            .map(|h| fill(h, &values, livewindow_richtext::escape).unwrap_or_else(|_| h.into()));
        self.composer.insert_reply(html.as_deref(), &text);
        Action::ReplyUsed(reply.id)
    }
}
