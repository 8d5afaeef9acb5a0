//! Sounds in the simulator against a real store: which event plays what. An offer rings at
//! once and every few seconds until it is answered; a customer's line rings when its chat
//! is not in view (or the window is not focused); mute silences both; the Sounds panel's
//! choices are remembered.

mod common;
mod ui;

use common::{demo_with_available, fresh};
use iced::keyboard::Modifiers;
use iced::keyboard::key::Named;
use livewindow::ui::console::{Message, View};
use livewindow::ui::sound::{Cue, Prefs, RING_EVERY, Tone, settings};
use ui::Harness;

async fn customer(store: &livewindow::Store, name: &str, email: &str) -> i64 {
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    store.enqueue(name, email, q, Some("Hello")).await.unwrap()
}

fn line(text: &str) -> livewindow::store::NewMessage {
    livewindow::store::NewMessage::plain(livewindow::core::Sender::Customer, "Ana Lima", None, text)
}

fn count(h: &Harness, cue: Cue) -> usize {
    h.console.sounded().iter().filter(|c| **c == cue).count()
}

#[tokio::test]
async fn offers_ring_until_answered_and_unseen_lines_ring_once() {
    let (_db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    assert!(h.console.sounded().is_empty());

    let chat = customer(&store, "Ana Lima", "ana.lima@example.com").await;
    h.pump().await;
    assert_eq!(h.console.sounded(), [Cue::Offer], "the offer rings at once");
    h.send(Message::Frame).await;
    assert_eq!(count(&h, Cue::Offer), 1, "not again at the next frame");
    tokio::time::sleep(RING_EVERY + std::time::Duration::from_millis(100)).await;
    h.send(Message::Frame).await;
    assert_eq!(
        count(&h, Cue::Offer),
        2,
        "again after a few seconds while it waits"
    );

    // Answered: the ringing stops.
    h.chord('a', Modifiers::ALT).await;
    h.press(Named::Enter).await;
    assert_eq!(h.console.front(), View::Chat(chat));
    tokio::time::sleep(RING_EVERY + std::time::Duration::from_millis(100)).await;
    h.send(Message::Frame).await;
    assert_eq!(count(&h, Cue::Offer), 2, "no ring once answered");

    // A line in the chat in view is seen, not rung.
    store
        .send_message(chat, &line("Is it fixed?"))
        .await
        .unwrap();
    h.pump().await;
    assert_eq!(count(&h, Cue::Message), 0, "in view: quiet");
    // Another tab in front: it rings, once for a burst.
    h.send(Message::Home).await;
    store.send_message(chat, &line("Hello?")).await.unwrap();
    store.send_message(chat, &line("Anyone?")).await.unwrap();
    h.pump().await;
    assert_eq!(
        count(&h, Cue::Message),
        1,
        "out of view: one ring for the burst"
    );
    // The window without focus: the chat in front is not seen either.
    h.send(Message::Select(chat)).await;
    h.send(Message::Focus(false)).await;
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    store
        .send_message(chat, &line("Still there?"))
        .await
        .unwrap();
    h.pump().await;
    assert_eq!(count(&h, Cue::Message), 2, "unfocused window: it rings");
}

#[tokio::test]
async fn mute_silences_and_the_panel_choices_are_remembered() {
    let (_db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;

    h.click("Sounds").await;
    assert!(h.console.sound_panel());
    assert!(h.shows("New chat offered:") && h.shows("Customer wrote:"));
    assert_eq!(
        h.console.sound_prefs(),
        Prefs::default(),
        "Chime, Pop, 80%, not muted"
    );
    h.snapshot("sounds_panel.png");
    h.send(Message::Sound(settings::Message::Offer(Tone::Bell)))
        .await;
    h.send(Message::Sound(settings::Message::Volume(settings::Volume(
        40,
    ))))
    .await;
    h.click("Mute").await;
    assert!(h.console.sound_prefs().mute);
    assert!(h.shows("Sounds (muted)"), "the toolbar says it is muted");

    customer(&store, "Ana Lima", "ana.lima@example.com").await;
    h.pump().await;
    assert_eq!(h.console.offers().len(), 1);
    assert!(h.console.sounded().is_empty(), "muted: the offer is silent");

    h.click("Close").await;
    assert!(!h.console.sound_panel());
    h.console.save_session();
    let again = Harness::open(&store, agent, dir.path().into()).await;
    let prefs = again.console.sound_prefs();
    assert_eq!(
        (prefs.offer, prefs.message, prefs.volume, prefs.mute),
        (Tone::Bell, Tone::Pop, 40, true)
    );
}
