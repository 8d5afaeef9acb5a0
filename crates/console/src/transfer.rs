//! The Transfer dialog: the queues (with what waits and who is free in each) and the other
//! agents (with their room), an optional note for the next agent, and Confirm. A queue with
//! nobody free can be chosen after a clear warning; an agent at capacity cannot.

use super::style;
use crate::widget::focus::{Keys, focus};
use iced::widget::{button, checkbox, column, container, radio, row, scrollable, text, text_input};
use iced::{Element, Length};
use livewindow_core::{AgentLoad, AgentStatus, QueueStat, StoreError, TransferTarget};

#[derive(Debug, Default)]
pub struct Dialog {
    targets: Option<(Vec<QueueStat>, Vec<AgentLoad>)>,
    choice: Option<TransferTarget>,
    note: String,
    /// The screen pop has unsaved edits: the agent must discard them to go on.
    unsaved: bool,
    discard: bool,
    busy: bool,
    error: Option<StoreError>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<(Vec<QueueStat>, Vec<AgentLoad>), StoreError>),
    Choose(TransferTarget),
    Note(String),
    Discard(bool),
    Confirm,
    Cancel,
    /// The transfer was made, or refused.
    Done(Result<(), StoreError>),
}

pub enum Action {
    None,
    Transfer {
        target: TransferTarget,
        note: String,
    },
    Cancel,
    /// The transfer went through: to a queue (the chat leaves), or offered to an agent;
    /// with the target's name.
    Transferred(TransferTarget, String),
}

/// A queue's option in the dialog, by widget id.
pub fn queue_id(queue: i64) -> iced::widget::Id {
    iced::widget::Id::from(format!("transfer-queue-{queue}"))
}

/// Radio buttons need a `Copy + Eq` value per option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    Queue(i64),
    Agent(i64),
}

impl From<&TransferTarget> for Pick {
    fn from(t: &TransferTarget) -> Self {
        match t {
            TransferTarget::Queue(id) => Pick::Queue(*id),
            TransferTarget::Agent(id) => Pick::Agent(*id),
        }
    }
}

impl Dialog {
    /// A dialog for a chat; `unsaved` when its screen pop has edits not saved yet.
    pub fn new(unsaved: bool) -> Self {
        Dialog {
            unsaved,
            ..Dialog::default()
        }
    }

    fn chosen_queue(&self) -> Option<&QueueStat> {
        let (queues, _) = self.targets.as_ref()?;
        match self.choice {
            Some(TransferTarget::Queue(id)) => queues.iter().find(|q| q.id == id),
            _ => None,
        }
    }

    fn name_of(&self, target: &TransferTarget) -> String {
        let Some((queues, agents)) = &self.targets else {
            return String::new();
        };
        match target {
            TransferTarget::Queue(id) => {
                queues.iter().find(|q| q.id == *id).map(|q| q.name.clone())
            }
            TransferTarget::Agent(id) => {
                agents.iter().find(|a| a.id == *id).map(|a| a.name.clone())
            }
        }
        .unwrap_or_default()
    }

    fn can_confirm(&self) -> bool {
        self.choice.is_some() && !self.busy && (!self.unsaved || self.discard)
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Loaded(Ok(targets)) => self.targets = Some(targets),
            Message::Loaded(Err(e)) => self.error = Some(e),
            Message::Choose(target) => {
                // An agent who cannot take the chat now is shown, not chosen.
                let blocked = match (&target, &self.targets) {
                    (TransferTarget::Agent(id), Some((_, agents))) => agents
                        .iter()
                        .find(|a| a.id == *id)
                        .is_none_or(|a| a.status != AgentStatus::Available || a.free <= 0),
                    _ => false,
                };
                if !blocked {
                    self.choice = Some(target);
                    self.error = None;
                }
            }
            Message::Note(note) => {
                self.note = note
                    .chars()
                    .take(livewindow_core::limits::TRANSFER_NOTE_CHARS)
                    .collect()
            }
            Message::Discard(on) => self.discard = on,
            Message::Confirm => {
                if let Some(target) = self.choice.clone().filter(|_| self.can_confirm()) {
                    self.busy = true;
                    self.error = None;
                    return Action::Transfer {
                        target,
                        note: self.note.trim().to_string(),
                    };
                }
            }
            Message::Cancel => return Action::Cancel,
            Message::Done(Ok(())) => {
                self.busy = false;
                if let Some(target) = self.choice.clone() {
                    let name = self.name_of(&target);
                    return Action::Transferred(target, name);
                }
            }
            Message::Done(Err(e)) => {
                self.busy = false;
                self.error = Some(e);
            }
        }
        Action::None
    }

    /// The first queue's option: it has the focus when the targets arrive.
    pub fn first(&self) -> Option<iced::widget::Id> {
        let (queues, _) = self.targets.as_ref()?;
        queues.first().map(|q| queue_id(q.id))
    }

    pub fn view<'a>(&'a self, customer: &'a str) -> Element<'a, Message> {
        let mut page = column![
            text("Transfer").size(22),
            text(format!(
                "Send {customer}'s chat to a queue or another agent."
            ))
            .style(style::muted),
        ]
        .spacing(10);
        let Some((queues, agents)) = &self.targets else {
            page = page.push(match &self.error {
                Some(e) => text(super::sentence("The queues could not be loaded", e))
                    .style(style::field_error),
                None => text("Loading queues and agents…"),
            });
            return page
                .push(button(text("Cancel")).keys(Some(Message::Cancel)))
                .into();
        };
        let picked = self.choice.as_ref().map(Pick::from);
        let mut list = column![text("Queues").size(16)].spacing(4);
        for q in queues {
            let line = format!(
                "{} · {} waiting · {} agent{} available",
                q.name,
                q.waiting,
                q.available,
                if q.available == 1 { "" } else { "s" }
            );
            let choose = Message::Choose(TransferTarget::Queue(q.id));
            let mut option = focus(
                radio(line, Pick::Queue(q.id), picked, move |_| {
                    Message::Choose(TransferTarget::Queue(q.id))
                }),
                Some(choose),
            );
            option = option.id(queue_id(q.id));
            list = list.push(option);
        }
        list = list.push(text("Agents").size(16));
        for a in agents {
            let takes = a.status == AgentStatus::Available && a.free > 0;
            let line = match (a.status, a.free) {
                (AgentStatus::Available, 0) => format!("{} · at capacity", a.name),
                (AgentStatus::Available, n) => format!("{} · room for {n}", a.name),
                (s, _) => format!("{} · {s}", a.name),
            };
            list = list.push(if takes {
                let choose = Message::Choose(TransferTarget::Agent(a.id));
                Element::from(focus(
                    radio(line, Pick::Agent(a.id), picked, move |_| {
                        Message::Choose(TransferTarget::Agent(a.id))
                    }),
                    Some(choose),
                ))
            } else {
                // Shown so the agent knows why they cannot choose them.
                text(format!("○ {line}")).style(style::muted).into()
            });
        }
        page = page.push(
            container(scrollable(list).height(Length::Shrink))
                .max_height(320)
                .padding(8)
                .style(style::card),
        );
        if let Some(q) = self.chosen_queue().filter(|q| q.available == 0) {
            page = page.push(
                text(format!(
                    "No agent is available in {} right now: the customer will wait there until one is.",
                    q.name
                ))
                .style(style::field_error),
            );
        }
        page = page.push(
            text_input(
                "Note for the next agent (optional; the customer never sees it)",
                &self.note,
            )
            .id("transfer-note")
            .on_input(Message::Note)
            .on_submit(Message::Confirm),
        );
        if self.unsaved {
            page = page.push(focus(
                checkbox(self.discard)
                    .label("The screen pop has unsaved changes: discard them")
                    .on_toggle(Message::Discard),
                Some(Message::Discard(!self.discard)),
            ));
        }
        page = page.push(
            row![
                button(text(if self.busy {
                    "Transferring…"
                } else {
                    "Confirm transfer"
                }))
                .style(button::primary)
                .keys(self.can_confirm().then_some(Message::Confirm)),
                button(text("Cancel"))
                    .style(button::secondary)
                    .keys(Some(Message::Cancel)),
            ]
            .spacing(8),
        );
        if let Some(e) = &self.error {
            page = page.push(
                text(super::sentence("The chat was not transferred", e)).style(style::field_error),
            );
        }
        page.into()
    }
}
