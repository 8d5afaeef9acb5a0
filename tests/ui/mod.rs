//! Drives the real console (`ui::console::Console`) against a real store: clicks through
//! `iced_test`'s simulator, runs the resulting Tasks to completion, and feeds it the event
//! feed's events, as the running app's subscription would.
#![allow(dead_code)]

mod keys;
mod snapshot;

use futures::StreamExt;
use iced::{Size, Task};
use iced_test::simulator::Simulator;
use livewindow::Store;
use livewindow::data::FeedItem;
use livewindow::store::DeskReader;
use livewindow::ui::console::{Console, Message};
use std::path::PathBuf;

pub struct Harness {
    pub console: Console,
    pub store: Store,
    pub agent_id: i64,
    pub session_dir: PathBuf,
    last_event: i64,
    reader: DeskReader,
    live: Option<Live>,
    /// Every message the console was given, in order: what a test counts (searches sent…).
    pub log: Vec<Message>,
}

/// A user interface kept across updates, as the running app keeps it: widget state (focus,
/// the editor's layout) survives, and the view is rebuilt after every message.
struct Live {
    renderer: iced::Renderer,
    cache: Option<iced_runtime::user_interface::Cache>,
    cursor: iced::mouse::Cursor,
}

/// Whether bounds are all visible (not cut by a container) and inside a window of `size`.
fn whole(b: iced::Rectangle, visible: Option<iced::Rectangle>, size: Size) -> bool {
    visible.is_some_and(|v| {
        (v.width - b.width).abs() < 0.5
            && (v.height - b.height).abs() < 0.5
            && v.x >= 0.0
            && v.x + v.width <= size.width + 0.5
            && v.y >= 0.0
            && v.y + v.height <= size.height + 0.5
    })
}

/// Tasks running side by side, as the runtime runs them.
struct Running(
    futures::stream::SelectAll<futures::stream::BoxStream<'static, iced_runtime::Action<Message>>>,
);

impl Running {
    fn new() -> Self {
        Running(futures::stream::SelectAll::new())
    }

    fn start(&mut self, task: Task<Message>) {
        if let Some(stream) = iced_runtime::task::into_stream(task) {
            self.0.push(stream);
        }
    }
}

/// Runs a task and every task its messages lead to, until nothing is left: the console's
/// Tasks as the running app would run them, whatever its data handle.
pub async fn settle(console: &mut Console, task: Task<Message>) {
    settle_with(task, |m| console.update(m)).await;
}

/// As `settle`, each message given to `update`.
async fn settle_with(task: Task<Message>, mut update: impl FnMut(Message) -> Task<Message>) {
    let mut queue = vec![task];
    while let Some(task) = queue.pop() {
        let Some(mut stream) = iced_runtime::task::into_stream(task) else {
            continue;
        };
        while let Some(action) = stream.next().await {
            if let iced_runtime::Action::Output(message) = action {
                queue.push(update(message));
            }
        }
    }
}

pub fn key_event(
    key: iced::keyboard::Key,
    text: Option<&str>,
    modifiers: iced::keyboard::Modifiers,
) -> iced::Event {
    iced::Event::Keyboard(iced::keyboard::Event::KeyPressed {
        key: key.clone(),
        modified_key: key,
        physical_key: iced::keyboard::key::Physical::Unidentified(
            iced::keyboard::key::NativeCode::Unidentified,
        ),
        location: iced::keyboard::Location::Standard,
        modifiers,
        repeat: false,
        text: text.map(Into::into),
    })
}

impl Harness {
    pub async fn open(store: &Store, agent_id: i64, session_dir: PathBuf) -> Harness {
        let data: livewindow::data::Data = std::sync::Arc::new(store.desk(agent_id));
        Harness::open_with(store, data, session_dir, true).await
    }

    /// The console on another data handle (the agents' API's client); `pump` still reads
    /// the agent's events from `store`.
    pub async fn open_over(
        store: &Store,
        data: livewindow::data::Data,
        session_dir: PathBuf,
    ) -> Harness {
        Harness::open_with(store, data, session_dir, false).await
    }

    /// `solo`: a console on its own (its user sees the whole supervisor's board), else a
    /// team's desktop (the board of the queues their role gives).
    async fn open_with(
        store: &Store,
        data: livewindow::data::Data,
        session_dir: PathBuf,
        solo: bool,
    ) -> Harness {
        let agent_id = data.agent_id();
        let restored = data.restore().await.expect("restore");
        let reader = store
            .desk_reader(agent_id, solo)
            .await
            .expect("desk reader");
        let last_event = restored.last_event;
        let (console, task) = Console::new(data, restored, Some(session_dir.clone()));
        let mut h = Harness {
            console,
            store: store.clone(),
            agent_id,
            session_dir,
            last_event,
            reader,
            live: None,
            log: Vec::new(),
        };
        h.settle(task).await;
        // As a window that has the focus: notifications are for when it has not.
        h.send(Message::Focus(true)).await;
        h
    }

    /// Runs a task and every task its messages lead to, until nothing is left. Widget
    /// operations (moving the focus) go to the kept interface, when there is one, as the
    /// runtime applies them to the window.
    pub async fn settle(&mut self, task: Task<Message>) {
        let mut queue = vec![task];
        while let Some(task) = queue.pop() {
            let Some(mut stream) = iced_runtime::task::into_stream(task) else {
                continue;
            };
            while let Some(action) = stream.next().await {
                match action {
                    iced_runtime::Action::Output(message) => queue.push(self.update(message)),
                    iced_runtime::Action::Widget(operation) if self.live.is_some() => {
                        self.operate(operation).await;
                    }
                    _ => {}
                }
            }
        }
    }

    /// A widget operation on the kept interface, and the operations it chains to.
    async fn operate(&mut self, operation: Box<dyn iced::advanced::widget::Operation>) {
        use iced::advanced::widget::operation::Outcome;
        let mut next = Some(operation);
        while let Some(mut operation) = next.take() {
            self.live_step(|ui, renderer, _| ui.operate(renderer, operation.as_mut()))
                .await;
            if let Outcome::Chain(chained) = operation.finish() {
                next = Some(chained);
            }
        }
    }

    /// The console's update, written down in the log.
    fn update(&mut self, message: Message) -> Task<Message> {
        self.log.push(message.clone());
        self.console.update(message)
    }

    pub async fn send(&mut self, message: Message) {
        let task = self.update(message);
        self.settle(task).await;
    }

    /// Delivers the agent's events committed since the last pump, as the subscription does
    /// (the store's desk reader, the same one the feed runs).
    pub async fn pump(&mut self) {
        let events = self
            .store
            .events_after(self.last_event, 10_000)
            .await
            .expect("events");
        for e in events {
            self.last_event = e.id;
            let shown = self.reader.read(&self.store, &e).await.expect("desk event");
            if let Some(event) = shown {
                self.send(Message::Event(Ok(FeedItem { id: e.id, event })))
                    .await;
            }
        }
        if let Some(event) = self.reader.queues(&self.store).await.expect("queues") {
            let id = self.last_event;
            self.send(Message::Event(Ok(FeedItem { id, event }))).await;
        }
        if let Some(event) = self.reader.board(&self.store).await.expect("board") {
            let id = self.last_event;
            self.send(Message::Event(Ok(FeedItem { id, event }))).await;
        }
    }

    fn simulator(&self) -> Simulator<'_, Message> {
        self.simulator_at(Size::new(1280.0, 800.0))
    }

    fn simulator_at(&self, size: Size) -> Simulator<'_, Message> {
        Simulator::with_size(iced::Settings::default(), size, self.console.view())
    }

    /// Whether `text` is on screen in a window of this size.
    pub fn shows_at(&self, size: Size, text: &str) -> bool {
        self.simulator_at(size).find(text).is_ok()
    }

    /// Where `text` is drawn in a window of this size, cut to what is visible; `None` when it
    /// is not on screen at all.
    pub fn visible_at(&self, size: Size, text: &str) -> Option<iced::Rectangle> {
        self.simulator_at(size)
            .find(text)
            .ok()
            .and_then(|t| t.visible_bounds())
    }

    /// Whether `text` is drawn whole, inside the window and not cut by its container.
    pub fn whole_at(&self, size: Size, text: &str) -> bool {
        let Ok(t) = self.simulator_at(size).find(text) else {
            return false;
        };
        let b = t.bounds();
        t.visible_bounds().is_some_and(|v| {
            (v.width - b.width).abs() < 0.5
                && (v.height - b.height).abs() < 0.5
                && v.x >= 0.0
                && v.x + v.width <= size.width
        })
    }

    /// Whether a text passing `test` is drawn whole in a window of this size.
    pub fn whole_text_at(&self, size: Size, test: impl Fn(&str) -> bool + Send) -> bool {
        use iced_test::selector::Candidate;
        let mut ui = self.simulator_at(size);
        let Ok(t) = ui.find(move |c: Candidate<'_>| match c {
            Candidate::Text {
                bounds,
                visible_bounds,
                content,
                ..
            } if test(content) => Some((bounds, visible_bounds)),
            _ => None,
        }) else {
            return false;
        };
        let (b, v) = t;
        whole(b, v, size)
    }

    /// Whether the widget with this id is drawn whole in a window of this size.
    pub fn whole_id_at(&self, size: Size, id: &str) -> bool {
        let Ok(t) = self
            .simulator_at(size)
            .find(iced_test::selector::id(id.to_string()))
        else {
            return false;
        };
        whole(t.bounds(), t.visible_bounds(), size)
    }

    /// Clicks the widget showing `label`; panics with the label if it is not on screen.
    pub async fn click(&mut self, label: &str) {
        let messages: Vec<Message> = {
            let mut ui = self.simulator();
            ui.click(label)
                .unwrap_or_else(|e| panic!("cannot click {label:?}: {e:?}"));
            ui.into_messages().collect()
        };
        for m in messages {
            self.send(m).await;
        }
    }

    /// Clicks into the text field with this widget id and types.
    pub async fn type_into(&mut self, field: &str, text: &str) {
        let messages: Vec<Message> = {
            let mut ui = self.simulator();
            ui.click(iced_test::selector::id(field.to_string()))
                .unwrap_or_else(|e| panic!("no field {field:?}: {e:?}"));
            ui.typewrite(text);
            ui.into_messages().collect()
        };
        for m in messages {
            self.send(m).await;
        }
    }

    /// As `type_into`, but the Tasks the typing starts are returned, not run: for a
    /// database that does not answer, to show the window takes the keys meanwhile.
    pub fn type_into_later(&mut self, field: &str, text: &str) -> Vec<Task<Message>> {
        let messages: Vec<Message> = {
            let mut ui = self.simulator();
            ui.click(iced_test::selector::id(field.to_string()))
                .unwrap_or_else(|e| panic!("no field {field:?}: {e:?}"));
            ui.typewrite(text);
            ui.into_messages().collect()
        };
        messages.into_iter().map(|m| self.update(m)).collect()
    }

    pub fn shows(&self, text: &str) -> bool {
        self.simulator().find(text).is_ok()
    }

    /// The desk's once-a-second tick, now (the frame runs it only when a second has passed).
    pub async fn tick(&mut self) {
        let tick = self
            .store
            .desk_tick(self.agent_id, self.console.desk(), false)
            .await;
        self.send(Message::Ticked(tick)).await;
    }

    /// Whether a widget with this id is on screen.
    pub fn has_id(&self, id: &str) -> bool {
        self.simulator()
            .find(iced_test::selector::id(id.to_string()))
            .is_ok()
    }

    pub fn snapshot(&self, name: &str) {
        self.snapshot_at(name, Size::new(1280.0, 800.0));
    }

    /// The window at this size, checked against its reference picture (see `snapshot.rs`).
    pub fn snapshot_at(&self, name: &str, size: Size) {
        snapshot::check(name, self.console.view(), &self.console.theme(), size);
    }

    /// Delivers events to the kept interface one at a time, applying each one's messages
    /// (and their tasks) before the next, as the runtime does.
    pub async fn live(&mut self, events: impl IntoIterator<Item = iced::Event>) {
        for event in events {
            self.deliver(std::slice::from_ref(&event)).await;
        }
    }

    /// Delivers events in one batch, as the runtime does when they queue up behind a slow
    /// frame: every one reaches the same widget tree before any message is applied. Then
    /// redraws, as the runtime does when a widget asks, until nothing more happens.
    pub async fn batch(&mut self, events: Vec<iced::Event>) {
        let mut events = events;
        for _ in 0..100 {
            if !self.deliver(&events).await {
                return;
            }
            events = vec![iced::Event::Window(iced::window::Event::RedrawRequested(
                std::time::Instant::now(),
            ))];
        }
        panic!("the interface never settled");
    }

    /// One update of the kept interface with these events, then their messages applied.
    /// False when there were none.
    async fn deliver(&mut self, events: &[iced::Event]) -> bool {
        let messages = self
            .live_step(|ui, renderer, cursor| {
                let mut messages = Vec::new();
                let (_, statuses) = ui.update(
                    events,
                    cursor,
                    renderer,
                    &mut iced::advanced::clipboard::Null,
                    &mut messages,
                );
                // Then the app's own listener, as the running app's subscription hears
                // the window's events: shortcuts, Tab, F6, Esc (clicks and other keys are
                // activity, left out here as before).
                for (event, status) in events.iter().zip(statuses) {
                    if let Some(m) = livewindow::ui::app::console_event(event, status)
                        .filter(|m| !matches!(m, Message::Activity))
                    {
                        messages.push(m);
                    }
                }
                messages
            })
            .await;
        let any = !messages.is_empty();
        for m in messages {
            self.send(m).await;
        }
        any
    }

    async fn live_step<T>(
        &mut self,
        f: impl FnOnce(
            &mut iced_runtime::UserInterface<'_, Message, iced::Theme, iced::Renderer>,
            &mut iced::Renderer,
            iced::mouse::Cursor,
        ) -> T,
    ) -> T {
        if self.live.is_none() {
            use iced::advanced::renderer::Headless;
            let renderer =
                iced::Renderer::new(iced::Font::DEFAULT, iced::Pixels(16.0), Some("tiny-skia"))
                    .await
                    .expect("headless renderer");
            self.live = Some(Live {
                renderer,
                cache: None,
                cursor: iced::mouse::Cursor::Unavailable,
            });
        }
        let Some(live) = self.live.as_mut() else {
            unreachable!()
        };
        let mut ui = iced_runtime::UserInterface::build(
            self.console.view(),
            Size::new(1280.0, 800.0),
            live.cache.take().unwrap_or_default(),
            &mut live.renderer,
        );
        let out = f(&mut ui, &mut live.renderer, live.cursor);
        live.cache = Some(ui.into_cache());
        out
    }

    /// Gives the widget with this id the keyboard focus.
    pub async fn focus(&mut self, id: &str) {
        let id = iced::widget::Id::from(id.to_string());
        self.live_step(|ui, renderer, _| {
            let mut op = iced::advanced::widget::operation::focusable::focus::<()>(id);
            ui.operate(renderer, &mut op);
        })
        .await;
    }

    /// The bounds of the widget with this id, in the kept interface.
    pub async fn bounds(&mut self, id: &str) -> iced::Rectangle {
        use iced_test::selector::Selector;
        let selector = iced_test::selector::id(id.to_string());
        self.live_step(|ui, renderer, _| {
            let mut op = selector.find();
            ui.operate(
                renderer,
                &mut iced::advanced::widget::operation::black_box(&mut op),
            );
            match iced::advanced::widget::Operation::finish(&op) {
                iced::advanced::widget::operation::Outcome::Some(Some(t)) => {
                    t.visible_bounds().expect("visible")
                }
                _ => panic!("no widget {id:?}"),
            }
        })
        .await
    }

    /// Moves the mouse to `at` and clicks there, in the kept interface.
    pub async fn click_at(&mut self, at: iced::Point) {
        use iced::mouse;
        if let Some(live) = self.live.as_mut() {
            live.cursor = mouse::Cursor::Available(at);
        }
        self.live([
            iced::Event::Mouse(mouse::Event::CursorMoved { position: at }),
            iced::Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)),
            iced::Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)),
        ])
        .await;
    }

    /// Clicks the middle of the widget with this id, in the kept interface.
    pub async fn click_id(&mut self, id: &str) {
        let b = self.bounds(id).await;
        self.click_at(b.center()).await;
    }

    /// Types text, a key press per character, into whatever has the focus.
    pub async fn typing(&mut self, text: &str) {
        let events: Vec<_> = text
            .chars()
            .map(|c| {
                let s = c.to_string();
                key_event(
                    iced::keyboard::Key::Character(s.as_str().into()),
                    Some(&s),
                    Default::default(),
                )
            })
            .collect();
        self.live(events).await;
    }

    /// Types text a key press every `gap` while the Tasks the keys start run meanwhile, as in
    /// the running app. (`typing` runs each key's Tasks to their end before the next key, so
    /// a pause started by one key is over before the next key comes.)
    pub async fn typing_every(&mut self, text: &str, gap: std::time::Duration) {
        let mut running = Running::new();
        for c in text.chars() {
            let s = c.to_string();
            let key = key_event(
                iced::keyboard::Key::Character(s.as_str().into()),
                Some(&s),
                Default::default(),
            );
            let messages = self
                .live_step(|ui, renderer, cursor| {
                    let mut messages = Vec::new();
                    let _ = ui.update(
                        &[key],
                        cursor,
                        renderer,
                        &mut iced::advanced::clipboard::Null,
                        &mut messages,
                    );
                    messages
                })
                .await;
            for m in messages {
                let task = self.update(m);
                running.start(task);
            }
            self.run_until(&mut running, Some(tokio::time::Instant::now() + gap))
                .await;
        }
        self.run_until(&mut running, None).await;
    }

    /// Runs the running Tasks, applying their messages as they come, until `until` (or
    /// until none is left).
    async fn run_until(&mut self, running: &mut Running, until: Option<tokio::time::Instant>) {
        loop {
            let next = match until {
                Some(t) => match tokio::time::timeout_at(t, running.0.next()).await {
                    Ok(next) => next,
                    Err(_) => return,
                },
                None => running.0.next().await,
            };
            match next {
                Some(iced_runtime::Action::Output(m)) => {
                    let task = self.update(m);
                    running.start(task);
                }
                Some(_) => {}
                None => {
                    if let Some(t) = until {
                        tokio::time::sleep_until(t).await;
                    }
                    return;
                }
            }
        }
    }

    /// The text drawn inside the widget with this id (a badge's number), if any.
    pub fn text_in(&self, id: &str) -> Option<String> {
        use iced_test::selector::Candidate;
        let mut ui = self.simulator();
        let area = ui
            .find(iced_test::selector::id(id.to_string()))
            .ok()?
            .bounds();
        ui.find(move |c: Candidate<'_>| match c {
            Candidate::Text {
                bounds, content, ..
            } if area.contains(bounds.center()) => Some(content.to_string()),
            _ => None,
        })
        .ok()
    }

    /// A named key (Enter, Tab, arrows) with modifiers.
    pub async fn named(
        &mut self,
        key: iced::keyboard::key::Named,
        modifiers: iced::keyboard::Modifiers,
    ) {
        self.live([key_event(iced::keyboard::Key::Named(key), None, modifiers)])
            .await;
    }

    /// A character shortcut such as Ctrl+B.
    pub async fn chord(&mut self, c: char, modifiers: iced::keyboard::Modifiers) {
        let s = c.to_string();
        self.live([key_event(
            iced::keyboard::Key::Character(s.as_str().into()),
            None,
            modifiers,
        )])
        .await;
    }
}
