//! A chat's ties to the supervisors: the agent's call for help (asked, then taken up by a
//! supervisor, who is named), and whether the agent's next lines are private (to the
//! supervisor who whispered; the customer never sees them).

use super::{Action, Interaction, Message};
use crate::style;
use crate::widget::focus::{Keys, focus};
use iced::Element;
use iced::widget::{button, checkbox, row, text};
use livewindow_core::{Sender, StoreError};

/// Where the agent's call for help stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Help {
    #[default]
    None,
    /// Asked; no supervisor has taken it up yet.
    Asked,
    /// Taken up by this supervisor.
    Answered(String),
}

impl Interaction {
    pub fn help(&self) -> &Help {
        &self.help
    }

    /// Whether the agent's next lines go to supervisors only.
    pub fn private(&self) -> bool {
        self.private
    }

    /// A supervisor whispered, joined or dismissed the call: the agent sees who.
    pub fn help_answered(&mut self, by: String) {
        self.help = Help::Answered(by);
    }

    pub(super) fn on_help(&mut self, message: Message) -> Action {
        match message {
            Message::AskHelp if self.ended.is_none() && self.help != Help::Asked => {
                self.help = Help::Asked;
                Action::AskHelp
            }
            Message::HelpAsked(Err(e)) => {
                // Asked already (by another desktop of the agent's) is still asked.
                if !matches!(e, StoreError::Conflict(_)) {
                    self.help = Help::None;
                    self.error = Some(e);
                }
                Action::None
            }
            Message::Private(on) => {
                self.private = on;
                Action::None
            }
            _ => Action::None,
        }
    }

    /// A supervisor wrote privately in this chat: the agent may answer the same way.
    fn whispered(&self) -> bool {
        self.messages
            .iter()
            .any(|m| m.internal && m.sender == Sender::Agent && m.sender_name != self.agent_name)
    }

    /// The header's call for help.
    pub(super) fn help_button(&self) -> Element<'_, Message> {
        button(text("Ask for help"))
            .style(button::secondary)
            .keys((self.ended.is_none() && self.help != Help::Asked).then_some(Message::AskHelp))
            .shortcut(format!(
                "Ask a supervisor for help: {}",
                crate::shortcuts::ASK_HELP
            ))
            .into()
    }

    /// Where the call for help stands, under the header's buttons.
    pub(super) fn help_status(&self) -> Element<'_, Message> {
        let line = match &self.help {
            Help::None => return row![].into(),
            Help::Asked => "Help asked: waiting for a supervisor".to_string(),
            Help::Answered(by) => format!("{by} took up your call for help"),
        };
        text(line).size(13).style(style::muted).into()
    }

    /// The private switch above the composer, once a supervisor whispered.
    pub(super) fn private_view(&self) -> Option<Element<'_, Message>> {
        (self.whispered() || self.private).then(|| {
            focus(
                checkbox(self.private)
                    .label("Private: the customer does not see what I send")
                    .text_size(13)
                    .on_toggle(Message::Private),
                Some(Message::Private(!self.private)),
            )
            .into()
        })
    }
}
