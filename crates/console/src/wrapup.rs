//! The wrap-up form of an ended chat: a disposition from the site's list and a note, then
//! Done. Until then the chat stays in the agent's list and counts against their capacity.

use super::style;
use crate::widget::focus::{Keys, focus, next};
use iced::widget::{button, column, container, pick_list, row, text, text_input};
use iced::{Element, Length};
use livewindow_core::csat::Rating;
use livewindow_core::{EndReason, StoreError};

#[derive(Debug, Default)]
pub struct Form {
    disposition: Option<String>,
    note: String,
    busy: bool,
    error: Option<StoreError>,
    /// The customer's satisfaction answer, when it arrived while the form is open.
    rating: Option<Rating>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Disposition(String),
    Note(String),
    Done,
    Saved(Result<(), StoreError>),
}

pub enum Action {
    None,
    WrapUp {
        disposition: String,
        note: String,
    },
    /// Saved: the chat leaves the agent's list.
    Closed,
}

impl Form {
    /// The customer answered "How did we do?" (the desk's feed brought it).
    pub fn rated(&mut self, rating: Rating) {
        self.rating = Some(rating);
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Disposition(d) => {
                self.disposition = Some(d);
                self.error = None;
            }
            Message::Note(n) => {
                self.note = n
                    .chars()
                    .take(livewindow_core::limits::WRAPUP_NOTE_CHARS)
                    .collect()
            }
            Message::Done => {
                if let Some(disposition) = self.disposition.clone().filter(|_| !self.busy) {
                    self.busy = true;
                    return Action::WrapUp {
                        disposition,
                        note: self.note.trim().to_string(),
                    };
                }
            }
            Message::Saved(Ok(())) => return Action::Closed,
            Message::Saved(Err(e)) => {
                self.busy = false;
                self.error = Some(e);
            }
        }
        Action::None
    }

    /// The disposition list: it has the focus when the wrap-up opens.
    pub const DISPOSITION: &str = "wrapup-disposition";

    pub fn view<'a>(
        &'a self,
        reason: EndReason,
        dispositions: &'a [String],
    ) -> Element<'a, Message> {
        let mut col = column![
            text(format!("This chat has ended: {reason}. Wrap it up:")).style(style::muted),
            row![
                focus(
                    pick_list(dispositions, self.disposition.as_ref(), |d: String| {
                        Message::Disposition(d)
                    })
                    .placeholder("Disposition")
                    .width(220),
                    next(dispositions, self.disposition.as_ref()).map(Message::Disposition),
                )
                .id(Self::DISPOSITION)
                .shortcut("Enter or Space: the next disposition"),
                text_input("Note (optional)", &self.note)
                    .id("wrapup-note")
                    .on_input(Message::Note)
                    .on_submit(Message::Done)
                    .width(Length::Fill),
                button(text(if self.busy { "Saving…" } else { "Done" }))
                    .style(button::primary)
                    .keys((self.disposition.is_some() && !self.busy).then_some(Message::Done)),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        ]
        .spacing(6);
        if let Some(r) = &self.rating {
            col = col.push(text(r.line()));
        }
        if let Some(e) = &self.error {
            col = col.push(
                text(super::sentence("The wrap-up was not saved", e)).style(style::field_error),
            );
        }
        container(col).padding(8).style(style::card).into()
    }
}
