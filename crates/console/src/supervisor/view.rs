//! The Supervisor tab drawn: calls for help first, then the queues, the agents and the
//! chats (a page at a time), or the chat being monitored.

use super::watch::Targets;
use super::{Column, Message, PAGE, PhasePick, QueuePick, Supervisor};
use crate::style;
use crate::widget::focus::{Keys, anchor, focus};
use iced::widget::{button, column, container, pick_list, row, scrollable, space, text};
use iced::{Alignment, Element, Length};
use livewindow_core::AgentStatus;
use livewindow_core::supervise::{AgentRow, ChatRow, Phase, QueueRow};
use livewindow_core::time::duration;

const CELL: f32 = 13.0;

fn cell<'a>(value: impl text::IntoFragment<'a>, width: u16) -> Element<'a, Message> {
    container(text(value).size(CELL).wrapping(style::WRAP))
        .width(Length::FillPortion(width))
        .into()
}

fn heading<'a>(label: &'a str, width: u16) -> Element<'a, Message> {
    container(text(label).size(CELL).style(style::muted))
        .width(Length::FillPortion(width))
        .into()
}

/// How long ago `at` was; "—" for never (a time of 0: an agent never heard from).
fn ago(now: i64, at: Option<i64>) -> String {
    at.filter(|t| *t > 0)
        .map(|t| duration(now - t))
        .unwrap_or_else(|| "—".into())
}

impl Supervisor {
    /// The tab; `now` is the database's time, `me` the supervisor's agent id.
    pub fn view(&self, now: i64, me: i64) -> Element<'_, Message> {
        let mut page = column![].spacing(12).padding(12);
        if let Some(e) = &self.error {
            page = page.push(text(e).style(style::field_error).wrapping(style::WRAP));
        }
        page = page.push(self.calls_view(now));
        if let Some(w) = &self.watch {
            let targets = Targets {
                queues: self
                    .board
                    .queues
                    .values()
                    .map(|q| (q.id, q.name.as_str()))
                    .collect(),
                agents: self
                    .board
                    .agents
                    .values()
                    .filter(|a| a.status == AgentStatus::Available)
                    .map(|a| (a.id, a.name.as_str()))
                    .collect(),
                me,
            };
            return page
                .push(w.view(targets).map(Message::Watch))
                .height(Length::Fill)
                .into();
        }
        if !self.ready {
            return page
                .push(text("Reading the board…").style(style::muted))
                .into();
        }
        let tables = column![
            self.queues_view(now),
            self.agents_view(now),
            self.chats_view(now)
        ]
        .spacing(16);
        page.push(scrollable(tables).height(Length::Fill)).into()
    }

    fn calls_view(&self, now: i64) -> Element<'_, Message> {
        let calls = self.calls();
        if calls.is_empty() {
            return column![].into();
        }
        let mut col =
            column![text(format!("Asking for help ({})", calls.len())).size(15)].spacing(4);
        for c in calls {
            let who = c.agent.as_deref().unwrap_or("An agent");
            col = col.push(
                row![
                    text(format!(
                        "{who} asks for help with {}",
                        style::shown(&c.customer, 40)
                    ))
                    .size(CELL),
                    text(ago(now, c.help_ms))
                        .size(CELL)
                        .style(style::muted)
                        .width(Length::Fill),
                    button(text("Monitor").size(CELL)).keys(Some(Message::Monitor(c.id))),
                    button(text("Dismiss").size(CELL))
                        .style(button::secondary)
                        .keys(Some(Message::Dismiss(c.id))),
                ]
                .spacing(6)
                .align_y(Alignment::Center),
            );
        }
        container(col)
            .padding(8)
            .style(style::internal_note)
            .width(Length::Fill)
            .into()
    }

    fn queues_view(&self, now: i64) -> Element<'_, Message> {
        let mut col = column![
            text("Queues").size(16),
            row![
                heading("Queue", 3),
                heading("Waiting", 2),
                heading("Longest wait", 2),
                heading("Being offered", 2),
                heading("Available with room", 2),
                heading("Service level (1 h)", 2),
                heading("Abandoned (1 h)", 2),
            ]
            .spacing(6)
        ]
        .spacing(4);
        for q in self.board.queues.values() {
            col = col.push(queue_row(q, now));
        }
        anchor(col).into()
    }

    fn agents_view(&self, now: i64) -> Element<'_, Message> {
        let mut agents: Vec<&AgentRow> = self
            .board
            .agents
            .values()
            .filter(|a| self.queue.is_none_or(|q| a.queues.contains(&q)))
            .collect();
        // Those asking for help first, then by name.
        agents.sort_by_cached_key(|a| (!a.asking_help, a.name.to_lowercase(), a.id));
        let total = agents.len();
        let mut col = column![
            text(format!("Agents ({total})")).size(16),
            row![
                heading("Agent", 3),
                heading("Status", 2),
                heading("For", 2),
                heading("Chats", 1),
                heading("Wrap-ups", 1),
                heading("Last heard", 2),
                heading("", 3),
            ]
            .spacing(6)
        ]
        .spacing(4);
        for a in agents.into_iter().take(PAGE) {
            col = col.push(agent_row(a, now));
        }
        if total > PAGE {
            col = col.push(
                text(format!(
                    "{PAGE} of {total} shown: choose a queue above the chats to narrow them."
                ))
                .size(12)
                .style(style::muted),
            );
        }
        col.into()
    }

    fn chats_view(&self, now: i64) -> Element<'_, Message> {
        let mut queues = vec![QueuePick {
            id: None,
            name: "Every queue".into(),
        }];
        queues.extend(self.board.queues.values().map(|q| QueuePick {
            id: Some(q.id),
            name: q.name.clone(),
        }));
        let chosen = queues.iter().find(|p| p.id == self.queue).cloned();
        let phases: Vec<PhasePick> = std::iter::once(PhasePick(None))
            .chain(Phase::ALL.into_iter().map(|p| PhasePick(Some(p))))
            .collect();
        let next_queue = crate::widget::focus::next(&queues, chosen.as_ref());
        let next_phase = crate::widget::focus::next(&phases, Some(&PhasePick(self.phase)));
        let filters = row![
            text("Chats").size(16),
            space::horizontal(),
            focus(
                pick_list(queues, chosen, Message::Queue).text_size(CELL),
                next_queue.map(Message::Queue),
            )
            .shortcut("Enter or Space: the next queue"),
            focus(
                pick_list(phases, Some(PhasePick(self.phase)), Message::Phase).text_size(CELL),
                next_phase.map(Message::Phase),
            )
            .shortcut("Enter or Space: the next state"),
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        let sort = |label: &'static str, column: Column, width: u16| -> Element<'_, Message> {
            let mark = match (self.sort == column, self.descending) {
                (true, true) => " ▼",
                (true, false) => " ▲",
                (false, _) => "",
            };
            container(
                button(text(format!("{label}{mark}")).size(CELL))
                    .style(button::text)
                    .padding(0)
                    .keys(Some(Message::Sort(column))),
            )
            .width(Length::FillPortion(width))
            .into()
        };
        let header = row![
            sort("Queue", Column::Queue, 2),
            sort("Agent", Column::Agent, 3),
            sort("Customer", Column::Customer, 3),
            sort("State", Column::Phase, 2),
            sort("Time", Column::Time, 2),
            sort("Customer's last line", Column::Silence, 2),
            heading("", 2),
        ]
        .spacing(6);
        let rows = self.rows(now);
        let total = rows.len();
        let pages = total.div_ceil(PAGE).max(1);
        let page = self.page.min(pages - 1);
        let mut col = column![filters, header].spacing(4);
        if total == 0 {
            col = col.push(text("No chats.").size(CELL).style(style::muted));
        }
        for c in rows.into_iter().skip(page * PAGE).take(PAGE) {
            col = col.push(self.chat_row(c, now));
        }
        if pages > 1 {
            col = col.push(
                row![
                    button(text("Previous").size(CELL))
                        .style(button::secondary)
                        .keys((page > 0).then(|| Message::Page(page - 1))),
                    text(format!("Page {} of {pages} ({total} chats)", page + 1)).size(CELL),
                    button(text("Next").size(CELL))
                        .style(button::secondary)
                        .keys((page + 1 < pages).then(|| Message::Page(page + 1))),
                ]
                .spacing(8)
                .align_y(Alignment::Center),
            );
        }
        col.into()
    }

    fn chat_row<'a>(&'a self, c: &'a ChatRow, now: i64) -> Element<'a, Message> {
        let queue = self
            .board
            .queues
            .get(&c.queue_id)
            .map_or("", |q| q.name.as_str());
        let flag = if c.help_ms.is_some() { "⚑ " } else { "" };
        row![
            cell(queue, 2),
            cell(format!("{flag}{}", c.agent.as_deref().unwrap_or("—")), 3),
            cell(style::shown(&c.customer, 40), 3),
            cell(c.phase.to_string(), 2),
            cell(duration(now - c.since_ms), 2),
            cell(ago(now, c.customer_last_ms), 2),
            container(button(text("Monitor").size(CELL)).keys(Some(Message::Monitor(c.id))))
                .width(Length::FillPortion(2)),
        ]
        .spacing(6)
        .align_y(Alignment::Center)
        .into()
    }
}

fn queue_row(q: &QueueRow, now: i64) -> Element<'_, Message> {
    row![
        cell(q.name.as_str(), 3),
        cell(q.waiting.to_string(), 2),
        cell(ago(now, q.oldest_ms), 2),
        cell(q.offering.to_string(), 2),
        cell(q.available.to_string(), 2),
        cell(
            q.service_level()
                .map_or("—".to_string(), |p| format!("{p}%")),
            2
        ),
        cell(q.abandoned_hour.to_string(), 2),
    ]
    .spacing(6)
    .into()
}

fn agent_row(a: &AgentRow, now: i64) -> Element<'_, Message> {
    let set = |label: &'static str, status: AgentStatus| {
        button(text(label).size(CELL))
            .style(button::secondary)
            .keys((a.status != status).then_some(Message::SetStatus(a.id, status)))
    };
    let name = if a.asking_help {
        format!("⚑ {}", a.name)
    } else {
        a.name.clone()
    };
    row![
        cell(name, 3),
        cell(a.status.to_string(), 2),
        cell(ago(now, Some(a.status_ms)), 2),
        cell(format!("{}/{}", a.chats, a.max_chats), 1),
        cell(a.wrapups.to_string(), 1),
        cell(ago(now, Some(a.last_seen_ms)), 2),
        container(
            row![
                set("Away", AgentStatus::Away),
                set("Offline", AgentStatus::Offline)
            ]
            .spacing(4)
        )
        .width(Length::FillPortion(3)),
    ]
    .spacing(6)
    .align_y(Alignment::Center)
    .into()
}
