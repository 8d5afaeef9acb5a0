//! The Sounds panel under the toolbar: the sound for offers and for customers' lines, the
//! volume, mute, and a button to hear each choice.

use super::{Cue, Prefs, Tone};
use crate::widget::focus::{Keys, focus, next};
use iced::widget::{button, checkbox, container, pick_list, row, text};
use iced::{Alignment, Element, Length};

/// The volume's steps, in percent.
pub const VOLUMES: [Volume; 10] = [
    Volume(10),
    Volume(20),
    Volume(30),
    Volume(40),
    Volume(50),
    Volume(60),
    Volume(70),
    Volume(80),
    Volume(90),
    Volume(100),
];

/// A volume step as the list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Volume(pub u8);

impl std::fmt::Display for Volume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Volume {}%", self.0)
    }
}

/// The panel's first control, focused when it opens.
pub const FIRST: &str = "sound-offer";

#[derive(Debug, Clone)]
pub enum Message {
    Offer(Tone),
    Chat(Tone),
    Volume(Volume),
    Mute(bool),
    /// Play the sound chosen for this cue now.
    Try(Cue),
    Close,
}

pub enum Action {
    None,
    /// The settings changed: remember them.
    Changed,
    /// Play this cue now, whatever the mute says (the agent asked to hear it).
    Try(Cue),
    Close,
}

pub fn update(prefs: &mut Prefs, message: Message) -> Action {
    match message {
        Message::Offer(t) => prefs.offer = t,
        Message::Chat(t) => prefs.message = t,
        Message::Volume(Volume(v)) => prefs.volume = v,
        Message::Mute(m) => prefs.mute = m,
        Message::Try(cue) => return Action::Try(cue),
        Message::Close => return Action::Close,
    }
    Action::Changed
}

pub fn view(prefs: &Prefs) -> Element<'_, Message> {
    let tone = |label: &'static str, now: Tone, on: fn(Tone) -> Message, id: &'static str| {
        row![
            text(label).size(14),
            focus(
                pick_list(&Tone::ALL[..], Some(now), on).text_size(14),
                next(&Tone::ALL, Some(&now)).map(on),
            )
            .id(id)
            .shortcut("Enter or Space: the next sound"),
        ]
        .spacing(6)
        .align_y(Alignment::Center)
    };
    let volume = Volume(prefs.volume);
    let hear = |cue| {
        button(text("Play").size(14))
            .padding([4, 10])
            .style(button::secondary)
            .keys(Some(Message::Try(cue)))
            .shortcut("Hear this sound")
    };
    container(
        row![
            text("Sounds").size(15),
            tone("New chat offered:", prefs.offer, Message::Offer, FIRST),
            hear(Cue::Offer),
            tone(
                "Customer wrote:",
                prefs.message,
                Message::Chat,
                "sound-message"
            ),
            hear(Cue::Message),
            focus(
                pick_list(&VOLUMES[..], Some(volume), Message::Volume).text_size(14),
                next(&VOLUMES, Some(&volume)).map(Message::Volume),
            )
            .shortcut("Enter or Space: louder (after 100%, 10%)"),
            focus(
                checkbox(prefs.mute)
                    .label("Mute")
                    .text_size(14)
                    .on_toggle(Message::Mute),
                Some(Message::Mute(!prefs.mute)),
            )
            .shortcut("No sounds"),
            button(text("Close").size(14))
                .padding([4, 10])
                .style(button::secondary)
                .keys(Some(Message::Close))
                .shortcut("Close the Sounds panel"),
        ]
        .spacing(14)
        .align_y(Alignment::Center)
        .wrap(),
    )
    .padding([6, 16])
    .width(Length::Fill)
    .style(crate::style::toolbar)
    .into()
}
