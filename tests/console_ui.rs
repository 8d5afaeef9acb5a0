//! The console's paths, clicked through iced_test's simulator against a real store.

mod common;
mod ui;

use common::{demo_with_available, fresh};
use livewindow::core::{self, ChatState, Sender};
use livewindow::store::{NewMessage, WorkOrderDraft};
use livewindow::ui::console::{Message, Shortcut, View};
use std::time::Duration;
use ui::Harness;

async fn maria(store: &livewindow::Store) -> i64 {
    demo_with_available(store, &["maria.santos@example.com"]).await[0]
}

async fn customer(store: &livewindow::Store, name: &str, email: &str, first: &str) -> i64 {
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    store.enqueue(name, email, q, Some(first)).await.unwrap()
}

#[tokio::test]
async fn offer_accept_verify_screen_pop() {
    let (_db, store) = fresh().await;
    let agent = maria(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    assert!(h.shows("Incoming (0)"));
    assert!(
        !h.has_id("interactions-badge"),
        "no badge on Interactions while there are no chats"
    );

    let chat = customer(
        &store,
        "Ana Lima",
        "ana.lima@example.com",
        "My filter is red",
    )
    .await;
    h.pump().await;
    assert!(h.shows("Incoming (1)"));
    assert!(h.shows("Ana Lima"));
    assert!(h.shows("ana.lima@example.com"));
    assert!(h.shows("“My filter is red”"));
    let left = h.console.offers().cards()[0].left_ms(h.console.db_now());
    assert!((25_000..=30_000).contains(&left), "{left} ms left");

    h.click("Accept (Alt+A)").await;
    assert_eq!(store.chat(chat).await.unwrap().state, ChatState::Active);
    assert_eq!(h.console.active(), 1);
    assert!(
        h.has_id("interactions-badge"),
        "the Interactions badge counts the chat"
    );
    // Verification shows the contact matched by email.
    assert!(h.shows("Contact Verification"));
    let matched = store
        .match_contact("ana.lima@example.com", "Ana Lima")
        .await
        .unwrap()
        .expect("Ana is a demo contact");
    assert!(!matched.phone.is_empty());
    // The record's own fields, which the offer and the header do not show.
    assert!(h.shows(&matched.phone), "the phone {:?}", matched.phone);
    assert!(h.shows(matched.account_name.as_deref().expect("an account")));
    h.click("Verify and Continue").await;
    assert_eq!(h.console.front(), View::Chat(chat));
    let contact = store
        .chat(chat)
        .await
        .unwrap()
        .contact_id
        .expect("verified");
    assert_eq!(
        store.contact(contact).await.unwrap().full_name(),
        "Ana Lima"
    );
    // The screen pop: a top-level tab titled with the customer, nested record tabs.
    let account = store.contact(contact).await.unwrap().account_id.unwrap();
    let assets = store.assets_of_account(account).await.unwrap().len();
    assert!(h.shows("Accounts"));
    h.click(&format!("Assets ({assets})")).await;
    assert!(h.shows("New work order"));
    h.snapshot("screen_pop.png");

    // Conversation: the customer's message arrives; the agent replies with Enter.
    store
        .send_message(
            chat,
            &NewMessage::plain(Sender::Customer, "Ana Lima", None, "Serial SN-AQ-100000"),
        )
        .await
        .unwrap();
    h.pump().await;
    assert!(h.shows("Serial SN-AQ-100000"));
    h.type_into(&format!("composer-{chat}"), "Thanks Ana").await;
    h.send(Message::Chat(
        chat,
        livewindow::ui::interaction::Message::Send,
    ))
    .await;
    h.pump().await;
    let texts: Vec<_> = store
        .messages(chat)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body_text)
        .collect();
    assert_eq!(texts.last().map(String::as_str), Some("Thanks Ana"));
    assert!(h.shows("Thanks Ana"));

    // End chat: the customer is told (event), the badge drops to 0.
    h.click("End chat").await;
    h.pump().await;
    assert_eq!(store.chat(chat).await.unwrap().state, ChatState::Ended);
    assert_eq!(h.console.active(), 0);
}

#[tokio::test]
async fn search_again_create_contact_verify() {
    let (_db, store) = fresh().await;
    let agent = maria(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    // A stranger: nothing matches, so Contact Search opens prefilled.
    let chat = customer(&store, "Zed Quorra", "zed.quorra@mail.example.org", "hello").await;
    h.pump().await;
    h.click("Accept (Alt+A)").await;
    assert!(h.shows("Contact Search"));
    assert!(h.shows("New contact"));
    // Inline validation: an invalid phone is reported at the field, nothing is saved.
    h.type_into("contact-phone", "call me").await;
    h.click("Create contact").await;
    assert!(h.shows("not a phone number (digits, spaces, + - ( ) .)"));
    let before = store.contact_count().await.unwrap();
    // Fixing the field clears its error as the agent types.
    h.send(Message::Chat(
        chat,
        livewindow::ui::interaction::Message::Search(
            livewindow::ui::contact_search::Message::Phone("+1 555 0100".into()),
        ),
    ))
    .await;
    assert!(!h.shows("not a phone number (digits, spaces, + - ( ) .)"));
    h.click("Create contact").await;
    assert_eq!(store.contact_count().await.unwrap(), before + 1);
    // The created contact comes back to verification.
    assert!(h.shows("Contact Verification"));
    assert!(h.shows("Zed Quorra"));
    h.click("Verify and Continue").await;
    let contact = store
        .chat(chat)
        .await
        .unwrap()
        .contact_id
        .expect("verified");
    let c = store.contact(contact).await.unwrap();
    assert_eq!(
        (
            c.first_name.as_str(),
            c.last_name.as_str(),
            c.phone.as_str()
        ),
        ("Zed", "Quorra", "+1 555 0100")
    );

    // A customer who is a demo contact: verification shows her record, and Search Again
    // leaves it to find another one.
    let ana = store
        .match_contact("ana.lima@example.com", "Ana Lima")
        .await
        .unwrap()
        .expect("Ana is a demo contact");
    let chat2 = customer(&store, "Ana Lima", "ana.lima@example.com", "hi").await;
    h.pump().await;
    // A chat tab is in front: the offer shows in the strip above it.
    // The countdown runs on the database's clock: allow for a slow machine.
    assert!(h.shows("Incoming chat: Ana Lima · Support"));
    assert!((25..=30).any(|s| h.shows(&format!("{s} s"))));
    h.click("Accept").await;
    h.send(Message::Select(chat2)).await;
    assert!(h.shows("Contact Verification"));
    assert!(h.shows(&ana.phone));
    h.click("Search Again").await;
    assert!(h.shows("Contact Search"));
    assert!(!h.shows("Verify and Continue"));
    let search = |q: &str| {
        Message::Chat(
            chat2,
            livewindow::ui::interaction::Message::Search(
                livewindow::ui::contact_search::Message::Query(q.into()),
            ),
        )
    };
    // An existing contact, found by name, goes back to verification.
    h.send(search("")).await;
    h.type_into("contact-search", "quorra").await;
    // Enter searches (the Search tab above has the same word).
    h.press(iced::keyboard::key::Named::Enter).await;
    // The result's second line: "Zed Quorra" alone is also the first chat's tab.
    h.click("zed.quorra@mail.example.org · +1 555 0100").await;
    assert!(h.shows("Verify and Continue"));
    assert!(h.shows("+1 555 0100"), "Zed's record, not Ana's");
    // Search Again once more, and a new contact made from there.
    h.click("Search Again").await;
    h.send(search("")).await;
    h.type_into("contact-search", "Yara Voss").await;
    // Enter searches (the Search tab above has the same word).
    h.press(iced::keyboard::key::Named::Enter).await;
    assert!(h.shows("No contact matches. Create a new one?"));
    h.click("New contact").await;
    h.type_into("contact-email", "yara.voss@mail.example.org")
        .await;
    let before = store.contact_count().await.unwrap();
    h.click("Create contact").await;
    assert_eq!(store.contact_count().await.unwrap(), before + 1);
    assert!(h.shows("Contact Verification"));
    assert!(h.shows("Yara Voss"));
    h.click("Verify and Continue").await;
    let verified = store
        .chat(chat2)
        .await
        .unwrap()
        .contact_id
        .expect("verified");
    let c = store.contact(verified).await.unwrap();
    assert_ne!(verified, ana.id);
    assert_eq!(
        (c.full_name().as_str(), c.email.as_str()),
        ("Yara Voss", "yara.voss@mail.example.org")
    );
}

#[tokio::test]
async fn decline_and_expiry() {
    let (_db, store) = fresh().await;
    let agent = maria(&store).await;
    store
        .set_option(core::OPT_OFFER_TIMEOUT, "2", None)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    let a = customer(&store, "Ana Lima", "ana.lima@example.com", "one").await;
    let b = customer(&store, "Bruno Okafor", "bruno@example.com", "two").await;
    h.pump().await;
    assert!(h.shows("Incoming (2)"));

    // Decline the first with a reason.
    h.type_into(&format!("decline-reason-{a}"), "wrong team")
        .await;
    h.click("Decline (Alt+D)").await;
    h.pump().await;
    let declined = store.chat(a).await.unwrap();
    assert_eq!(declined.state, ChatState::Queued);
    assert!(!h.shows("“one”"));

    // The second runs out: the card goes with a note, the chat goes back to routing.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    store.expire_offers().await.unwrap();
    h.pump().await;
    assert!(
        h.console
            .offers()
            .cards()
            .iter()
            .all(|c| c.offer().chat_id != b || c.offer().deadline_ms > h.console.db_now())
    );
    assert!(
        h.shows("The offer from Bruno Okafor ran out of time; the chat went back to the queue.")
    );
}

#[tokio::test]
async fn two_chats_switching_and_badge() {
    let (_db, store) = fresh().await;
    let agent = maria(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    let a = customer(&store, "Ana Lima", "ana.lima@example.com", "first").await;
    let b = customer(&store, "Bruno Okafor", "bruno@example.com", "second").await;
    h.pump().await;
    h.send(Message::Key(Shortcut::AcceptFirst)).await;
    h.send(Message::Key(Shortcut::AcceptFirst)).await;
    assert_eq!(h.console.active(), 2);
    assert_eq!(store.active_chats(agent).await.unwrap().len(), 2);
    // The badge on the interactions icon.
    assert_eq!(h.text_in("interactions-badge").as_deref(), Some("2"));
    h.send(Message::Key(Shortcut::Nth(0))).await;
    assert_eq!(h.console.selected(), Some(a));
    // A message in the chat not in view counts as unread there.
    store
        .send_message(
            b,
            &NewMessage::plain(Sender::Customer, "Bruno Okafor", None, "are you there?"),
        )
        .await
        .unwrap();
    h.pump().await;
    assert_eq!(h.console.chat(b).unwrap().unread(), 1);
    h.click("Interactions").await;
    assert_eq!(h.console.front(), View::Home);
    h.click("Bruno Okafor").await;
    assert_eq!(h.console.selected(), Some(b));
    assert_eq!(h.console.chat(b).unwrap().unread(), 0);
    // The customer leaves: the badge follows.
    store.end_chat(b, Sender::Customer).await.unwrap();
    h.pump().await;
    assert_eq!(h.console.active(), 1);
    assert_eq!(h.text_in("interactions-badge").as_deref(), Some("1"));
    assert!(h.shows("Wrap-up · ended: the customer left"));
}

async fn verified_chat(store: &livewindow::Store, h: &mut Harness) -> i64 {
    let chat = customer(store, "Ana Lima", "ana.lima@example.com", "hello").await;
    h.pump().await;
    h.click("Accept (Alt+A)").await;
    h.click("Verify and Continue").await;
    chat
}

#[tokio::test]
async fn edit_work_order_and_conflict() {
    let (_db, store) = fresh().await;
    let agent = maria(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    let chat = verified_chat(&store, &mut h).await;
    let contact = store
        .contact(store.chat(chat).await.unwrap().contact_id.unwrap())
        .await
        .unwrap();
    let account = contact.account_id.unwrap();

    // Add a work order from the screen pop.
    let before = store.work_orders_of_account(account).await.unwrap().len();
    h.click(&format!("Work Orders ({before})")).await;
    h.click("New work order").await;
    h.click("Save").await;
    assert!(
        h.shows("required"),
        "an empty subject is refused at the field"
    );
    h.type_into("field-subject", "Replace the filter cartridge")
        .await;
    h.type_into("field-due", "2026-12-01").await;
    h.click("Save").await;
    assert!(h.shows("Saved."));
    let orders = store.work_orders_of_account(account).await.unwrap();
    assert_eq!(orders.len(), before + 1);
    let wo = orders
        .iter()
        .find(|w| w.subject == "Replace the filter cartridge")
        .unwrap()
        .clone();
    assert_eq!(
        livewindow::core::records::date_text(wo.due_ms),
        "2026-12-01"
    );

    // Another agent saves the same work order first: our save is refused, not lost silently.
    store
        .update_work_order(
            wo.id,
            wo.version,
            &WorkOrderDraft {
                account_id: wo.account_id,
                contact_id: wo.contact_id,
                asset_id: wo.asset_id,
                subject: "Changed by James".into(),
                status: "scheduled".into(),
                priority: "high".into(),
                due: String::new(),
            },
            store.find_agent("james.chen@example.com").await.unwrap().id,
        )
        .await
        .unwrap();
    h.type_into("field-subject", " today").await;
    h.click("Save").await;
    assert!(h.shows("Reload"), "a conflict offers to reload");
    assert_eq!(
        store.work_order(wo.id).await.unwrap().subject,
        "Changed by James"
    );
    h.click("Reload").await;
    assert!(h.shows("Changed by James"));
}

#[tokio::test]
async fn restart_restores_chats_tabs_and_drafts() {
    let (_db, store) = fresh().await;
    let agent = maria(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = {
        let mut h = Harness::open(&store, agent, dir.path().into()).await;
        let a = verified_chat(&store, &mut h).await;
        let b = customer(&store, "Bruno Okafor", "bruno@example.com", "second").await;
        h.pump().await;
        h.send(Message::Key(Shortcut::AcceptFirst)).await;
        h.type_into(&format!("composer-{b}"), "half a thought")
            .await;
        h.console.save_session();
        (a, b)
    };
    let h = Harness::open(&store, agent, dir.path().into()).await;
    assert_eq!(h.console.active(), 2);
    assert!(h.console.chat(a).unwrap().verified());
    assert!(!h.console.chat(b).unwrap().verified());
    assert_eq!(
        h.console.chat(b).unwrap().draft().0.trim(),
        "half a thought"
    );
    assert_eq!(h.console.selected(), Some(b));
    assert!(h.shows("Bruno Okafor"));
    assert!(h.shows("Ana Lima"));
}

#[tokio::test]
async fn a_session_file_under_the_old_name_is_found_after_the_upgrade() {
    use livewindow::ui::session;
    let (_db, store) = fresh().await;
    let agent = maria(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let chat = {
        let mut h = Harness::open(&store, agent, dir.path().into()).await;
        let chat = customer(&store, "Bruno Okafor", "bruno@example.com", "hi").await;
        h.pump().await;
        h.send(Message::Key(Shortcut::AcceptFirst)).await;
        chat
    };
    // What an older build left: the draft under the name std's hasher gave the file.
    let identity = store.url().to_string();
    let old = session::legacy_path(dir.path(), &identity, agent);
    let saved = session::Session {
        in_view: Some(chat),
        drafts: [(chat, "a draft from before the upgrade".to_string())].into(),
        ..Default::default()
    };
    session::save(&old, &saved).unwrap();
    for e in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(
            e.path() == old || !name.starts_with("session-"),
            "only the old file is there: {name}"
        );
    }

    let h = Harness::open(&store, agent, dir.path().into()).await;
    assert_eq!(
        h.console.chat(chat).unwrap().draft().0.trim(),
        "a draft from before the upgrade"
    );
    let new = session::path(dir.path(), &identity, agent);
    assert_ne!(new, old, "the new name is not std's hash");
    assert!(
        new.exists() && !old.exists(),
        "the file moved to its stable name"
    );
    assert_eq!(session::load(&new), saved);
}

#[tokio::test]
async fn rich_messages_render_with_their_formatting() {
    let (_db, store) = fresh().await;
    let agent = maria(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    let chat = customer(&store, "Ana Lima", "ana.lima@example.com", "hello").await;
    h.pump().await;
    h.click("Accept (Alt+A)").await;
    // A message from a rich client: the sanitized HTML subset, with a plain-text fallback.
    let html = "<p>Please check <strong>both</strong> units:</p><ul><li>AquaPure</li><li>PrintPro</li></ul>\
                <table><tr><th>Unit</th><th>Serial</th></tr><tr><td>AquaPure</td><td>SN-AQ-1</td></tr></table>";
    let m = NewMessage {
        client_id: "rich-1".into(),
        sender: Sender::Customer,
        sender_name: "Ana Lima".into(),
        agent_id: None,
        body_html: Some(html.into()),
        body_text: "Please check both units: AquaPure, PrintPro".into(),
        internal: false,
    };
    let id = store.send_message(chat, &m).await.unwrap();
    h.pump().await;
    let c = h.console.chat(chat).unwrap();
    let doc = c.document(id).expect("the message was parsed as rich text");
    assert!(
        doc.to_html().contains("<strong>both</strong>"),
        "{}",
        doc.to_html()
    );
    assert!(doc.to_html().contains("<table>"), "{}", doc.to_html());
    // Plain messages are not parsed.
    let first = c.messages().first().unwrap().id;
    assert!(c.document(first).is_none());
    // Drawn with that formatting (bold, bullets, the table's grid): rich_text spans are not
    // found by text selectors, so the reference picture holds it.
    h.snapshot("rich_message.png");
}

/// A long chat: the console holds its newest page of messages, and "Show earlier messages"
/// reads the older ones from the store a page at a time.
#[tokio::test]
async fn long_transcript_read_a_page_at_a_time() {
    use livewindow::ui::interaction::Message as Chat;
    use livewindow::ui::transcript::WINDOW;
    let (_db, store) = fresh().await;
    let agent = maria(&store).await;
    let chat = customer(&store, "Ana Lima", "ana.lima@example.com", "hello").await;
    store.accept(chat, agent).await.unwrap();
    let extra = 2 * WINDOW + 50;
    store.seed_messages(chat, extra as i64).await.unwrap();
    let total = store.messages(chat).await.unwrap().len();
    assert_eq!(total, extra + 1);
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    h.send(Message::Select(chat)).await;
    let held = |h: &Harness| h.console.chat(chat).unwrap().messages().len();
    assert_eq!(held(&h), WINDOW);
    assert!(h.shows(&format!("Show earlier messages ({} more)", total - WINDOW)));

    h.send(Message::Chat(chat, Chat::ShowEarlier)).await;
    assert_eq!(held(&h), 2 * WINDOW);
    assert!(h.shows(&format!(
        "Show earlier messages ({} more)",
        total - 2 * WINDOW
    )));
    h.send(Message::Chat(chat, Chat::ShowEarlier)).await;
    assert_eq!(held(&h), total);
    assert!(!h.shows("Show earlier messages"));
    // In order, each once, the customer's first message first.
    let c = h.console.chat(chat).unwrap();
    assert!(c.messages().windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(c.messages()[0].body_text, "hello");
    // A new message still arrives at the end.
    store
        .send_message(
            chat,
            &NewMessage::plain(Sender::Customer, "Ana Lima", None, "Still there?"),
        )
        .await
        .unwrap();
    h.pump().await;
    assert_eq!(held(&h), total + 1);
    assert!(h.shows("Still there?"));
}
