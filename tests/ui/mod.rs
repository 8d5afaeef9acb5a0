//! Drives the real console (`ui::console::Console`) against a real store: clicks through
//! `iced_test`'s simulator, runs the resulting Tasks to completion, and feeds it the event
//! feed's events, as the running app's subscription would.
#![allow(dead_code)]

use futures::StreamExt;
use iced::{Size, Task};
use iced_test::simulator::Simulator;
use livewindow::Store;
use livewindow::ui::console::{self, Console, Message};
use std::path::PathBuf;

pub struct Harness {
    pub console: Console,
    pub store: Store,
    pub agent_id: i64,
    pub session_dir: PathBuf,
    last_event: i64,
}

impl Harness {
    pub async fn open(store: &Store, agent_id: i64, session_dir: PathBuf) -> Harness {
        let restored = console::restore(store.clone(), agent_id)
            .await
            .expect("restore");
        let last_event = restored.last_event;
        let (console, task) = Console::new(restored, Some(session_dir.clone()));
        let mut h = Harness {
            console,
            store: store.clone(),
            agent_id,
            session_dir,
            last_event,
        };
        h.settle(task).await;
        // As a window that has the focus: notifications are for when it has not.
        h.send(Message::Focus(true)).await;
        h
    }

    /// Runs a task and every task its messages lead to, until nothing is left.
    pub async fn settle(&mut self, task: Task<Message>) {
        let mut queue = vec![task];
        while let Some(task) = queue.pop() {
            let Some(mut stream) = iced_runtime::task::into_stream(task) else {
                continue;
            };
            while let Some(action) = stream.next().await {
                if let iced_runtime::Action::Output(message) = action {
                    queue.push(self.console.update(message));
                }
            }
        }
    }

    pub async fn send(&mut self, message: Message) {
        let task = self.console.update(message);
        self.settle(task).await;
    }

    /// Delivers the events committed since the last pump, as the subscription does.
    pub async fn pump(&mut self) {
        let events = self
            .store
            .events_after(self.last_event, 10_000)
            .await
            .expect("events");
        for e in events {
            self.last_event = e.id;
            self.send(Message::Event(Ok(e))).await;
        }
    }

    fn simulator(&self) -> Simulator<'_, Message> {
        Simulator::with_size(
            iced::Settings::default(),
            Size::new(1280.0, 800.0),
            self.console.view(),
        )
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

    pub fn shows(&self, text: &str) -> bool {
        self.simulator().find(text).is_ok()
    }

    pub fn snapshot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ui-snapshots");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(shot) = self.simulator().snapshot(&self.console.theme()) {
            let _ = shot.matches_image(dir.join(name));
        }
    }
}
