//! One accepted chat: its transcript, the composer, and the verification → search →
//! screen pop stages on the side. A state machine: what needs the database or the system
//! comes back to the console as an [`Action`]. Its picture is in `view`.

mod earlier;
mod help;
mod outcome;
mod rating;
mod read;
mod replies;
mod side;
mod view;

pub use help::Help;
pub use outcome::Outcome;

use super::composer::{self, Composer};
use super::contact_search;
use super::history::{self, History};
use super::screen_pop;
use super::transcript;
use super::transfer;
use super::verification;
use super::wrapup;
use iced::Task;
use livewindow_core::crm::{Contact, ContactDraft, RecordEdit, RecordKind};
use livewindow_core::history::{HistoryOf, HistoryQuery};
use livewindow_core::{
    Chat, EndReason, Message as ChatMessage, MessageFormat, NewMessage, Sender, StoreError,
    TransferTarget,
};
use livewindow_data::Opened;
use livewindow_richtext::Document;
use std::collections::HashMap;

pub enum Stage {
    Verify(verification::State),
    Search(Box<contact_search::State>),
    Pop(screen_pop::State),
}

/// A message the agent sent that the store has not confirmed yet.
pub struct Outgoing {
    pub message: NewMessage,
    pub error: Option<StoreError>,
}

pub struct Interaction {
    chat: Chat,
    /// The newest messages: a page of the transcript, more on "Show earlier messages".
    messages: Vec<ChatMessage>,
    /// How many older messages the store holds beyond `messages`.
    earlier: usize,
    /// Earlier messages were asked for and have not come yet.
    loading_earlier: bool,
    /// Formatted messages' documents, built once from their stored HTML.
    rich: HashMap<i64, Document>,
    unread: usize,
    composer: Composer,
    outbox: Vec<Outgoing>,
    stage: Stage,
    shown: usize,
    ended: Option<EndReason>,
    /// The Transfer dialog, over the side panel while open.
    transfer: Option<transfer::Dialog>,
    /// The agent this chat was offered to, while the transfer waits for their answer.
    pending_transfer: Option<String>,
    wrapup: wrapup::Form,
    error: Option<StoreError>,
    agent_id: i64,
    agent_name: String,
    /// Typing, both ways: until when "Customer is typing…" shows, and when the agent's
    /// own typing was last reported.
    customer_typing_until: Option<std::time::Instant>,
    typing_sent: Option<std::time::Instant>,
    help: Help,
    /// The agent's lines go to supervisors only.
    private: bool,
    /// The customer's earlier chats.
    history: History,
    /// The Replies panel, over the side panel while open.
    replies: Option<crate::replies::Panel>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Opened(Result<Opened, StoreError>),
    Composer(composer::Message),
    Send,
    Sent(String, Result<i64, StoreError>),
    Retry(String),
    End,
    Ended(Result<(), StoreError>),
    ShowEarlier,
    /// Save the customer's file of this message (through the file dialog).
    SaveFile(i64),
    /// Older messages, and how many remain before them.
    Earlier(Result<(Vec<ChatMessage>, usize), StoreError>),
    Verification(verification::Message),
    Verified(Result<Contact, StoreError>),
    /// The contact matching the customer, looked up again on the way back from search.
    Matched(Result<Option<Contact>, StoreError>),
    Search(contact_search::Message),
    Pop(screen_pop::Message),
    /// Open the Transfer dialog.
    Transfer,
    Dialog(transfer::Message),
    WrapUp(wrapup::Message),
    /// What the console's data (or the clipboard, or a file) answered to an action.
    Done(Outcome),
    /// Ask the supervisors of the chat's queue for help.
    AskHelp,
    HelpAsked(Result<(), StoreError>),
    /// The agent's next lines private to supervisors (or not).
    Private(bool),
    History(history::Message),
    /// Open (or close) the Replies panel.
    RepliesPanel,
    Replies(crate::replies::Message),
}

/// What the chat asks of the console.
pub enum Action {
    None,
    /// A widget task of its own (moving the focus).
    Run(Task<Message>),
    Send(NewMessage),
    End,
    /// Read the messages before this one (the transcript's next older page).
    LoadEarlier(i64),
    Verify(Contact),
    /// The contact is verified: show the chat's tab and load its screen pop.
    Verified(i64),
    /// Look up the contact matching the customer.
    Match,
    SearchContacts(contact_search::Lookup),
    SearchAccounts(String),
    CreateContact(ContactDraft),
    LoadPop(i64),
    SaveRecord(u64, RecordEdit),
    ReloadRecord(u64, RecordKind, i64),
    ReadClipboard,
    WriteClipboard {
        html: String,
        plain: String,
    },
    PickImage,
    EnterSends(bool),
    /// Load the queues and agents for the Transfer dialog.
    LoadTransferTargets,
    Transfer {
        target: TransferTarget,
        note: String,
    },
    /// The chat went to a queue: it leaves this console.
    TransferredToQueue(String),
    WrapUp {
        disposition: String,
        note: String,
    },
    /// The wrap-up is done: the chat leaves this console.
    Closed,
    /// Save a customer's file: ask where (the file dialog), then write its bytes there.
    SaveFile {
        message_id: i64,
        name: String,
    },
    /// The agent typed: tell the customer's page (at most every few seconds).
    Typing,
    AskHelp,
    /// Read a page of the customer's earlier chats.
    LoadHistory(HistoryQuery),
    /// Open an earlier chat read-only, shown at this place.
    OpenPast(history::Place, i64),
    /// A standard reply was inserted: count its use.
    ReplyUsed(i64),
    /// Save the agent's own reply (new: `None`), then read the replies again.
    SaveReply(Option<i64>, livewindow_core::reply::ReplyDraft),
    RemoveReply(i64),
}

/// What a chat's composer starts with.
pub struct Draft<'a> {
    pub rich: bool,
    pub text: &'a str,
    pub html: Option<&'a str>,
    pub enter_sends: bool,
}

impl Interaction {
    /// A chat that was just accepted or restored; the console loads its transcript (and
    /// its screen pop when verified).
    pub fn new(
        chat: Chat,
        agent_id: i64,
        agent_name: &str,
        draft: Draft<'_>,
        pop_tab: screen_pop::Tab,
    ) -> Interaction {
        let stage = match chat.contact_id {
            Some(contact) => Stage::Pop(screen_pop::State::new(contact, pop_tab)),
            None => Stage::Verify(verification::State::matching()),
        };
        let id = chat.id;
        let of = match chat.contact_id {
            Some(contact) => HistoryOf::Contact(contact),
            None => HistoryOf::SameEmailAs(id),
        };
        let mut composer = Composer::new(chat.id, draft.rich, draft.text, draft.html);
        composer.set_enter_sends(draft.enter_sends);
        Interaction {
            ended: chat_ended(&chat),
            chat,
            messages: Vec::new(),
            earlier: 0,
            loading_earlier: false,
            rich: HashMap::new(),
            unread: 0,
            composer,
            outbox: Vec::new(),
            stage,
            shown: transcript::WINDOW,
            transfer: None,
            pending_transfer: None,
            wrapup: wrapup::Form::default(),
            error: None,
            agent_id,
            agent_name: agent_name.to_string(),
            customer_typing_until: None,
            typing_sent: None,
            help: Help::default(),
            private: false,
            history: History::new(of, id),
            replies: None,
        }
    }

    /// Esc: closes the dialog open in this chat (Transfer, then Contact Search); `None`
    /// when there is none.
    pub fn escape(&mut self) -> Option<Action> {
        if self.transfer.is_some() {
            return Some(self.update(Message::Dialog(transfer::Message::Cancel)));
        }
        if matches!(self.stage, Stage::Search(_)) {
            return Some(self.update(Message::Search(contact_search::Message::Back)));
        }
        if self.replies.is_some() {
            return Some(self.update(Message::RepliesPanel));
        }
        None
    }

    pub fn mark_read(&mut self) {
        self.unread = 0;
    }

    /// The chat ended: no more sending; the wrap-up form shows.
    pub fn end(&mut self, reason: EndReason) {
        self.ended = Some(reason);
        self.transfer = None;
        self.pending_transfer = None;
    }

    /// The transfer offered to another agent was answered without taking the chat.
    pub fn transfer_refused(&mut self) {
        self.pending_transfer = None;
    }

    pub fn set_enter_sends(&mut self, on: bool) {
        self.composer.set_enter_sends(on);
    }

    pub fn set_rich(&mut self, rich: bool) {
        self.composer.set_rich(rich);
    }

    /// A message the console was sending when it stopped: back in the outbox, and sent
    /// again (its client id keeps it single).
    pub fn resend(&mut self, m: NewMessage) -> Action {
        if self
            .outbox
            .iter()
            .any(|o| o.message.client_id == m.client_id)
        {
            return Action::None;
        }
        self.outbox.push(Outgoing {
            message: m.clone(),
            error: None,
        });
        Action::Send(m)
    }

    /// The messages that could not be sent because the server (or the database) was away,
    /// sent again now that it answers; their client ids keep each one single.
    pub fn retry_unsent(&mut self) -> Vec<Action> {
        let mut again = Vec::new();
        for o in &mut self.outbox {
            if o.error.as_ref().is_some_and(StoreError::is_unavailable) {
                o.error = None;
                again.push(Action::Send(o.message.clone()));
            }
        }
        again
    }

    /// A message arrived through the event feed (or with the transcript).
    pub fn receive(&mut self, message: ChatMessage, in_view: bool) {
        if self.messages.iter().any(|m| m.id == message.id) {
            return;
        }
        if message.sender == Sender::Customer {
            self.customer_typing_until = None;
        }
        if message.sender == Sender::Agent {
            self.outbox
                .retain(|o| o.message.client_id != message.client_id);
        } else if !in_view {
            self.unread += 1;
        }
        self.parse(&message);
        let at = self.messages.partition_point(|m| m.id < message.id);
        self.messages.insert(at, message);
    }

    /// A formatted message's document, built once from its stored HTML.
    fn parse(&mut self, message: &ChatMessage) {
        if message.format == MessageFormat::Html {
            self.rich
                .insert(message.id, Document::from_stored_html(&message.body_html));
        }
    }

    /// "Show earlier messages": the next page of those held, reading more from the store
    /// when they run out.
    fn show_earlier(&mut self) -> Action {
        self.shown += transcript::WINDOW;
        if self.shown <= self.messages.len() || self.earlier == 0 || self.loading_earlier {
            return Action::None;
        }
        match self.messages.first() {
            Some(first) => {
                self.loading_earlier = true;
                Action::LoadEarlier(first.id)
            }
            None => Action::None,
        }
    }

    /// Older messages came: they go before those held.
    fn earlier_loaded(&mut self, older: Vec<ChatMessage>, remaining: usize) {
        self.loading_earlier = false;
        self.earlier = remaining;
        let first = self.messages.first().map_or(i64::MAX, |m| m.id);
        let older: Vec<ChatMessage> = older.into_iter().filter(|m| m.id < first).collect();
        for m in &older {
            self.parse(m);
        }
        self.messages.splice(0..0, older);
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Opened(Ok(opened)) => {
                self.earlier = opened.earlier;
                for m in opened.messages {
                    self.receive(m, true);
                }
                if let Stage::Verify(v) = &mut self.stage {
                    match opened.candidate {
                        Some(c) => *v = verification::State::with(c),
                        // No match: straight to Contact Search, prefilled.
                        None => self.search_prefilled(),
                    }
                }
                return self.load_history();
            }
            Message::Opened(Err(e)) => self.error = Some(e),
            Message::History(m) => return self.on_history(m),
            Message::Done(outcome) => return self.update(outcome.into_message()),
            Message::Composer(m) => return self.composer_action(m),
            Message::Send => return self.send(),
            Message::Retry(client_id) => {
                if let Some(o) = self
                    .outbox
                    .iter_mut()
                    .find(|o| o.message.client_id == client_id)
                {
                    o.error = None;
                    return Action::Send(o.message.clone());
                }
            }
            // Shown when its event arrives; it leaves the outbox only then, so it never
            // disappears from view in between.
            Message::Sent(_, Ok(_)) => {}
            Message::Sent(client_id, Err(e)) => {
                if let Some(o) = self
                    .outbox
                    .iter_mut()
                    .find(|o| o.message.client_id == client_id)
                {
                    o.error = Some(e);
                }
            }
            Message::End => return Action::End,
            Message::Ended(r) => self.error = r.err(),
            Message::ShowEarlier => return self.show_earlier(),
            Message::SaveFile(id) => return self.save_file(id),
            Message::Earlier(Ok((older, remaining))) => self.earlier_loaded(older, remaining),
            Message::Earlier(Err(e)) => {
                self.loading_earlier = false;
                self.error = Some(e);
            }
            Message::Verification(m) => {
                if let Stage::Verify(v) = &mut self.stage {
                    match v.update(m) {
                        verification::Action::Verify(contact) => return Action::Verify(contact),
                        verification::Action::SearchAgain => {
                            self.stage = Stage::Search(Box::default());
                            return Action::Run(iced::widget::operation::focus("contact-search"));
                        }
                        verification::Action::None => {}
                    }
                }
            }
            Message::Verified(Ok(contact)) => {
                self.chat.contact_id = Some(contact.id);
                self.stage = Stage::Pop(screen_pop::State::new(
                    contact.id,
                    screen_pop::Tab::Accounts,
                ));
                return Action::Verified(contact.id);
            }
            Message::Verified(Err(e)) => {
                if let Stage::Verify(v) = &mut self.stage {
                    v.failed(e);
                }
            }
            Message::Matched(r) => match r {
                Ok(Some(c)) => self.stage = Stage::Verify(verification::State::with(c)),
                _ => self.search_prefilled(),
            },
            Message::Search(m) => return self.search_action(m),
            m @ (Message::AskHelp | Message::HelpAsked(_) | Message::Private(_)) => {
                return self.on_help(m);
            }
            m @ (Message::RepliesPanel | Message::Replies(_)) => return self.on_replies(m),
            Message::Transfer => {
                if self.ended.is_none() && self.pending_transfer.is_none() {
                    let unsaved = matches!(&self.stage, Stage::Pop(p) if p.has_unsaved());
                    self.transfer = Some(transfer::Dialog::new(unsaved));
                    return Action::LoadTransferTargets;
                }
            }
            Message::Dialog(m) => return self.dialog_action(m),
            Message::WrapUp(m) => {
                return match self.wrapup.update(m) {
                    wrapup::Action::None => Action::None,
                    wrapup::Action::WrapUp { disposition, note } => {
                        Action::WrapUp { disposition, note }
                    }
                    wrapup::Action::Closed => Action::Closed,
                };
            }
            Message::Pop(m) => {
                if let Stage::Pop(p) = &mut self.stage {
                    return match p.update(m) {
                        screen_pop::Action::None => Action::None,
                        screen_pop::Action::Load(contact) => Action::LoadPop(contact),
                        screen_pop::Action::Save(key, edit) => Action::SaveRecord(key, edit),
                        screen_pop::Action::Reload(key, kind, id) => {
                            Action::ReloadRecord(key, kind, id)
                        }
                        screen_pop::Action::Focus(id) => {
                            Action::Run(iced::widget::operation::focus(id))
                        }
                    };
                }
            }
        }
        Action::None
    }

    fn search_prefilled(&mut self) {
        self.stage = Stage::Search(Box::new(contact_search::State::prefilled(
            &self.chat().customer_name,
            &self.chat().customer_email,
        )));
    }

    fn send(&mut self) -> Action {
        if self.ended.is_some() {
            return Action::None;
        }
        if let Some(line) = self.composer.unfilled() {
            self.composer.refuse(line);
            return Action::None;
        }
        let Some((html, text)) = self.composer.take() else {
            return Action::None;
        };
        let (name, agent) = (&self.agent_name, Some(self.agent_id));
        let m = match html {
            Some(html) => NewMessage::rich(Sender::Agent, name, agent, html, text),
            None => NewMessage::plain(Sender::Agent, name, agent, &text),
        };
        let m = NewMessage {
            internal: self.private,
            ..m
        };
        self.outbox.push(Outgoing {
            message: m.clone(),
            error: None,
        });
        Action::Send(m)
    }

    /// The customer's page says they are typing: shown for a few seconds.
    pub fn customer_typing(&mut self) {
        self.customer_typing_until =
            Some(std::time::Instant::now() + std::time::Duration::from_secs(4));
    }

    fn composer_action(&mut self, m: composer::Message) -> Action {
        // A changed draft is typing, reported at most every 2.5 s; never its text. The
        // draft is compared only when a report is due.
        let now = std::time::Instant::now();
        let due = self.ended.is_none()
            && self
                .typing_sent
                .is_none_or(|t| now.duration_since(t).as_millis() >= 2500);
        let before = due.then(|| self.composer.draft_text());
        match self.composer.update(m) {
            composer::Action::None => {
                if before.is_some_and(|b| b != self.composer.draft_text()) {
                    self.typing_sent = Some(now);
                    return Action::Typing;
                }
                Action::None
            }
            composer::Action::Run(task) => Action::Run(task.map(Message::Composer)),
            composer::Action::Send => self.send(),
            composer::Action::ReadClipboard => Action::ReadClipboard,
            composer::Action::WriteClipboard { html, plain } => {
                Action::WriteClipboard { html, plain }
            }
            composer::Action::PickImage => Action::PickImage,
            composer::Action::EnterSends(on) => Action::EnterSends(on),
            composer::Action::Chosen(reply) => self.insert_reply(&reply),
            composer::Action::BrowseReplies => self.on_replies(Message::RepliesPanel),
        }
    }
}

pub fn composer_id(chat: i64) -> iced::widget::Id {
    composer::editor_id(chat)
}

/// An ended chat opens in wrap-up.
fn chat_ended(chat: &Chat) -> Option<EndReason> {
    chat.in_wrap_up()
        .then(|| chat.end_reason.unwrap_or(EndReason::AgentEnded))
}
