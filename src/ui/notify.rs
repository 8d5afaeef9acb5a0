//! Desktop notifications for offers and messages while the window is not in front.
//! Clicking one brings Live Window to the front on the offer or chat it was about.

use iced::Task;

/// What a notification is about: the console shows it when the notification is clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Offer(i64),
    Chat(i64),
}

/// Shows a notification; the task yields the target if the agent clicked it.
pub fn show(summary: String, body: String, target: Target) -> Task<Option<Target>> {
    Task::perform(
        async move {
            tokio::task::spawn_blocking(move || show_blocking(&summary, &body, target))
                .await
                .ok()
                .flatten()
        },
        |t| t,
    )
}

#[cfg(all(unix, not(target_os = "macos")))]
fn show_blocking(summary: &str, body: &str, target: Target) -> Option<Target> {
    let handle = notify_rust::Notification::new()
        .appname("Live Window")
        .summary(summary)
        .body(body)
        .action("default", "Open")
        .hint(notify_rust::Hint::Category("im.received".into()))
        .timeout(notify_rust::Timeout::Milliseconds(15_000))
        .show()
        .map_err(|e| tracing::info!("no desktop notification: {e}"))
        .ok()?;
    let mut clicked = false;
    handle.wait_for_action(|action| clicked = action == "default");
    clicked.then_some(target)
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn show_blocking(summary: &str, body: &str, _target: Target) -> Option<Target> {
    let _ = notify_rust::Notification::new()
        .appname("Live Window")
        .summary(summary)
        .body(body)
        .show();
    None
}
