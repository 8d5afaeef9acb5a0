//! A chat's transcript: sender, time and message; sticks to the bottom as messages arrive.

use super::style;
use crate::widget::focus::Keys;
use iced::widget::{button, column, container, row, scrollable, space, text};
use iced::{Alignment, Element, Length};
use livewindow_core::time::clock;
use livewindow_core::{Message as ChatMessage, Sender};
use livewindow_richtext::Document;
use std::collections::HashMap;

/// How many of the newest messages are read and laid out at first; older ones on request,
/// as many again each time. Keeps a switch to a 2,000-message chat cheap, and the console's
/// memory independent of how long its chats are.
pub const WINDOW: usize = 200;

pub fn view<'a, M: Clone + 'a>(
    messages: &'a [ChatMessage],
    rich: &'a HashMap<i64, Document>,
    not_loaded: usize,
    // Messages not confirmed yet: (text, why the last attempt failed, client id).
    pending: impl Iterator<Item = (&'a str, Option<String>, &'a str)>,
    shown: usize,
    show_earlier: M,
    retry: impl Fn(&'a str) -> M,
) -> Element<'a, M> {
    let no_save: Option<fn(i64) -> M> = None;
    view_saving(
        messages,
        rich,
        not_loaded,
        pending,
        shown,
        show_earlier,
        retry,
        no_save,
    )
}

/// [`view`], where a customer's file has a Save button that gives `save(message id)`.
#[allow(clippy::too_many_arguments)]
pub fn view_saving<'a, M: Clone + 'a>(
    messages: &'a [ChatMessage],
    rich: &'a HashMap<i64, Document>,
    not_loaded: usize,
    pending: impl Iterator<Item = (&'a str, Option<String>, &'a str)>,
    shown: usize,
    show_earlier: M,
    retry: impl Fn(&'a str) -> M,
    save: Option<impl Fn(i64) -> M>,
) -> Element<'a, M> {
    let start = messages.len().saturating_sub(shown);
    let mut list = column![].spacing(6).padding([4, 12]);
    // Those held but not shown, and those still in the store.
    let more = start + not_loaded;
    if more > 0 {
        list = list.push(
            button(text(format!("Show earlier messages ({more} more)")).size(13))
                .style(button::text)
                .keys(Some(show_earlier)),
        );
    }
    for m in &messages[start..] {
        let save = m.file.as_ref().and(save.as_ref()).map(|f| f(m.id));
        list = list.push(bubble(m, rich.get(&m.id), save));
    }
    for (body, error, id) in pending {
        let status: Element<'a, M> = match error {
            // The reason wraps; the Retry button keeps its room.
            Some(e) => row![
                text(format!("Not sent: {e}"))
                    .size(12)
                    .style(style::field_error)
                    .wrapping(style::WRAP)
                    .width(Length::Fill),
                button(text("Retry").size(12))
                    .style(button::text)
                    .keys(Some(retry(id))),
            ]
            .spacing(6)
            .align_y(Alignment::Center)
            .into(),
            None => text("Sending…").size(12).style(style::muted).into(),
        };
        list = list.push(row![
            space::horizontal(),
            container(column![text(body), status].spacing(2))
                .padding(8)
                .max_width(520)
                .style(style::bubble(true)),
        ]);
    }
    scrollable(list)
        .anchor_bottom()
        .height(Length::Fill)
        .width(Length::Fill)
        .into()
}

fn bubble<'a, M: Clone + 'a>(
    m: &'a ChatMessage,
    rich: Option<&'a Document>,
    save: Option<M>,
) -> Element<'a, M> {
    if m.internal && m.sender == Sender::System {
        // "Sam Lee is monitoring this chat": for the agent, never the customer.
        return container(
            text(format!("{} (the customer does not see this)", m.body_text))
                .size(13)
                .style(style::muted),
        )
        .center_x(Length::Fill)
        .into();
    }
    if m.internal {
        // A transfer's note, a supervisor's whisper, an agent's private answer: agents and
        // supervisors see it, the customer never does.
        return container(
            column![
                text(format!(
                    "Private from {} (the customer does not see this)",
                    m.sender_name
                ))
                .size(12)
                .style(style::muted),
                text(&m.body_text),
            ]
            .spacing(2),
        )
        .padding(8)
        .width(Length::Fill)
        .style(style::internal_note)
        .into();
    }
    if m.sender == Sender::System {
        return container(text(&m.body_text).size(13).style(style::muted))
            .center_x(Length::Fill)
            .into();
    }
    let mine = m.sender == Sender::Agent;
    let header = row![
        text(style::shown(&m.sender_name, 60)).size(13),
        text(clock(m.created_ms)).size(12).style(style::muted),
    ]
    .spacing(8);
    let body: Element<'a, M> = match (&m.file, rich) {
        // A customer's file: its name and size, and the button that saves it.
        (Some(f), _) => row![
            text(format!(
                "File: {} ({})",
                style::shown(&f.name, 60),
                livewindow_core::attachment::size_text(f.size)
            )),
            button(text("Save file\u{2026}").size(13))
                .style(button::secondary)
                .keys(save),
        ]
        .spacing(8)
        .align_y(Alignment::Center)
        .into(),
        (None, Some(doc)) => super::widget::rich_editor::document_view(doc).into(),
        (None, None) => text(&m.body_text).into(),
    };
    let b = container(column![header, body].spacing(2))
        .padding(8)
        .max_width(520)
        .style(style::bubble(mine));
    if mine {
        row![space::horizontal(), b].into()
    } else {
        row![b, space::horizontal()].into()
    }
}
