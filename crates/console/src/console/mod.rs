//! The console once its data is open: offers, the agent's chats, top-level tabs. The root
//! of the screens and the only part of the interface that runs IO: screens return actions,
//! and the console turns them into calls on the data interface ([`livewindow_data`]), the
//! clipboard, files and notifications.
//!
//! `feed` follows the event feed, `tick` the frame, `effects` runs the screens' actions,
//! `session` remembers drafts and tabs, `view` draws.

mod effects;
mod feed;
mod keys;
mod prefs;
mod presence;
mod read;
mod replies;
mod searching;
mod session;
mod sounds;
mod supervising;
mod tick;
mod view;

use super::interaction::{self, Interaction};
use super::notify::Target;
use super::offer::{self, Offers};
use super::screen_pop;
use super::toolbar;
use iced::Task;
use livewindow_core::{AcceptError, Agent, AgentStatus, Chat, QueueStat, StoreError};
use livewindow_data::{Data, FeedItem, Restored, Settings, Tick};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

pub use keys::Shortcut;
pub use view::bring_to_front;

/// Which top-level tab is in front: the Live Window, or one verified interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Home,
    Chat(i64),
    /// The Supervisor tab (supervisors and administrators).
    Supervisor,
    /// The Search tab: earlier transcripts.
    Search,
}

pub struct Console {
    data: Data,
    /// Who the console speaks for, and how they set it up.
    me: Me,
    /// Offers, the agent's chats, and what is in front.
    work: Work,
    /// Time: the database's clock, the desk's tick, the agent's last activity.
    clock: Clock,
    /// Lines that fade and desktop notifications.
    alerts: Alerts,
    /// Where this desktop remembers drafts, tabs and the outbox.
    memory: Memory,
    /// The newest feed event seen: the feed resumes after it.
    last_event: i64,
    error: Option<StoreError>,
}

struct Me {
    agent: Agent,
    /// This console's desk: while it is the agent's, this console speaks for them.
    desk: String,
    /// Another console of the agent took over: this one shows why and does nothing else.
    stopped: bool,
    /// The agent's options (formatted composer, auto-Away, dispositions); re-read once a
    /// minute.
    settings: Settings,
    /// Enter sends (else Ctrl+Enter), as the agent last set it.
    enter_sends: bool,
    /// The theme they chose, and what the desktop prefers (for System).
    theme: crate::theme::Choice,
    desktop: iced::theme::Mode,
    /// Percent (`zoom`).
    zoom: u16,
    /// Spoken alerts (`speech`), off by default.
    speak: bool,
    /// Which sounds, how loud, or none (`sound`).
    sounds: crate::sound::Prefs,
    /// A team's desktop: the toolbar has *Sign out*.
    sign_out: bool,
}

struct Work {
    offers: Offers,
    chats: Vec<Interaction>,
    view: View,
    /// The chat shown in the Live Window tab (before it is verified).
    selected: Option<i64>,
    /// The queues the agent works, at a glance; the feed brings their figures.
    queues: Vec<QueueStat>,
    /// The F1 sheet is open.
    help: bool,
    /// In a narrow window, a chat's tab shows its records (else its conversation).
    records_pane: bool,
    /// In a narrow window, the composer's formatting bar is shown.
    format_bar: bool,
    /// The region F6 last moved to, in which view (`keys`).
    region: Option<(View, usize)>,
    /// The Supervisor tab, for those who may open it.
    board: Option<crate::supervisor::Supervisor>,
    search: crate::search::Search,
    /// The Sounds panel is open under the toolbar.
    sound_panel: bool,
    /// The standard replies the agent sees (the composers' "/" list).
    replies: std::sync::Arc<[livewindow_core::reply::StandardReply]>,
}

struct Clock {
    /// Database clock minus local clock, in ms: countdowns use the database's time.
    offset_ms: i64,
    /// When the desktop last did its share of routing and said it is alive.
    last_tick: Instant,
    /// When the tick now waiting for the database started: a tick still waiting after a
    /// second and a half means the database is not answering.
    tick_since: Option<Instant>,
    /// When the clock offset to the database was last measured.
    last_clock: Instant,
    /// The agent's last key press or click in the window, for auto-Away.
    last_activity: Instant,
}

struct Alerts {
    /// Lines at the top that fade: (text, shown at, for how long).
    notes: Vec<(String, Instant, std::time::Duration)>,
    notified_offers: HashSet<(i64, i64)>,
    /// The last message notification per chat, and when: one per 15 s; it closes when the
    /// chat is opened.
    notified_chats: HashMap<i64, (Instant, super::notify::Withdraw)>,
    focused: bool,
    /// What was said aloud, newest last (the last 50): the tests read it.
    spoken: Vec<String>,
    /// Made when spoken alerts are first on.
    speaker: Option<crate::speech::Speaker>,
    /// The last call for help's notification, kept up until the next one.
    board_notice: Option<super::notify::Withdraw>,
    /// When offers and lines last rang.
    bell: crate::sound::Bell,
    /// What played, newest last (the last 50): the tests read it.
    sounded: Vec<crate::sound::Cue>,
    /// Made when the first sound plays.
    player: Option<crate::sound::player::Player>,
}

struct Memory {
    session_dir: Option<PathBuf>,
    session_path: Option<PathBuf>,
    dirty: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The agent's feed: an event with what it shows, or a lost connection.
    Event(Result<FeedItem, StoreError>),
    Offer(offer::Message),
    Accepted(i64, Result<Chat, AcceptError>),
    Declined(i64, Result<(), StoreError>),
    Chat(i64, interaction::Message),
    Toolbar(toolbar::Message),
    /// The desktop's light or dark preference, at start and whenever it changes.
    DesktopTheme(iced::theme::Mode),
    /// Ctrl+=, Ctrl+- or Ctrl+0: the zoom in percent.
    Zoom(u16),
    /// In a narrow window: the chat's records (true) or its conversation.
    Pane(bool),
    /// In a narrow window: the composer's formatting bar shown or not.
    FormatBar(bool),
    StatusSet(AgentStatus, Result<bool, StoreError>),
    /// The agent chose to take the console back after another took over.
    TakeOver,
    /// The console opened again after taking over: everything as the database holds it now.
    Reopened(Box<Result<Restored, StoreError>>),
    /// A key press or click: the agent is at the desk.
    Activity,
    /// The window system or a signal asks the console to quit: go Offline first.
    Quit,
    /// *Sign out* done (or why the server was not told): the app shows its sign-in screen.
    SignedOut(Result<(), StoreError>),
    Select(i64),
    Home,
    Frame,
    /// The desktop's tick finished (with the minute's measurements when taken).
    Ticked(Result<Tick, StoreError>),
    /// A file was dropped on the window: an image for the composer in view.
    FileDropped(PathBuf),
    /// The file picker closed, with the image chosen for a chat's composer (or none).
    ImageChosen(i64, Option<PathBuf>),
    /// A customer's file saved where the agent chose (`None`: the dialog was cancelled).
    FileSaved(Result<Option<PathBuf>, crate::files::FileError>),
    Focus(bool),
    Key(Shortcut),
    Notified(Option<Target>),
    Supervisor(crate::supervisor::Message),
    /// The Supervisor tab in front.
    Board,
    Search(crate::search::Message),
    /// The Search tab in front.
    SearchTab,
    Sound(crate::sound::settings::Message),
    /// The standard replies the agent sees, read again.
    Replies(Result<Vec<livewindow_core::reply::StandardReply>, StoreError>),
}

impl Console {
    /// The console over `data`, as restored, with this desktop's remembered session.
    pub fn new(data: Data, r: Restored, session_dir: Option<PathBuf>) -> (Console, Task<Message>) {
        let session_path = session_dir
            .as_deref()
            .map(|d| super::session::path(d, &data.identity(), r.agent.id));
        let saved = session_path
            .as_deref()
            .map(super::session::load)
            .unwrap_or_default();
        let now = Instant::now();
        // Searches start on the agent's own chats.
        let me = crate::search::Pick {
            id: r.agent.id,
            name: format!("{} (me)", r.agent.name),
        };
        let board = r
            .supervises
            .then(|| crate::supervisor::Supervisor::new(r.settings.rich));
        let mut console = Console {
            data,
            me: Me {
                agent: r.agent,
                desk: r.desk,
                stopped: false,
                settings: r.settings,
                enter_sends: saved.enter_sends.unwrap_or(true),
                theme: saved.theme.unwrap_or(if saved.dark {
                    crate::theme::Choice::Dark
                } else {
                    crate::theme::Choice::System
                }),
                desktop: iced::theme::Mode::None,
                zoom: crate::zoom::clamp(saved.zoom.unwrap_or(crate::zoom::NORMAL)),
                speak: saved.speak,
                sounds: saved.sounds.unwrap_or_default(),
                sign_out: false,
            },
            work: Work {
                offers: Offers::new(r.offers),
                chats: Vec::new(),
                view: View::Home,
                selected: None,
                queues: r.queues,
                help: false,
                records_pane: false,
                format_bar: false,
                region: None,
                board,
                search: crate::search::Search::new(me),
                sound_panel: false,
                replies: std::sync::Arc::new([]),
            },
            clock: Clock {
                offset_ms: r.offset_ms,
                last_tick: now,
                tick_since: None,
                last_clock: now,
                last_activity: now,
            },
            alerts: Alerts {
                notes: Vec::new(),
                notified_offers: HashSet::new(),
                notified_chats: HashMap::new(),
                // Not focused until the window system says so: an agent who has not looked
                // yet gets notifications.
                focused: false,
                spoken: Vec::new(),
                speaker: None,
                bell: Default::default(),
                sounded: Vec::new(),
                player: None,
                board_notice: None,
            },
            memory: Memory {
                session_dir,
                session_path,
                dirty: false,
            },
            last_event: r.last_event,
            error: None,
        };
        if !r.requeued.is_empty() {
            let list: Vec<String> = r
                .requeued
                .iter()
                .map(|r| format!("{} ({})", r.customer, r.queue))
                .collect();
            console.note_for(
                format!(
                    "While this desktop was silent, your chats went back to their queues: {}.",
                    list.join(", ")
                ),
                std::time::Duration::from_secs(60),
            );
        }
        let task = console.reopen(r.chats, &saved);
        let replies = console.load_replies();
        (console, Task::batch([task, replies]))
    }

    fn chat_mut(&mut self, id: i64) -> Option<&mut Interaction> {
        self.work.chats.iter_mut().find(|c| c.chat().id == id)
    }

    /// Starts a chat in the console and loads what it shows.
    fn open_chat(
        &mut self,
        chat: Chat,
        draft: &str,
        html: Option<&str>,
        tab: screen_pop::Tab,
    ) -> Task<Message> {
        if self.chat(chat.id).is_some() {
            return Task::none();
        }
        let id = chat.id;
        let contact = chat.contact_id;
        let load = self.perform_chat(
            id,
            self.data.open_chat(chat.clone(), super::transcript::WINDOW),
            interaction::Message::Opened,
        );
        let pop = match contact {
            Some(contact) => self.load_pop(id, contact),
            None => Task::none(),
        };
        self.work.chats.push(Interaction::new(
            chat,
            self.me.agent.id,
            &self.me.agent.name,
            interaction::Draft {
                rich: self.me.settings.rich,
                text: draft,
                html,
                enter_sends: self.me.enter_sends,
            },
            tab,
        ));
        if let Some(c) = self.work.chats.last_mut() {
            c.set_replies(self.work.replies.clone());
        }
        Task::batch([load, pop])
    }

    fn note(&mut self, text: String) {
        self.note_for(text, std::time::Duration::from_secs(8));
    }

    fn note_for(&mut self, text: String, duration: std::time::Duration) {
        self.alerts.notes.push((text, Instant::now(), duration));
    }

    fn show(&mut self, id: i64) -> Task<Message> {
        let Some(c) = self.chat_mut(id) else {
            return Task::none();
        };
        c.mark_read();
        let verified = c.verified();
        let target = c.focus_target();
        self.alerts.notified_chats.remove(&id);
        self.work.selected = Some(id);
        self.work.view = if verified { View::Chat(id) } else { View::Home };
        self.memory.dirty = true;
        match target {
            Some(target) => iced::widget::operation::focus(target),
            None => Task::none(),
        }
    }

    fn close_chat(&mut self, id: i64) {
        self.work.chats.retain(|c| c.chat().id != id);
        if self.work.selected == Some(id) {
            self.work.selected = None;
        }
        if self.work.view == View::Chat(id) {
            self.work.view = View::Home;
        }
        self.memory.dirty = true;
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        if self.me.stopped
            && !matches!(
                message,
                Message::TakeOver | Message::Reopened(_) | Message::Quit
            )
        {
            // Another console speaks for the agent: this one acts on nothing.
            return Task::none();
        }
        match message {
            Message::Event(Ok(event)) => self.on_event(event),
            Message::Event(Err(e)) => {
                self.error = Some(e);
                Task::none()
            }
            Message::Offer(m) => match self.work.offers.update(m) {
                offer::Action::Accept(chat) => {
                    let accept = self.data.accept(chat);
                    Task::perform(accept, move |r| Message::Accepted(chat, r))
                }
                offer::Action::Decline(chat, reason) => {
                    let decline = self.data.decline(chat, reason);
                    Task::perform(decline, move |r| Message::Declined(chat, r))
                }
                offer::Action::None => Task::none(),
            },
            Message::Accepted(chat, Ok(c)) => {
                self.work.offers.remove(chat);
                let task = self.open_chat(c, "", None, screen_pop::Tab::Accounts);
                let show = self.show(chat);
                Task::batch([task, show])
            }
            Message::Accepted(chat, Err(e)) => {
                if let Some(card) = self.work.offers.remove(chat) {
                    self.note(format!("{}: {e}", card.offer().customer_name));
                }
                Task::none()
            }
            Message::Declined(chat, r) => {
                if let Err(e) = r {
                    self.note(super::sentence("The decline did not go through", &e));
                }
                self.work.offers.remove(chat);
                Task::none()
            }
            Message::Chat(id, m) => {
                // Any change in a chat may be a draft to remember; the save is once a second.
                self.memory.dirty = true;
                // The contact's match arriving opens the dialog: its primary action takes
                // the focus, when the chat is in view.
                let refocus = matches!(
                    m,
                    interaction::Message::Opened(Ok(_)) | interaction::Message::Matched(_)
                );
                let Some(c) = self.chat_mut(id) else {
                    return Task::none();
                };
                let action = c.update(m);
                let task = self.run(id, action);
                match self.chat(id).and_then(|c| c.focus_target()) {
                    Some(target) if refocus && self.in_view() == Some(id) => {
                        Task::batch([task, iced::widget::operation::focus(target)])
                    }
                    _ => task,
                }
            }
            Message::Toolbar(toolbar::Message::Status(status)) => self.set_status(status),
            Message::Toolbar(toolbar::Message::Interactions) => {
                self.work.view = View::Home;
                self.memory.dirty = true;
                Task::none()
            }
            Message::Toolbar(toolbar::Message::Speak(on)) => {
                self.me.speak = on;
                self.memory.dirty = true;
                Task::none()
            }
            Message::Toolbar(toolbar::Message::Sounds) => self.toggle_sound_panel(),
            Message::Sound(m) => self.sound_settings(m),
            Message::Toolbar(toolbar::Message::SignOut) => self.sign_out(),
            Message::SignedOut(_) => Task::none(),
            Message::Toolbar(toolbar::Message::Theme(choice)) => {
                self.me.theme = choice;
                self.memory.dirty = true;
                Task::none()
            }
            Message::DesktopTheme(mode) => {
                self.me.desktop = mode;
                Task::none()
            }
            Message::Zoom(percent) => self.set_zoom(percent),
            Message::Pane(records) => {
                self.work.records_pane = records;
                Task::none()
            }
            Message::FormatBar(shown) => {
                self.work.format_bar = shown;
                Task::none()
            }
            Message::StatusSet(status, Ok(true)) => {
                self.me.agent.status = status;
                Task::none()
            }
            Message::StatusSet(_, Ok(false)) => self.superseded(),
            Message::StatusSet(_, Err(e)) => {
                self.error = Some(e);
                Task::none()
            }
            Message::TakeOver => {
                Task::perform(self.data.restore(), |r| Message::Reopened(Box::new(r)))
            }
            Message::Reopened(r) => match *r {
                // Back as the agent's desk: start over from what the database holds now.
                Ok(restored) => {
                    let (console, task) =
                        Console::new(self.data.clone(), restored, self.memory.session_dir.clone());
                    *self = console;
                    self.note("This console speaks for you again.".into());
                    task
                }
                Err(e) => {
                    self.error = Some(e);
                    Task::none()
                }
            },
            Message::Activity => {
                self.clock.last_activity = Instant::now();
                Task::none()
            }
            Message::Quit => self.quit(),
            Message::Select(id) => self.show(id),
            Message::Home => {
                self.work.view = View::Home;
                self.memory.dirty = true;
                Task::none()
            }
            Message::Frame => self.frame(),
            Message::Ticked(r) => self.ticked(r),
            Message::FileDropped(path) => match self.in_view() {
                Some(id) => self.load_image(id, path),
                None => {
                    self.note("Open a chat to drop an image into its message.".to_string());
                    Task::none()
                }
            },
            Message::ImageChosen(id, Some(path)) => self.load_image(id, path),
            Message::ImageChosen(_, None) => Task::none(),
            Message::FileSaved(r) => self.file_saved(r),
            Message::Focus(focused) => {
                self.alerts.focused = focused;
                if focused
                    && let Some(id) = self.in_view()
                    && let Some(c) = self.chat_mut(id)
                {
                    c.mark_read();
                }
                Task::none()
            }
            Message::Key(shortcut) => self.on_key(shortcut),
            Message::Notified(Some(target)) => self.notified(target),
            Message::Notified(None) => Task::none(),
            Message::Search(m) => self.on_search(m),
            Message::SearchTab => self.search_tab(),
            Message::Supervisor(m) => self.supervise(m),
            Message::Board => {
                if self.work.board.is_some() {
                    self.work.view = View::Supervisor;
                }
                Task::none()
            }
            Message::Replies(r) => self.replies_loaded(r),
        }
    }
}
