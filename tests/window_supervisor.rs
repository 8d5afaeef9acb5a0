//! A supervisor and an agent, each in a real console window (two Xvfb displays), signed in
//! to one real `livewindow server` process on the test database, with a customer in
//! Chromium. Maria takes Ana's chat; Sam opens the Supervisor tab, monitors the chat and
//! whispers (Maria sees it, the page never does), joins (the page shows the join and Sam's
//! line), and moves the chat to another queue (it leaves Maria). Needs Xvfb, xdotool,
//! ImageMagick, tesseract, Chromium and chromedriver.

mod common;
mod server_support;

use common::window::{Desk, free_display, wait_until, window_tools};
use common::{demo_with_available, fresh};
use livewindow::core::{ChatState, Password, Role};
use livewindow::store::{InitialPassword, NewUser};
use server_support::browser::{browser, start_on_page, transcript, wait_text};
use server_support::{Process, free_port};
use std::path::PathBuf;
use std::time::Duration;

const MARIA: &str = "maria.santos@example.com";
const SAM: &str = "sam.lee@example.com";
const PASSWORD: &str = "correct horse battery staple";

async fn sign_in(desk: &Desk, email: &str, shot: &str) {
    desk.sees(shot, "Sign in", 30).await;
    desk.type_text(email);
    desk.key("Tab");
    desk.type_text(PASSWORD);
    desk.key("Return");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_whispers_joins_and_moves_a_browser_customers_chat() {
    if !window_tools(&["Xvfb", "xdotool", "import", "tesseract", "convert"]) {
        return;
    }
    let Some((_driver, page, _webdriver, _profile)) = browser().await else {
        return;
    };
    let (db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    store
        .set_password(maria, &Password::new(PASSWORD))
        .await
        .unwrap();
    let (support, billing) = (
        store.find_queue(Some("Support")).await.unwrap().0,
        store.find_queue(Some("Billing")).await.unwrap().0,
    );
    let (sam, _) = store
        .add_user(&NewUser {
            name: "Sam Lee".into(),
            email: SAM.into(),
            role: Role::Supervisor,
            max_chats: 3,
            queues: Vec::new(),
            password: InitialPassword::Given(Password::new(PASSWORD)),
        })
        .await
        .unwrap();
    for q in [support, billing] {
        store.set_supervised(sam.agent.id, q, true).await.unwrap();
    }
    let port = free_port();
    let server = Process::spawn(&db.url, port, &[]).await;
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/smoke");
    std::fs::create_dir_all(&shots).unwrap();
    let args = ["--server", server.base.as_str()];
    let m = Desk::start_with(free_display(140), &args, &shots).await;
    let s = Desk::start_with(free_display(150), &args, &shots).await;
    sign_in(&m, MARIA, "sup-1-maria-sign-in.png").await;
    sign_in(&s, SAM, "sup-1-sam-sign-in.png").await;
    m.sees("sup-2-maria.png", "Incoming", 30).await;
    s.sees("sup-2-sam.png", "Incoming", 30).await;

    // Ana asks from the page; Maria accepts and verifies from the keyboard.
    let chat = start_on_page(&page, &server.base, "Ana Lima").await;
    wait_until("the offer", 20, async || {
        store.chat(chat).await.unwrap().state == ChatState::Offered
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    m.key("alt+a");
    wait_until("the accept", 20, async || {
        store.chat(chat).await.unwrap().state == ChatState::Active
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    m.key("Return");
    wait_until("the verification", 20, async || {
        store.chat(chat).await.unwrap().contact_id.is_some()
    })
    .await;

    // Sam's Supervisor tab (Ctrl+Shift+S): the board, then Monitor.
    s.key("ctrl+shift+s");
    s.sees("sup-3-board.png", "Service level", 20).await;
    s.sees("sup-3-board.png", "Ana Lima", 20).await;
    s.click_word("sup-4-monitor.png", "Monitor", 20).await;
    s.sees("sup-5-monitoring.png", "Monitoring Ana Lima", 20)
        .await;
    m.sees("sup-5-maria-told.png", "is monitoring this chat", 20)
        .await;

    // A whisper: into its box, Enter sends it.
    s.click_word("sup-6-whisper.png", "private", 20).await;
    s.type_text("Offer the refund");
    s.key("Return");
    m.sees("sup-7-maria-whisper.png", "Offer the refund", 20)
        .await;
    m.sees("sup-7-maria-whisper.png", "Private from Sam Lee", 5)
        .await;

    // Join from the keyboard: the whisper box keeps the focus, and with it emptied its
    // Whisper button leaves the chain, so Tab reaches "Join the chat". Then a line to Ana
    // through the composer under the notice.
    s.key("Tab");
    s.key("Return");
    wait_text(
        &page,
        "#transcript",
        "Sam Lee (supervisor) joined the chat",
        20,
    )
    .await;
    s.sees("sup-9-joined.png", "the customer sees what you write", 20)
        .await;
    let (x, y) = s
        .find_word("sup-9-joined.png", "conversation")
        .expect("the notice above the composer");
    s.xdo(&[
        "mousemove",
        &x.to_string(),
        &(y + 45).to_string(),
        "click",
        "1",
    ]);
    s.type_text("Sam here, I can help");
    s.key("Return");
    wait_text(&page, "#transcript", "Sam here, I can help", 20).await;
    // The page never had the whisper, nor the monitoring notice.
    let on_page: Vec<String> = transcript(&page)
        .await
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let page_text = on_page.join("\n");
    assert!(!page_text.contains("refund"), "{page_text}");
    assert!(!page_text.contains("monitoring"), "{page_text}");
    s.shot("sup-10-joined-written.png");

    // Move it to Billing: the queue list, then its entry.
    s.click_word("sup-11-move.png", "Move", 20).await;
    s.click_word("sup-12-billing.png", "Billing", 20).await;
    wait_until("the move", 20, async || {
        store.chat(chat).await.unwrap().queue_id == billing
    })
    .await;
    m.sees("sup-13-maria-moved.png", "no longer yours", 20)
        .await;
    let audit: Vec<&str> = store
        .audit(&Default::default())
        .await
        .unwrap()
        .iter()
        .map(|r| r.action.as_str())
        .collect();
    assert_eq!(audit, ["reassign", "join", "whisper", "monitor_start"]);
    drop(server);
}
