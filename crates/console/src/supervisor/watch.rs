//! A chat a supervisor watches (*Monitor*): its live transcript, private lines included,
//! and its screen pop, read-only; a whisper to its agent; joining the conversation with
//! the composer agents use, and leaving it; moving it to a queue or an agent, or taking it
//! over; ending it. No IO.

use crate::composer::{self, Composer};
use crate::widget::focus::Keys;
use crate::{style, transcript};
use iced::widget::{button, column, container, row, scrollable, text, text_input};
use iced::{Alignment, Element, Length, Task};
use livewindow_core::supervise::Supervision;
use livewindow_core::{
    Chat, ChatState, Message as ChatMessage, MessageFormat, NewMessage, Sender, TransferTarget,
};
use livewindow_data::Monitored;
use livewindow_richtext::Document;
use std::collections::HashMap;
use std::time::Instant;

/// The whisper box, for tests and the focus.
pub const WHISPER: &str = "supervisor-whisper";

#[derive(Debug, Clone)]
pub enum Message {
    Whisper(String),
    SendWhisper,
    Join,
    Leave,
    Composer(composer::Message),
    Move(TransferTarget),
    End,
    Close,
    ShowEarlier,
}

pub enum Action {
    None,
    Run(Task<Message>),
    Supervise(Supervision),
    /// Stop watching.
    Close,
    ReadClipboard,
    WriteClipboard {
        html: String,
        plain: String,
    },
}

pub struct Watch {
    chat: Chat,
    messages: Vec<ChatMessage>,
    rich: HashMap<i64, Document>,
    earlier: usize,
    shown: usize,
    pop: Option<livewindow_core::crm::ScreenPop>,
    whisper: String,
    /// In the conversation (after *Join*, until *Leave*).
    joined: bool,
    composer: Composer,
    typing: Option<Instant>,
}

impl Watch {
    pub fn new(m: Monitored, rich: bool) -> Watch {
        let mut w = Watch {
            composer: Composer::new(m.chat.id, rich, "", None),
            chat: m.chat,
            messages: Vec::new(),
            rich: HashMap::new(),
            earlier: m.earlier,
            shown: transcript::WINDOW,
            pop: m.pop,
            whisper: String::new(),
            joined: false,
            typing: None,
        };
        for message in m.messages {
            w.receive(message);
        }
        w
    }

    pub fn chat(&self) -> &Chat {
        &self.chat
    }

    pub fn messages(&self) -> &[ChatMessage] {
        &self.messages
    }

    pub fn joined(&self) -> bool {
        self.joined
    }

    /// A line of the chat; one already held (read with the transcript, then in the feed)
    /// is kept once.
    pub fn receive(&mut self, m: ChatMessage) {
        if self.messages.iter().any(|x| x.id == m.id) {
            return;
        }
        if m.sender == Sender::Customer {
            self.typing = None;
        }
        if m.format == MessageFormat::Html {
            self.rich
                .insert(m.id, Document::from_stored_html(&m.body_html));
        }
        let at = self.messages.partition_point(|x| x.id < m.id);
        self.messages.insert(at, m);
    }

    pub fn changed(&mut self, chat: Chat) {
        if chat.state == ChatState::Ended {
            self.joined = false;
        }
        self.chat = chat;
    }

    pub fn customer_typing(&mut self) {
        self.typing = Some(Instant::now());
    }

    pub fn update(&mut self, message: Message) -> Action {
        let chat_id = self.chat.id;
        match message {
            Message::Whisper(text) => {
                self.whisper = text;
                Action::None
            }
            Message::SendWhisper => {
                let text = std::mem::take(&mut self.whisper);
                if text.trim().is_empty() {
                    return Action::None;
                }
                Action::Supervise(Supervision::Whisper { chat_id, text })
            }
            Message::Join => {
                self.joined = true;
                Action::Supervise(Supervision::Join { chat_id })
            }
            Message::Leave => {
                self.joined = false;
                Action::Supervise(Supervision::Leave { chat_id })
            }
            Message::Composer(m) => match self.composer.update(m) {
                // A supervisor's composer has no replies list.
                composer::Action::None
                | composer::Action::EnterSends(_)
                | composer::Action::Chosen(_)
                | composer::Action::BrowseReplies => Action::None,
                composer::Action::Run(task) => Action::Run(task.map(Message::Composer)),
                composer::Action::Send => self.say(),
                composer::Action::ReadClipboard => Action::ReadClipboard,
                composer::Action::WriteClipboard { html, plain } => {
                    Action::WriteClipboard { html, plain }
                }
                // Pictures go through the chat's agent.
                composer::Action::PickImage => Action::None,
            },
            Message::Move(target) => Action::Supervise(Supervision::Move { chat_id, target }),
            Message::End => Action::Supervise(Supervision::End { chat_id }),
            Message::Close => Action::Close,
            Message::ShowEarlier => {
                self.shown += transcript::WINDOW;
                Action::None
            }
        }
    }

    /// The composer's draft, to the customer.
    fn say(&mut self) -> Action {
        if !self.joined {
            return Action::None;
        }
        let Some((html, text)) = self.composer.take() else {
            return Action::None;
        };
        let message = match html {
            Some(html) => NewMessage::rich(Sender::Agent, "", None, html, text),
            None => NewMessage::plain(Sender::Agent, "", None, &text),
        };
        Action::Supervise(Supervision::Say {
            chat_id: self.chat.id,
            message,
        })
    }

    pub fn view<'a>(&'a self, targets: Targets<'a>) -> Element<'a, Message> {
        let c = &self.chat;
        let state = match (c.state, &c.agent_name) {
            (ChatState::Ended, _) => "ended".to_string(),
            (ChatState::Active, Some(a)) => format!("with {a}"),
            (ChatState::Offered, _) => "being offered".to_string(),
            _ => "waiting".to_string(),
        };
        let header = row![
            text(format!(
                "Monitoring {} · {} · {state}",
                style::shown(&c.customer_name, 60),
                c.queue_name
            ))
            .size(16)
            .width(Length::Fill),
            button(text("Stop monitoring"))
                .style(button::secondary)
                .keys(Some(Message::Close)),
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        let live = c.state != ChatState::Ended;
        let not_loaded = self.earlier;
        let conversation = transcript::view(
            &self.messages,
            &self.rich,
            not_loaded,
            std::iter::empty(),
            self.shown,
            Message::ShowEarlier,
            |_| Message::ShowEarlier,
        );
        let typing: Element<'a, Message> = match self.typing {
            Some(t) if t.elapsed().as_secs() < 6 => text(format!("{} is typing…", c.customer_name))
                .size(12)
                .style(style::muted)
                .into(),
            _ => column![].into(),
        };
        let mut actions = column![].spacing(6);
        if live {
            let whisper = row![
                text_input("A private message to the agent…", &self.whisper)
                    .id(WHISPER)
                    .on_input(Message::Whisper)
                    .on_submit(Message::SendWhisper)
                    .width(Length::Fill),
                button(text("Whisper"))
                    .keys((!self.whisper.trim().is_empty()).then_some(Message::SendWhisper)),
            ]
            .spacing(6);
            let join = if self.joined {
                button(text("Leave the chat"))
                    .style(button::secondary)
                    .keys(Some(Message::Leave))
            } else {
                button(text("Join the chat")).keys(Some(Message::Join))
            };
            let mut tools = row![join].spacing(6).align_y(Alignment::Center);
            tools = tools.push(targets.view());
            tools = tools.push(
                button(text("End chat"))
                    .style(button::danger)
                    .keys(Some(Message::End)),
            );
            actions = actions.push(whisper).push(tools.wrap());
            if self.joined {
                actions = actions.push(
                    text("You are in the conversation: the customer sees what you write.")
                        .size(12)
                        .style(style::muted),
                );
                actions = actions.push(self.composer.view(false).map(Message::Composer));
            }
        }
        let main = column![header, conversation, typing, actions]
            .spacing(8)
            .width(Length::FillPortion(3));
        row![main, self.pop_view()]
            .spacing(12)
            .height(Length::Fill)
            .into()
    }

    /// The verified contact's records, read-only.
    fn pop_view(&self) -> Element<'_, Message> {
        let mut col = column![text("Customer").size(15)].spacing(4);
        match &self.pop {
            None => {
                col = col.push(
                    text(format!(
                        "{} <{}>, not verified yet.",
                        self.chat.customer_name, self.chat.customer_email
                    ))
                    .size(13)
                    .wrapping(style::WRAP),
                )
            }
            Some(p) => {
                col = col.push(text(p.contact.full_name()).size(14));
                col = col.push(text(format!("{} · {}", p.contact.email, p.contact.phone)).size(12));
                if let Some(a) = &p.account {
                    col = col.push(text(format!("Account {} {}", a.number, a.name)).size(12));
                }
                col = col.push(text(format!("Assets ({})", p.assets.len())).size(13));
                for a in p.assets.iter().take(8) {
                    col = col.push(
                        text(format!("{} · {} · {}", a.product, a.serial, a.status)).size(12),
                    );
                }
                col = col.push(text(format!("Work orders ({})", p.work_orders.len())).size(13));
                for w in p.work_orders.iter().take(8) {
                    col = col.push(
                        text(format!("{} · {} · {}", w.number, w.subject, w.status))
                            .size(12)
                            .wrapping(style::WRAP),
                    );
                }
            }
        }
        container(scrollable(col))
            .padding(8)
            .style(style::card)
            .width(Length::FillPortion(1))
            .height(Length::Fill)
            .into()
    }
}

/// Where a watched chat may be moved: the supervised queues and the agents on the board.
pub struct Targets<'a> {
    pub queues: Vec<(i64, &'a str)>,
    pub agents: Vec<(i64, &'a str)>,
    /// The supervisor, who may take the chat over.
    pub me: i64,
}

/// A move target in a pick list.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pick {
    target: TransferTarget,
    name: String,
}

impl std::fmt::Display for Pick {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl Targets<'_> {
    fn view<'a>(&self) -> Element<'a, Message> {
        let queues: Vec<Pick> = self
            .queues
            .iter()
            .map(|(id, name)| Pick {
                target: TransferTarget::Queue(*id),
                name: format!("Queue {name}"),
            })
            .collect();
        let agents: Vec<Pick> = self
            .agents
            .iter()
            .filter(|(id, _)| *id != self.me)
            .map(|(id, name)| Pick {
                target: TransferTarget::Agent(*id),
                name: name.to_string(),
            })
            .collect();
        row![
            crate::widget::focus::focus(
                iced::widget::pick_list(queues, None::<Pick>, |p| Message::Move(p.target))
                    .placeholder("Move to a queue…")
                    .style(style::labelled_list),
                None,
            ),
            crate::widget::focus::focus(
                iced::widget::pick_list(agents, None::<Pick>, |p| Message::Move(p.target))
                    .placeholder("Offer to an agent…")
                    .style(style::labelled_list),
                None,
            ),
            button(text("Take over"))
                .style(button::secondary)
                .keys(Some(Message::Move(TransferTarget::Agent(self.me)))),
        ]
        .spacing(6)
        .align_y(Alignment::Center)
        .into()
    }
}
