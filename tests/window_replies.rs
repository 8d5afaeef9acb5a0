//! A standard reply sent with "/" from a real console window (Xvfb) signed in to a real
//! `livewindow server` process, to a customer in Chromium: the list opens on "/hi", Enter
//! inserts the formatted greeting with its variables filled and Enter sends it; a reply with
//! placeholders is refused until they are filled, then reaches the page. Screenshots of the
//! console and of the page stay in target/smoke and target/browser. Before that, the screen
//! pop's Conversations tab shows the customer's earlier chat and opens it. Needs Xvfb, xdotool,
//! ImageMagick, tesseract, Chromium and chromedriver.

mod common;
mod server_support;

use common::window::{Desk, free_display, wait_until, window_tools};
use common::{demo_with_available, fresh};
use livewindow::core::reply::{ReplyDraft, ReplyScope};
use livewindow::core::{ChatState, OPT_CKEDITOR, Password};
use server_support::browser::{browser, shot, start_on_page, wait_text};
use server_support::{Process, free_port};
use std::path::PathBuf;
use std::time::Duration;

const MARIA: &str = "maria.santos@example.com";
const PASSWORD: &str = "correct horse battery staple";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slash_reply_reaches_a_browser_customer() {
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
    store
        .set_option(OPT_CKEDITOR, "Y", Some(maria))
        .await
        .unwrap();
    let support = store.find_queue(Some("Support")).await.unwrap().0;
    let greeting = store
        .add_reply(&ReplyDraft {
            name: "Greeting".into(),
            shortcut: "hi".into(),
            folder: None,
            scope: ReplyScope::Site,
            body_text: r#"Hello {{customer.first_name | "there"}}, this is {{agent.first_name}} from {{queue.name}}."#.into(),
            body_html: Some(r#"<p>Hello <strong>{{customer.first_name | &quot;there&quot;}}</strong>, this is {{agent.first_name}} from {{queue.name}}.</p>"#.into()),
        })
        .await
        .unwrap();
    store
        .add_reply(&ReplyDraft {
            name: "Order status".into(),
            shortcut: "order".into(),
            folder: None,
            scope: ReplyScope::Queue(support),
            body_text: "Your order [[order number]] ships on [[date]].".into(),
            body_html: None,
        })
        .await
        .unwrap();
    // Ana wrote once before, about her kettle: that chat ended, verified to the contact
    // her new one will be verified to.
    let contact = store
        .match_contact("ana@example.com", "Ana Lima")
        .await
        .unwrap()
        .expect("the demo has a contact for Ana")
        .id;
    let earlier = store
        .enqueue(
            "Ana Lima",
            "ana@example.com",
            support,
            Some("My kettle hums when it boils"),
        )
        .await
        .unwrap();
    store.accept(earlier, maria).await.unwrap();
    store.verify_contact(earlier, maria, contact).await.unwrap();
    store.end_chat_as(earlier, maria).await.unwrap();
    store.wrap_up(earlier, maria, "Resolved", "").await.unwrap();
    let port = free_port();
    let server = Process::spawn(&db.url, port, &[]).await;
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/smoke");
    std::fs::create_dir_all(&shots).unwrap();
    let m = Desk::start_with(
        free_display(60),
        &["--server", server.base.as_str()],
        &shots,
    )
    .await;
    m.sees("replies-0-sign-in.png", "Sign in", 30).await;
    m.type_text(MARIA);
    m.key("Tab");
    m.type_text(PASSWORD);
    m.key("Return");
    m.sees("replies-1-desk.png", "Incoming", 30).await;

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
    tokio::time::sleep(Duration::from_secs(1)).await;

    // The screen pop's Conversations tab lists that earlier chat; opening it shows it, and
    // "Earlier conversation on …" stands above the new transcript.
    m.sees("replies-2a-earlier.png", "Earlier conversation", 20)
        .await;
    m.click_word("replies-2b-pop.png", "Conversations", 20)
        .await;
    m.click_word("replies-2c-conversations.png", "Resolved", 20)
        .await;
    m.sees("replies-2d-opened.png", "Close", 20).await;
    assert_eq!(store.chat(chat).await.unwrap().contact_id, Some(contact));

    // "/hi": the list shows the greeting; Enter inserts it, Enter sends it.
    m.click_word("replies-2-composer.png", "Write", 20).await;
    m.type_text("/h");
    m.sees("replies-2-list.png", "Browse replies", 20).await;
    m.type_text("i");
    m.key("Return");
    m.sees("replies-3-inserted.png", "from Support", 20).await;
    m.key("Return");
    wait_text(
        &page,
        "#transcript",
        "Hello Ana, this is Maria from Support.",
        20,
    )
    .await;
    let html = store.messages(chat).await.unwrap().pop().unwrap().body_html;
    assert!(html.contains("<strong>Ana</strong>"), "{html}");

    // "/order": the first placeholder selected; a Send with [[date]] left is refused.
    m.type_text("/order");
    m.key("Return");
    m.type_text("A-1234");
    m.key("Tab");
    m.key("Return");
    m.sees("replies-4-refused.png", "before sending", 20).await;
    m.type_text("Friday");
    m.key("Return");
    wait_text(
        &page,
        "#transcript",
        "Your order A-1234 ships on Friday.",
        20,
    )
    .await;
    m.shot("replies-5-console.png");
    shot(&page, "replies-page.png").await;
    assert_eq!(store.reply(greeting.id).await.unwrap().uses, 1);
    drop(server);
}
