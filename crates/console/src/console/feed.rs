//! Following the agent's feed: offers arriving and leaving, the agent's chats changing,
//! messages arriving, and the desktop notifications they bring while the window is behind.
//! Each event carries what it shows: nothing here reads the data again.

use super::{Console, Message};
use crate::notify::{self, Target};
use crate::screen_pop;
use crate::supervisor;
use iced::Task;
use livewindow_core::{Chat, ChatState, EndReason, Offer, OfferOutcome, Sender, TransferAnswer};
use livewindow_data::{DeskEvent, FeedItem, OfferEnd};
use std::time::{Duration, Instant};

/// The note when an offer ran out of time, whichever side noticed first.
pub(super) fn expired_note(customer: &str) -> String {
    format!("The offer from {customer} ran out of time; the chat went back to the queue.")
}

impl Console {
    pub(super) fn on_event(&mut self, item: FeedItem) -> Task<Message> {
        self.last_event = self.last_event.max(item.id);
        match item.event {
            DeskEvent::Offered(offer) => self.add_offer(offer),
            DeskEvent::OfferEnded { chat_id, why } => {
                if let Some(card) = self.work.offers.remove(chat_id) {
                    let name = &card.offer().customer_name;
                    match why {
                        OfferEnd::Expired => self.note(expired_note(name)),
                        OfferEnd::CustomerLeft => {
                            self.note(format!("{name} left before the chat was accepted."))
                        }
                        OfferEnd::Declined | OfferEnd::Accepted | OfferEnd::Moved => {}
                    }
                }
                Task::none()
            }
            // A chat watched from the Supervisor tab, not the agent's own.
            DeskEvent::ChatChanged(chat) if self.watched(chat.id) => {
                self.supervise(supervisor::Message::Changed(Box::new(chat)))
            }
            DeskEvent::ChatChanged(chat) => {
                self.work.offers.remove(chat.id);
                self.chat_changed(chat)
            }
            DeskEvent::Message(m) if self.watched(m.chat_id) => {
                self.supervise(supervisor::Message::Arrived(Box::new(m)))
            }
            DeskEvent::Message(m) => self.message_arrived(m),
            DeskEvent::CustomerTyping { chat_id } if self.watched(chat_id) => {
                self.supervise(supervisor::Message::CustomerTyping(chat_id))
            }
            DeskEvent::CustomerTyping { chat_id } => {
                if let Some(c) = self.chat_mut(chat_id) {
                    c.customer_typing();
                }
                Task::none()
            }
            DeskEvent::Board(delta) => self.supervise(supervisor::Message::Board(delta)),
            DeskEvent::HelpAnswered { chat_id, by } => {
                if let Some(c) = self.chat_mut(chat_id) {
                    let customer = c.chat().customer_name.clone();
                    c.help_answered(by.clone());
                    self.say_note(
                        format!("{by} took up your call for help with {customer}."),
                        Duration::from_secs(15),
                    );
                }
                Task::none()
            }
            DeskEvent::ChatRated { chat_id, rating } => {
                if let Some(c) = self.chat_mut(chat_id) {
                    c.rated(rating);
                }
                Task::none()
            }
            DeskEvent::ChatTaken { chat_id } => {
                // Taken from this console, not by it (its own transfers leave at once): a
                // supervisor, or the absent rule.
                if let Some(c) = self.chat(chat_id) {
                    let name = c.chat().customer_name.clone();
                    self.close_chat(chat_id);
                    self.say_note(
                        format!("{name}'s chat went back to a queue and is no longer yours."),
                        Duration::from_secs(30),
                    );
                }
                Task::none()
            }
            DeskEvent::ChatClosed { chat_id } => {
                if let Some(c) = self.chat(chat_id) {
                    // Completed for the agent after the maximum wrap-up time.
                    let name = c.chat().customer_name.clone();
                    self.close_chat(chat_id);
                    self.note(format!("The wrap-up of {name}'s chat was completed."));
                }
                Task::none()
            }
            DeskEvent::TransferAnswered { chat_id, answer } => {
                self.transfer_answered(chat_id, answer)
            }
            DeskEvent::Status(agent) => {
                // Changed elsewhere (an admin command, the absent rule): the toolbar follows.
                self.me.agent = agent;
                Task::none()
            }
            DeskEvent::Queues(queues) => {
                self.work.queues = queues;
                Task::none()
            }
        }
    }

    /// The agent offered one of this agent's chats answered: accepted (the chat leaves
    /// here), declined or let it run out (it stays, and the note says why).
    fn transfer_answered(&mut self, chat: i64, answer: TransferAnswer) -> Task<Message> {
        let Some(c) = self.chat_mut(chat) else {
            return Task::none();
        };
        let customer = c.chat().customer_name.clone();
        let to = &answer.to_agent;
        match answer.outcome {
            Some(OfferOutcome::Accepted) => {
                self.close_chat(chat);
                self.say_note(
                    format!("{to} accepted the transfer of {customer}'s chat."),
                    Duration::from_secs(8),
                );
            }
            Some(OfferOutcome::Declined) => {
                c.transfer_refused();
                let why = answer
                    .reason
                    .map(|r| format!(": “{r}”"))
                    .unwrap_or_default();
                self.say_note(
                    format!(
                        "{to} declined the transfer of {customer}'s chat{why}. It stays with you."
                    ),
                    Duration::from_secs(30),
                );
            }
            Some(OfferOutcome::Expired | OfferOutcome::Withdrawn) => {
                c.transfer_refused();
                self.say_note(
                    format!("{to} did not accept the transfer of {customer}'s chat in time. It stays with you."),
                    Duration::from_secs(30),
                );
            }
            None => {}
        }
        Task::none()
    }

    /// Whether `chat` is the one watched in the Supervisor tab and not the agent's own.
    fn watched(&self, chat: i64) -> bool {
        self.chat(chat).is_none()
            && self
                .supervisor()
                .and_then(|s| s.watching())
                .is_some_and(|w| w.chat().id == chat)
    }

    /// Says `line` aloud when the agent switched spoken alerts on.
    pub(super) fn announce(&mut self, line: String) {
        if !self.me.speak {
            return;
        }
        self.alerts
            .speaker
            .get_or_insert_with(crate::speech::Speaker::new)
            .say(line.clone());
        if self.alerts.spoken.len() == 50 {
            self.alerts.spoken.remove(0);
        }
        self.alerts.spoken.push(line);
    }

    /// A line at the top that is also said aloud (with spoken alerts on).
    pub(super) fn say_note(&mut self, line: String, shown: Duration) {
        self.announce(line.clone());
        self.note_for(line, shown);
    }

    /// One of the agent's chats as it is now: ended (the chat here follows), or accepted on
    /// another desktop of the agent's (it opens here too).
    fn chat_changed(&mut self, chat: Chat) -> Task<Message> {
        let in_view = self.in_view() == Some(chat.id);
        if let Some(c) = self.chat_mut(chat.id) {
            if chat.state == ChatState::Ended && c.ended().is_none() {
                c.end(chat.end_reason.unwrap_or(EndReason::AgentEnded));
                // The wrap-up form shows, with its disposition list focused.
                if in_view {
                    return iced::widget::operation::focus(crate::wrapup::Form::DISPOSITION);
                }
            }
            return Task::none();
        }
        if chat.state == ChatState::Active && chat.agent_id == Some(self.me.agent.id) {
            // Accepted on another desktop of this agent: it shows here too.
            return self.open_chat(chat, "", None, screen_pop::Tab::Accounts);
        }
        Task::none()
    }

    fn message_arrived(&mut self, m: livewindow_core::Message) -> Task<Message> {
        let chat = m.chat_id;
        let in_view = self.in_view() == Some(chat) && self.alerts.focused;
        let from_customer = m.sender == Sender::Customer;
        let (name, body) = (m.sender_name.clone(), m.body_text.clone());
        let Some(c) = self.chat_mut(chat) else {
            return Task::none();
        };
        c.receive(m, in_view);
        if from_customer {
            self.ring_line(in_view);
        }
        if from_customer && !in_view {
            self.announce(crate::speech::message(&name, &body));
            return self.notify_message(chat, name, body);
        }
        Task::none()
    }

    pub(super) fn add_offer(&mut self, o: Offer) -> Task<Message> {
        if o.agent_id != self.me.agent.id {
            return Task::none();
        }
        let key = (o.chat_id, o.deadline_ms);
        let chat = o.chat_id;
        let left = (crate::offer::left_ms(&o, self.db_now()) + 999) / 1000;
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
        let said = crate::speech::offer(&o, left);
        if !self.work.offers.add(o) {
            return Task::none();
        }
        self.ring_offers();
        self.announce(said);
        if !self.alerts.focused && self.alerts.notified_offers.insert(key) {
            let (task, withdraw) = notify::show(summary, body, target);
            self.work.offers.notified(chat, withdraw);
            return task.map(Message::Notified);
        }
        Task::none()
    }

    fn notify_message(&mut self, chat: i64, name: String, body: String) -> Task<Message> {
        // One notification per chat per 15 s: a burst of lines is one nudge, not a storm.
        let now = Instant::now();
        if self
            .alerts
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
        self.alerts.notified_chats.insert(chat, (now, withdraw));
        task.map(Message::Notified)
    }
}
