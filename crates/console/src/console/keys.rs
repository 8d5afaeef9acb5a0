//! The keyboard beyond each control: F6 between regions, Esc, and the F1 sheet of
//! shortcuts. (Tab and Shift+Tab are iced's focus operations over `widget::focus`.)

use super::{Console, Message, View};
use crate::offer;
use crate::shortcuts;
use crate::style;
use crate::widget::focus::Keys;
use iced::widget::{button, column, container, opaque, row, scrollable, text};
use iced::{Element, Length, Task};

/// A key the whole window answers, whatever has the focus.
#[derive(Debug, Clone, Copy)]
pub enum Shortcut {
    AcceptFirst,
    DeclineFirst,
    Nth(usize),
    /// Ctrl with `=`/`+`, `-` or `0`.
    Zoom(char),
    /// Tab or Shift+Tab: the next or previous control.
    Focus {
        back: bool,
    },
    /// F6 or Shift+F6: the next or previous region.
    Region {
        back: bool,
    },
    /// Esc: the F1 sheet, a dialog, else back to the Live Window tab.
    Escape,
    /// F1: the sheet of shortcuts.
    Help,
    /// Ctrl+Shift+H: ask for help with the chat in view.
    AskHelp,
    /// Ctrl+Shift+S: the Supervisor tab.
    Board,
    /// Ctrl+Shift+F: the Search tab.
    Search,
}

/// The first control of each region, by widget id: F6 moves to them in this order.
pub const TABS: &str = "region-tabs";
pub const QUEUES: &str = "region-queues";
pub const CHATS: &str = "region-chats";
const HELP_CLOSE: &str = "help-close";

impl Console {
    /// A shortcut from the window's key listener (`app::console_event`).
    pub(super) fn on_key(&mut self, shortcut: Shortcut) -> Task<Message> {
        match shortcut {
            Shortcut::AcceptFirst => match self.work.offers.first() {
                Some(chat) => self.update(Message::Offer(offer::Message::Accept(chat))),
                None => Task::none(),
            },
            Shortcut::DeclineFirst => match self.work.offers.first() {
                Some(chat) => self.update(Message::Offer(offer::Message::Decline(chat))),
                None => Task::none(),
            },
            Shortcut::Focus { back: false } => iced::widget::operation::focus_next(),
            Shortcut::Focus { back: true } => iced::widget::operation::focus_previous(),
            Shortcut::Region { back } => self.next_region(back),
            Shortcut::Help => self.toggle_help(),
            Shortcut::Escape => self.escape(),
            Shortcut::Zoom(key) => match crate::zoom::key(key, self.me.zoom) {
                Some(percent) => self.update(Message::Zoom(percent)),
                None => Task::none(),
            },
            Shortcut::AskHelp => match self.in_view() {
                Some(id) => self.update(Message::Chat(id, crate::interaction::Message::AskHelp)),
                None => Task::none(),
            },
            Shortcut::Board => self.update(Message::Board),
            Shortcut::Search => self.update(Message::SearchTab),
            Shortcut::Nth(n) => match self.work.chats.get(n) {
                Some(c) => {
                    let id = c.chat().id;
                    self.show(id)
                }
                None => Task::none(),
            },
        }
    }

    /// The regions on screen now, in reading order.
    fn regions(&self) -> Vec<iced::widget::Id> {
        let mut ids = vec![iced::widget::Id::new(TABS)];
        let home = self.work.view == View::Home;
        if home {
            ids.push(iced::widget::Id::new(QUEUES));
        }
        if !self.work.offers.is_empty() {
            ids.push(iced::widget::Id::new(crate::offer::FIRST_ACCEPT));
        }
        if home && !self.work.chats.is_empty() {
            ids.push(iced::widget::Id::new(CHATS));
        }
        if let Some(id) = self.in_view()
            && let Some(c) = self.chat(id)
        {
            ids.push(crate::interaction::composer_id(id));
            ids.push(if c.verified() {
                iced::widget::Id::new(crate::screen_pop::State::FIRST_TAB)
            } else {
                iced::widget::Id::new(crate::verification::VERIFY)
            });
        }
        ids
    }

    /// F6 (or Shift+F6): the first control of the next (or previous) region.
    pub(super) fn next_region(&mut self, back: bool) -> Task<Message> {
        let ids = self.regions();
        let n = ids.len();
        // In a view just opened, F6 starts at its first region (Shift+F6 at its last).
        let at = match self.work.region {
            Some((view, i)) if view == self.work.view && back => (i + n - 1) % n,
            Some((view, i)) if view == self.work.view => (i + 1) % n,
            _ if back => n - 1,
            _ => 0,
        };
        self.work.region = Some((self.work.view, at));
        iced::widget::operation::focus(ids[at].clone())
    }

    /// Esc: closes the F1 sheet, else the dialog open in the chat in view, else goes back to
    /// the Live Window tab.
    pub(super) fn escape(&mut self) -> Task<Message> {
        if self.work.help {
            self.work.help = false;
            return Task::none();
        }
        if let Some(id) = self.in_view()
            && let Some(c) = self.chat_mut(id)
            && let Some(action) = c.escape()
        {
            return self.run(id, action);
        }
        self.update(Message::Home)
    }

    /// F1: the sheet opens with its Close button focused.
    pub(super) fn toggle_help(&mut self) -> Task<Message> {
        self.work.help = !self.work.help;
        if self.work.help {
            iced::widget::operation::focus(HELP_CLOSE)
        } else {
            Task::none()
        }
    }

    /// The sheet of shortcuts over the console, when F1 opened it.
    pub(super) fn help_sheet(&self) -> Option<Element<'_, Message>> {
        if !self.work.help {
            return None;
        }
        let mut sheet = column![
            row![
                text("Keyboard shortcuts").size(22).width(Length::Fill),
                button(text("Close"))
                    .style(button::primary)
                    .keys(Some(Message::Key(super::Shortcut::Escape)))
                    .id(HELP_CLOSE)
                    .shortcut(shortcuts::CLOSE),
            ]
            .align_y(iced::Alignment::Center),
        ]
        .spacing(6);
        for (group, keys) in shortcuts::SHEET {
            sheet = sheet.push(text(*group).size(17));
            for (keys, what) in *keys {
                sheet = sheet.push(
                    row![
                        text(*keys).width(200).font(iced::Font::MONOSPACE),
                        text(*what)
                    ]
                    .spacing(12),
                );
            }
        }
        Some(opaque(
            container(
                container(scrollable(sheet.padding(16)))
                    .max_width(720)
                    .style(style::card),
            )
            .center(Length::Fill)
            .padding(24),
        ))
    }
}
