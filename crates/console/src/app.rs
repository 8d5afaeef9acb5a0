//! The top of the console: opening the store, then the console; the subscriptions that
//! feed it (events, frames, window focus, shortcuts, close requests).

use super::console::{self, Console, Shortcut};
use futures::future::BoxFuture;
use iced::keyboard::{self, key};
use iced::widget::{center, text};
use iced::{Element, Subscription, Task, Theme, window};
use livewindow_core::StoreError;
use livewindow_data::{Data, Restored};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Opens the console's data, bound to one agent: the store for one machine (see `main.rs`),
/// a team server's client later. The console never knows which.
pub type Connect = Arc<dyn Fn() -> BoxFuture<'static, Result<Data, StoreError>> + Send + Sync>;

#[derive(Clone)]
pub struct Config {
    pub connect: Connect,
    /// Where drafts and open tabs are remembered; None remembers nothing.
    pub session_dir: Option<PathBuf>,
}

pub enum App {
    Loading(Config),
    Failed(StoreError),
    Ready(Box<Console>),
}

#[derive(Debug, Clone)]
pub enum Message {
    Opened(Result<(Data, Restored), StoreError>),
    Console(console::Message),
    CloseRequested(window::Id),
    Closed,
}

/// The event feed as a subscription, keyed by database (one feed per data source).
struct Feed {
    data: Data,
    after: i64,
}

impl Hash for Feed {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.data.identity().hash(state);
        self.data.agent_id().hash(state);
    }
}

fn feed(feed: &Feed) -> impl futures::Stream<Item = Message> + use<> {
    use futures::StreamExt;
    feed.data
        .events(feed.after)
        .map(|e| Message::Console(console::Message::Event(e)))
}

fn window_event(
    event: iced::Event,
    status: iced::event::Status,
    _id: window::Id,
) -> Option<Message> {
    console_event(&event, status).map(Message::Console)
}

/// What a window event (after the widgets had it, with their `status`) tells the console:
/// focus, a dropped file, the shortcuts, the agent's activity. Public for the tests, which
/// deliver events without the app's subscription.
pub fn console_event(event: &iced::Event, status: iced::event::Status) -> Option<console::Message> {
    use iced::Event as E;
    let m = match event {
        E::Window(window::Event::Focused) => console::Message::Focus(true),
        E::Window(window::Event::Unfocused) => console::Message::Focus(false),
        E::Window(window::Event::FileDropped(path)) => console::Message::FileDropped(path.clone()),
        E::Keyboard(keyboard::Event::KeyPressed {
            key,
            modifiers,
            physical_key,
            ..
        }) => {
            tracing::debug!("key {key:?} {modifiers:?} {physical_key:?}");
            let c = key.to_latin(*physical_key);
            match c {
                Some('a') if modifiers.alt() => console::Message::Key(Shortcut::AcceptFirst),
                Some('d') if modifiers.alt() => console::Message::Key(Shortcut::DeclineFirst),
                Some(d @ '1'..='9') if modifiers.command() => {
                    console::Message::Key(Shortcut::Nth(d as usize - '1' as usize))
                }
                Some(z @ ('=' | '+' | '-' | '_' | '0')) if modifiers.command() => {
                    console::Message::Key(Shortcut::Zoom(z))
                }
                _ => match key.as_ref() {
                    keyboard::Key::Named(key::Named::Escape)
                        if status == iced::event::Status::Ignored =>
                    {
                        console::Message::Key(Shortcut::Escape)
                    }
                    // A Tab a widget took (a list's indent in the composer) is not a move.
                    keyboard::Key::Named(key::Named::Tab)
                        if status == iced::event::Status::Ignored && !modifiers.command() =>
                    {
                        console::Message::Key(Shortcut::Focus {
                            back: modifiers.shift(),
                        })
                    }
                    keyboard::Key::Named(key::Named::F6) => {
                        console::Message::Key(Shortcut::Region {
                            back: modifiers.shift(),
                        })
                    }
                    keyboard::Key::Named(key::Named::F1) => console::Message::Key(Shortcut::Help),
                    // Any other key: the agent is at the desk (auto-Away).
                    _ => console::Message::Activity,
                },
            }
        }
        E::Mouse(iced::mouse::Event::ButtonPressed(_)) => console::Message::Activity,
        _ => return None,
    };
    Some(m)
}

/// SIGTERM, SIGINT or SIGHUP (a logout ends the session's processes with one of them): the
/// console goes Offline and quits, as when its window is closed.
fn signals() -> impl futures::Stream<Item = Message> {
    futures::stream::once(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            match (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
                signal(SignalKind::hangup()),
            ) {
                (Ok(mut term), Ok(mut int), Ok(mut hup)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                        _ = hup.recv() => {}
                    }
                }
                _ => std::future::pending::<()>().await,
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
        tracing::info!("signal received: going Offline and quitting");
        Message::Console(console::Message::Quit)
    })
}

impl App {
    pub fn boot(config: Config) -> (App, Task<Message>) {
        let connect = (config.connect)();
        (
            App::Loading(config),
            Task::perform(
                async move {
                    let data = connect.await?;
                    let restored = data.restore().await?;
                    Ok((data, restored))
                },
                Message::Opened,
            ),
        )
    }

    pub fn title(&self) -> String {
        match self {
            App::Ready(c) => match c.active() {
                0 => format!("Live Window — {}", c.agent().name),
                n => format!("Live Window — {} ({n} active)", c.agent().name),
            },
            _ => "Live Window".into(),
        }
    }

    pub fn theme(&self) -> Theme {
        match self {
            App::Ready(c) => c.theme(),
            _ => crate::theme::light(),
        }
    }

    /// The agent's zoom.
    pub fn scale_factor(&self) -> f32 {
        match self {
            App::Ready(c) => f32::from(c.zoom()) / 100.0,
            _ => 1.0,
        }
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Opened(Ok((data, restored))) => {
                let dir = match self {
                    App::Loading(c) => c.session_dir.clone(),
                    _ => None,
                };
                let (console, task) = Console::new(data, restored, dir);
                *self = App::Ready(Box::new(console));
                // The desktop's light or dark preference now; `subscription` follows changes.
                let desktop = iced::system::theme().map(console::Message::DesktopTheme);
                Task::batch([task, desktop]).map(Message::Console)
            }
            Message::Opened(Err(e)) => {
                *self = App::Failed(e);
                Task::none()
            }
            Message::Console(m) => match self {
                App::Ready(c) => c.update(m).map(Message::Console),
                _ => Task::none(),
            },
            Message::CloseRequested(id) => match self {
                // Remember drafts and go offline, so nobody is offered chats on a closed window.
                App::Ready(c) => c.quit().map(Message::Console).chain(window::close(id)),
                _ => window::close(id),
            },
            Message::Closed => Task::none(),
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        match self {
            App::Loading(_) => center(text("Opening the database…")).into(),
            App::Failed(e) => center(text(format!("Live Window cannot start: {e}"))).into(),
            App::Ready(console) => {
                super::first_view();
                console.view().map(Message::Console)
            }
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let close = window::close_requests().map(Message::CloseRequested);
        let App::Ready(c) = self else { return close };
        let frame = if c.offers().is_empty() { 1000 } else { 250 };
        Subscription::batch([
            close,
            iced::event::listen_with(window_event),
            iced::system::theme_changes()
                .map(|mode| Message::Console(console::Message::DesktopTheme(mode))),
            Subscription::run(signals),
            Subscription::run_with(
                Feed {
                    data: c.data().clone(),
                    after: c.last_event(),
                },
                feed,
            ),
            iced::time::every(Duration::from_millis(frame))
                .map(|_| Message::Console(console::Message::Frame)),
        ])
    }
}
