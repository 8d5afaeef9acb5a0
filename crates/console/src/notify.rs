//! Desktop notifications for offers and messages while the window is not in front.
//! Clicking one brings Live Window to the front on the offer or chat it was about; an offer's
//! notification is withdrawn as soon as the offer ends (accepted, declined, expired).
//!
//! The freedesktop notification server reads the body as markup (a subset of HTML), so
//! customer text is escaped first: "my bill is < 5 dollars" must arrive as written.

use iced::Task;
use tokio::sync::oneshot;

/// What a notification is about: the console shows it when the notification is clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Offer(i64),
    Chat(i64),
    /// A call for help: the Supervisor tab.
    Board,
}

/// Keeps an offer's notification up; dropping it withdraws the notification.
#[derive(Debug)]
pub struct Withdraw(#[allow(dead_code)] oneshot::Sender<()>);

/// Text for the body of a notification, escaped for the markup subset of the freedesktop
/// specification (`<b>`, `<i>`, `<u>`, `<a href>`, `<img>`, and entities). Elsewhere the
/// body is shown as plain text and stays as it is.
pub fn body_text(text: &str) -> String {
    if cfg!(all(unix, not(target_os = "macos"))) {
        livewindow_richtext::escape(text)
    } else {
        text.to_string()
    }
}

/// Shows a notification; the task yields the target if the agent clicked it. With a
/// [`Withdraw`] handed back, the notification closes when it is dropped.
pub fn show(summary: String, body: String, target: Target) -> (Task<Option<Target>>, Withdraw) {
    let (keep, withdrawn) = oneshot::channel();
    let body = body_text(&body);
    let task = Task::perform(
        async move { show_until(&summary, &body, target, withdrawn).await },
        |t| t,
    );
    (task, Withdraw(keep))
}

#[cfg(all(unix, not(target_os = "macos")))]
async fn show_until(
    summary: &str,
    body: &str,
    target: Target,
    withdrawn: oneshot::Receiver<()>,
) -> Option<Target> {
    let handle = notify_rust::Notification::new()
        .appname("Live Window")
        // The installed icon (`livewindow install-desktop`), by its theme name.
        .icon(crate::icon::NAME)
        .hint(notify_rust::Hint::DesktopEntry(crate::icon::NAME.into()))
        .summary(summary)
        .body(body)
        .action("default", "Open")
        .hint(notify_rust::Hint::Category("im.received".into()))
        .timeout(notify_rust::Timeout::Milliseconds(15_000))
        .show_async()
        .await
        .map_err(|e| tracing::info!("no desktop notification: {e}"))
        .ok()?;
    let mut clicked = false;
    tokio::select! {
        _ = handle.wait_for_action_async(|r| {
            clicked = matches!(r, notify_rust::NotificationResponse::Default)
                || matches!(r, notify_rust::NotificationResponse::Action(a) if a == "default");
        }) => clicked.then_some(target),
        _ = withdrawn => {
            handle.close_async().await;
            None
        }
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
async fn show_until(
    summary: &str,
    body: &str,
    _target: Target,
    _withdrawn: oneshot::Receiver<()>,
) -> Option<Target> {
    let (summary, body) = (summary.to_string(), body.to_string());
    let _ = tokio::task::spawn_blocking(move || {
        notify_rust::Notification::new()
            .appname("Live Window")
            .icon(crate::icon::NAME)
            .summary(&summary)
            .body(&body)
            .show()
    })
    .await;
    None
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(all(unix, not(target_os = "macos")))]
    fn markup_is_escaped() {
        use super::body_text;
        assert_eq!(
            body_text("my bill is < 5 dollars"),
            "my bill is &lt; 5 dollars"
        );
        assert_eq!(body_text("<b>bold</b>"), "&lt;b&gt;bold&lt;/b&gt;");
        assert_eq!(
            body_text(r#"<a href="http://x">link</a>"#),
            "&lt;a href=&quot;http://x&quot;&gt;link&lt;/a&gt;"
        );
        assert_eq!(body_text("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(body_text("Tom & Jerry's"), "Tom &amp; Jerry's");
        assert_eq!(body_text("&lt;"), "&amp;lt;");
    }
}
