//! The iced console. Each screen owns its state and `Message`; the app maps their actions.

pub mod app;

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
