//! One accepted chat: its transcript, the composer, and the verification → search →
//! screen pop stages on the side.

use super::composer::{self, Composer};
use super::contact_search;
use super::screen_pop;
use super::style;
use super::transcript;
use super::verification;
use crate::core::{EndReason, Sender};
use crate::store::{Chat, Contact, Message as ChatMessage, NewMessage, Store};
use iced::widget::{button, column, container, row, text};
use iced::{Element, Length, Task};

pub enum Stage {
    Verify(verification::State),
    Search(Box<contact_search::State>),
    Pop(screen_pop::State),
}

pub struct Outgoing {
    pub message: NewMessage,
    pub error: Option<String>,
}

pub struct Interaction {
    pub chat: Chat,
    pub messages: Vec<ChatMessage>,
    /// Messages with formatting, parsed once from their HTML (plain ones are not here).
    pub rich: std::collections::HashMap<i64, crate::richtext::Document>,
    pub unread: usize,
    pub composer: Composer,
    pub outbox: Vec<Outgoing>,
    pub stage: Stage,
    pub shown: usize,
    pub ended: Option<EndReason>,
    pub error: Option<String>,
    agent_id: i64,
    agent_name: String,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<(Vec<ChatMessage>, Option<Contact>), String>),
    Composer(composer::Message),
    Send,
    Sent(String, Result<i64, String>),
    Retry(String),
    End,
    EndDone(Result<(), String>),
    ShowEarlier,
    Verification(verification::Message),
    Verified(Result<Contact, String>),
    Search(contact_search::Message),
    Pop(screen_pop::Message),
}

/// What the console needs to know.
pub enum Event {
    Verified,
    DraftChanged,
}

impl Interaction {
    /// A chat that was just accepted or restored. `contact` is the verified one, if any.
    pub fn new(
        store: &Store,
        chat: Chat,
        agent_id: i64,
        agent_name: &str,
        draft: Draft<'_>,
        pop_tab: screen_pop::Tab,
    ) -> (Interaction, Task<Message>) {
        let mut tasks = Vec::new();
        let stage = match chat.contact_id {
            Some(contact) => {
                let (pop, task) = screen_pop::State::new(store, contact, pop_tab);
                tasks.push(task.map(Message::Pop));
                Stage::Pop(pop)
            }
            None => Stage::Verify(verification::State {
                busy: true,
                ..Default::default()
            }),
        };
        let verified = chat.contact_id.is_some();
        let (id, email, name) = (
            chat.id,
            chat.customer_email.clone(),
            chat.customer_name.clone(),
        );
        let s = store.clone();
        tasks.push(Task::perform(
            async move {
                let messages = s.messages(id).await?;
                let contact = if verified {
                    None
                } else {
                    s.match_contact(&email, &name).await?
                };
                Ok((messages, contact))
            },
            |r: crate::store::Result<_>| Message::Loaded(r.map_err(|e| e.to_string())),
        ));
        (
            Interaction {
                chat,
                messages: Vec::new(),
                rich: std::collections::HashMap::new(),
                unread: 0,
                composer: Composer::new(id, draft.rich, draft.text, draft.html),
                outbox: Vec::new(),
                stage,
                shown: transcript::WINDOW,
                ended: None,
                error: None,
                agent_id,
                agent_name: agent_name.to_string(),
            },
            Task::batch(tasks),
        )
    }

    pub fn verified(&self) -> bool {
        matches!(self.stage, Stage::Pop(_))
    }

    /// The unsent draft: (plain text, HTML when formatted).
    pub fn draft(&self) -> (String, Option<String>) {
        (self.composer.draft_text(), self.composer.draft_html())
    }

    /// A message arrived through the event feed.
    pub fn receive(&mut self, message: ChatMessage, in_view: bool) {
        if self.messages.iter().any(|m| m.id == message.id) {
            return;
        }
        if message.sender == Sender::Agent {
            self.outbox
                .retain(|o| o.message.client_id != message.client_id);
        } else if !in_view {
            self.unread += 1;
        }
        if message.body_html != crate::store::plain_to_html(&message.body_text) {
            let doc = crate::richtext::import(
                &message.body_html,
                &crate::richtext::PasteExtras::default(),
            );
            self.rich.insert(message.id, doc);
        }
        let at = self.messages.partition_point(|m| m.id < message.id);
        self.messages.insert(at, message);
    }

    pub fn update(&mut self, store: &Store, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Loaded(Ok((messages, contact))) => {
                for m in messages {
                    self.receive(m, true);
                }
                if let Stage::Verify(v) = &mut self.stage {
                    v.busy = false;
                    match contact {
                        Some(c) => v.contact = Some(c),
                        // No match: straight to Contact Search, prefilled.
                        None => {
                            self.stage = Stage::Search(Box::new(contact_search::State::prefilled(
                                &self.chat.customer_name,
                                &self.chat.customer_email,
                            )))
                        }
                    }
                }
            }
            Message::Loaded(Err(e)) => self.error = Some(e),
            Message::Composer(m) => {
                let (task, event) = self.composer.update(m);
                let task = task.map(Message::Composer);
                return match event {
                    Some(composer::Event::Send) => {
                        let (send, event) = self.update(store, Message::Send);
                        (Task::batch([task, send]), event)
                    }
                    Some(composer::Event::Changed) => (task, Some(Event::DraftChanged)),
                    None => (task, None),
                };
            }
            Message::Send => {
                if self.ended.is_some() {
                    return (Task::none(), None);
                }
                let Some((html, text)) = self.composer.take() else {
                    return (Task::none(), None);
                };
                let (name, agent) = (&self.agent_name, Some(self.agent_id));
                let m = match html {
                    Some(html) => NewMessage::rich(Sender::Agent, name, agent, html, text),
                    None => NewMessage::plain(Sender::Agent, name, agent, &text),
                };
                let task = self.send(store, m.clone());
                self.outbox.push(Outgoing {
                    message: m,
                    error: None,
                });
                return (task, Some(Event::DraftChanged));
            }
            Message::Retry(client_id) => {
                if let Some(o) = self
                    .outbox
                    .iter_mut()
                    .find(|o| o.message.client_id == client_id)
                {
                    o.error = None;
                    let m = o.message.clone();
                    return (self.send(store, m), None);
                }
            }
            Message::Sent(client_id, Ok(_)) => {
                // Shown when its event arrives; drop it from the outbox only then, so it
                // never disappears from view in between.
                let _ = client_id;
            }
            Message::Sent(client_id, Err(e)) => {
                if let Some(o) = self
                    .outbox
                    .iter_mut()
                    .find(|o| o.message.client_id == client_id)
                {
                    o.error = Some(e);
                }
            }
            Message::End => {
                let s = store.clone();
                let id = self.chat.id;
                return (
                    Task::perform(
                        async move { s.end_chat(id, Sender::Agent).await.map(|_| ()) },
                        |r| Message::EndDone(r.map_err(|e| e.to_string())),
                    ),
                    None,
                );
            }
            Message::EndDone(r) => {
                if let Err(e) = r {
                    self.error = Some(e);
                }
            }
            Message::ShowEarlier => self.shown += transcript::WINDOW,
            Message::Verification(m) => {
                let Stage::Verify(v) = &mut self.stage else {
                    return (Task::none(), None);
                };
                match v.update(m) {
                    Some(verification::Action::Verify(contact)) => {
                        let s = store.clone();
                        let (chat, agent) = (self.chat.id, self.agent_id);
                        return (
                            Task::perform(
                                async move {
                                    s.verify_contact(chat, agent, contact.id).await?;
                                    Ok(contact)
                                },
                                |r: crate::store::Result<_>| {
                                    Message::Verified(r.map_err(|e| e.to_string()))
                                },
                            ),
                            None,
                        );
                    }
                    Some(verification::Action::SearchAgain) => {
                        self.stage = Stage::Search(Box::default());
                        return (iced::widget::operation::focus("contact-search"), None);
                    }
                    None => {}
                }
            }
            Message::Verified(Ok(contact)) => {
                self.chat.contact_id = Some(contact.id);
                let (pop, task) =
                    screen_pop::State::new(store, contact.id, screen_pop::Tab::Accounts);
                self.stage = Stage::Pop(pop);
                return (task.map(Message::Pop), Some(Event::Verified));
            }
            Message::Verified(Err(e)) => {
                if let Stage::Verify(v) = &mut self.stage {
                    v.busy = false;
                    v.error = Some(e);
                }
            }
            Message::Search(m) => {
                let Stage::Search(s) = &mut self.stage else {
                    return (Task::none(), None);
                };
                match s.update(m) {
                    Some(contact_search::Action::Search(q)) => {
                        let st = store.clone();
                        return (
                            Task::perform(async move { st.search_contacts(&q, 50).await }, |r| {
                                Message::Search(contact_search::Message::Results(
                                    r.map_err(|e| e.to_string()),
                                ))
                            }),
                            None,
                        );
                    }
                    Some(contact_search::Action::SearchAccounts(q)) => {
                        let st = store.clone();
                        return (
                            Task::perform(
                                async move { st.search_accounts(&q, 8).await.unwrap_or_default() },
                                |r| Message::Search(contact_search::Message::AccountResults(r)),
                            ),
                            None,
                        );
                    }
                    Some(contact_search::Action::Create(draft)) => {
                        let st = store.clone();
                        return (
                            Task::perform(async move { st.create_contact(&draft).await }, |r| {
                                Message::Search(contact_search::Message::Saved(
                                    r.map_err(|e| e.to_string()),
                                ))
                            }),
                            None,
                        );
                    }
                    Some(contact_search::Action::Chosen(contact)) => {
                        self.stage = Stage::Verify(verification::State {
                            contact: Some(contact),
                            ..Default::default()
                        });
                    }
                    Some(contact_search::Action::Back) => {
                        self.stage = Stage::Verify(verification::State::default());
                        let s = store.clone();
                        let (email, name) = (
                            self.chat.customer_email.clone(),
                            self.chat.customer_name.clone(),
                        );
                        return (
                            Task::perform(
                                async move { s.match_contact(&email, &name).await },
                                |r| match r {
                                    Ok(Some(c)) => {
                                        Message::Search(contact_search::Message::Choose(c))
                                    }
                                    _ => Message::Verification(verification::Message::SearchAgain),
                                },
                            ),
                            None,
                        );
                    }
                    None => {}
                }
            }
            Message::Pop(m) => {
                if let Stage::Pop(p) = &mut self.stage {
                    return (p.update(store, m).map(Message::Pop), None);
                }
            }
        }
        (Task::none(), None)
    }

    fn send(&self, store: &Store, m: NewMessage) -> Task<Message> {
        let s = store.clone();
        let (chat, id) = (self.chat.id, m.client_id.clone());
        Task::perform(async move { s.send_message(chat, &m).await }, move |r| {
            Message::Sent(id.clone(), r.map_err(|e| e.to_string()))
        })
    }

    /// The conversation: transcript, composer and the chat's actions.
    pub fn conversation_view(&self) -> Element<'_, Message> {
        let header = row![
            column![
                text(&self.chat.customer_name).size(20),
                text(format!(
                    "{} · {}",
                    self.chat.customer_email, self.chat.queue_name
                ))
                .size(13)
                .style(style::muted),
            ],
            iced::widget::space::horizontal(),
            button(text("End chat"))
                .style(button::danger)
                .on_press_maybe(self.ended.is_none().then_some(Message::End)),
        ]
        .align_y(iced::Alignment::Center);
        let transcript = transcript::view(
            &self.messages,
            &self.rich,
            self.outbox
                .iter()
                .map(|o| (o.message.body_text.as_str(), o.error.as_deref())),
            self.shown,
            Message::ShowEarlier,
            |id: &str| Message::Retry(id.to_string()),
            self.outbox.iter().map(|o| o.message.client_id.as_str()),
        );
        let mut col = column![
            header,
            container(transcript)
                .style(style::card)
                .height(Length::Fill)
        ]
        .spacing(8);
        if let Some(reason) = self.ended {
            col = col.push(text(format!("This chat has ended: {reason}.")).style(style::muted));
        } else {
            col = col.push(
                row![
                    container(self.composer.view().map(Message::Composer)).width(Length::Fill),
                    button(text("Send"))
                        .style(button::primary)
                        .on_press(Message::Send)
                ]
                .spacing(8)
                .align_y(iced::Alignment::End),
            );
        }
        if let Some(e) = &self.error {
            col = col.push(text(e).style(style::field_error));
        }
        col.into()
    }

    /// The side panel: verification, search, or the screen pop.
    pub fn side_view(&self) -> Element<'_, Message> {
        match &self.stage {
            Stage::Verify(v) => v
                .view(&self.chat.customer_name, &self.chat.customer_email)
                .map(Message::Verification),
            Stage::Search(s) => s.view().map(Message::Search),
            Stage::Pop(p) => p.view().map(Message::Pop),
        }
    }

    pub fn pop_tab(&self) -> screen_pop::Tab {
        match &self.stage {
            Stage::Pop(p) => p.tab,
            _ => screen_pop::Tab::Accounts,
        }
    }
}

pub fn composer_id(chat: i64) -> iced::widget::Id {
    composer::editor_id(chat)
}

/// What a chat's composer starts with.
pub struct Draft<'a> {
    pub rich: bool,
    pub text: &'a str,
    pub html: Option<&'a str>,
}
