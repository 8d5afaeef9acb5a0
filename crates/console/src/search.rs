//! The Search tab (Ctrl+Shift+F): words, prefixes (`refun*`) and phrases (`"order number"`)
//! over the transcripts the agent may see, with filters by queue, agent and dates; the
//! matching line of each hit with its words marked; a hit opens its transcript read-only.
//! No IO: searches and reads are [`Action`]s.

use crate::past::Past;
use crate::style;
use crate::widget::focus::Keys;
use iced::widget::{button, column, container, pick_list, row, scrollable, text, text_input};
use iced::{Alignment, Element, Font, Length};
use livewindow_core::search::{MessageHit, MessageHits, MessageQuery};
use livewindow_core::time::{date_time, parse_since, parse_until};
use livewindow_core::{AgentLoad, QueueStat, StoreError};
use livewindow_data::PastTranscript;
use std::ops::Range;

/// The search box, for the shortcut's focus and the tests.
pub const INPUT: &str = "message-search";
/// The "From" date box.
pub const FROM: &str = "search-from";

/// The button of the hit that is this message.
pub fn hit_id(message_id: i64) -> iced::widget::Id {
    iced::widget::Id::from(format!("search-hit-{message_id}"))
}

/// A queue or an agent to filter by, as its pick list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    pub id: i64,
    pub name: String,
}

impl std::fmt::Display for Pick {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Text(String),
    Queue(Pick),
    Agent(Pick),
    From(String),
    To(String),
    /// Clear the filters.
    Clear,
    Submit,
    Found(u64, Result<MessageHits, StoreError>),
    More,
    Open(i64),
    Opened(Box<Result<PastTranscript, StoreError>>),
    Close,
    ShowEarlier,
    /// The queues and agents for the filters.
    Targets(Result<(Vec<QueueStat>, Vec<AgentLoad>), StoreError>),
}

pub enum Action {
    None,
    /// Run this search; its answer comes back as `Found(seq, …)`.
    Search(u64, MessageQuery),
    Open(i64),
}

#[derive(Default)]
pub struct Search {
    text: String,
    queue: Option<Pick>,
    agent: Option<Pick>,
    from: String,
    to: String,
    queues: Vec<Pick>,
    agents: Vec<Pick>,
    /// The search the hits answer (for "More").
    asked: Option<MessageQuery>,
    hits: Vec<MessageHit>,
    more: bool,
    /// The newest search sent: older answers are dropped.
    seq: u64,
    searching: bool,
    error: Option<String>,
    open: Option<Past>,
}

impl Search {
    /// The Search tab; `me` is the agent (the first of the agent filter's choices).
    pub fn new(me: Pick) -> Search {
        Search {
            agents: vec![me],
            ..Search::default()
        }
    }

    /// Whether the queues and agents have come.
    pub fn has_targets(&self) -> bool {
        !self.queues.is_empty()
    }

    pub fn hits(&self) -> &[MessageHit] {
        &self.hits
    }

    pub fn update(&mut self, message: Message, now_ms: i64) -> Action {
        match message {
            Message::Text(t) => self.text = t,
            Message::Queue(q) => self.queue = Some(q),
            Message::Agent(a) => self.agent = Some(a),
            Message::From(t) => self.from = t,
            Message::To(t) => self.to = t,
            Message::Clear => {
                self.queue = None;
                self.agent = None;
                self.from.clear();
                self.to.clear();
            }
            Message::Submit => match self.query(now_ms) {
                Ok(q) => {
                    self.hits.clear();
                    self.more = false;
                    return self.send(q);
                }
                Err(e) => self.error = Some(e),
            },
            Message::More => {
                if let (Some(q), Some(last), false) =
                    (self.asked.clone(), self.hits.last(), self.searching)
                {
                    let q = MessageQuery {
                        before: Some(last.message_id),
                        ..q
                    };
                    return self.send(q);
                }
            }
            Message::Found(seq, _) if seq != self.seq => {}
            Message::Found(_, Ok(page)) => {
                self.searching = false;
                self.error = None;
                self.more = page.more;
                self.hits.extend(page.hits);
            }
            Message::Found(_, Err(e)) => {
                self.searching = false;
                self.error = Some(crate::sentence("The search failed", &e));
            }
            Message::Open(chat) => return Action::Open(chat),
            Message::Opened(r) => match *r {
                Ok(t) => self.open = Some(Past::new(t)),
                Err(e) => {
                    self.error = Some(crate::sentence("The conversation could not be opened", &e))
                }
            },
            Message::Close => self.open = None,
            Message::ShowEarlier => {
                if let Some(p) = &mut self.open {
                    p.show_earlier();
                }
            }
            Message::Targets(Ok((queues, agents))) => {
                self.queues = queues
                    .into_iter()
                    .map(|q| Pick {
                        id: q.id,
                        name: q.name,
                    })
                    .collect();
                self.agents.truncate(1);
                self.agents.extend(agents.into_iter().map(|a| Pick {
                    id: a.id,
                    name: a.name,
                }));
            }
            Message::Targets(Err(e)) => {
                self.error = Some(crate::sentence("The filters could not be loaded", &e))
            }
        }
        Action::None
    }

    fn send(&mut self, q: MessageQuery) -> Action {
        self.seq += 1;
        self.searching = true;
        self.error = None;
        self.asked = Some(MessageQuery {
            before: None,
            ..q.clone()
        });
        Action::Search(self.seq, q)
    }

    /// The search as typed, or the line that says what to change.
    fn query(&self, now_ms: i64) -> Result<MessageQuery, String> {
        let bound = |t: &str, parse: fn(&str, i64) -> Result<i64, String>| {
            let t = t.trim();
            (!t.is_empty()).then(|| parse(t, now_ms)).transpose()
        };
        let q = MessageQuery {
            queue_id: self.queue.as_ref().map(|q| q.id),
            agent_id: self.agent.as_ref().map(|a| a.id),
            from_ms: bound(&self.from, parse_since).map_err(|e| format!("From: {e}"))?,
            to_ms: bound(&self.to, parse_until).map_err(|e| format!("To: {e}"))?,
            ..MessageQuery::new(self.text.trim())
        };
        // The same checks the store makes, said before anything is sent.
        q.check().map_err(|e| e.to_string())?;
        Ok(q)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let input = text_input("Words, prefix*, \"a phrase\"", &self.text)
            .id(INPUT)
            .on_input(Message::Text)
            .on_submit(Message::Submit)
            .padding(8);
        let filters = row![
            pick_list(self.queues.as_slice(), self.queue.clone(), Message::Queue)
                .placeholder("Any queue")
                .style(style::labelled_list),
            pick_list(self.agents.as_slice(), self.agent.clone(), Message::Agent)
                .placeholder("Any agent")
                .style(style::labelled_list),
            text_input("From (2026-12-01 or 7d)", &self.from)
                .id(FROM)
                .on_input(Message::From)
                .on_submit(Message::Submit)
                .width(200),
            text_input("To (2026-12-07)", &self.to)
                .on_input(Message::To)
                .on_submit(Message::Submit)
                .width(170),
            button(text("Clear filters")).style(button::text).keys(
                (self.queue.is_some()
                    || self.agent.is_some()
                    || !self.from.is_empty()
                    || !self.to.is_empty())
                .then_some(Message::Clear)
            ),
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        let mut col = column![
            row![
                input,
                button(text("Search"))
                    .style(button::primary)
                    .keys(Some(Message::Submit)),
            ]
            .spacing(8)
            .align_y(Alignment::Center),
            filters,
        ]
        .spacing(8);
        if let Some(e) = &self.error {
            col = col.push(text(e).style(style::field_error).wrapping(style::WRAP));
        }
        let results = self.results_view();
        let body: Element<'_, Message> = match &self.open {
            Some(p) => row![
                container(results).width(Length::FillPortion(2)),
                container(p.view(Message::Close, Message::ShowEarlier))
                    .width(Length::FillPortion(3)),
            ]
            .spacing(12)
            .into(),
            None => results,
        };
        col.push(container(body).height(Length::Fill))
            .padding(12)
            .into()
    }

    fn results_view(&self) -> Element<'_, Message> {
        let mut list = column![].spacing(4);
        if self.asked.is_some() && self.hits.is_empty() && !self.searching {
            list = list.push(text("Nothing found.").style(style::muted));
        }
        for h in &self.hits {
            list = list.push(
                button(
                    column![
                        text(format!(
                            "{} · {} · {} · {}",
                            date_time(h.created_ms),
                            h.customer_name,
                            h.queue_name,
                            h.agent_name.as_deref().unwrap_or("no agent"),
                        ))
                        .size(12)
                        .style(style::muted),
                        marked_line(h),
                    ]
                    .spacing(2),
                )
                .width(Length::Fill)
                .style(button::text)
                .keys(Some(Message::Open(h.chat_id)))
                .id(hit_id(h.message_id)),
            );
        }
        if self.searching {
            list = list.push(text("Searching…").style(style::muted));
        } else if self.more {
            list = list.push(button(text("More results")).keys(Some(Message::More)));
        }
        scrollable(list).height(Length::Fill).into()
    }
}

/// The hit's line, its matched words in bold on the highlight colour.
fn marked_line(h: &MessageHit) -> Element<'_, Message> {
    let line = h.body_text.get(h.line.clone()).unwrap_or(&h.body_text);
    let base = if h.body_text.get(h.line.clone()).is_some() {
        h.line.start
    } else {
        0
    };
    let spans: Vec<iced::widget::text::Span<'_, (), Font>> =
        segments(line.len(), base, &h.highlights)
            .into_iter()
            .filter_map(|(r, marked)| {
                let piece = line.get(r)?;
                let span = iced::widget::span(piece);
                Some(if marked {
                    span.font(Font {
                        weight: iced::font::Weight::Bold,
                        ..Font::DEFAULT
                    })
                    .color(iced::Color::BLACK)
                    .background(style::HIGHLIGHT)
                } else {
                    span
                })
            })
            .collect();
    iced::widget::rich_text(spans).wrapping(style::WRAP).into()
}

/// A line of `len` bytes (starting at `base` in the whole text) cut into pieces, each
/// marked or not, from the highlights (ranges in the whole text, in order).
fn segments(len: usize, base: usize, highlights: &[Range<usize>]) -> Vec<(Range<usize>, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for h in highlights {
        let start = h.start.saturating_sub(base).min(len);
        let end = h.end.saturating_sub(base).min(len);
        if h.end <= base || start >= end || start < at {
            continue;
        }
        if start > at {
            out.push((at..start, false));
        }
        out.push((start..end, true));
        at = end;
    }
    if at < len {
        out.push((at..len, false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_segments() {
        // "refund for my order": line at 10..29 of the whole text.
        assert_eq!(
            segments(19, 10, &[10..16, 24..29]),
            vec![(0..6, true), (6..14, false), (14..19, true)]
        );
        // A highlight on another line is left out.
        assert_eq!(
            segments(5, 10, &[0..4, 11..13]),
            vec![(0..1, false), (1..3, true), (3..5, false)]
        );
        assert_eq!(segments(3, 0, &[]), vec![(0..3, false)]);
    }
}
