//! The iced console. Each screen owns its state and `Message`, does no IO, and has one
//! update contract: `update(&mut self, message) -> Action`, where its `Action` says what
//! the parent must do (`None`, a widget task to `Run`, or a request the console turns into
//! IO). Parents call methods on children, never write their fields. Only the console's root
//! (`console`) runs IO, through the data interface ([`livewindow_data`]).

pub mod app;
pub mod clipboard;
pub mod composer;
pub mod console;
pub mod contact_search;
pub mod display;
pub mod files;
pub mod history;
pub mod icon;
pub mod interaction;
pub mod notify;
pub mod offer;
pub mod past;
pub mod record;
pub mod replies;
pub mod rich;
pub mod screen_pop;
pub mod search;
pub mod session;
pub mod shortcuts;
pub mod sign_in;
pub mod sound;
pub mod speech;
pub mod style;
pub mod supervisor;
pub mod theme;
pub mod toolbar;
pub mod transcript;
pub mod transfer;
pub mod verification;
pub mod widget;
pub mod wrapup;
pub mod zoom;

pub use app::{App, Config, Message, SignInFn, Team};

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

/// An error as one sentence for the agent: what did not happen, then why.
pub fn sentence(what: &str, why: &dyn std::fmt::Display) -> String {
    let why = why.to_string();
    let why = why.trim_end_matches('.');
    format!("{what}: {why}.")
}

/// Opens the console window and runs until it is closed.
pub fn run(config: Config) -> iced::Result {
    iced::application(move || App::boot(config.clone()), App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .theme(App::theme)
        .scale_factor(App::scale_factor)
        .window(iced::window::Settings {
            size: iced::Size::new(1280.0, 800.0),
            icon: icon::window(),
            exit_on_close_request: false,
            #[cfg(all(unix, not(target_os = "macos")))]
            platform_specific: iced::window::settings::PlatformSpecific {
                // Wayland matches the window to the installed `.desktop` file (and its
                // icon) by this id.
                application_id: icon::NAME.into(),
                ..Default::default()
            },
            ..Default::default()
        })
        .run()
}
