//! Contact Verification: the contact that matches the customer, to confirm or search again.

use super::style;
use crate::widget::focus::Keys;
use iced::widget::{button, column, container, row, text};
use iced::{Element, Length};
use livewindow_core::StoreError;
use livewindow_core::crm::Contact;

/// The primary action's widget id: it has the focus when the dialog opens, so Alt+A then
/// Enter accepts and verifies.
pub const VERIFY: &str = "verify";

#[derive(Debug, Clone, Default)]
pub struct State {
    contact: Option<Contact>,
    busy: bool,
    error: Option<StoreError>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Verify,
    SearchAgain,
}

pub enum Action {
    None,
    Verify(Contact),
    SearchAgain,
}

impl State {
    /// Waiting for the contact that matches the customer.
    pub fn matching() -> Self {
        State {
            busy: true,
            ..State::default()
        }
    }

    /// Showing a contact to confirm.
    /// Whether a contact is shown (and so the Verify button).
    pub fn has_contact(&self) -> bool {
        self.contact.is_some()
    }

    pub fn with(contact: Contact) -> Self {
        State {
            contact: Some(contact),
            ..State::default()
        }
    }

    /// The verification could not be saved.
    pub fn failed(&mut self, error: StoreError) {
        self.busy = false;
        self.error = Some(error);
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Verify => match self.contact.clone() {
                Some(contact) if !self.busy => {
                    self.busy = true;
                    self.error = None;
                    Action::Verify(contact)
                }
                _ => Action::None,
            },
            Message::SearchAgain => Action::SearchAgain,
        }
    }

    /// `by_site`: the website the customer came from signed their email.
    pub fn view<'a>(
        &'a self,
        customer: &'a str,
        email: &'a str,
        by_site: bool,
    ) -> Element<'a, Message> {
        let mut page = column![
            text("Contact Verification").size(22),
            text(format!(
                "The customer says they are {} <{}>.",
                style::shown(customer, 120),
                style::shown(email, 254)
            ))
            .style(style::muted)
            .wrapping(style::WRAP),
        ]
        .spacing(12);
        if by_site {
            page = page.push(
                text("✓ verified by website: your website signed in this customer as this email.")
                    .style(iced::widget::text::success),
            );
        }
        match &self.contact {
            Some(c) => {
                let field = |label: &'a str, value: String| {
                    row![text(label).width(110).style(style::muted), text(value)].spacing(8)
                };
                page = page.push(
                    container(
                        column![
                            field("Name", c.full_name()),
                            field("Email", c.email.clone()),
                            field("Phone", c.phone.clone()),
                            field(
                                "Account",
                                c.account_name.clone().unwrap_or_else(|| "—".into())
                            ),
                        ]
                        .spacing(6),
                    )
                    .padding(12)
                    .width(Length::Fill)
                    .style(style::card),
                );
                page = page.push(
                    row![
                        button(text("Verify and Continue"))
                            .style(button::primary)
                            .keys((!self.busy).then_some(Message::Verify))
                            .id(VERIFY),
                        button(text("Search Again"))
                            .style(button::secondary)
                            .keys(Some(Message::SearchAgain)),
                    ]
                    .spacing(8),
                );
            }
            None => {
                page = page.push(text("No contact chosen yet."));
                page = page.push(button(text("Search Again")).keys(Some(Message::SearchAgain)));
            }
        }
        if let Some(e) = &self.error {
            page = page.push(
                text(super::sentence("The contact could not be verified", e))
                    .style(style::field_error),
            );
        }
        page.into()
    }
}
