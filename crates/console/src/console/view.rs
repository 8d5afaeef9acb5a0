//! The console's picture: toolbar, top-level tabs, the strip of notes and offers, and the
//! Live Window tab (incoming offers, the agent's chats) or a chat's tab.

use super::{Console, Message, View};
use crate::offer;
use crate::style;
use crate::toolbar;
use crate::widget::focus::Keys;
use iced::widget::{button, column, container, keyed_column, row, scrollable, text};
use iced::{Element, Length, Task};
use livewindow_core::AgentStatus;

/// Narrower than this (in the zoom's units: 1000 px is a 1280 px window at 125%), a chat's
/// tab shows its conversation or its records, not both, and the toolbar drops its title.
const COMPACT_WIDTH: f32 = 1000.0;

impl Console {
    pub fn view(&self) -> Element<'_, Message> {
        if self.me.stopped {
            return self.stopped_view();
        }
        iced::widget::responsive(move |size| self.page(size.width < COMPACT_WIDTH)).into()
    }

    fn page(&self, compact: bool) -> Element<'_, Message> {
        let bar = toolbar::view(toolbar::Bar {
            name: &self.me.agent.name,
            status: self.me.agent.status,
            active: self.active(),
            theme: self.me.theme,
            speak: self.me.speak,
            muted: self.me.sounds.mute,
            compact,
            sign_out: self.me.sign_out,
        })
        .map(Message::Toolbar);
        let mut tabs = row![
            button(text("Live Window").size(14))
                .style(style::tab(self.work.view == View::Home))
                .keys(Some(Message::Home))
                .id(super::keys::TABS)
        ]
        .spacing(4);
        if self.work.board.is_some() {
            let calls = self.supervisor().map_or(0, |s| s.calls().len());
            let label = if calls > 0 {
                format!("Supervisor ({calls} asking for help)")
            } else {
                "Supervisor".to_string()
            };
            tabs = tabs.push(
                button(text(label).size(14))
                    .style(style::tab(self.work.view == View::Supervisor))
                    .keys(Some(Message::Board))
                    .shortcut(crate::shortcuts::SUPERVISOR),
            );
        }
        tabs = tabs.push(
            button(text("Search").size(14))
                .style(style::tab(self.work.view == View::Search))
                .keys(Some(Message::SearchTab))
                .shortcut(crate::shortcuts::SEARCH),
        );
        for c in self.work.chats.iter().filter(|c| c.verified()) {
            let id = c.chat().id;
            let name = style::shown(&c.chat().customer_name, 24);
            let label = if c.unread() > 0 {
                format!("{name} ({})", c.unread())
            } else {
                name
            };
            let n = self.work.chats.iter().position(|c| c.chat().id == id);
            let mut tab = button(text(label).size(14))
                .style(style::tab(self.work.view == View::Chat(id)))
                .keys(Some(Message::Select(id)));
            if let Some(n) = n.filter(|n| *n < 9) {
                tab = tab.shortcut(format!("Ctrl+{}", n + 1));
            }
            tabs = tabs.push(tab);
        }
        let body = match self.work.view {
            View::Home => self.home_view(),
            View::Chat(id) => match self.chat(id) {
                Some(c) if compact => {
                    let pane = |label, records| {
                        button(text(label).size(14))
                            .style(style::tab(self.work.records_pane == records))
                            .keys(Some(Message::Pane(records)))
                    };
                    let shown = if self.work.records_pane {
                        c.side_view()
                    } else {
                        // The formatting bar takes the transcript's room: shown when asked.
                        c.conversation_view(&self.me.settings.dispositions, self.work.format_bar)
                    };
                    let format_bar = button(text("Formatting").size(14))
                        .style(style::tab(self.work.format_bar))
                        .keys(Some(Message::FormatBar(!self.work.format_bar)))
                        .shortcut(
                            "The composer's formatting buttons (their keys work without them)",
                        );
                    column![
                        row![
                            pane("Conversation", false),
                            pane("Customer records", true),
                            format_bar
                        ]
                        .spacing(4),
                        shown.map(move |m| Message::Chat(id, m)),
                    ]
                    .spacing(8)
                    .into()
                }
                Some(c) => row![
                    container(
                        c.conversation_view(&self.me.settings.dispositions, true)
                            .map(move |m| Message::Chat(id, m))
                    )
                    .width(Length::FillPortion(9)),
                    container(c.side_view().map(move |m| Message::Chat(id, m)))
                        .width(Length::FillPortion(11))
                        .padding([0, 8]),
                ]
                .spacing(12)
                .into(),
                None => text("This chat is closed.").into(),
            },
            View::Supervisor => match &self.work.board {
                Some(board) => board
                    .view(self.db_now(), self.me.agent.id)
                    .map(Message::Supervisor),
                None => text("The Supervisor tab is for supervisors.").into(),
            },
            View::Search => self.work.search.view().map(Message::Search),
        };
        // Always one child here, empty while closed: the widget tree below keeps its shape.
        let sounds: Element<'_, Message> = if self.work.sound_panel {
            crate::sound::settings::view(&self.me.sounds).map(Message::Sound)
        } else {
            iced::widget::space().into()
        };
        let mut page = column![
            bar,
            container(sounds),
            container(
                scrollable(tabs).direction(scrollable::Direction::Horizontal(
                    scrollable::Scrollbar::new().width(4).scroller_width(4)
                ))
            )
            .padding([4, 12]),
        ];
        // Notes and errors live in one column that is always there: inserting children
        // before the body would shift its widget tree and drop the composer's focus.
        let mut status = column![].padding([0, 16]).spacing(4);
        if self.work.view != View::Home {
            // Offers keep arriving while a chat tab is in front: a compact strip of them.
            let now = self.db_now();
            // Two at most (one when narrow or zoomed), so the chat keeps its room; the rest
            // wait on the Live Window tab.
            let most = if compact { 1 } else { 2 };
            if self.work.offers.len() > most {
                status = status.push(
                    button(
                        text(format!(
                            "{} more incoming on the Live Window tab",
                            self.work.offers.len() - most
                        ))
                        .size(13),
                    )
                    .style(button::text)
                    .keys(Some(Message::Home)),
                );
            }
            for (i, card) in self.work.offers.cards().iter().take(most).enumerate() {
                let o = card.offer();
                let mut accept = button(text("Accept").size(14)).style(button::success).keys(
                    (!card.busy()).then_some(Message::Offer(offer::Message::Accept(o.chat_id))),
                );
                let mut decline = button(text("Decline").size(14))
                    .style(button::secondary)
                    .keys(
                        (!card.busy())
                            .then_some(Message::Offer(offer::Message::Decline(o.chat_id))),
                    );
                if i == 0 {
                    accept = accept
                        .id(offer::FIRST_ACCEPT)
                        .shortcut(crate::shortcuts::ACCEPT);
                    decline = decline.shortcut(crate::shortcuts::DECLINE);
                }
                status = status.push(
                    container(
                        row![
                            text(format!(
                                "Incoming chat: {} · {}",
                                style::shown(&o.customer_name, 60),
                                style::shown(&o.queue_name, 24),
                            ))
                            .wrapping(style::WRAP)
                            .width(Length::Fill),
                            // The countdown keeps its room whatever the name.
                            text(format!("{} s", (card.left_ms(now) + 999) / 1000))
                                .wrapping(iced::widget::text::Wrapping::None),
                            accept,
                            decline,
                        ]
                        .spacing(8)
                        .align_y(iced::Alignment::Center),
                    )
                    .padding([4, 8])
                    .style(style::offer_card),
                );
            }
        }
        for (note, _, _) in &self.alerts.notes {
            status = status.push(text(note.clone()).size(14));
        }
        if self.reconnecting() {
            // A team's desktop reaches a server, one machine's its database file.
            let to = if self.data.identity().starts_with("http") {
                "the server"
            } else {
                "the database"
            };
            status = status.push(
                text(format!(
                    "Reconnecting to {to}… You can keep working; nothing you send is lost."
                ))
                .style(style::field_error),
            );
        } else if let Some(e) = &self.error {
            status = status
                .push(text(crate::sentence("Something went wrong", e)).style(style::field_error));
        }
        page = page.push(status);
        let page = page.push(container(body).padding(12).height(Length::Fill));
        // The sheet is a layer over the page, so opening it keeps the page's widget state.
        let mut layers = iced::widget::stack![page];
        if let Some(sheet) = self.help_sheet() {
            layers = layers.push(sheet);
        }
        layers.into()
    }

    fn home_view(&self) -> Element<'_, Message> {
        let now = self.db_now();
        let mut left = column![
            self.queues_view(now),
            text(format!("Incoming ({})", self.work.offers.len())).size(18)
        ]
        .spacing(8);
        if self.work.offers.is_empty() {
            left = left.push(
                text(match self.me.agent.status {
                    AgentStatus::Available => format!(
                        "No offers right now. {} waiting in the queues.",
                        self.waiting()
                    ),
                    _ => format!(
                        "You are {}: no offers come in. {} waiting in the queues.",
                        self.me.agent.status,
                        self.waiting()
                    ),
                })
                .style(style::muted),
            );
        }
        left = left.push(
            keyed_column(
                self.work
                    .offers
                    .cards()
                    .iter()
                    .enumerate()
                    .map(|(i, card)| {
                        (
                            card.offer().chat_id,
                            offer::view(card, now, i == 0).map(Message::Offer),
                        )
                    }),
            )
            .spacing(8),
        );
        left = left.push(text(format!("Active chats ({})", self.active())).size(18));
        if self.work.chats.is_empty() {
            left = left.push(text("Chats you accept appear here.").style(style::muted));
        }
        for (i, c) in self.work.chats.iter().enumerate() {
            let selected = self.work.selected == Some(c.chat().id);
            let mut line = row![
                column![
                    text(style::shown(&c.chat().customer_name, 40))
                        .size(15)
                        .wrapping(style::WRAP),
                    text(match (c.ended(), c.verified()) {
                        (Some(r), _) => format!("Wrap-up · ended: {r}"),
                        (None, true) => format!("{} · verified", c.chat().queue_name),
                        (None, false) => format!("{} · not verified yet", c.chat().queue_name),
                    })
                    .size(12)
                    .style(style::muted),
                ]
                .width(Length::Fill),
            ]
            .spacing(6)
            .align_y(iced::Alignment::Center);
            if c.unread() > 0 {
                line = line.push(
                    container(text(c.unread().to_string()).size(12))
                        .padding([1, 7])
                        .style(style::badge),
                );
            }
            if i < 9 {
                line = line.push(text(format!("Ctrl+{}", i + 1)).size(11).style(style::muted));
            }
            let mut row = button(line)
                .width(Length::Fill)
                .style(style::tab(selected))
                .keys(Some(Message::Select(c.chat().id)));
            if i == 0 {
                row = row.id(super::keys::CHATS);
            }
            left = left.push(row);
        }
        let main: Element<'_, Message> = match self.work.selected.and_then(|id| self.chat(id)).filter(|c| !c.verified()) {
            Some(c) => {
                let id = c.chat().id;
                row![
                    container(c.conversation_view(&self.me.settings.dispositions, true).map(move |m| Message::Chat(id, m))).width(Length::FillPortion(1)),
                    container(c.side_view().map(move |m| Message::Chat(id, m))).width(Length::FillPortion(1)),
                ]
                .spacing(12)
                .into()
            }
            None => container(
                column![
                    text("Welcome").size(22),
                    text("Accept an incoming chat to start. Verified chats open in tabs of their own; switch with the list, the Interactions button or Ctrl+1…9.")
                        .style(style::muted),
                ]
                .spacing(8)
                .max_width(520),
            )
            .center(Length::Fill)
            .into(),
        };
        row![
            container(scrollable(left.padding(iced::Padding {
                right: 10.0,
                ..Default::default()
            })))
            .width(360),
            main,
        ]
        .spacing(16)
        .into()
    }
}
impl Console {
    /// The queues the agent works at a glance: what waits, the longest wait, who is free.
    fn queues_view(&self, now: i64) -> Element<'_, Message> {
        let cell = |s: String, w: f32| text(s).size(13).width(w);
        let mut col = column![
            text("Your queues").size(18),
            row![
                cell("Queue".into(), 110.0),
                cell("Waiting".into(), 60.0),
                cell("Longest".into(), 70.0),
                cell("Available".into(), 70.0),
            ]
            .spacing(6),
        ]
        .spacing(2);
        if self.work.queues.is_empty() {
            col = col.push(text("You work no queue yet.").size(13).style(style::muted));
        }
        for q in &self.work.queues {
            let longest = q
                .oldest_ms
                .map(|t| livewindow_core::time::duration(now - t))
                .unwrap_or_else(|| "—".into());
            col = col.push(
                row![
                    cell(q.name.clone(), 110.0),
                    cell(q.waiting.to_string(), 60.0),
                    cell(longest, 70.0),
                    cell(q.available.to_string(), 70.0),
                ]
                .spacing(6),
            );
        }
        crate::widget::focus::anchor(
            container(col)
                .padding(8)
                .width(Length::Fill)
                .style(style::card),
        )
        .id(super::keys::QUEUES)
        .into()
    }

    /// Another console speaks for the agent now: this one says so and offers to take over.
    fn stopped_view(&self) -> Element<'_, Message> {
        container(
            column![
                text("This console has stopped").size(24),
                text(format!(
                    "Live Window was opened for {} on another desktop, and that one now \
                     receives the offers and sends the messages. Nothing here is lost: your \
                     drafts are saved.",
                    self.me.agent.name
                )),
                button(text("Use this desktop instead"))
                    .style(button::primary)
                    .keys(Some(Message::TakeOver)),
            ]
            .spacing(12)
            .max_width(560),
        )
        .center(Length::Fill)
        .into()
    }
}

/// Brings the window to the front and asks the taskbar for attention.
pub fn bring_to_front() -> Task<Message> {
    iced::window::latest().then(|id| match id {
        Some(id) => iced::window::gain_focus(id).chain(iced::window::request_user_attention(
            id,
            Some(iced::window::UserAttention::Informational),
        )),
        None => Task::none(),
    })
}
