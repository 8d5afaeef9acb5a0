//! A chat's picture: the conversation (header, transcript, composer or wrap-up) and the
//! side panel (transfer, verification, search or the screen pop).

use super::{Interaction, Message, Stage};
use crate::widget::focus::Keys;
use crate::{style, transcript};
use iced::widget::{button, column, container, row, text};
use iced::{Element, Length};

/// Narrower than this, a chat's header puts its buttons under the customer's name.
const NARROW: f32 = 560.0;

impl Interaction {
    /// The customer's name and address (and where a call for help stands) beside the
    /// chat's buttons, or above them when `narrow`: the name and the address keep room.
    fn header(&self, narrow: bool) -> Element<'_, Message> {
        let who = column![
            text(style::shown(&self.chat.customer_name, 40))
                .size(20)
                .wrapping(style::WRAP),
            text(format!(
                "{} · {}",
                style::shown_middle(&self.chat.customer_email, 60),
                self.chat.queue_name
            ))
            .size(13)
            .style(style::muted)
            .wrapping(style::WRAP),
            self.help_status(),
        ]
        .width(Length::Fill);
        let buttons = row![
            self.help_button(),
            button(text("Transfer")).style(button::secondary).keys(
                (self.ended.is_none()
                    && self.pending_transfer.is_none()
                    && self.transfer.is_none())
                .then_some(Message::Transfer)
            ),
            button(text("End chat"))
                .style(button::danger)
                .keys(self.ended.is_none().then_some(Message::End)),
        ]
        .spacing(8);
        if narrow {
            column![who, buttons].spacing(6).into()
        } else {
            row![who, buttons]
                .spacing(8)
                .align_y(iced::Alignment::Center)
                .into()
        }
    }

    /// The conversation: transcript, composer and the chat's actions.
    /// `tools`: the composer's formatting bar (hidden in a narrow window until asked for).
    pub fn conversation_view<'a>(
        &'a self,
        dispositions: &'a [String],
        tools: bool,
    ) -> Element<'a, Message> {
        let header = iced::widget::responsive(move |size| self.header(size.width < NARROW))
            .height(Length::Shrink);
        let transcript = transcript::view_saving(
            &self.messages,
            &self.rich,
            self.earlier,
            self.outbox.iter().map(|o| {
                (
                    o.message.body_text.as_str(),
                    o.error.as_ref().map(|e| e.to_string()),
                    o.message.client_id.as_str(),
                )
            }),
            self.shown,
            Message::ShowEarlier,
            |id: &str| Message::Retry(id.to_string()),
            Some(Message::SaveFile),
        );
        let mut col = column![header].spacing(8);
        if let Some(earlier) = self.history.inline_view() {
            col = col.push(earlier.map(Message::History));
        }
        col = col.push(
            container(transcript)
                .style(style::card)
                .height(Length::Fill),
        );
        if self
            .customer_typing_until
            .is_some_and(|t| t > std::time::Instant::now())
            && self.ended.is_none()
        {
            col = col.push(text("Customer is typing…").size(13).style(style::muted));
        }
        if let Some(agent) = &self.pending_transfer {
            col = col.push(
                text(format!(
                    "Waiting for {agent} to accept the transfer; the chat stays with you until then."
                ))
                .style(style::muted),
            );
        }
        if let Some(reason) = self.ended {
            col = col.push(self.wrapup.view(reason, dispositions).map(Message::WrapUp));
        } else {
            if let Some(private) = self.private_view() {
                col = col.push(private);
            }
            col = col.push(
                row![
                    container(self.composer.view(tools).map(Message::Composer)).width(Length::Fill),
                    button(text("Send"))
                        .style(button::primary)
                        .keys(Some(Message::Send))
                        .shortcut(format!("Send: {}", crate::shortcuts::SEND))
                ]
                .spacing(8)
                .align_y(iced::Alignment::End),
            );
        }
        if let Some(e) = &self.error {
            col = col
                .push(text(crate::sentence("Something went wrong", e)).style(style::field_error));
        }
        col.into()
    }

    /// The side panel: the Transfer dialog when open, else verification, search, or the
    /// screen pop.
    pub fn side_view(&self) -> Element<'_, Message> {
        if let Some(dialog) = &self.transfer {
            return dialog.view(&self.chat.customer_name).map(Message::Dialog);
        }
        if let Some(panel) = &self.replies {
            return panel.view().map(Message::Replies);
        }
        match &self.stage {
            Stage::Verify(v) => column![
                v.view(
                    &self.chat.customer_name,
                    &self.chat.customer_email,
                    self.chat.verified_by_site,
                )
                .map(Message::Verification),
                container(self.history.view().map(Message::History))
                    .padding([0, 8])
                    .height(Length::Fill),
            ]
            .spacing(12)
            .into(),
            Stage::Search(s) => s.view().map(Message::Search),
            Stage::Pop(p) => p.view(self.history.view().map(Message::History), Message::Pop),
        }
    }
}
