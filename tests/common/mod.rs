//! Shared by the integration tests: a fresh database per test, SQLite or Postgres.
#![allow(dead_code)]

pub mod keys;
pub mod window;

use livewindow::Store;
use livewindow::core::{AgentStatus, Event, EventKind};
use livewindow::store::Subscription;
use livewindow::store::scratch::Scratch;
use std::time::Duration;

/// `TEST_DATABASE_URL` unset: a temporary SQLite file; set: a new database on that
/// Postgres server. Prints which one ran.
pub async fn fresh() -> (Scratch, Store) {
    let server = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let scratch = Scratch::new(server.as_deref())
        .await
        .unwrap_or_else(|e| panic!("cannot make a test database: {e}"));
    let store = Store::open(&scratch.url)
        .await
        .unwrap_or_else(|e| panic!("cannot open the test database: {e}"));
    println!("backend: {}", store.backend());
    (scratch, store)
}

/// Demo data plus the given agent made available.
pub async fn demo_with_available(store: &Store, who: &[&str]) -> Vec<i64> {
    store.seed_demo().await.expect("seed");
    let mut ids = Vec::new();
    for w in who {
        let a = store.find_agent(w).await.expect("agent");
        store
            .set_agent_status(a.id, AgentStatus::Available)
            .await
            .expect("status");
        ids.push(a.id);
    }
    ids
}

/// Waits for the customer of `chat` to be heard typing: an event of `events` on SQLite; on
/// PostgreSQL a signal on `signals` (taken from `store.signals()` before the typing), as
/// typing never touches a table there.
pub async fn wait_customer_typing(
    events: &mut Subscription,
    signals: &mut tokio::sync::broadcast::Receiver<livewindow::store::Signal>,
    chat: i64,
    secs: u64,
) {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|s| !s.trim().is_empty()) {
        let wanted = livewindow::store::Signal {
            chat_id: chat,
            agent_id: None,
        };
        tokio::time::timeout(Duration::from_secs(secs), async {
            while signals.recv().await.ok() != Some(wanted) {}
        })
        .await
        .expect("timed out waiting for the customer's typing signal");
    } else {
        wait_for(events, secs, |e| {
            e.kind == EventKind::Typing && e.chat_id == Some(chat) && e.agent_id.is_none()
        })
        .await;
    }
}

/// The next event matching `pred`, or a panic after `secs`.
pub async fn wait_for(
    events: &mut Subscription,
    secs: u64,
    pred: impl Fn(&Event) -> bool,
) -> Event {
    use futures::StreamExt;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let next = tokio::time::timeout_at(deadline, events.next())
            .await
            .expect("timed out waiting for an event")
            .expect("the feed ended");
        if let Ok(event) = next
            && pred(&event)
        {
            return event;
        }
    }
}

pub fn is(kind: EventKind, chat: i64) -> impl Fn(&Event) -> bool {
    move |e| e.kind == kind && e.chat_id == Some(chat)
}

/// Runs the presence rules every half second for `secs`; when the chat ended, if it did.
pub async fn sweep_for(store: &Store, chat: i64, secs: u64) -> Option<Duration> {
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        store.sweep().await.unwrap();
        if store.chat(chat).await.unwrap().state == livewindow::core::ChatState::Ended {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    None
}

/// A command's standard output, after checking it succeeded (its output shown if not).
pub fn ok(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The one line a failed command printed on standard error.
pub fn one_line_error(out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected a failure: {stderr}");
    let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected, got: {stderr}");
    lines[0].to_string()
}

/// A file's permission bits (0600 for a private file).
#[cfg(unix)]
pub fn file_mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}
