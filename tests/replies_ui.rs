//! Standard replies in the composer, driven through a kept iced interface against a real
//! store (SQLite, or PostgreSQL with TEST_DATABASE_URL): "/" opens the list, typing
//! filters it, Enter inserts a formatted reply with its variables filled, its use is
//! counted, Tab walks its placeholders, Send refuses while one is unfilled, Esc closes.

mod common;
mod ui;

use common::{demo_with_available, fresh};
use iced::keyboard::Modifiers;
use iced::keyboard::key::Named;
use livewindow::core;
use livewindow::core::reply::{ReplyDraft, ReplyScope};
use livewindow::ui::composer;
use livewindow::ui::replies::Message as Panel;
use ui::Harness;

const NONE: Modifiers = Modifiers::empty();

struct Opened {
    _db: livewindow::store::scratch::Scratch,
    h: Harness,
    chat: i64,
    greeting: i64,
    _dir: tempfile::TempDir,
}

async fn open_chat(rich: bool) -> Opened {
    let (db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    store
        .set_option(
            core::OPT_CKEDITOR,
            if rich { "Y" } else { "N" },
            Some(agent),
        )
        .await
        .unwrap();
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    let greeting = store
        .add_reply(&ReplyDraft {
            name: "Greeting".into(),
            shortcut: "hi".into(),
            folder: Some("Openers".into()),
            scope: ReplyScope::Site,
            body_text: r#"Hi {{customer.first_name | "there"}}, I'm {{agent.first_name}} from {{queue.name}}."#.into(),
            body_html: Some(r#"<p>Hi <strong>{{customer.first_name | &quot;there&quot;}}</strong>, I'm {{agent.first_name}} from {{queue.name}}.</p>"#.into()),
        })
        .await
        .unwrap()
        .id;
    for (name, shortcut, text) in [
        (
            "Order status",
            "order",
            "Your order [[order number]] ships on [[date]].",
        ),
        ("Refund policy", "refund", "Refunds take five working days."),
    ] {
        store
            .add_reply(&ReplyDraft {
                name: name.into(),
                shortcut: shortcut.into(),
                folder: None,
                scope: ReplyScope::Queue(q),
                body_text: text.into(),
                body_html: None,
            })
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    let chat = store
        .enqueue("Ana Lima", "ana.lima@example.com", q, Some("hello"))
        .await
        .unwrap();
    h.pump().await;
    h.click("Accept (Alt+A)").await;
    h.click("Verify and Continue").await;
    h.focus(&format!("composer-{chat}")).await;
    Opened {
        _db: db,
        h,
        chat,
        greeting,
        _dir: dir,
    }
}

fn composer(h: &Harness, chat: i64) -> &composer::Composer {
    h.console.chat(chat).unwrap().composer()
}

fn listed(h: &Harness, chat: i64) -> Vec<String> {
    composer(h, chat)
        .reply_list()
        .iter()
        .map(|r| r.shortcut.clone())
        .collect()
}

#[tokio::test]
async fn slash_lists_filters_inserts_and_placeholders_hold_the_send() {
    // The scratch database and the session folder live as long as the test.
    let Opened {
        mut h,
        chat,
        greeting,
        _db,
        _dir,
    } = open_chat(true).await;
    assert_eq!(h.console.replies().len(), 3);

    // "/" opens the list with every reply; typing filters it (shortcut, name or text).
    h.typing("/").await;
    assert_eq!(listed(&h, chat).len(), 3);
    assert!(h.shows("/hi") && h.shows("Order status"));
    h.snapshot("replies_list.png");
    h.typing("ord").await;
    assert_eq!(listed(&h, chat), ["order"]);
    assert!(!h.shows("Refund policy"));
    h.named(Named::Backspace, NONE).await;
    h.named(Named::Backspace, NONE).await;
    h.named(Named::Backspace, NONE).await;
    h.typing("five").await;
    assert_eq!(listed(&h, chat), ["refund"], "the text matches too");
    // Esc closes it, and it stays closed for that word.
    h.named(Named::Escape, NONE).await;
    assert!(listed(&h, chat).is_empty());
    h.typing("x").await;
    assert!(listed(&h, chat).is_empty());
    for _ in 0.."/fivex".len() {
        h.named(Named::Backspace, NONE).await;
    }
    assert!(composer(&h, chat).is_empty());

    // Down and Up choose; Enter inserts the formatted reply, its variables filled.
    h.typing("/").await;
    h.named(Named::ArrowDown, NONE).await;
    h.named(Named::ArrowUp, NONE).await;
    assert_eq!(composer(&h, chat).reply_chosen(), Some(0));
    h.typing("hi").await;
    assert_eq!(listed(&h, chat)[0], "hi");
    h.named(Named::Enter, NONE).await;
    assert!(listed(&h, chat).is_empty(), "the list closed");
    let draft = composer(&h, chat).draft_text();
    assert_eq!(draft.trim(), "Hi Ana, I'm Maria from Support.");
    let html = composer(&h, chat).draft_html().unwrap();
    assert!(html.contains("<strong>Ana</strong>"), "{html}");
    assert_eq!(
        h.store.reply(greeting).await.unwrap().uses,
        1,
        "its use counted"
    );

    // A reply with placeholders: the first is selected, typing fills it, Tab goes on.
    h.named(Named::End, Modifiers::CTRL).await;
    h.typing(" /order").await;
    h.named(Named::Enter, NONE).await;
    let sel = composer(&h, chat).selection();
    assert!(!sel.is_collapsed(), "the first placeholder is selected");
    h.typing("A-1234").await;
    h.named(Named::Tab, NONE).await;
    assert!(
        !composer(&h, chat).selection().is_collapsed(),
        "Tab selected [[date]]"
    );

    // Send refuses while [[date]] is unfilled, saying which.
    h.named(Named::Enter, NONE).await;
    assert!(h.shows("Fill in [[date]] before sending."));
    assert_eq!(
        h.store.messages(chat).await.unwrap().len(),
        1,
        "nothing was sent"
    );
    h.typing("Friday").await;
    h.named(Named::Enter, NONE).await;
    h.pump().await;
    let sent = h.store.messages(chat).await.unwrap().pop().unwrap();
    assert!(
        sent.body_text.contains("Hi Ana, I'm Maria from Support.")
            && sent
                .body_text
                .contains("Your order A-1234 ships on Friday."),
        "{}",
        sent.body_text
    );
    assert!(
        sent.body_html.contains("<strong>Ana</strong>"),
        "{}",
        sent.body_html
    );
}

#[tokio::test]
async fn the_plain_composer_inserts_replies_too() {
    let Opened {
        mut h,
        chat,
        _db,
        _dir,
        ..
    } = open_chat(false).await;
    assert!(!composer(&h, chat).is_rich());
    h.typing("/ord").await;
    assert_eq!(listed(&h, chat), ["order"]);
    h.named(Named::Enter, NONE).await;
    assert_eq!(
        composer(&h, chat).draft_text(),
        "Your order [[order number]] ships on [[date]]."
    );
    h.typing("77").await;
    h.named(Named::Tab, NONE).await;
    h.typing("Monday").await;
    assert_eq!(
        composer(&h, chat).draft_text(),
        "Your order 77 ships on Monday."
    );
    h.named(Named::Enter, NONE).await;
    h.pump().await;
    let sent = h.store.messages(chat).await.unwrap().pop().unwrap();
    assert_eq!(sent.body_text, "Your order 77 ships on Monday.");
}

fn panel_message(chat: i64, m: Panel) -> livewindow::ui::console::Message {
    livewindow::ui::console::Message::Chat(chat, livewindow::ui::interaction::Message::Replies(m))
}

#[tokio::test]
async fn the_replies_panel_searches_by_folder_and_keeps_the_agents_own() {
    let Opened {
        mut h,
        chat,
        _db,
        _dir,
        ..
    } = open_chat(true).await;
    h.typing("/").await;
    h.click("Browse replies…").await;
    let panel = |h: &Harness| h.console.chat(chat).unwrap().replies_panel().is_some();
    assert!(panel(&h));
    assert!(h.shows("Refund policy") && h.shows("Openers"));
    // The folder shows its replies only; the search narrows further.
    h.click("Openers").await;
    assert!(h.shows("Greeting") && !h.shows("Refund policy"));
    h.click("All").await;
    h.type_into(livewindow::ui::replies::SEARCH, "refund").await;
    assert!(h.shows("Refund policy") && !h.shows("Greeting"));
    // The site's and the queue's have no Edit or Remove for an agent.
    assert!(!h.shows("Remove"));

    // A reply of their own: an unknown variable is refused inline, then saved.
    h.click("New reply").await;
    h.type_into(livewindow::ui::replies::NAME, "Sign-off").await;
    h.type_into(livewindow::ui::replies::SHORTCUT, "bye").await;
    h.type_into(livewindow::ui::replies::FOLDER, "Closers")
        .await;
    h.type_into(livewindow::ui::replies::TEXT, "Bye {{customer.nick}}")
        .await;
    h.click("Save").await;
    assert!(h.whole_text_at(iced::Size::new(1280.0, 800.0), |t| {
        t.contains("{{customer.nick}} is not a variable")
    }));
    let mine = h
        .store
        .replies()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.shortcut == "bye");
    assert!(mine.is_none(), "nothing saved yet");
    h.send(panel_message(
        chat,
        Panel::Text("Bye for now, {{customer.first_name | \"friend\"}}!".into()),
    ))
    .await;
    h.click("Save").await;
    let mine = h
        .store
        .replies()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.shortcut == "bye")
        .expect("saved");
    assert_eq!(mine.scope, ReplyScope::Agent(h.console.agent().id));
    assert_eq!(mine.folder.as_deref(), Some("Closers"));
    h.send(panel_message(chat, Panel::Search(String::new())))
        .await;
    assert!(h.shows("Sign-off"), "the list was read again");
    h.click("Remove").await;
    assert!(h.store.reply(mine.id).await.is_err(), "removed");
    h.click("Close").await;
    assert!(!panel(&h));
}
