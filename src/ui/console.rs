//! The console once the store is open: offers, the agent's chats, top-level tabs, the
//! event feed, notifications, shortcuts and the remembered session.

use super::interaction::{self, Interaction};
use super::notify::{self, Target};
use super::offer::{self, Card};
use super::screen_pop;
use super::session::{self, Session};
use super::style;
use super::toolbar;
use crate::core::{AgentStatus, Event, EventKind};
use crate::store::{AcceptError, Agent, Chat, Offer, Store};
use iced::widget::{button, column, container, keyed_column, row, scrollable, text};
use iced::{Element, Length, Task, Theme};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Which top-level tab is in front: the Live Window, or one verified interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Home,
    Chat(i64),
}

pub struct Console {
    pub store: Store,
    pub agent: Agent,
    /// Database clock minus local clock, in ms: countdowns use the database's time.
    pub offset_ms: i64,
    pub cards: Vec<Card>,
    pub chats: Vec<Interaction>,
    pub view: View,
    /// The chat shown in the Live Window tab (before it is verified).
    pub selected: Option<i64>,
    pub waiting: i64,
    pub last_event: i64,
    pub focused: bool,
    pub dark: bool,
    /// Composers are formatted (`SVC_CHAT_CKEDITOR_ENABLED`); re-read once a minute.
    pub rich: bool,
    /// Enter sends (else Ctrl+Enter), as the agent last set it.
    enter_sends: bool,
    notes: Vec<(String, Instant)>,
    notified_offers: HashSet<(i64, i64)>,
    notified_chats: HashMap<i64, Instant>,
    session_path: Option<PathBuf>,
    dirty: bool,
    /// When the desktop last did its share of routing and said it is alive.
    last_tick: Instant,
    /// When the clock offset to the database was last measured.
    last_clock: Instant,
    /// Events changed the queues since the waiting count was read: read it on the next frame,
    /// once, however many events came.
    waiting_stale: bool,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Event(Result<Event, String>),
    Offers(Vec<Offer>),
    OfferLoaded(Option<Offer>),
    Offer(offer::Message),
    Accepted(i64, Result<Chat, String>),
    Declined(i64, Result<(), String>),
    ChatLoaded(Result<Chat, String>),
    MessageLoaded(i64, Result<crate::store::Message, String>),
    Chat(i64, interaction::Message),
    Toolbar(toolbar::Message),
    StatusSet(Result<AgentStatus, String>),
    Waiting(i64),
    Select(i64),
    Home,
    CloseChat(i64),
    Frame,
    /// The minute's re-reads: the clock offset and whether the composer is formatted.
    Clock(Option<i64>, Option<bool>),
    /// A file was dropped on the window: an image for the composer in view.
    FileDropped(PathBuf),
    /// The once-a-second heartbeat and routing tick finished.
    Ticked(Result<(), String>),
    Focus(bool),
    Key(Shortcut),
    Notified(Option<Target>),
}

#[derive(Debug, Clone, Copy)]
pub enum Shortcut {
    AcceptFirst,
    DeclineFirst,
    Nth(usize),
}

/// Everything restored when the console opens.
#[derive(Debug, Clone)]
pub struct Restored {
    pub store: Store,
    pub agent: Agent,
    pub offset_ms: i64,
    pub last_event: i64,
    pub chats: Vec<Chat>,
    pub offers: Vec<Offer>,
    pub waiting: i64,
    /// `SVC_CHAT_CKEDITOR_ENABLED` for this agent.
    pub rich: bool,
}

pub async fn restore(store: Store, agent_id: i64) -> crate::store::Result<Restored> {
    let agent = store.agent(agent_id).await?;
    // Measure the clock offset as the midpoint of a round trip.
    let t0 = chrono::Utc::now().timestamp_millis();
    let db = store.now_ms().await?;
    let t1 = chrono::Utc::now().timestamp_millis();
    let offset_ms = db - (t0 + t1) / 2;
    let last_event = store.last_event_id().await?;
    let chats = store.active_chats(agent_id).await?;
    let offers = store.pending_offers(agent_id).await?;
    let waiting = store.waiting_count(None).await?;
    let rich = store.rich_text_enabled(agent_id).await?;
    Ok(Restored {
        store,
        agent,
        offset_ms,
        last_event,
        chats,
        offers,
        waiting,
        rich,
    })
}

impl Console {
    pub fn new(r: Restored, session_dir: Option<PathBuf>) -> (Console, Task<Message>) {
        let session_path = session_dir.map(|d| session::path(&d, r.store.url(), r.agent.id));
        let saved = session_path
            .as_deref()
            .map(session::load)
            .unwrap_or_default();
        let mut console = Console {
            store: r.store,
            agent: r.agent,
            offset_ms: r.offset_ms,
            cards: r.offers.into_iter().map(Card::new).collect(),
            chats: Vec::new(),
            view: View::Home,
            selected: None,
            waiting: r.waiting,
            last_event: r.last_event,
            // Not focused until the window system says so: an agent who has not looked yet
            // gets notifications.
            focused: false,
            dark: saved.dark,
            rich: r.rich,
            enter_sends: saved.enter_sends.unwrap_or(true),
            notes: Vec::new(),
            notified_offers: HashSet::new(),
            notified_chats: HashMap::new(),
            session_path,
            dirty: false,
            last_tick: Instant::now(),
            last_clock: Instant::now(),
            waiting_stale: false,
            error: None,
        };
        let mut tasks = Vec::new();
        for chat in r.chats {
            let draft = saved.drafts.get(&chat.id).cloned().unwrap_or_default();
            let html = saved.draft_html.get(&chat.id).cloned();
            let tab = saved
                .pop_tabs
                .get(&chat.id)
                .map(|t| screen_pop::Tab::parse(t))
                .unwrap_or(screen_pop::Tab::Accounts);
            tasks.push(console.open_chat(chat, &draft, html.as_deref(), tab));
        }
        if let Some(id) = saved.in_view.filter(|id| console.chat(*id).is_some()) {
            console.selected = Some(id);
            if saved.on_tab
                && console
                    .chat(id)
                    .is_some_and(|c| c.chat.contact_id.is_some())
            {
                console.view = View::Chat(id);
            }
        }
        (console, Task::batch(tasks))
    }

    pub fn theme(&self) -> Theme {
        if self.dark { Theme::Dark } else { Theme::Light }
    }

    /// The database's "now", as this desktop best knows it.
    pub fn db_now(&self) -> i64 {
        chrono::Utc::now().timestamp_millis() + self.offset_ms
    }

    /// Active interactions: what the badge shows.
    pub fn active(&self) -> usize {
        self.chats.iter().filter(|c| c.ended.is_none()).count()
    }

    pub fn chat(&self, id: i64) -> Option<&Interaction> {
        self.chats.iter().find(|c| c.chat.id == id)
    }

    fn chat_mut(&mut self, id: i64) -> Option<&mut Interaction> {
        self.chats.iter_mut().find(|c| c.chat.id == id)
    }

    /// The chat whose conversation is on screen now, if any.
    pub fn in_view(&self) -> Option<i64> {
        match self.view {
            View::Chat(id) => Some(id),
            View::Home => self
                .selected
                .filter(|id| self.chat(*id).is_some_and(|c| !c.verified())),
        }
    }

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
        let (interaction, task) = Interaction::new(
            &self.store,
            chat,
            self.agent.id,
            &self.agent.name,
            interaction::Draft {
                rich: self.rich,
                text: draft,
                html,
            },
            tab,
        );
        let mut interaction = interaction;
        interaction.composer.enter_sends = self.enter_sends;
        self.chats.push(interaction);
        task.map(move |m| Message::Chat(id, m))
    }

    fn note(&mut self, text: String) {
        self.notes.push((text, Instant::now()));
    }

    fn show(&mut self, id: i64) -> Task<Message> {
        let Some(c) = self.chat_mut(id) else {
            return Task::none();
        };
        c.unread = 0;
        let verified = c.verified();
        self.selected = Some(id);
        self.view = if verified { View::Chat(id) } else { View::Home };
        self.dirty = true;
        iced::widget::operation::focus(interaction::composer_id(id))
    }

    pub fn save_session(&mut self) {
        let Some(path) = &self.session_path else {
            return;
        };
        let s = Session {
            in_view: self.selected,
            on_tab: matches!(self.view, View::Chat(_)),
            drafts: self
                .chats
                .iter()
                .filter(|c| c.ended.is_none())
                .map(|c| (c.chat.id, c.draft().0))
                .filter(|(_, d)| !d.trim().is_empty())
                .collect(),
            draft_html: self
                .chats
                .iter()
                .filter(|c| c.ended.is_none())
                .filter_map(|c| Some((c.chat.id, c.draft().1?)))
                .collect(),
            enter_sends: Some(self.enter_sends),
            pop_tabs: self
                .chats
                .iter()
                .map(|c| (c.chat.id, c.pop_tab().name().to_string()))
                .collect(),
            dark: self.dark,
        };
        if let Err(e) = session::save(path, &s) {
            tracing::warn!("cannot save the session to {}: {e}", path.display());
        }
        self.dirty = false;
    }

    pub fn refresh_waiting(&self) -> Task<Message> {
        let s = self.store.clone();
        Task::perform(
            async move { s.waiting_count(None).await.unwrap_or(0) },
            Message::Waiting,
        )
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Event(Ok(event)) => self.on_event(event),
            Message::Event(Err(e)) => {
                self.error = Some(format!("Connection to the database lost; retrying: {e}"));
                Task::none()
            }
            Message::Offers(offers) => {
                let mut tasks = Vec::new();
                for o in offers {
                    tasks.push(self.add_offer(o));
                }
                Task::batch(tasks)
            }
            Message::OfferLoaded(Some(o)) => self.add_offer(o),
            Message::OfferLoaded(None) => Task::none(),
            Message::Offer(m) => match offer::update(&mut self.cards, m) {
                Some(offer::Action::Accept(chat)) => {
                    let s = self.store.clone();
                    let agent = self.agent.id;
                    Task::perform(
                        async move {
                            s.accept(chat, agent).await?;
                            Ok::<_, AcceptError>(s.chat(chat).await?)
                        },
                        move |r| Message::Accepted(chat, r.map_err(|e| e.to_string())),
                    )
                }
                Some(offer::Action::Decline(chat, reason)) => {
                    let s = self.store.clone();
                    let agent = self.agent.id;
                    Task::perform(
                        async move { s.decline(chat, agent, reason.as_deref()).await },
                        move |r| Message::Declined(chat, r.map_err(|e| e.to_string())),
                    )
                }
                None => Task::none(),
            },
            Message::Accepted(chat, Ok(c)) => {
                self.cards.retain(|card| card.offer.chat_id != chat);
                let task = self.open_chat(c, "", None, screen_pop::Tab::Accounts);
                let show = self.show(chat);
                self.dirty = true;
                self.waiting_stale = true;
                Task::batch([task, show])
            }
            Message::Accepted(chat, Err(e)) => {
                if let Some(card) = self.cards.iter().find(|c| c.offer.chat_id == chat) {
                    let name = card.offer.customer_name.clone();
                    self.note(format!("{name}: {e}"));
                }
                self.cards.retain(|card| card.offer.chat_id != chat);
                Task::none()
            }
            Message::Declined(chat, r) => {
                if let Err(e) = r {
                    self.note(e);
                }
                self.cards.retain(|card| card.offer.chat_id != chat);
                self.waiting_stale = true;
                Task::none()
            }
            Message::ChatLoaded(Ok(chat)) => {
                let id = chat.id;
                if let Some(c) = self.chat_mut(id) {
                    if chat.state == crate::core::ChatState::Ended {
                        c.ended = chat.end_reason.or(Some(crate::core::EndReason::AgentEnded));
                    }
                    return Task::none();
                }
                if chat.state == crate::core::ChatState::Active
                    && chat.agent_id == Some(self.agent.id)
                {
                    // Accepted on another desktop of this agent: it shows here too.
                    return self.open_chat(chat, "", None, screen_pop::Tab::Accounts);
                }
                Task::none()
            }
            Message::ChatLoaded(Err(e)) => {
                self.error = Some(e);
                Task::none()
            }
            Message::MessageLoaded(chat, Ok(m)) => {
                let in_view = self.in_view() == Some(chat) && self.focused;
                let from_customer = m.sender == crate::core::Sender::Customer;
                let (name, body) = (m.sender_name.clone(), m.body_text.clone());
                if let Some(c) = self.chat_mut(chat) {
                    c.receive(m, in_view);
                }
                if from_customer && !in_view {
                    return self.notify_message(chat, name, body);
                }
                Task::none()
            }
            Message::MessageLoaded(_, Err(e)) => {
                self.error = Some(e);
                Task::none()
            }
            Message::Chat(id, m) => {
                let store = self.store.clone();
                let Some(c) = self.chat_mut(id) else {
                    return Task::none();
                };
                let (task, event) = c.update(&store, m);
                let enter_sends = c.composer.enter_sends;
                let task = task.map(move |m| Message::Chat(id, m));
                if enter_sends != self.enter_sends {
                    // One setting for the agent: every composer follows.
                    self.enter_sends = enter_sends;
                    for c in &mut self.chats {
                        c.composer.enter_sends = enter_sends;
                    }
                    self.dirty = true;
                }
                match event {
                    Some(interaction::Event::Verified) => {
                        // The screen pop opens as a top-level tab of its own.
                        self.view = View::Chat(id);
                        self.selected = Some(id);
                        self.dirty = true;
                    }
                    Some(interaction::Event::DraftChanged) => self.dirty = true,
                    None => {}
                }
                task
            }
            Message::Toolbar(toolbar::Message::Status(status)) => {
                let s = self.store.clone();
                let agent = self.agent.id;
                Task::perform(
                    async move { s.set_agent_status(agent, status).await.map(|_| status) },
                    |r| Message::StatusSet(r.map_err(|e| e.to_string())),
                )
            }
            Message::Toolbar(toolbar::Message::Interactions) => {
                self.view = View::Home;
                self.dirty = true;
                Task::none()
            }
            Message::Toolbar(toolbar::Message::Dark(dark)) => {
                self.dark = dark;
                self.dirty = true;
                Task::none()
            }
            Message::StatusSet(Ok(status)) => {
                self.agent.status = status;
                Task::none()
            }
            Message::StatusSet(Err(e)) => {
                self.error = Some(e);
                Task::none()
            }
            Message::Waiting(n) => {
                self.waiting = n;
                Task::none()
            }
            Message::Select(id) => self.show(id),
            Message::Home => {
                self.view = View::Home;
                self.dirty = true;
                Task::none()
            }
            Message::CloseChat(id) => {
                self.chats.retain(|c| c.chat.id != id);
                if self.selected == Some(id) {
                    self.selected = None;
                }
                if self.view == View::Chat(id) {
                    self.view = View::Home;
                }
                self.dirty = true;
                Task::none()
            }
            Message::Frame => self.frame(),
            Message::Clock(offset, rich) => {
                if let Some(offset) = offset {
                    self.offset_ms = offset;
                }
                if let Some(rich) = rich
                    && rich != self.rich
                {
                    self.rich = rich;
                    for c in &mut self.chats {
                        c.composer.set_rich(rich);
                    }
                }
                Task::none()
            }
            Message::FileDropped(path) => {
                let Some(id) = self.in_view() else {
                    self.note("Open a chat to drop an image into its message.".to_string());
                    return Task::none();
                };
                Task::done(Message::Chat(
                    id,
                    interaction::Message::Composer(super::composer::Message::ImageFile(Some(path))),
                ))
            }
            Message::Ticked(r) => {
                self.error = r.err();
                Task::none()
            }
            Message::Focus(focused) => {
                self.focused = focused;
                if focused
                    && let Some(id) = self.in_view()
                    && let Some(c) = self.chat_mut(id)
                {
                    c.unread = 0;
                }
                Task::none()
            }
            Message::Key(shortcut) => match shortcut {
                Shortcut::AcceptFirst => match self.cards.first() {
                    Some(c) => {
                        let chat = c.offer.chat_id;
                        self.update(Message::Offer(offer::Message::Accept(chat)))
                    }
                    None => Task::none(),
                },
                Shortcut::DeclineFirst => match self.cards.first() {
                    Some(c) => {
                        let chat = c.offer.chat_id;
                        self.update(Message::Offer(offer::Message::Decline(chat)))
                    }
                    None => Task::none(),
                },
                Shortcut::Nth(n) => match self.chats.get(n) {
                    Some(c) => {
                        let id = c.chat.id;
                        self.show(id)
                    }
                    None => Task::none(),
                },
            },
            Message::Notified(Some(target)) => {
                tracing::info!("notification clicked: {target:?}; bringing the window forward");
                let show = match target {
                    Target::Offer(_) => {
                        self.view = View::Home;
                        Task::none()
                    }
                    Target::Chat(id) => self.show(id),
                };
                Task::batch([show, bring_to_front()])
            }
            Message::Notified(None) => Task::none(),
        }
    }

    fn add_offer(&mut self, o: Offer) -> Task<Message> {
        if o.agent_id != self.agent.id || self.cards.iter().any(|c| c.offer.chat_id == o.chat_id) {
            return Task::none();
        }
        let key = (o.chat_id, o.deadline_ms);
        let left = ((o.deadline_ms - self.db_now()).max(0) + 999) / 1000;
        let (summary, body) = (
            format!("Incoming chat: {}", o.customer_name),
            format!(
                "{} · {} · {left} s left to accept",
                o.customer_email, o.queue_name
            ),
        );
        let target = Target::Offer(o.chat_id);
        self.cards.push(Card::new(o));
        if !self.focused && self.notified_offers.insert(key) {
            return notify::show(summary, body, target).map(Message::Notified);
        }
        Task::none()
    }

    fn notify_message(&mut self, chat: i64, name: String, body: String) -> Task<Message> {
        // One notification per chat per 15 s: a burst of lines is one nudge, not a storm.
        let now = Instant::now();
        if self
            .notified_chats
            .get(&chat)
            .is_some_and(|t| now.duration_since(*t) < Duration::from_secs(15))
        {
            return Task::none();
        }
        self.notified_chats.insert(chat, now);
        let body: String = body.chars().take(140).collect();
        notify::show(format!("{name} wrote"), body, Target::Chat(chat)).map(Message::Notified)
    }

    fn on_event(&mut self, event: Event) -> Task<Message> {
        self.last_event = self.last_event.max(event.id);
        let me = Some(self.agent.id);
        let Some(chat) = event.chat_id else {
            return Task::none();
        };
        let s = self.store.clone();
        let mut tasks = Vec::new();
        match event.kind {
            EventKind::ChatOffered if event.agent_id == me => {
                tasks.push(Task::perform(
                    async move { s.offer(chat).await.ok().flatten() },
                    Message::OfferLoaded,
                ));
            }
            EventKind::OfferExpired
            | EventKind::OfferDeclined
            | EventKind::ChatAccepted
            | EventKind::ChatEnded => {
                if let Some(card) = self.cards.iter().find(|c| c.offer.chat_id == chat) {
                    let name = card.offer.customer_name.clone();
                    match event.kind {
                        EventKind::OfferExpired => {
                            self.note(format!("The offer from {name} ran out of time; the chat went back to the queue."))
                        }
                        EventKind::ChatEnded => self.note(format!("{name} left before the chat was accepted.")),
                        _ => {}
                    }
                    self.cards.retain(|c| c.offer.chat_id != chat);
                }
                if matches!(event.kind, EventKind::ChatEnded) && self.chat(chat).is_some()
                    || (event.kind == EventKind::ChatAccepted
                        && event.agent_id == me
                        && self.chat(chat).is_none())
                {
                    tasks.push(Task::perform(async move { s.chat(chat).await }, |r| {
                        Message::ChatLoaded(r.map_err(|e| e.to_string()))
                    }));
                }
            }
            EventKind::Message if self.chat(chat).is_some() => {
                if let Some(id) = event.message_id {
                    tasks.push(Task::perform(
                        async move { s.message(id).await },
                        move |r| Message::MessageLoaded(chat, r.map_err(|e| e.to_string())),
                    ));
                }
            }
            EventKind::ChatTransferred if event.agent_id == me => {
                if let Some(c) = self.chat_mut(chat) {
                    c.ended = Some(crate::core::EndReason::AgentEnded);
                }
            }
            _ => {}
        }
        if matches!(
            event.kind,
            EventKind::ChatQueued
                | EventKind::ChatOffered
                | EventKind::ChatAccepted
                | EventKind::ChatEnded
                | EventKind::OfferDeclined
                | EventKind::OfferExpired
                | EventKind::ChatTransferred
        ) {
            self.waiting_stale = true;
        }
        Task::batch(tasks)
    }

    /// Every frame tick (4 a second while offers count down, else 1): countdowns move, notes
    /// fade, a stale waiting count is read; once a second the desktop does its share of the
    /// routing work and says it is still there; once a minute it measures the clock offset.
    fn frame(&mut self) -> Task<Message> {
        let now = self.db_now();
        let expired: Vec<String> = self
            .cards
            .iter()
            .filter(|c| c.offer.deadline_ms + 1500 < now)
            .map(|c| c.offer.customer_name.clone())
            .collect();
        for name in expired {
            self.note(format!(
                "The offer from {name} ran out of time; the chat went back to the queue."
            ));
        }
        self.cards.retain(|c| c.offer.deadline_ms + 1500 >= now);
        self.notes
            .retain(|(_, at)| at.elapsed() < Duration::from_secs(8));
        let mut tasks = Vec::new();
        if std::mem::take(&mut self.waiting_stale) {
            tasks.push(self.refresh_waiting());
        }
        if self.last_tick.elapsed() >= Duration::from_secs(1) {
            self.last_tick = Instant::now();
            if self.dirty {
                self.save_session();
            }
            let s = self.store.clone();
            let agent = self.agent.id;
            tasks.push(Task::perform(
                async move {
                    s.heartbeat(agent).await?;
                    s.tick().await
                },
                |r| Message::Ticked(r.map_err(|e| e.to_string())),
            ));
        }
        if self.last_clock.elapsed() >= Duration::from_secs(60) {
            self.last_clock = Instant::now();
            let s = self.store.clone();
            let agent = self.agent.id;
            tasks.push(Task::perform(
                async move {
                    let t0 = chrono::Utc::now().timestamp_millis();
                    let db = s.now_ms().await.ok();
                    let t1 = chrono::Utc::now().timestamp_millis();
                    let rich = s.rich_text_enabled(agent).await.ok();
                    (db.map(|db| db - (t0 + t1) / 2), rich)
                },
                |(offset, rich)| Message::Clock(offset, rich),
            ));
        }
        Task::batch(tasks)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let bar = toolbar::view(
            &self.agent.name,
            self.agent.status,
            self.active(),
            self.dark,
        )
        .map(Message::Toolbar);
        let mut tabs = row![
            button(text("Live Window").size(14))
                .style(style::tab(self.view == View::Home))
                .on_press(Message::Home)
        ]
        .spacing(4);
        for c in self.chats.iter().filter(|c| c.verified()) {
            let id = c.chat.id;
            let label = if c.unread > 0 {
                format!("{} ({})", c.chat.customer_name, c.unread)
            } else {
                c.chat.customer_name.clone()
            };
            tabs = tabs.push(
                button(text(label).size(14))
                    .style(style::tab(self.view == View::Chat(id)))
                    .on_press(Message::Select(id)),
            );
        }
        let body = match self.view {
            View::Home => self.home_view(),
            View::Chat(id) => match self.chat(id) {
                Some(c) => row![
                    container(c.conversation_view().map(move |m| Message::Chat(id, m)))
                        .width(Length::FillPortion(9)),
                    container(c.side_view().map(move |m| Message::Chat(id, m)))
                        .width(Length::FillPortion(11))
                        .padding([0, 8]),
                ]
                .spacing(12)
                .into(),
                None => text("This chat is closed.").into(),
            },
        };
        let mut page = column![
            bar,
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
        if self.view != View::Home {
            // Offers keep arriving while a chat tab is in front: a compact strip of them.
            let now = self.db_now();
            // Two at most, so the chat keeps its room; the rest wait on the Live Window tab.
            if self.cards.len() > 2 {
                status = status.push(
                    button(
                        text(format!(
                            "{} more incoming on the Live Window tab",
                            self.cards.len() - 2
                        ))
                        .size(13),
                    )
                    .style(button::text)
                    .on_press(Message::Home),
                );
            }
            for card in self.cards.iter().take(2) {
                let o = &card.offer;
                status =
                    status.push(
                        container(
                            row![
                                text(format!(
                                    "Incoming chat: {} · {} · {} s",
                                    o.customer_name,
                                    o.queue_name,
                                    (card.left_ms(now) + 999) / 1000
                                ))
                                .width(Length::Fill),
                                button(text("Accept").size(14))
                                    .style(button::success)
                                    .on_press_maybe((!card.busy).then_some(Message::Offer(
                                        offer::Message::Accept(o.chat_id)
                                    ))),
                                button(text("Decline").size(14))
                                    .style(button::secondary)
                                    .on_press_maybe((!card.busy).then_some(Message::Offer(
                                        offer::Message::Decline(o.chat_id)
                                    ))),
                            ]
                            .spacing(8)
                            .align_y(iced::Alignment::Center),
                        )
                        .padding([4, 8])
                        .style(style::offer_card),
                    );
            }
        }
        for (note, _) in &self.notes {
            status = status.push(text(note.clone()).size(14));
        }
        if let Some(e) = self.error.as_deref().filter(|e| !e.is_empty()) {
            status = status.push(text(e).style(style::field_error));
        }
        page = page.push(status);
        page.push(container(body).padding(12).height(Length::Fill))
            .into()
    }

    fn home_view(&self) -> Element<'_, Message> {
        let now = self.db_now();
        let mut left =
            column![text(format!("Incoming ({})", self.cards.len())).size(18)].spacing(8);
        if self.cards.is_empty() {
            left = left.push(
                text(match self.agent.status {
                    AgentStatus::Available => format!(
                        "No offers right now. {} waiting in the queues.",
                        self.waiting
                    ),
                    _ => format!(
                        "You are {}: no offers come in. {} waiting in the queues.",
                        self.agent.status, self.waiting
                    ),
                })
                .style(style::muted),
            );
        }
        left = left.push(
            keyed_column(self.cards.iter().enumerate().map(|(i, card)| {
                (
                    card.offer.chat_id,
                    offer::view(card, now, i == 0).map(Message::Offer),
                )
            }))
            .spacing(8),
        );
        left = left.push(text(format!("Active chats ({})", self.active())).size(18));
        if self.chats.is_empty() {
            left = left.push(text("Chats you accept appear here.").style(style::muted));
        }
        for (i, c) in self.chats.iter().enumerate() {
            let selected = self.selected == Some(c.chat.id);
            let mut line = row![
                column![
                    text(c.chat.customer_name.clone()).size(15),
                    text(match (c.ended, c.verified()) {
                        (Some(r), _) => format!("Ended: {r}"),
                        (None, true) => format!("{} · verified", c.chat.queue_name),
                        (None, false) => format!("{} · not verified yet", c.chat.queue_name),
                    })
                    .size(12)
                    .style(style::muted),
                ]
                .width(Length::Fill),
            ]
            .spacing(6)
            .align_y(iced::Alignment::Center);
            if c.unread > 0 {
                line = line.push(
                    container(text(c.unread.to_string()).size(12))
                        .padding([1, 7])
                        .style(style::badge),
                );
            }
            if i < 9 {
                line = line.push(text(format!("Ctrl+{}", i + 1)).size(11).style(style::muted));
            }
            if c.ended.is_some() {
                line = line.push(
                    button(text("Close").size(12))
                        .style(button::text)
                        .on_press(Message::CloseChat(c.chat.id)),
                );
            }
            left = left.push(
                button(line)
                    .width(Length::Fill)
                    .style(style::tab(selected))
                    .on_press(Message::Select(c.chat.id)),
            );
        }
        let main: Element<'_, Message> = match self.selected.and_then(|id| self.chat(id)).filter(|c| !c.verified()) {
            Some(c) => {
                let id = c.chat.id;
                row![
                    container(c.conversation_view().map(move |m| Message::Chat(id, m))).width(Length::FillPortion(1)),
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
