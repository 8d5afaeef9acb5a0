//! The iced console. Each screen owns its state and `Message`; parents map their actions.

pub mod app;
pub mod clipboard;
pub mod composer;
pub mod console;
pub mod contact_search;
pub mod interaction;
pub mod notify;
pub mod offer;
pub mod record;
pub mod rich;
pub mod screen_pop;
pub mod session;
pub mod style;
pub mod toolbar;
pub mod transcript;
pub mod verification;
pub mod widget;

pub use app::{App, Config, Message};

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Marks the process start, for the "first frame" timing logged at info level.
pub fn mark_start() {
    let _ = STARTED.set(Instant::now());
}

/// Logs once how long the console took from process start to its first view.
pub(crate) fn first_view() {
    static LOGGED: OnceLock<()> = OnceLock::new();
    if LOGGED.set(()).is_ok()
        && let Some(start) = STARTED.get()
    {
        tracing::info!(
            "console ready: first view {:.0} ms after start",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// Opens the console window and runs until it is closed.
pub fn run(config: Config) -> iced::Result {
    iced::application(move || App::boot(config.clone()), App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .theme(App::theme)
        .window_size((1280.0, 800.0))
        .exit_on_close_request(false)
        .run()
}
