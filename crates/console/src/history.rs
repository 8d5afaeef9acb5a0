//! The customer's earlier conversations, in a chat: the screen pop's *Conversations* tab
//! (before verification, the chats from the same email), an earlier chat opened there
//! read-only, and "Earlier conversation on 3 Dec" above the transcript, expanded in place.
//! No IO: loads are [`Action`]s.

use crate::past::{self, Past};
use crate::style;
use crate::widget::focus::Keys;
use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Element, Length};
use livewindow_core::StoreError;
use livewindow_core::history::{HistoryOf, HistoryPage, HistoryQuery, PastChat};
use livewindow_core::time::day;
use livewindow_data::PastTranscript;

/// Where an opened chat shows: in the list's place, or above the current transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    List,
    Inline,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<HistoryPage, StoreError>),
    More,
    Open(Place, i64),
    Opened(Place, Box<Result<PastTranscript, StoreError>>),
    Close(Place),
    ShowEarlier(Place),
}

pub enum Action {
    None,
    Load(HistoryQuery),
    Open(Place, i64),
}

pub struct History {
    query: HistoryQuery,
    chats: Vec<PastChat>,
    more: bool,
    loading: bool,
    loaded: bool,
    error: Option<StoreError>,
    open: Option<Past>,
    inline: Option<Past>,
    /// A chat is being opened, and where.
    opening: Option<Place>,
}

impl History {
    /// The earlier chats of `of`, leaving the current chat out; the parent loads the first
    /// page ([`History::load`]).
    pub fn new(of: HistoryOf, current: i64) -> History {
        History {
            query: HistoryQuery::first(of, Some(current)),
            chats: Vec::new(),
            more: false,
            loading: false,
            loaded: false,
            error: None,
            open: None,
            inline: None,
            opening: None,
        }
    }

    /// Whose chats these are.
    pub fn of(&self) -> HistoryOf {
        self.query.of
    }

    /// The first page, read (again) from the start.
    pub fn load(&mut self) -> Action {
        self.loading = true;
        self.chats.clear();
        self.loaded = false;
        Action::Load(self.query)
    }

    pub fn chats(&self) -> &[PastChat] {
        &self.chats
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Loaded(Ok(page)) => {
                self.loading = false;
                self.loaded = true;
                self.error = None;
                self.more = page.more;
                let last = self.chats.last().map_or(i64::MAX, |c| c.chat_id);
                // A page that comes twice (a reload racing "More") adds nothing twice.
                self.chats
                    .extend(page.chats.into_iter().filter(|c| c.chat_id < last));
            }
            Message::Loaded(Err(e)) => {
                self.loading = false;
                self.error = Some(e);
            }
            Message::More => {
                if let (false, Some(last)) = (self.loading, self.chats.last()) {
                    self.loading = true;
                    return Action::Load(self.query.after(last.chat_id));
                }
            }
            Message::Open(place, chat) => {
                self.opening = Some(place);
                return Action::Open(place, chat);
            }
            Message::Opened(place, r) => {
                self.opening = None;
                match *r {
                    Ok(t) => *self.slot(place) = Some(Past::new(t)),
                    Err(e) => self.error = Some(e),
                }
            }
            Message::Close(place) => *self.slot(place) = None,
            Message::ShowEarlier(place) => {
                if let Some(p) = self.slot(place) {
                    p.show_earlier();
                }
            }
        }
        Action::None
    }

    fn slot(&mut self, place: Place) -> &mut Option<Past> {
        match place {
            Place::List => &mut self.open,
            Place::Inline => &mut self.inline,
        }
    }

    /// The list (or the chat opened from it), for the side panel.
    pub fn view(&self) -> Element<'_, Message> {
        if let Some(p) = &self.open {
            return p.view(
                Message::Close(Place::List),
                Message::ShowEarlier(Place::List),
            );
        }
        let title = match self.query.of {
            HistoryOf::Contact(_) => "Earlier conversations",
            HistoryOf::SameEmailAs(_) => "Earlier conversations from this email",
        };
        let mut list = column![text(title).size(16)].spacing(6);
        if let Some(e) = &self.error {
            list = list.push(
                text(crate::sentence("The conversations could not be loaded", e))
                    .style(style::field_error),
            );
        }
        if self.loaded && self.chats.is_empty() {
            list = list.push(text("No earlier conversations.").style(style::muted));
        }
        for c in &self.chats {
            list = list.push(
                button(
                    column![
                        text(past::summary(c)).size(12).style(style::muted),
                        text(style::shown(&c.first_line, 120)).wrapping(style::WRAP),
                    ]
                    .spacing(2),
                )
                .width(Length::Fill)
                .style(button::text)
                .keys(Some(Message::Open(Place::List, c.chat_id))),
            );
        }
        if self.loading || self.opening == Some(Place::List) {
            list = list.push(text("Loading…").style(style::muted));
        } else if self.more {
            list = list.push(button(text("More")).keys(Some(Message::More)));
        }
        scrollable(list).height(Length::Fill).into()
    }

    /// Above the current transcript: the newest earlier chat, as a line to expand, or
    /// expanded. Nothing when there is none.
    pub fn inline_view(&self) -> Option<Element<'_, Message>> {
        if let Some(p) = &self.inline {
            return Some(
                container(p.view(
                    Message::Close(Place::Inline),
                    Message::ShowEarlier(Place::Inline),
                ))
                .height(Length::Fill)
                .into(),
            );
        }
        let c = self.chats.first()?;
        let label = if self.opening == Some(Place::Inline) {
            "Opening…".to_string()
        } else {
            format!(
                "Earlier conversation on {}: {}",
                day(c.created_ms),
                style::shown(&c.first_line, 60)
            )
        };
        Some(
            row![
                button(text(label).size(13))
                    .style(button::text)
                    .keys(Some(Message::Open(Place::Inline, c.chat_id))),
            ]
            .into(),
        )
    }
}
