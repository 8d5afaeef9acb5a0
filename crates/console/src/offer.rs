//! Incoming chats: one card per pending offer, with a countdown on the database's clock.

use super::style;
use crate::shortcuts;
use crate::widget::focus::Keys;
use iced::widget::text::Wrapping;
use iced::widget::{button, column, container, progress_bar, row, text, text_input};

/// The widget id of every offer card's countdown bar.
pub const COUNTDOWN_ID: &str = "offer-countdown";
use iced::{Element, Length};
use livewindow_core::chat::OFFER_CARD_GRACE_MS;
use livewindow_core::limits::DECLINE_REASON_CHARS;
use livewindow_core::{Offer, Transfer, TransferKind};

#[derive(Debug)]
pub struct Card {
    offer: Offer,
    /// The desktop notification of this offer, withdrawn when the card goes.
    notification: Option<super::notify::Withdraw>,
    reason: String,
    busy: bool,
    /// Set by the first view that shows the card: ms from the customer's request.
    shown_after_ms: std::cell::Cell<Option<i64>>,
}

impl Card {
    pub fn offer(&self) -> &Offer {
        &self.offer
    }

    /// How long after the offer the card was first drawn (the bench's offer-shown figure).
    pub fn shown_after_ms(&self) -> Option<i64> {
        self.shown_after_ms.get()
    }

    /// Accepting or declining is on its way: the buttons wait.
    pub fn busy(&self) -> bool {
        self.busy
    }

    pub fn new(offer: Offer) -> Self {
        Card {
            offer,
            notification: None,
            reason: String::new(),
            busy: false,
            shown_after_ms: std::cell::Cell::new(None),
        }
    }

    /// Milliseconds left, given the database's "now".
    pub fn left_ms(&self, db_now: i64) -> i64 {
        left_ms(&self.offer, db_now)
    }
}

/// Milliseconds left of an offer at the database's time `db_now`: never below zero, and
/// never more than the offer's whole length. The console's idea of the database's clock is
/// an estimate, and an offer heard a moment after it was made must not say "31 seconds" of
/// a 30-second offer.
pub fn left_ms(offer: &Offer, db_now: i64) -> i64 {
    let whole = offer.deadline_ms - offer.offered_ms;
    let left = (offer.deadline_ms - db_now).max(0);
    if offer.offered_ms > 0 {
        left.min(whole.max(0))
    } else {
        left
    }
}

/// The incoming offers, oldest first.
#[derive(Debug, Default)]
pub struct Offers {
    cards: Vec<Card>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Accept(i64),
    Decline(i64),
    Reason(i64, String),
}

pub enum Action {
    None,
    Accept(i64),
    Decline(i64, Option<String>),
}

impl Offers {
    /// The cards, oldest offer first.
    pub fn cards(&self) -> &[Card] {
        &self.cards
    }

    pub fn new(offers: Vec<Offer>) -> Self {
        Offers {
            cards: offers.into_iter().map(Card::new).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.cards.is_empty()
    }

    pub fn len(&self) -> usize {
        self.cards.len()
    }

    pub fn get(&self, chat: i64) -> Option<&Card> {
        self.cards.iter().find(|c| c.offer.chat_id == chat)
    }

    pub fn first(&self) -> Option<i64> {
        self.cards.first().map(|c| c.offer.chat_id)
    }

    /// Adds an offer unless its card is already there; false if it was.
    pub fn add(&mut self, offer: Offer) -> bool {
        if self.get(offer.chat_id).is_some() {
            return false;
        }
        self.cards.push(Card::new(offer));
        true
    }

    /// Keeps an offer's notification up for as long as its card is here.
    pub fn notified(&mut self, chat: i64, notification: super::notify::Withdraw) {
        if let Some(card) = self.cards.iter_mut().find(|c| c.offer.chat_id == chat) {
            card.notification = Some(notification);
        }
    }

    /// Removes the card of a chat, giving it back.
    pub fn remove(&mut self, chat: i64) -> Option<Card> {
        let i = self.cards.iter().position(|c| c.offer.chat_id == chat)?;
        Some(self.cards.remove(i))
    }

    /// Removes the cards whose countdown ran out more than a grace period ago (the
    /// database's expiry event may be late), giving them back.
    pub fn expire(&mut self, db_now: i64) -> Vec<Card> {
        let (gone, kept) = std::mem::take(&mut self.cards)
            .into_iter()
            .partition(|c| c.offer.deadline_ms + OFFER_CARD_GRACE_MS < db_now);
        self.cards = kept;
        gone
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Accept(chat) => match self.claim(chat) {
                Some(_) => Action::Accept(chat),
                None => Action::None,
            },
            Message::Decline(chat) => match self.claim(chat) {
                Some(card) => {
                    let reason = card.reason.trim();
                    Action::Decline(chat, (!reason.is_empty()).then(|| reason.to_string()))
                }
                None => Action::None,
            },
            Message::Reason(chat, reason) => {
                if let Some(card) = self.cards.iter_mut().find(|c| c.offer.chat_id == chat) {
                    card.reason = reason.chars().take(DECLINE_REASON_CHARS).collect();
                }
                Action::None
            }
        }
    }

    /// Marks a card busy for one decision; `None` when it is gone or already deciding.
    fn claim(&mut self, chat: i64) -> Option<&Card> {
        let card = self.cards.iter_mut().find(|c| c.offer.chat_id == chat)?;
        if card.busy {
            return None;
        }
        card.busy = true;
        Some(card)
    }
}

/// The first card's Accept: where F6 brings the focus to the offers.
pub const FIRST_ACCEPT: &str = "region-offers";

pub fn view(card: &Card, db_now: i64, first: bool) -> Element<'_, Message> {
    let o = &card.offer;
    if card.shown_after_ms.get().is_none() {
        // The console's own request-to-screen timing, on the database's clock.
        let after = db_now - o.requested_ms;
        card.shown_after_ms.set(Some(after));
        tracing::info!(
            "offer of chat {} shown {after} ms after the request",
            o.chat_id
        );
    }
    let left = card.left_ms(db_now);
    let total = (o.deadline_ms - o.offered_ms).max(1) as f32;
    let secs = (left + 999) / 1000;
    // The customer's name and address wrap in the room left; the countdown and the queue
    // keep theirs whatever the customer typed.
    let heading = row![
        column![
            // Cut to two lines or so: Accept and Decline stay in sight on a small screen;
            // verification shows the whole values.
            text(style::shown(&o.customer_name, 60))
                .size(20)
                .wrapping(style::WRAP),
            text(style::shown_middle(&o.customer_email, 80))
                .style(style::muted)
                .wrapping(style::WRAP),
        ]
        .spacing(2)
        .width(Length::Fill),
        column![
            text(format!("{secs} s")).size(22).wrapping(Wrapping::None),
            text(format!("Queue: {}", style::shown(&o.queue_name, 24)))
                .size(13)
                .style(style::muted)
                .wrapping(Wrapping::None),
        ]
        .width(Length::Shrink)
        .align_x(iced::Alignment::End),
    ]
    .spacing(8)
    .align_y(iced::Alignment::Center);
    // Named so that a picture of the console can leave the moving bar out.
    let bar = container(progress_bar(0.0..=total, left as f32).girth(6)).id(COUNTDOWN_ID);
    let mut body = column![heading, bar].spacing(8);
    if let Some(t) = &o.transfer {
        body = body.push(transfer_lines(t));
    }
    if o.verified_by_site {
        body = body.push(
            text("✓ verified by website")
                .size(13)
                .style(iced::widget::text::success),
        );
    }
    if let Some(m) = &o.first_message {
        body = body.push(
            text(format!("“{}”", style::shown(m, 400)))
                .size(15)
                .wrapping(style::WRAP),
        );
    }
    let mut accept = button(text(if first { "Accept (Alt+A)" } else { "Accept" }))
        .style(button::success)
        .keys((!card.busy).then_some(Message::Accept(o.chat_id)));
    let mut decline = button(text(if first { "Decline (Alt+D)" } else { "Decline" }))
        .style(button::secondary)
        .keys((!card.busy).then_some(Message::Decline(o.chat_id)));
    if first {
        accept = accept
            .id(FIRST_ACCEPT)
            .shortcut(format!("Accept this chat: {}", shortcuts::ACCEPT));
        decline = decline.shortcut(format!("Decline this chat: {}", shortcuts::DECLINE));
    }
    let chat = o.chat_id;
    body = body.push(row![accept, decline].spacing(8));
    body = body.push(
        text_input("Reason for declining (optional)", &card.reason)
            .id(format!("decline-reason-{chat}"))
            .on_input(move |r| Message::Reason(chat, r))
            .on_submit(Message::Decline(chat))
            .size(14)
            .width(Length::Fill),
    );
    container(body)
        .padding(12)
        .width(Length::Fill)
        .style(style::offer_card)
        .into()
}

/// What the next agent is told about a chat that comes from another.
fn transfer_lines(t: &Transfer) -> Element<'_, Message> {
    let from = match (t.kind, &t.from_agent) {
        (TransferKind::Absent, Some(a)) => {
            format!(
                "Back in the queue: {a}'s desktop went silent ({})",
                t.from_queue
            )
        }
        (TransferKind::Supervisor, _) => format!("Moved by a supervisor from {}", t.from_queue),
        (_, Some(a)) => format!("Transfer from {a} ({})", t.from_queue),
        (_, None) => format!("Transfer from {}", t.from_queue),
    };
    let mut col = column![text(from).size(15)].spacing(2);
    if !t.note.is_empty() {
        col = col.push(text(format!("Note: {}", t.note)).size(14));
    }
    if let Some(c) = &t.contact {
        col = col.push(
            text(format!("Verified contact: {c}"))
                .size(13)
                .style(style::muted),
        );
    }
    container(col)
        .padding([4, 8])
        .width(Length::Fill)
        .style(style::internal_note)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(offered_ms: i64, deadline_ms: i64) -> Offer {
        Offer {
            chat_id: 1,
            agent_id: 1,
            queue_id: 1,
            queue_name: "Support".into(),
            customer_name: "Ana Lima".into(),
            customer_email: "ana@example.com".into(),
            deadline_ms,
            offered_ms,
            requested_ms: offered_ms,
            first_message: None,
            transfer: None,
            verified_by_site: false,
        }
    }

    #[test]
    fn time_left_stays_within_the_offer() {
        let o = offer(100_000, 130_000);
        assert_eq!(left_ms(&o, 110_000), 20_000);
        assert_eq!(left_ms(&o, 140_000), 0, "never below zero");
        // A clock estimate a few ms behind the database's: still the whole offer, no more.
        assert_eq!(left_ms(&o, 99_997), 30_000);
        // An offer whose making time is unknown is not capped.
        assert_eq!(left_ms(&offer(0, 130_000), 99_997), 30_003);
    }
}
