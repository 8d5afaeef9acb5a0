//! The toolbar: the agent, their availability, the theme, and the interactions icon with
//! its badge.

use super::style;
use iced::widget::{button, container, pick_list, row, space, stack, text};
use iced::{Alignment, Element, Length};
use livewindow_core::AgentStatus;

#[derive(Debug, Clone)]
pub enum Message {
    Status(AgentStatus),
    Interactions,
    Dark(bool),
}

pub fn view<'a>(
    name: &'a str,
    status: AgentStatus,
    active: usize,
    dark: bool,
) -> Element<'a, Message> {
    let icon = button(text("Interactions").size(15))
        .padding([6, 12])
        .style(button::secondary)
        .on_press(Message::Interactions);
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
            text("Live Window").size(20),
            space::horizontal(),
            button(text(if dark { "Light theme" } else { "Dark theme" }).size(14))
                .style(button::text)
                .on_press(Message::Dark(!dark)),
            text(name).size(16),
            pick_list(&AgentStatus::ALL[..], Some(status), Message::Status),
            interactions,
        ]
        .spacing(16)
        .align_y(Alignment::Center),
    )
    .padding([6, 16])
    .width(Length::Fill)
    .style(style::toolbar)
    .into()
}
