//! The toolbar: the agent, their availability, the theme, the interactions icon with its
//! badge, and *Sign out* on a team's desktop.

use super::style;
use crate::widget::focus::{Keys, focus, next};
use iced::widget::{button, checkbox, container, pick_list, row, space, stack, text};
use iced::{Alignment, Element, Length};
use livewindow_core::AgentStatus;

#[derive(Debug, Clone)]
pub enum Message {
    Status(AgentStatus),
    Interactions,
    Theme(crate::theme::Choice),
    /// Spoken alerts on or off.
    Speak(bool),
    /// Open or close the Sounds panel.
    Sounds,
    /// End the session on the team's server and go back to the sign-in screen.
    SignOut,
}

/// What the toolbar shows beside the agent's name.
pub struct Bar<'a> {
    pub name: &'a str,
    pub status: AgentStatus,
    pub active: usize,
    pub theme: crate::theme::Choice,
    pub speak: bool,
    /// Sounds are muted: the Sounds button says so.
    pub muted: bool,
    pub compact: bool,
    /// A team's desktop: *Sign out* is there.
    pub sign_out: bool,
}

pub fn view<'a>(bar: Bar<'a>) -> Element<'a, Message> {
    let Bar {
        name,
        status,
        active,
        theme,
        speak,
        muted,
        compact,
        sign_out,
    } = bar;
    let icon = button(text("Interactions").size(15))
        .padding([6, 12])
        .style(button::secondary)
        .keys(Some(Message::Interactions))
        .shortcut(format!("Your chats: {}", crate::shortcuts::CHAT_N));
    // The badge sits on the icon's corner; it shows the number of active interactions,
    // and is not there when there are none.
    let mut interactions = stack![container(icon).padding(iced::Padding {
        top: 8.0,
        right: 10.0,
        bottom: 0.0,
        left: 0.0
    })];
    if active > 0 {
        let badge = container(text(active.to_string()).size(12))
            .id("interactions-badge")
            .padding([1, 7])
            .style(style::badge);
        interactions = interactions.push(container(badge).align_right(Length::Fill));
    }
    container(
        row![
            // The window's title says it already: the room goes to the controls when narrow.
            text(if compact { "" } else { "Live Window" }).size(20),
            space::horizontal(),
            focus(
                checkbox(speak)
                    // Narrow (or zoomed), the short word leaves the room to the controls.
                    .label(if compact { "Speak" } else { "Spoken alerts" })
                    .text_size(14)
                    .on_toggle(Message::Speak),
                Some(Message::Speak(!speak)),
            )
            .shortcut("Say offers and messages aloud (speech-dispatcher)"),
            button(text(if muted { "Sounds (muted)" } else { "Sounds" }).size(14))
                .padding([6, 12])
                .style(button::secondary)
                .keys(Some(Message::Sounds))
                .shortcut("Choose the sounds, their volume, or mute them"),
            focus(
                pick_list(&crate::theme::Choice::ALL[..], Some(theme), Message::Theme)
                    .text_size(14),
                next(&crate::theme::Choice::ALL, Some(&theme)).map(Message::Theme),
            )
            .shortcut("Enter or Space: the next theme"),
            text(if compact { "" } else { name }).size(16),
            focus(
                pick_list(&AgentStatus::ALL[..], Some(status), Message::Status),
                next(&AgentStatus::ALL, Some(&status)).map(Message::Status),
            )
            .shortcut("Enter or Space: the next status"),
            interactions,
        ]
        .push(sign_out.then(|| {
            // Level with the interactions icon, which leaves room above for its badge.
            container(
                button(text("Sign out").size(14))
                    .padding([6, 12])
                    .style(button::secondary)
                    .keys(Some(Message::SignOut))
                    .shortcut("End your session on the server"),
            )
            .padding(iced::Padding {
                top: 8.0,
                ..iced::Padding::ZERO
            })
        }))
        .spacing(if compact { 8 } else { 16 })
        .align_y(Alignment::Center),
    )
    .padding([6, 16])
    .width(Length::Fill)
    .style(style::toolbar)
    .into()
}
