//! Accessibility in the simulator against a real store. The seed workflow with the keyboard
//! alone: an offer accepted (Alt+A), the contact verified (Enter on the focused primary
//! action), the screen pop's Assets tab opened and an asset edited and saved, a formatted
//! reply sent, a transfer, a wrap-up; every step a key press, nothing clicked. Zoom (and
//! what stays on screen at 200%), the themes' pictures, the F1 sheet and Esc.

mod common;
mod ui;

use common::{demo_with_available, fresh, keys};
use iced::keyboard::Modifiers;
use iced::keyboard::key::Named;
use livewindow::core::ChatState;
use livewindow::ui::console::{Message, View};
use livewindow::ui::theme::Choice;
use ui::Harness;

async fn customer(store: &livewindow::Store, name: &str, email: &str) -> i64 {
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    store.enqueue(name, email, q, Some("Hello")).await.unwrap()
}

#[tokio::test]
async fn the_seed_workflow_by_keyboard_alone() {
    let (_db, store) = fresh().await;
    // Priya takes the chat Maria transfers to Billing.
    let agents = ["maria.santos@example.com", "priya.patel@example.com"];
    let agent = demo_with_available(&store, &agents).await[0];
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;

    // Alt+A accepts; Contact Verification opens with Verify and Continue focused.
    let chat = customer(&store, "Ana Lima", "ana.lima@example.com").await;
    h.pump().await;
    h.chord('a', Modifiers::ALT).await;
    assert_eq!(store.chat(chat).await.unwrap().state, ChatState::Active);
    assert!(h.shows("Contact Verification"));
    assert!(
        h.focus_shows("Verify and Continue").await,
        "the dialog opens with its primary action focused"
    );
    h.press(Named::Enter).await;
    assert_eq!(h.console.front(), View::Chat(chat));
    let contact = store
        .chat(chat)
        .await
        .unwrap()
        .contact_id
        .expect("verified");

    // F6 goes region by region: the tabs, the conversation, the screen pop.
    h.press(Named::F6).await;
    assert!(h.focus_shows("Live Window").await, "first region: the tabs");
    h.press(Named::F6).await;
    assert_eq!(
        h.focused_id().await,
        Some(livewindow::ui::interaction::composer_id(chat)),
        "second: the conversation's composer"
    );
    h.press(Named::F6).await;
    assert!(
        h.focus_shows("Accounts").await,
        "third: the screen pop's tabs"
    );

    // Tab to the Assets tab, Enter opens it; Tab to an asset's Open, Enter.
    let account = store.contact(contact).await.unwrap().account_id.unwrap();
    let assets = store.assets_of_account(account).await.unwrap();
    let label = format!("Assets ({})", assets.len());
    h.tabs_to(keys::TO_ASSETS, &label).await;
    h.press(Named::Enter).await;
    assert!(h.shows("New asset"), "the Assets tab is open");
    h.tabs_to(keys::TO_OPEN, "Open").await;
    h.press(Named::Enter).await;
    // The record opens with its first field focused: type into it; Tab to the status list,
    // Enter picks the next status; Tab to Save, Enter.
    assert_eq!(
        h.focused_id().await,
        Some(iced::widget::Id::new("field-product"))
    );
    h.typing(" (checked)").await;
    h.tabs_to_id(keys::TO_STATUS, "field-status").await;
    h.press(Named::Enter).await;
    h.tabs_to(keys::TO_SAVE, "Save").await;
    h.press(Named::Enter).await;
    assert!(h.shows("Saved."));
    let saved = store
        .assets_of_account(account)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.product.ends_with(" (checked)"))
        .expect("the edited asset");
    let before = assets.iter().find(|a| a.id == saved.id).unwrap();
    assert_eq!(saved.product, format!("{} (checked)", before.product));
    assert_ne!(saved.status, before.status, "Enter chose the next status");

    // F6 from the screen pop wraps round to the tabs, then the composer; Ctrl+B, a word,
    // Enter sends it formatted.
    h.press(Named::F6).await;
    assert!(h.focus_shows("Live Window").await);
    h.press(Named::F6).await;
    assert_eq!(
        h.focused_id().await,
        Some(livewindow::ui::interaction::composer_id(chat))
    );
    h.chord('b', Modifiers::CTRL).await;
    h.typing("Done").await;
    h.press(Named::Enter).await;
    h.pump().await;
    let last = store.messages(chat).await.unwrap().pop().unwrap();
    assert_eq!(last.body_text, "Done");
    let html = last.body_html;
    assert!(html.contains("<strong>Done</strong>"), "{html}");

    // Transfer: Tab to the button, Enter; the dialog opens on its first queue; Tab to
    // Billing, Enter chooses it; Tab to Confirm transfer, Enter.
    h.tabs_to(keys::TO_TRANSFER, "Transfer").await;
    h.press(Named::Enter).await;
    assert!(h.shows("Confirm transfer"));
    // (A radio draws its own label, which the simulator cannot read: its id, then.)
    let (billing, _) = store.find_queue(Some("Billing")).await.unwrap();
    h.tab_to_id(&format!("transfer-queue-{billing}"), 10).await;
    h.press(Named::Enter).await;
    h.tabs_to(keys::TO_CONFIRM, "Confirm transfer").await;
    h.press(Named::Enter).await;
    h.pump().await;
    let moved = store.chat(chat).await.unwrap();
    assert_ne!(moved.agent_id, Some(agent), "the chat left Maria");
    assert_eq!(moved.queue_name, "Billing");

    // A second chat, ended and wrapped up by keyboard: End chat, the disposition list has
    // the focus (Enter picks the first), Tab to Done, Enter.
    let second = customer(&store, "Ana Lima", "ana.lima@example.com").await;
    h.pump().await;
    assert_eq!(
        h.console.offers().first(),
        Some(second),
        "Maria's one offer"
    );
    h.chord('a', Modifiers::ALT).await;
    assert!(h.focus_shows("Verify and Continue").await);
    h.press(Named::Enter).await;
    h.tabs_to(keys::TO_END_CHAT, "End chat").await;
    h.press(Named::Enter).await;
    h.pump().await;
    assert_eq!(store.chat(second).await.unwrap().state, ChatState::Ended);
    assert_eq!(
        h.focused_id().await,
        Some(iced::widget::Id::new(
            livewindow::ui::wrapup::Form::DISPOSITION
        ))
    );
    h.press(Named::Enter).await;
    h.tabs_to(keys::TO_DONE, "Done").await;
    h.press(Named::Enter).await;
    h.pump().await;
    assert!(h.console.chat(second).is_none(), "wrapped up and closed");
    let wrapped = store.chat(second).await.unwrap();
    assert_eq!(wrapped.disposition.as_deref(), Some("Resolved"));
}

/// Maria with a verified chat with Ana in front, and a second offer (Ben) waiting.
async fn chat_and_offer(store: &livewindow::Store, h: &mut Harness) -> (i64, i64) {
    let chat = customer(store, "Ana Lima", "ana.lima@example.com").await;
    h.pump().await;
    h.chord('a', Modifiers::ALT).await;
    h.press(Named::Enter).await;
    assert_eq!(h.console.front(), View::Chat(chat));
    let offer = customer(store, "Ben Okafor", "ben.okafor@example.com").await;
    h.pump().await;
    assert_eq!(h.console.offers().len(), 1);
    (chat, offer)
}

#[tokio::test]
async fn zoom_steps_are_remembered_and_200_percent_keeps_the_offer_and_composer() {
    let (_db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    assert_eq!(h.console.zoom(), 100);
    for _ in 0..9 {
        h.chord('=', Modifiers::CTRL).await;
    }
    assert_eq!(h.console.zoom(), 200, "up to 200% and no further");
    h.chord('0', Modifiers::CTRL).await;
    assert_eq!(h.console.zoom(), 100);
    for _ in 0..5 {
        h.chord('-', Modifiers::CTRL).await;
    }
    assert_eq!(h.console.zoom(), 75, "down to 75% and no further");
    h.chord('=', Modifiers::CTRL).await;
    assert_eq!(h.console.zoom(), 90);
    // Per agent: the session file keeps it.
    h.console.save_session();
    let again = Harness::open(&store, agent, dir.path().into()).await;
    assert_eq!(again.console.zoom(), 90);

    // At 200% a 1280×800 window lays out as 640×400.
    h.send(Message::Zoom(200)).await;
    let (chat, _) = chat_and_offer(&store, &mut h).await;
    // A second offer waits too: the strip keeps one when zoomed, and says so.
    customer(&store, "Carla Diaz", "carla.diaz@example.com").await;
    h.pump().await;
    let at = iced::Size::new(640.0, 400.0);
    assert!(h.whole_at(at, "1 more incoming on the Live Window tab"));
    for label in ["Accept", "Decline", "Send"] {
        assert!(
            h.whole_at(at, label),
            "{label} is cut or off screen at 200%"
        );
    }
    assert!(
        h.whole_text_at(at, |t| t.ends_with(" s")
            && t[..t.len() - 2].parse::<u32>().is_ok()),
        "the countdown is cut or off screen at 200%"
    );
    // The transcript keeps lines' room: the formatting bar waits behind its button.
    assert!(
        h.whole_at(at, "Hello"),
        "the customer's line is on screen at 200%"
    );
    let composer = format!("composer-{chat}");
    assert!(
        h.whole_id_at(at, &composer),
        "the composer is cut or off screen at 200%"
    );
    h.snapshot_at("zoom_200_chat.png", at);
}

#[tokio::test]
async fn each_theme_at_100_and_200_percent() {
    let (_db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    assert_eq!(
        h.console.theme_choice(),
        Choice::System,
        "System is the default"
    );
    chat_and_offer(&store, &mut h).await;
    for (choice, name) in [
        (Choice::Light, "light"),
        (Choice::Dark, "dark"),
        (Choice::HighContrast, "high_contrast"),
    ] {
        h.send(Message::Toolbar(livewindow::ui::toolbar::Message::Theme(
            choice,
        )))
        .await;
        h.snapshot(&format!("theme_{name}_100.png"));
        h.snapshot_at(
            &format!("theme_{name}_200.png"),
            iced::Size::new(640.0, 400.0),
        );
    }
    // System follows the desktop's preference as it changes.
    h.send(Message::Toolbar(livewindow::ui::toolbar::Message::Theme(
        Choice::System,
    )))
    .await;
    h.send(Message::DesktopTheme(iced::theme::Mode::Dark)).await;
    assert_eq!(
        h.console.theme().palette(),
        livewindow::ui::theme::dark().palette()
    );
    h.send(Message::DesktopTheme(iced::theme::Mode::Light))
        .await;
    assert_eq!(
        h.console.theme().palette(),
        livewindow::ui::theme::light().palette()
    );
}

#[tokio::test]
async fn f1_shows_every_shortcut_and_esc_closes_it() {
    let (_db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    assert!(!h.shows("Keyboard shortcuts"));
    h.press(Named::F1).await;
    assert!(h.shows("Keyboard shortcuts"));
    for (_, keys) in livewindow::ui::shortcuts::SHEET {
        for (keys, what) in *keys {
            assert!(h.shows(keys) && h.shows(what), "{keys}: {what}");
        }
    }
    assert!(
        h.focus_shows("Close").await,
        "the sheet opens with Close focused"
    );
    h.snapshot("help_sheet.png");
    h.press(Named::Escape).await;
    assert!(!h.shows("Keyboard shortcuts"));
}

#[tokio::test]
async fn spoken_alerts_are_off_by_default_and_say_offers_and_unseen_messages() {
    let (_db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    let (chat, _) = chat_and_offer(&store, &mut h).await;
    assert!(
        h.console.spoken().is_empty(),
        "off by default: nothing said"
    );

    h.send(Message::Toolbar(livewindow::ui::toolbar::Message::Speak(
        true,
    )))
    .await;
    // An offer: who, which queue, the seconds left.
    customer(&store, "Carla Diaz", "carla.diaz@example.com").await;
    h.pump().await;
    let said = h.console.spoken().last().cloned().unwrap_or_default();
    let left: String = said
        .trim_start_matches("Incoming chat: Carla Diaz, Support queue, ")
        .trim_end_matches(" seconds to accept.")
        .into();
    assert!(
        said.starts_with("Incoming chat: Carla Diaz, Support queue, ")
            && (25..=30).contains(&left.parse::<u32>().unwrap_or(0)),
        "{said}"
    );
    // A customer's line in the chat in view is seen, not said; out of view it is said.
    let n = h.console.spoken().len();
    let line = |text: &str| {
        livewindow::store::NewMessage::plain(
            livewindow::core::Sender::Customer,
            "Ana Lima",
            None,
            text,
        )
    };
    store
        .send_message(chat, &line("Is it fixed?"))
        .await
        .unwrap();
    h.pump().await;
    assert_eq!(h.console.spoken().len(), n, "in view: not said");
    h.send(Message::Home).await;
    store
        .send_message(chat, &line("Still humming"))
        .await
        .unwrap();
    h.pump().await;
    assert_eq!(
        h.console.spoken().last().map(String::as_str),
        Some("Ana Lima wrote: Still humming")
    );
    // Remembered for the agent.
    h.console.save_session();
    let again = Harness::open(&store, agent, dir.path().into()).await;
    assert!(again.console.speaks());
}

#[tokio::test]
async fn tab_leaves_the_plain_composer() {
    let (_db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    let option = livewindow::core::OPT_CKEDITOR;
    store.set_option(option, "N", Some(agent)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    let (chat, _) = chat_and_offer(&store, &mut h).await;
    // F6: the tabs, the offers' strip, the conversation.
    for _ in 0..3 {
        h.press(Named::F6).await;
    }
    assert_eq!(
        h.focused_id().await,
        Some(livewindow::ui::interaction::composer_id(chat))
    );
    h.typing("Hi").await;
    h.press(Named::Tab).await;
    assert!(h.focus_shows("Send").await, "Tab went on to Send");
    let draft = h.console.chat(chat).unwrap().draft().0;
    assert_eq!(
        draft.trim_end_matches('\n'),
        "Hi",
        "and typed no tab into the message"
    );
}
