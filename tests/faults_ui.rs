//! Faults seen from the console: a database that stops answering (another connection holds
//! the write lock, so every write waits), a console killed while a message is on its way,
//! and customer values long enough to crowd the layout. Both databases.

mod common;
mod ui;

use common::{demo_with_available, fresh};
use futures::StreamExt;
use iced::Size;
use livewindow::ui::console::Message;
use livewindow::ui::interaction;
use std::time::Duration;
use ui::Harness;

const RECONNECTING: &str =
    "Reconnecting to the database… You can keep working; nothing you send is lost.";

/// A connection that holds the database's write lock until dropped or released: every
/// write of the store waits behind it, as behind a database that does not answer.
enum Blocker {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Blocker {
    async fn hold(url: &str) -> Blocker {
        use sqlx::Connection;
        if url.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query("BEGIN EXCLUSIVE")
                .execute(&mut c)
                .await
                .unwrap();
            Blocker::Sqlite(c)
        } else {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query("BEGIN").execute(&mut c).await.unwrap();
            sqlx::query("LOCK TABLE agents, chats, messages, events IN ACCESS EXCLUSIVE MODE")
                .execute(&mut c)
                .await
                .unwrap();
            Blocker::Postgres(c)
        }
    }

    async fn release(self) {
        match self {
            Blocker::Sqlite(mut c) => {
                sqlx::query("ROLLBACK").execute(&mut c).await.unwrap();
            }
            Blocker::Postgres(mut c) => {
                sqlx::query("ROLLBACK").execute(&mut c).await.unwrap();
            }
        }
    }
}

/// An accepted, verified chat in a fresh console.
async fn chatting(store: &livewindow::Store, dir: &std::path::Path) -> (Harness, i64) {
    let agent = demo_with_available(store, &["maria.santos@example.com"]).await[0];
    let mut h = Harness::open(store, agent, dir.into()).await;
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    let chat = store
        .enqueue("Ana Lima", "ana.lima@example.com", q, Some("hello"))
        .await
        .unwrap();
    h.pump().await;
    h.click("Accept (Alt+A)").await;
    h.click("Verify and Continue").await;
    (h, chat)
}

#[tokio::test]
async fn reconnecting_is_shown_while_the_database_does_not_answer_and_cleared_after() {
    let (db, store) = fresh().await;
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _chat) = chatting(&store, dir.path()).await;
    assert!(!h.shows(RECONNECTING));

    let blocker = Blocker::hold(&db.url).await;
    // The desk's once-a-second tick: its heartbeat waits behind the lock.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let tick = h.console.update(Message::Frame);
    let stream = iced_runtime::task::into_stream(tick).expect("a tick");
    let waiting = async { stream.collect::<Vec<_>>().await };
    let probe = async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let early = h.shows(RECONNECTING);
        tokio::time::sleep(Duration::from_millis(1600)).await;
        let later = h.shows(RECONNECTING);
        // The window stays usable meanwhile: the composer still takes text.
        blocker.release().await;
        (early, later)
    };
    let (actions, (early, later)) = futures::join!(waiting, probe);
    assert!(!early, "not at the first hiccup");
    assert!(later, "within two seconds of the database going quiet");

    for action in actions {
        if let iced_runtime::Action::Output(m) = action {
            h.send(m).await;
        }
    }
    assert!(!h.shows(RECONNECTING), "cleared once the database answers");
}

#[tokio::test]
async fn a_message_being_sent_when_the_console_dies_is_sent_once_on_the_next_start() {
    let (db, store) = fresh().await;
    let dir = tempfile::tempdir().unwrap();
    // The console that dies has its own connections, as in its own process.
    let desk = livewindow::Store::open(&db.url).await.unwrap();
    let (mut h, chat) = chatting(&desk, dir.path()).await;
    let before = store.messages(chat).await.unwrap().len();

    h.type_into(&format!("composer-{chat}"), "Your refund is on its way")
        .await;
    let blocker = Blocker::hold(&db.url).await;
    let send = h
        .console
        .update(Message::Chat(chat, interaction::Message::Send));
    // The console is killed a second into the attempt: the task never finishes.
    let mut stream = iced_runtime::task::into_stream(send).expect("a send");
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.next()).await;
    drop(stream);
    drop(h);
    blocker.release().await;
    // Its process is gone, and its connections with it.
    let _ = tokio::time::timeout(Duration::from_secs(5), desk.close()).await;
    drop(desk);
    assert_eq!(
        store.messages(chat).await.unwrap().len(),
        before,
        "not sent"
    );

    // It was written down before the attempt, in a file only this user can read.
    let session = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with(".json"))
        .expect("a session file")
        .path();
    assert!(
        std::fs::read_to_string(&session)
            .unwrap()
            .contains("Your refund is on its way")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&session), 0o600, "the session file is private");
    }

    // The next start sends it; the console keeps it in its outbox until the event comes.
    let mut h = Harness::open(&store, h_agent(&store).await, dir.path().into()).await;
    let sent = |store: livewindow::Store| async move {
        store
            .messages(chat)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.body_text == "Your refund is on its way")
            .count()
    };
    assert_eq!(sent(store.clone()).await, 1, "sent on restart");
    // Killed again before the stored message's event came back: the start after that
    // sends it again, and its client id keeps it single.
    h.console.save_session();
    drop(h);
    let mut h = Harness::open(&store, h_agent(&store).await, dir.path().into()).await;
    h.pump().await;
    assert_eq!(sent(store.clone()).await, 1, "stored exactly once");
    assert!(h.shows("Your refund is on its way"));
    assert!(!h.shows("Sending…"));
}

async fn h_agent(store: &livewindow::Store) -> i64 {
    store
        .find_agent("maria.santos@example.com")
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn long_names_and_addresses_leave_the_countdown_and_buttons_their_room() {
    let (_db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    // The longest address accepted (254) and the longest name (120).
    let local = "l".repeat(64);
    let mut domain = String::new();
    while domain.len() < 254 - 65 - 12 {
        domain.push_str(&"d".repeat(60));
        domain.push('.');
    }
    domain.truncate(254 - 65 - 12);
    let domain = format!("{}.example.com", domain.trim_end_matches('.'));
    let email = format!("{local}@{domain}");
    let email = &email[..email.len().min(254)];
    assert!(email.len() <= 254);
    let name = format!("Bartholomew {} Okafor", "Maximilian-".repeat(12));
    let name = &name[..120];
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    let chat = store
        .enqueue(name, email, q, Some("hello"))
        .await
        .expect("the longest values are accepted");

    let small = Size::new(1024.0, 640.0);
    h.pump().await;
    h.snapshot_at("long_values_offer.png", small);
    for label in ["Accept (Alt+A)", "Decline (Alt+D)", "Queue: Support"] {
        assert!(h.whole_at(small, label), "{label:?} drawn whole");
    }
    assert!(
        (25..=30).any(|s| h.whole_at(small, &format!("{s} s"))),
        "the countdown drawn whole"
    );
    h.click("Accept (Alt+A)").await;
    h.snapshot_at("long_values_verification.png", small);
    // Past verification, the chat's header: the name elided, End chat whole.
    if h.shows_at(small, "Search Again") {
        h.click("Search Again").await;
    }
    h.send(Message::Select(chat)).await;
    h.snapshot_at("long_values_chat.png", small);
    assert!(h.whole_at(small, "End chat") || h.whole_at(small, "Create contact"));
}
