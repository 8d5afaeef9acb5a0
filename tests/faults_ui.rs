//! Faults seen from the console: a database that stops answering (another connection holds
//! the write lock, so every write waits), the real console killed (SIGKILL, under Xvfb)
//! while a message is on its way, and customer values long enough to crowd the layout.
//! Both databases.

mod common;
mod ui;

use common::window::{Desk, free_display, wait_until, window_tools};
use common::{demo_with_available, fresh};
use futures::StreamExt;
use iced::Size;
use livewindow::ui::console::Message;
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
    let (mut h, chat) = chatting(&store, dir.path()).await;
    assert!(!h.shows(RECONNECTING));

    let blocker = Blocker::hold(&db.url).await;
    // The desk's once-a-second tick: its heartbeat waits behind the lock.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let tick = h.console.update(Message::Frame);
    let stream = iced_runtime::task::into_stream(tick).expect("a tick");
    let waiting = async { stream.collect::<Vec<_>>().await };
    let composer = format!("composer-{chat}");
    let probe = async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let early = h.shows(RECONNECTING);
        tokio::time::sleep(Duration::from_millis(1600)).await;
        let later = h.shows(RECONNECTING);
        // The window stays usable meanwhile: the composer takes text. (What typing starts,
        // the typing signal to the database, waits behind the lock: run it afterwards.)
        let tasks = h.type_into_later(&composer, "still here");
        let draft = h.console.chat(chat).unwrap().draft().0;
        blocker.release().await;
        (early, later, draft, tasks)
    };
    let (actions, (early, later, draft, tasks)) = futures::join!(waiting, probe);
    assert!(!early, "not at the first hiccup");
    assert!(later, "within two seconds of the database going quiet");
    assert_eq!(draft.trim(), "still here", "the composer took text");

    for action in actions {
        if let iced_runtime::Action::Output(m) = action {
            h.send(m).await;
        }
    }
    for task in tasks {
        h.settle(task).await;
    }
    assert!(!h.shows(RECONNECTING), "cleared once the database answers");
}

/// The real console, killed with SIGKILL while its message waits for the database: it
/// wrote the message to its session file before the attempt, and the next start sends it,
/// once. Needs Xvfb and xdotool (skipped without them unless LIVEWINDOW_REQUIRE_XVFB=1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_being_sent_when_the_console_is_killed_is_sent_once_on_the_next_start() {
    const TEXT: &str = "Your refund is on its way";
    if !window_tools(&["Xvfb", "xdotool"]) {
        return;
    }
    let (db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    // A verified chat in progress, so the composer is one Ctrl+1 away.
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    let chat = store
        .enqueue("Ana Lima", "ana.lima@example.com", q, Some("hello"))
        .await
        .unwrap();
    store.route().await.unwrap();
    store.accept(chat, agent).await.unwrap();
    let contact = store
        .match_contact("ana.lima@example.com", "Ana Lima")
        .await
        .unwrap()
        .expect("demo contact");
    store.verify_contact(chat, agent, contact.id).await.unwrap();
    let shots = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/smoke");
    std::fs::create_dir_all(&shots).unwrap();
    // Window tests in other files pick from 90 and 150 up.
    let mut desk = Desk::start(
        free_display(200),
        &db.url,
        "maria.santos@example.com",
        &shots,
    )
    .await;
    let before = store.messages(chat).await.unwrap().len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    desk.key("ctrl+1");
    tokio::time::sleep(Duration::from_secs(1)).await;
    desk.type_text(TEXT);
    tokio::time::sleep(Duration::from_millis(500)).await;

    let blocker = Blocker::hold(&db.url).await;
    desk.key("Return");
    let sessions = desk.sessions();
    let outbox = |file: &std::path::Path| -> Vec<String> {
        livewindow::ui::session::load(file)
            .outbox
            .get(&chat)
            .map(|o| o.iter().map(|u| u.text.trim().to_string()).collect())
            .unwrap_or_default()
    };
    let session_file = || {
        std::fs::read_dir(&sessions)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "json"))
    };
    wait_until("the message in the session file's outbox", 20, async || {
        session_file().is_some_and(|f| outbox(&f) == [TEXT])
    })
    .await;
    // A second into the attempt, the process is killed: nothing of it runs after that.
    tokio::time::sleep(Duration::from_secs(1)).await;
    desk.app.0.kill().expect("SIGKILL the console");
    let status = desk.app.0.wait().unwrap();
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status:?}");
    }
    blocker.release().await;
    assert_eq!(
        store.messages(chat).await.unwrap().len(),
        before,
        "not sent"
    );

    // The message waits in a file only this user can read.
    let session = session_file().expect("a session file");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&session).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the session file is private");
    }
    let left = std::fs::read(&session).unwrap();

    // The next start sends it.
    let sent = async || {
        store
            .messages(chat)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.body_text == TEXT)
            .count()
    };
    let h = Harness::open(&store, agent, sessions.clone()).await;
    assert_eq!(sent().await, 1, "sent on the next start");
    drop(h);
    // Killed again right after that send, before it wrote its session again: the file is as
    // the first kill left it. The start after that sends it again; its client id keeps it
    // single.
    std::fs::write(&session, &left).unwrap();
    assert_eq!(outbox(&session), [TEXT]);
    let mut h = Harness::open(&store, agent, sessions).await;
    h.pump().await;
    assert_eq!(sent().await, 1, "stored exactly once");
    assert!(h.shows(TEXT));
    assert!(!h.shows("Sending…"));
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
    // Nobody has that address: Contact Search opens, prefilled, its buttons whole. (No
    // picture here: the transcript's clock is cut off at the pane's edge, where the masks of
    // changing texts do not reach it.)
    assert!(
        h.whole_at(small, "Create contact"),
        "Create contact drawn whole"
    );
    // The chat's header: the name cut to 40 characters and the address to 60 in the middle,
    // each drawn whole, and the chat's buttons whole beside them.
    // (No picture: the transcript's clock is cut off at the pane's edge, as above.)
    h.send(Message::Select(chat)).await;
    let short_name = format!("{}…", name.chars().take(39).collect::<String>());
    let n = email.chars().count();
    let short_email = format!(
        "{}…{} · Support",
        email.chars().take(29).collect::<String>(),
        email.chars().skip(n - 30).collect::<String>()
    );
    for label in [
        short_name.as_str(),
        short_email.as_str(),
        "Transfer",
        "End chat",
    ] {
        assert!(h.whole_at(small, label), "{label:?} drawn whole");
    }
}
