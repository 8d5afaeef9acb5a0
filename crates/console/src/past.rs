//! An earlier chat opened read-only (from the customer's history or a search): who, when,
//! where, how it ended, and its transcript. No IO.

use crate::widget::focus::Keys;
use crate::{style, transcript};
use iced::widget::{button, column, container, row, text};
use iced::{Element, Length};
use livewindow_core::MessageFormat;
use livewindow_core::history::PastChat;
use livewindow_core::time::date_time;
use livewindow_data::PastTranscript;
use livewindow_richtext::Document;
use std::collections::HashMap;

/// The most messages an earlier chat opens with.
pub const NEWEST: usize = 500;

pub struct Past {
    t: PastTranscript,
    rich: HashMap<i64, Document>,
    shown: usize,
}

impl Past {
    pub fn new(t: PastTranscript) -> Past {
        let rich = t
            .messages
            .iter()
            .filter(|m| m.format == MessageFormat::Html)
            .map(|m| (m.id, Document::from_stored_html(&m.body_html)))
            .collect();
        Past {
            t,
            rich,
            shown: transcript::WINDOW,
        }
    }

    pub fn chat(&self) -> &PastChat {
        &self.t.chat
    }

    /// "Show earlier messages": more of those held.
    pub fn show_earlier(&mut self) {
        self.shown += transcript::WINDOW;
    }

    /// The chat's line and its transcript; `back` closes it, `earlier` shows more.
    pub fn view<'a, M: Clone + 'a>(&'a self, back: M, earlier: M) -> Element<'a, M> {
        let mut col = column![
            row![
                text(summary(&self.t.chat))
                    .size(13)
                    .style(style::muted)
                    .wrapping(style::WRAP)
                    .width(Length::Fill),
                button(text("Close").size(13))
                    .style(button::secondary)
                    .keys(Some(back)),
            ]
            .spacing(8),
        ]
        .spacing(6);
        if self.t.earlier > 0 {
            col = col.push(
                text(format!(
                    "{} earlier messages of this chat are not shown.",
                    self.t.earlier
                ))
                .size(12)
                .style(style::muted),
            );
        }
        col = col.push(
            container(transcript::view(
                &self.t.messages,
                &self.rich,
                0,
                std::iter::empty(),
                self.shown,
                earlier.clone(),
                // Nothing is pending here, so nothing is ever retried.
                move |_| earlier.clone(),
            ))
            .style(style::card)
            .height(Length::Fill),
        );
        col.into()
    }
}

/// "2026-12-03 14:05 · Support · Ana Silva · Resolved · rated 4/5".
pub fn summary(c: &PastChat) -> String {
    let mut parts = vec![
        date_time(c.created_ms),
        c.queue_name.clone(),
        c.agent_name
            .clone()
            .unwrap_or_else(|| "no agent (left in the queue)".into()),
    ];
    if let Some(d) = &c.disposition {
        parts.push(d.clone());
    }
    if let Some(r) = c.rating {
        parts.push(format!("rated {r}/5"));
    }
    parts.join(" · ")
}
