//! The iced console. Each screen owns its state and `Message`; parents map their actions.

pub mod app;
pub mod console;
pub mod contact_search;
pub mod interaction;
pub mod notify;
pub mod offer;
pub mod record;
pub mod screen_pop;
pub mod session;
pub mod style;
pub mod toolbar;
pub mod transcript;
pub mod verification;

pub use app::{App, Config, Message};

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
