//! The top level of the console: opens the store, follows the event feed, and shows the
//! agent, their availability and the chats waiting in the queues.

use crate::core::{AgentStatus, Event, EventKind};
use crate::store::{Agent, Store};
use iced::widget::{center, column, container, pick_list, row, text};
use iced::{Element, Length, Subscription, Task, Theme, window};
use std::hash::{Hash, Hasher};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub agent_id: i64,
}

pub enum App {
    Loading,
    Failed(String),
    Ready(Console),
}

pub struct Console {
    store: Store,
    agent: Agent,
    waiting: i64,
    active: usize,
    last_event: i64,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Opened(Result<(Store, Agent, i64), String>),
    Event(Result<Event, String>),
    Counts(Result<(i64, usize), String>),
    SetStatus(AgentStatus),
    StatusSet(Result<AgentStatus, String>),
    Tick,
    CloseRequested(window::Id),
    Closed,
}

/// The event feed as an iced subscription, keyed by database and agent.
struct Feed {
    store: Store,
    after: i64,
}

impl Hash for Feed {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.store.url().hash(state);
    }
}

fn feed(feed: &Feed) -> impl futures::Stream<Item = Message> + use<> {
    use futures::StreamExt;
    feed.store
        .subscribe(feed.after)
        .map(|e| Message::Event(e.map_err(|e| e.to_string())))
}

impl App {
    pub fn boot(config: Config) -> (App, Task<Message>) {
        (
            App::Loading,
            Task::perform(
                async move {
                    let store = Store::open(&config.database_url)
                        .await
                        .map_err(|e| e.to_string())?;
                    let agent = store
                        .agent(config.agent_id)
                        .await
                        .map_err(|e| e.to_string())?;
                    let last = store.last_event_id().await.map_err(|e| e.to_string())?;
                    Ok((store, agent, last))
                },
                Message::Opened,
            ),
        )
    }

    pub fn title(&self) -> String {
        match self {
            App::Ready(c) => format!("Live Window — {}", c.agent.name),
            _ => "Live Window".into(),
        }
    }

    pub fn theme(&self) -> Theme {
        Theme::Light
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Opened(Ok((store, agent, last))) => {
                *self = App::Ready(Console {
                    store,
                    agent,
                    waiting: 0,
                    active: 0,
                    last_event: last,
                    error: None,
                });
                self.refresh()
            }
            Message::Opened(Err(e)) => {
                *self = App::Failed(e);
                Task::none()
            }
            Message::CloseRequested(id) => match self {
                // Going offline on the way out, so nobody is offered chats to a closed window.
                App::Ready(c) => {
                    let store = c.store.clone();
                    let agent = c.agent.id;
                    Task::perform(
                        async move { store.set_agent_status(agent, AgentStatus::Offline).await },
                        |_| Message::Closed,
                    )
                    .chain(window::close(id))
                }
                _ => window::close(id),
            },
            Message::Closed => Task::none(),
            _ => {
                let App::Ready(console) = self else {
                    return Task::none();
                };
                console.update(message)
            }
        }
    }

    fn refresh(&self) -> Task<Message> {
        match self {
            App::Ready(c) => c.refresh(),
            _ => Task::none(),
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        match self {
            App::Loading => center(text("Opening the database…")).into(),
            App::Failed(e) => center(text(format!("Live Window cannot start: {e}"))).into(),
            App::Ready(console) => console.view(),
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let close = window::close_requests().map(Message::CloseRequested);
        match self {
            App::Ready(c) => Subscription::batch([
                close,
                Subscription::run_with(
                    Feed {
                        store: c.store.clone(),
                        after: c.last_event,
                    },
                    feed,
                ),
                iced::time::every(Duration::from_secs(1)).map(|_| Message::Tick),
            ]),
            _ => close,
        }
    }
}

impl Console {
    fn refresh(&self) -> Task<Message> {
        let store = self.store.clone();
        let agent = self.agent.id;
        Task::perform(
            async move {
                let waiting = store.waiting_count(None).await?;
                let active = store.active_chats(agent).await?.len();
                Ok((waiting, active))
            },
            |r: crate::store::Result<_>| Message::Counts(r.map_err(|e| e.to_string())),
        )
    }

    fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Event(Ok(event)) => {
                self.last_event = self.last_event.max(event.id);
                match event.kind {
                    EventKind::AgentStatus | EventKind::Message | EventKind::ContactVerified => {
                        Task::none()
                    }
                    _ => self.refresh(),
                }
            }
            Message::Event(Err(e)) => {
                self.error = Some(format!("Connection problem: {e}"));
                Task::none()
            }
            Message::Counts(Ok((waiting, active))) => {
                self.waiting = waiting;
                self.active = active;
                self.error = None;
                Task::none()
            }
            Message::Counts(Err(e)) => {
                self.error = Some(e);
                Task::none()
            }
            Message::SetStatus(status) => {
                let store = self.store.clone();
                let agent = self.agent.id;
                Task::perform(
                    async move { store.set_agent_status(agent, status).await.map(|_| status) },
                    |r| Message::StatusSet(r.map_err(|e| e.to_string())),
                )
            }
            Message::StatusSet(Ok(status)) => {
                self.agent.status = status;
                Task::none()
            }
            Message::StatusSet(Err(e)) => {
                self.error = Some(e);
                Task::none()
            }
            Message::Tick => {
                let store = self.store.clone();
                let agent = self.agent.id;
                Task::perform(
                    async move {
                        store.heartbeat(agent).await?;
                        store.tick().await
                    },
                    |r| match r {
                        Ok(()) => Message::Counts(Err(String::new())),
                        Err(e) => Message::Counts(Err(e.to_string())),
                    },
                )
                .discard()
            }
            _ => Task::none(),
        }
    }

    fn view(&self) -> Element<'_, Message> {
        let toolbar = row![
            text(&self.agent.name).size(20),
            pick_list(
                &AgentStatus::ALL[..],
                Some(self.agent.status),
                Message::SetStatus
            ),
        ]
        .spacing(16)
        .align_y(iced::Alignment::Center);
        let body = column![
            text(format!("Chats waiting in the queues: {}", self.waiting)).size(28),
            text(format!("Your active chats: {}", self.active)),
        ]
        .spacing(12);
        let mut page = column![toolbar, body].spacing(24).padding(24);
        if let Some(e) = self.error.as_deref().filter(|e| !e.is_empty()) {
            page = page.push(text(e).style(text::danger));
        }
        container(page)
            .width(Length::Fill)
            .height(Length::Fill)
            .into()
    }
}
