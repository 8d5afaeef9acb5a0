//! What this desktop remembers across restarts (drafts, tabs, theme), written once a second
//! when something changed, and read back when the console opens.

use super::{Console, Message, View};
use crate::screen_pop;
use crate::session::{self, Session};
use iced::Task;
use livewindow_core::{Chat, NewMessage, Sender};

impl Console {
    /// Opens the restored chats with their drafts and tabs, and brings back the chat that was
    /// in view.
    pub(super) fn reopen(&mut self, chats: Vec<Chat>, saved: &Session) -> Task<Message> {
        let mut tasks = Vec::new();
        for chat in chats {
            let draft = saved.drafts.get(&chat.id).cloned().unwrap_or_default();
            let html = saved.draft_html.get(&chat.id).cloned();
            let tab = saved
                .pop_tabs
                .get(&chat.id)
                .map(|t| screen_pop::Tab::parse(t))
                .unwrap_or(screen_pop::Tab::Accounts);
            let id = chat.id;
            tasks.push(self.open_chat(chat, &draft, html.as_deref(), tab));
            // What was being sent when the console stopped goes out again, once.
            for unsent in saved.outbox.get(&id).into_iter().flatten() {
                let m = NewMessage {
                    client_id: unsent.client_id.clone(),
                    sender: Sender::Agent,
                    sender_name: self.me.agent.name.clone(),
                    agent_id: Some(self.me.agent.id),
                    body_text: unsent.text.clone(),
                    body_html: unsent.html.clone(),
                    internal: unsent.internal,
                };
                if let Some(c) = self.chat_mut(id) {
                    let action = c.resend(m);
                    tasks.push(self.run(id, action));
                }
            }
        }
        if let Some(id) = saved.in_view.filter(|id| self.chat(*id).is_some()) {
            self.work.selected = Some(id);
            if saved.on_tab && self.chat(id).is_some_and(|c| c.chat().contact_id.is_some()) {
                self.work.view = View::Chat(id);
            }
        }
        Task::batch(tasks)
    }

    pub fn save_session(&mut self) {
        let Some(path) = &self.memory.session_path else {
            return;
        };
        let live = || self.work.chats.iter().filter(|c| c.ended().is_none());
        let s = Session {
            in_view: self.work.selected,
            on_tab: matches!(self.work.view, View::Chat(_)),
            drafts: live()
                .map(|c| (c.chat().id, c.draft().0))
                .filter(|(_, d)| !d.trim().is_empty())
                .collect(),
            draft_html: live()
                .filter_map(|c| Some((c.chat().id, c.draft().1?)))
                .collect(),
            enter_sends: Some(self.me.enter_sends),
            pop_tabs: self
                .work
                .chats
                .iter()
                .map(|c| (c.chat().id, c.pop_tab().name().to_string()))
                .collect(),
            dark: false,
            theme: Some(self.me.theme),
            zoom: Some(self.me.zoom),
            speak: self.me.speak,
            sounds: Some(self.me.sounds),
            outbox: self
                .work
                .chats
                .iter()
                .filter(|c| !c.outbox().is_empty())
                .map(|c| {
                    let unsent = c
                        .outbox()
                        .iter()
                        .map(|o| session::Unsent {
                            client_id: o.message.client_id.clone(),
                            text: o.message.body_text.clone(),
                            html: o.message.body_html.clone(),
                            internal: o.message.internal,
                        })
                        .collect();
                    (c.chat().id, unsent)
                })
                .collect(),
        };
        if let Err(e) = session::save(path, &s) {
            tracing::warn!("cannot save the session to {}: {e}", path.display());
        }
        self.memory.dirty = false;
    }
}
