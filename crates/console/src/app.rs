//! The top of the console: opening the store, then the console; the subscriptions that
//! feed it (events, frames, window focus, shortcuts, close requests).

use super::console::{self, Console, Shortcut};
use super::sign_in::{self, SignIn};
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

/// Signs in on a team's server: the signed-in agent's data, or why not.
pub type SignInFn = Arc<
    dyn Fn(sign_in::Credentials) -> BoxFuture<'static, Result<Data, sign_in::Failed>> + Send + Sync,
>;

/// Forgets the session kept on this computer, when it ended or the agent signed out.
pub type ForgetFn = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// A desktop of a team: it signs in before anything opens.
#[derive(Clone)]
pub struct Team {
    /// The server's address as given (`--server`), filled in on the screen.
    pub server: String,
    /// The email last signed in with, if remembered.
    pub email: String,
    /// Signs in, and keeps the session when asked to ([`sign_in::Credentials::keep`]).
    pub sign_in: SignInFn,
    pub forget: ForgetFn,
}

#[derive(Clone)]
pub struct Config {
    pub connect: Connect,
    /// Where drafts and open tabs are remembered; None remembers nothing.
    pub session_dir: Option<PathBuf>,
    /// Set on a team's desktop: the sign-in screen comes first, and comes back when the
    /// session ends; `connect` is then the kept session, if any.
    pub team: Option<Team>,
}

pub enum App {
    SignIn(Box<SignIn>, Config),
    Loading(Config),
    Failed(StoreError),
    Ready(Box<Console>, Config),
}

#[derive(Debug, Clone)]
pub enum Message {
    SignIn(sign_in::Message),
    SignedIn(Result<Data, sign_in::Failed>),
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
                Some('h' | 'H') if modifiers.command() && modifiers.shift() => {
                    console::Message::Key(Shortcut::AskHelp)
                }
                Some('s' | 'S') if modifiers.command() && modifiers.shift() => {
                    console::Message::Key(Shortcut::Board)
                }
                Some('f' | 'F') if modifiers.command() && modifiers.shift() => {
                    console::Message::Key(Shortcut::Search)
                }
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

/// The sign-in screen's keys after the widgets had them, as the app hears them. Public for
/// the tests, which deliver events without the app's subscription.
pub fn sign_in_event(event: &iced::Event, status: iced::event::Status) -> Option<Message> {
    sign_in_keys(event.clone(), status, window::Id::unique())
}

fn sign_in_keys(
    event: iced::Event,
    status: iced::event::Status,
    _id: window::Id,
) -> Option<Message> {
    match event {
        iced::Event::Keyboard(keyboard::Event::KeyPressed {
            key: keyboard::Key::Named(key::Named::Tab),
            modifiers,
            ..
        }) if status == iced::event::Status::Ignored => {
            Some(Message::SignIn(sign_in::Message::Tab(modifiers.shift())))
        }
        // Enter that no field took (the checkbox has the focus): sign in.
        iced::Event::Keyboard(keyboard::Event::KeyPressed {
            key: keyboard::Key::Named(key::Named::Enter),
            modifiers,
            ..
        }) if status == iced::event::Status::Ignored && modifiers.is_empty() => {
            Some(Message::SignIn(sign_in::Message::Submit))
        }
        _ => None,
    }
}

/// Opens the data `connect` gives, then restores the desk.
fn open(connect: BoxFuture<'static, Result<Data, StoreError>>) -> Task<Message> {
    Task::perform(
        async move {
            let data = connect.await?;
            let restored = data.restore().await?;
            Ok((data, restored))
        },
        Message::Opened,
    )
}

impl App {
    pub fn boot(config: Config) -> (App, Task<Message>) {
        let task = open((config.connect)());
        (App::Loading(config), task)
    }

    /// Back to the sign-in screen because the session ended (or the agent signed out),
    /// saying why: the session kept on this computer, if any, is forgotten.
    fn session_ended(config: Config, why: Option<String>) -> (App, Task<Message>) {
        let forget = match &config.team {
            Some(team) => Task::future((team.forget)()).discard(),
            None => Task::none(),
        };
        let (app, task) = App::to_sign_in(config, why);
        (app, Task::batch([forget, task]))
    }

    /// The sign-in screen of a team's desktop, saying `why` when there is a reason.
    fn to_sign_in(config: Config, why: Option<String>) -> (App, Task<Message>) {
        let Some(team) = config.team.clone() else {
            return (
                App::Failed(StoreError::SignedOut { why: None }),
                Task::none(),
            );
        };
        let (screen, task) = SignIn::new(team.server, team.email, why);
        (
            App::SignIn(Box::new(screen), config),
            task.map(Message::SignIn),
        )
    }

    fn config(&self) -> Option<Config> {
        match self {
            App::SignIn(_, c) | App::Loading(c) | App::Ready(_, c) => Some(c.clone()),
            App::Failed(_) => None,
        }
    }

    pub fn title(&self) -> String {
        match self {
            App::Ready(c, _) => match c.active() {
                0 => format!("Live Window — {}", c.agent().name),
                n => format!("Live Window — {} ({n} active)", c.agent().name),
            },
            _ => "Live Window".into(),
        }
    }

    pub fn theme(&self) -> Theme {
        match self {
            App::Ready(c, _) => c.theme(),
            _ => crate::theme::light(),
        }
    }

    /// The agent's zoom.
    pub fn scale_factor(&self) -> f32 {
        match self {
            App::Ready(c, _) => f32::from(c.zoom()) / 100.0,
            _ => 1.0,
        }
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::SignIn(m) => {
                let App::SignIn(screen, config) = self else {
                    return Task::none();
                };
                match screen.update(m) {
                    sign_in::Action::None => Task::none(),
                    sign_in::Action::Run(task) => task.map(Message::SignIn),
                    sign_in::Action::Submit(credentials) => match &config.team {
                        Some(team) => Task::perform((team.sign_in)(credentials), Message::SignedIn),
                        None => Task::none(),
                    },
                }
            }
            Message::SignedIn(Ok(data)) => {
                let Some(config) = self.config() else {
                    return Task::none();
                };
                *self = App::Loading(config);
                open(Box::pin(async move { Ok(data) }))
            }
            Message::SignedIn(Err(failed)) => match self {
                App::SignIn(screen, _) => screen.failed(failed).map(Message::SignIn),
                _ => Task::none(),
            },
            // No session kept (`why` None: nothing to say), or the kept one has ended.
            Message::Opened(Err(StoreError::SignedOut { why })) => {
                let Some(config) = self.config() else {
                    return Task::none();
                };
                let line = StoreError::SignedOut { why }.to_string();
                let (app, task) = App::session_ended(config, why.map(|_| line));
                *self = app;
                task
            }
            // A team's console whose session ended, or the agent signed out: back to
            // signing in, saying why (drafts and the outbox are in the session file already).
            Message::Console(console::Message::Event(Err(e @ StoreError::SignedOut { .. }))) => {
                self.signed_out(e.to_string())
            }
            Message::Console(console::Message::SignedOut(done)) => {
                let line = match done {
                    Ok(()) => StoreError::SignedOut {
                        why: Some(livewindow_core::SessionEnd::SignedOut),
                    }
                    .to_string(),
                    Err(e) => format!("You are signed out here; the server was not told: {e}"),
                };
                self.signed_out(line)
            }
            Message::Opened(Ok((data, restored))) => {
                let Some(config) = self.config() else {
                    return Task::none();
                };
                let (mut console, task) = Console::new(data, restored, config.session_dir.clone());
                if config.team.is_some() {
                    console.offer_sign_out();
                }
                *self = App::Ready(Box::new(console), config);
                // The desktop's light or dark preference now; `subscription` follows changes.
                let desktop = iced::system::theme().map(console::Message::DesktopTheme);
                Task::batch([task, desktop]).map(Message::Console)
            }
            // A team's desktop that cannot open (the server out of reach): the sign-in
            // screen says why, and a kept session stays kept for the next try.
            Message::Opened(Err(e)) => match self.config() {
                Some(config) if config.team.is_some() => {
                    let (app, task) = App::to_sign_in(config, Some(e.to_string()));
                    *self = app;
                    task
                }
                _ => {
                    *self = App::Failed(e);
                    Task::none()
                }
            },
            Message::Console(m) => match self {
                App::Ready(c, _) => c.update(m).map(Message::Console),
                _ => Task::none(),
            },
            Message::CloseRequested(id) => match self {
                // Remember drafts and go offline, so nobody is offered chats on a closed window.
                App::Ready(c, _) => c.quit().map(Message::Console).chain(window::close(id)),
                _ => window::close(id),
            },
            Message::Closed => Task::none(),
        }
    }

    /// The session of an open console ended: the sign-in screen, with its email kept. Only
    /// once: the socket's close and the sign-out's answer may both say so.
    fn signed_out(&mut self, line: String) -> Task<Message> {
        let App::Ready(c, config) = &*self else {
            return Task::none();
        };
        let mut config = config.clone();
        if let Some(team) = config.team.as_mut() {
            team.email = c.agent().email.clone();
        }
        let (app, task) = App::session_ended(config, Some(line));
        *self = app;
        task
    }

    pub fn view(&self) -> Element<'_, Message> {
        match self {
            App::SignIn(screen, _) => screen.view().map(Message::SignIn),
            App::Loading(c) if c.team.is_some() => center(text("Opening your desk…")).into(),
            App::Loading(_) => center(text("Opening the database…")).into(),
            App::Failed(e) => center(text(format!("Live Window cannot start: {e}"))).into(),
            App::Ready(console, _) => {
                super::first_view();
                console.view().map(Message::Console)
            }
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let close = window::close_requests().map(Message::CloseRequested);
        let App::Ready(c, _) = self else {
            return match self {
                App::SignIn(..) => {
                    Subscription::batch([close, iced::event::listen_with(sign_in_keys)])
                }
                _ => close,
            };
        };
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
