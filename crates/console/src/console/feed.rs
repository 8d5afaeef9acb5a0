//! Following the event feed: offers arriving and leaving, the agent's chats changing,
//! messages arriving, and the desktop notifications they bring while the window is behind.

use super::{Console, Message};
use crate::notify::{self, Target};
use crate::screen_pop;
use iced::Task;
use livewindow_core::{
    Chat, ChatState, EndReason, Event, EventKind, Offer, OfferOutcome, Sender, StoreError,
    TransferAnswer,
};
use std::time::{Duration, Instant};

/// The note when an offer ran out of time, whichever side noticed first.
pub(super) fn expired_note(customer: &str) -> String {
    format!("The offer from {customer} ran out of time; the chat went back to the queue.")
}

impl Console {
    pub(super) fn on_event(&mut self, event: Event) -> Task<Message> {
        self.last_event = self.last_event.max(event.id);
        if event.kind.changes_queues() || event.kind == EventKind::AgentStatus {
            self.queues_stale = true;
        }
        let me = Some(self.agent.id);
        let Some(chat) = event.chat_id else {
            if event.kind == EventKind::AgentStatus && event.agent_id == me {
                // Changed elsewhere (an admin command, the absent rule): the toolbar follows.
                return Task::perform(self.data.agent(self.agent.id), Message::AgentLoaded);
            }
            return Task::none();
        };
        let mine = self.chat(chat).is_some_and(|c| c.ended().is_none());
        match event.kind {
            EventKind::ChatOffered if event.agent_id == me => {
                Task::perform(self.data.offer(chat), Message::OfferLoaded)
            }
            // A transfer of one of this agent's chats was answered by the agent offered it.
            EventKind::ChatAccepted | EventKind::OfferDeclined | EventKind::OfferExpired
                if mine && event.agent_id != me =>
            {
                Task::perform(self.data.transfer_answer(chat), move |r| {
                    Message::TransferAnswered(chat, r)
                })
            }
            EventKind::OfferExpired
            | EventKind::OfferDeclined
            | EventKind::ChatAccepted
            | EventKind::ChatEnded => {
                if let Some(card) = self.offers.remove(chat) {
                    let name = &card.offer.customer_name;
                    match event.kind {
                        EventKind::OfferExpired => self.note(expired_note(name)),
                        EventKind::ChatEnded => {
                            self.note(format!("{name} left before the chat was accepted."))
                        }
                        _ => {}
                    }
                }
                let ended_here = event.kind == EventKind::ChatEnded && self.chat(chat).is_some();
                let accepted_elsewhere = event.kind == EventKind::ChatAccepted
                    && event.agent_id == me
                    && self.chat(chat).is_none();
                if ended_here || accepted_elsewhere {
                    Task::perform(self.data.chat(chat), Message::ChatLoaded)
                } else {
                    Task::none()
                }
            }
            EventKind::Message if self.chat(chat).is_some() => match event.message_id {
                Some(id) => Task::perform(self.data.message(id), move |r| {
                    Message::MessageLoaded(chat, r)
                }),
                None => Task::none(),
            },
            EventKind::Typing if event.agent_id.is_none() => {
                if let Some(c) = self.chat_mut(chat) {
                    c.customer_typing();
                }
                Task::none()
            }
            EventKind::ChatTransferred => {
                // An offer that went elsewhere (a supervisor moved the chat, the sender's
                // desktop went silent) is no longer this agent's to take.
                self.offers.remove(chat);
                if let Some(c) = self.chat(chat).filter(|_| event.agent_id == me) {
                    // Taken from this console, not by it (its own transfers leave at once):
                    // a supervisor, or the absent rule.
                    let name = c.chat.customer_name.clone();
                    self.close_chat(chat);
                    self.note_for(
                        format!("{name}'s chat went back to a queue and is no longer yours."),
                        Duration::from_secs(30),
                    );
                }
                Task::none()
            }
            EventKind::ChatClosed if event.agent_id == me => {
                if let Some(c) = self.chat(chat) {
                    // Completed for the agent after the maximum wrap-up time.
                    let name = c.chat.customer_name.clone();
                    self.close_chat(chat);
                    self.note(format!("The wrap-up of {name}'s chat was completed."));
                }
                Task::none()
            }
            _ => Task::none(),
        }
    }

    /// The agent offered one of this agent's chats answered: accepted (the chat leaves
    /// here), declined or let it run out (it stays, and the note says why).
    pub(super) fn transfer_answered(
        &mut self,
        chat: i64,
        r: Result<Option<TransferAnswer>, StoreError>,
    ) -> Task<Message> {
        let Ok(Some(answer)) = r else {
            return Task::none();
        };
        let Some(c) = self.chat_mut(chat) else {
            return Task::none();
        };
        let customer = c.chat.customer_name.clone();
        let to = &answer.to_agent;
        match answer.outcome {
            Some(OfferOutcome::Accepted) => {
                self.close_chat(chat);
                self.note(format!("{to} accepted the transfer of {customer}'s chat."));
            }
            Some(OfferOutcome::Declined) => {
                c.transfer_refused();
                let why = answer
                    .reason
                    .map(|r| format!(": “{r}”"))
                    .unwrap_or_default();
                self.note_for(
                    format!(
                        "{to} declined the transfer of {customer}'s chat{why}. It stays with you."
                    ),
                    Duration::from_secs(30),
                );
            }
            Some(OfferOutcome::Expired | OfferOutcome::Withdrawn) => {
                c.transfer_refused();
                self.note_for(
                    format!("{to} did not accept the transfer of {customer}'s chat in time. It stays with you."),
                    Duration::from_secs(30),
                );
            }
            None => {}
        }
        Task::none()
    }

    pub(super) fn chat_loaded(&mut self, r: Result<Chat, StoreError>) -> Task<Message> {
        let chat = match r {
            Ok(chat) => chat,
            Err(e) => {
                self.error = Some(e);
                return Task::none();
            }
        };
        if let Some(c) = self.chat_mut(chat.id) {
            if chat.state == ChatState::Ended {
                c.end(chat.end_reason.unwrap_or(EndReason::AgentEnded));
            }
            return Task::none();
        }
        if chat.state == ChatState::Active && chat.agent_id == Some(self.agent.id) {
            // Accepted on another desktop of this agent: it shows here too.
            return self.open_chat(chat, "", None, screen_pop::Tab::Accounts);
        }
        Task::none()
    }

    pub(super) fn message_loaded(
        &mut self,
        chat: i64,
        r: Result<livewindow_core::Message, StoreError>,
    ) -> Task<Message> {
        let m = match r {
            Ok(m) => m,
            Err(e) => {
                self.error = Some(e);
                return Task::none();
            }
        };
        let in_view = self.in_view() == Some(chat) && self.focused;
        let from_customer = m.sender == Sender::Customer;
        let (name, body) = (m.sender_name.clone(), m.body_text.clone());
        if let Some(c) = self.chat_mut(chat) {
            c.receive(m, in_view);
        }
        if from_customer && !in_view {
            return self.notify_message(chat, name, body);
        }
        Task::none()
    }

    pub(super) fn add_offer(&mut self, o: Offer) -> Task<Message> {
        if o.agent_id != self.agent.id {
            return Task::none();
        }
        let key = (o.chat_id, o.deadline_ms);
        let chat = o.chat_id;
        let left = ((o.deadline_ms - self.db_now()).max(0) + 999) / 1000;
        let (summary, body) = (
            format!(
                "Incoming chat: {}",
                crate::style::shown(&o.customer_name, 60)
            ),
            format!(
                "{} · {} · {left} s left to accept",
                crate::style::shown(&o.customer_email, 80),
                o.queue_name
            ),
        );
        let target = Target::Offer(o.chat_id);
        if !self.offers.add(o) {
            return Task::none();
        }
        if !self.focused && self.notified_offers.insert(key) {
            let (task, withdraw) = notify::show(summary, body, target);
            self.offers.notified(chat, withdraw);
            return task.map(Message::Notified);
        }
        Task::none()
    }

    fn notify_message(&mut self, chat: i64, name: String, body: String) -> Task<Message> {
        // One notification per chat per 15 s: a burst of lines is one nudge, not a storm.
        let now = Instant::now();
        if self
            .notified_chats
            .get(&chat)
            .is_some_and(|(t, _)| now.duration_since(*t) < Duration::from_secs(15))
        {
            return Task::none();
        }
        let body = crate::style::shown(&body, 140);
        let name = crate::style::shown(&name, 60);
        // Kept until the next one for this chat, or until the chat is opened.
        let (task, withdraw) = notify::show(format!("{name} wrote"), body, Target::Chat(chat));
        self.notified_chats.insert(chat, (now, withdraw));
        task.map(Message::Notified)
    }
}
