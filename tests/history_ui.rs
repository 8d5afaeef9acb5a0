//! The customer's earlier conversations and the Search tab in the console, through
//! iced_test's simulator against a real store (SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`): before verification the chats from the same email, "Earlier
//! conversation on …" expanded above the transcript, the screen pop's Conversations tab
//! opening one read-only; Ctrl+Shift+F searching, a bad date refused in words, a hit
//! opening its transcript.

mod common;
mod ui;

use common::{demo_with_available, fresh};
use iced::keyboard::Modifiers;
use livewindow::Store;
use livewindow::core::time::day;
use livewindow::core::{NewMessage, Sender};
use livewindow::ui::console::{Message, View};
use livewindow::ui::search;
use ui::Harness;

const MARIA: &str = "maria.santos@example.com";
const ANA: &str = "ana.lima@example.com";

/// Ana's chat of last week with Maria, verified, ended and wrapped up.
async fn earlier_chat(store: &Store, maria: i64) -> (i64, i64) {
    let (support, _) = store.find_queue(Some("Support")).await.unwrap();
    let chat = store
        .enqueue(
            "Ana Lima",
            ANA,
            support,
            Some("My kettle hums when it boils"),
        )
        .await
        .unwrap();
    store.accept(chat, maria).await.unwrap();
    store
        .send_message(
            chat,
            &NewMessage::plain(
                Sender::Agent,
                "Maria Santos",
                Some(maria),
                "Descale it with vinegar",
            ),
        )
        .await
        .unwrap();
    let contact = store
        .match_contact(ANA, "Ana Lima")
        .await
        .unwrap()
        .expect("Ana is a demo contact");
    store.verify_contact(chat, maria, contact.id).await.unwrap();
    store.end_chat_as(chat, maria).await.unwrap();
    store.wrap_up(chat, maria, "Resolved", "").await.unwrap();
    let created = store.chat(chat).await.unwrap().created_ms;
    (chat, created)
}

#[tokio::test]
async fn earlier_conversations_before_and_after_verification() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let (_, created) = earlier_chat(&store, maria).await;
    let dir = tempfile::tempdir().unwrap();
    let mut m = Harness::open(&store, maria, dir.path().into()).await;

    let (support, _) = store.find_queue(Some("Support")).await.unwrap();
    let chat = store
        .enqueue("Ana Lima", ANA, support, Some("The kettle again"))
        .await
        .unwrap();
    m.pump().await;
    m.click("Accept (Alt+A)").await;

    // Before verification: the email's earlier chats beside the match, and the newest
    // above the transcript.
    assert!(m.shows("Earlier conversations from this email"));
    assert!(m.shows("My kettle hums when it boils"));
    let line = format!(
        "Earlier conversation on {}: My kettle hums when it boils",
        day(created)
    );
    assert!(m.shows(&line), "{line}");
    m.click(&line).await;
    assert!(m.shows("Descale it with vinegar"), "expanded in place");
    assert!(m.shows("The kettle again"), "the current transcript stays");
    m.snapshot("history_inline.png");
    m.click("Close").await;
    assert!(!m.shows("Descale it with vinegar"));

    // Verified: the screen pop's Conversations tab lists it and opens it read-only.
    m.click("Verify and Continue").await;
    assert_eq!(m.console.front(), View::Chat(chat));
    m.click("Conversations").await;
    assert!(m.shows("Earlier conversations"));
    let row = m
        .console
        .chat(chat)
        .unwrap()
        .history()
        .chats()
        .first()
        .cloned()
        .expect("the earlier chat is listed");
    assert_eq!(row.disposition.as_deref(), Some("Resolved"));
    m.click("My kettle hums when it boils").await;
    assert!(m.shows("Descale it with vinegar"));
    m.snapshot("history_conversations.png");
}

#[tokio::test]
async fn ctrl_shift_f_searches_and_opens_a_hit() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    earlier_chat(&store, maria).await;
    let dir = tempfile::tempdir().unwrap();
    let mut m = Harness::open(&store, maria, dir.path().into()).await;

    m.chord('f', Modifiers::CTRL | Modifiers::SHIFT).await;
    assert_eq!(m.console.front(), View::Search);

    // A date the console cannot read: one line, nothing sent.
    m.type_into(search::INPUT, "vinegar").await;
    // The agent filter (a pick list: the simulator chooses by message).
    m.send(Message::Search(search::Message::Agent(search::Pick {
        id: maria,
        name: "Maria Santos (me)".into(),
    })))
    .await;
    m.type_into(search::FROM, "last tuesday").await;
    // Enter in a field searches (the button beside it says "Search" too, like the tab).
    m.named(iced::keyboard::key::Named::Enter, Modifiers::empty())
        .await;
    assert!(
        m.shows("From: \"last tuesday\" is not a time: use 2026-12-07, \"2026-12-07 14:30\", or 90m, 2h, 3d ago"),
        "the date is refused in words"
    );
    assert!(m.console.search().hits().is_empty());

    m.click("Clear filters").await;
    m.focus(search::INPUT).await;
    m.named(iced::keyboard::key::Named::Enter, Modifiers::empty())
        .await;
    let hits = m.console.search().hits().to_vec();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].body_text, "Descale it with vinegar");
    assert_eq!(&hits[0].body_text[hits[0].highlights[0].clone()], "vinegar");
    let (queue, when) = (
        "Support",
        livewindow::core::time::date_time(hits[0].created_ms),
    );
    assert!(m.shows(&format!("{when} · Ana Lima · {queue} · Maria Santos")));
    m.snapshot("search_results.png");

    m.click_id(&format!("search-hit-{}", hits[0].message_id))
        .await;
    assert!(
        m.shows("My kettle hums when it boils"),
        "the transcript opens"
    );
    m.snapshot("search_opened.png");

    // Prefixes and phrases.
    let mut ask = async |q: &str| {
        m.send(Message::Search(search::Message::Text(q.into())))
            .await;
        m.send(Message::Search(search::Message::Submit)).await;
        m.pump().await;
        m.console.search().hits().len()
    };
    assert_eq!(
        ask("vinegar kett*").await,
        0,
        "every word must match in one message"
    );
    assert_eq!(ask("vineg*").await, 1, "a prefix");
    assert_eq!(ask("\"with vinegar\"").await, 1, "a phrase");
    assert_eq!(ask("\"vinegar with\"").await, 0, "a phrase keeps its order");
}
