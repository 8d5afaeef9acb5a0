//! Transfers, wrap-up and presence in the console, clicked through iced_test's simulator
//! against a real store; two consoles on one database where a second agent is involved.

mod common;
mod ui;

use common::{demo_with_available, fresh};
use livewindow::core::{AgentStatus, ChatState, TransferTarget};
use livewindow::ui::console::{Message, View};
use livewindow::ui::{interaction, transfer, wrapup};
use ui::Harness;

const MARIA: &str = "maria.santos@example.com";
const PRIYA: &str = "priya.patel@example.com";

async fn ana(store: &livewindow::Store) -> i64 {
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    store
        .enqueue(
            "Ana Lima",
            "ana.lima@example.com",
            q,
            Some("My filter is red"),
        )
        .await
        .unwrap()
}

/// Maria's console with Ana's chat accepted and verified.
async fn maria_with_ana(
    store: &livewindow::Store,
    maria: i64,
    dir: &std::path::Path,
) -> (Harness, i64) {
    let mut h = Harness::open(store, maria, dir.into()).await;
    let chat = ana(store).await;
    h.pump().await;
    h.click("Accept (Alt+A)").await;
    h.click("Verify and Continue").await;
    assert_eq!(h.console.front(), View::Chat(chat));
    (h, chat)
}

fn dialog(chat: i64, m: transfer::Message) -> Message {
    Message::Chat(chat, interaction::Message::Dialog(m))
}

#[tokio::test]
async fn transfer_to_a_queue_and_the_next_agent_s_offer() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, PRIYA]).await;
    let (maria, priya) = (ids[0], ids[1]);
    let (md, pd) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut m, chat) = maria_with_ana(&store, maria, md.path()).await;
    let mut p = Harness::open(&store, priya, pd.path().into()).await;
    // Priya's card went to Maria; Priya sees no offer yet.
    p.pump().await;
    assert!(p.shows("Incoming (0)"));

    m.click("Transfer").await;
    assert!(m.shows("Queues"));
    assert!(m.shows("Agents"));
    // Agents who cannot take it are listed, not choosable (radio labels are drawn by the
    // radio itself, so the snapshot shows the others).
    assert!(m.shows("○ James Chen · Offline"));
    let billing = store.find_queue(Some("Billing")).await.unwrap().0;
    m.send(dialog(
        chat,
        transfer::Message::Choose(TransferTarget::Queue(billing)),
    ))
    .await;
    m.type_into("transfer-note", "Invoice 42 looks doubled")
        .await;
    m.snapshot("transfer_dialog.png");
    m.click("Confirm transfer").await;
    assert!(
        m.console.chat(chat).is_none(),
        "the chat left Maria's console"
    );
    assert_eq!(m.console.front(), View::Home);
    assert!(m.shows("Ana Lima's chat was transferred to Billing."));

    p.pump().await;
    assert!(p.shows("Incoming (1)"));
    assert!(p.shows("Transfer from Maria Santos (Support)"));
    assert!(p.shows("Note: Invoice 42 looks doubled"));
    assert!(p.shows("Verified contact: Ana Lima"));
    p.snapshot("transfer_offer.png");
    p.click("Accept (Alt+A)").await;
    // No second verification: the screen pop opens at once, with the whole transcript.
    assert_eq!(p.console.front(), View::Chat(chat));
    assert!(p.shows("Private from Maria Santos (the customer does not see this)"));
    assert!(p.shows("Invoice 42 looks doubled"));
    assert!(p.shows("My filter is red"));
    assert!(p.shows("Accounts"));
    let c = store.chat(chat).await.unwrap();
    assert_eq!((c.state, c.agent_id), (ChatState::Active, Some(priya)));
    p.snapshot("transfer_accepted.png");
}

#[tokio::test]
async fn transfer_to_an_agent_declined_then_accepted() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, PRIYA]).await;
    let (maria, priya) = (ids[0], ids[1]);
    let (md, pd) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut m, chat) = maria_with_ana(&store, maria, md.path()).await;
    let mut p = Harness::open(&store, priya, pd.path().into()).await;

    m.click("Transfer").await;
    m.send(dialog(
        chat,
        transfer::Message::Choose(TransferTarget::Agent(priya)),
    ))
    .await;
    m.click("Confirm transfer").await;
    assert!(m.shows(
        "Waiting for Priya Patel to accept the transfer; the chat stays with you until then."
    ));
    assert!(m.console.chat(chat).is_some());

    p.pump().await;
    assert!(p.shows("Transfer from Maria Santos (Support)"));
    p.type_into(&format!("decline-reason-{chat}"), "in a meeting")
        .await;
    p.click("Decline (Alt+D)").await;
    m.pump().await;
    assert!(m.shows(
        "Priya Patel declined the transfer of Ana Lima's chat: “in a meeting”. It stays with you."
    ));
    assert!(!m.shows(
        "Waiting for Priya Patel to accept the transfer; the chat stays with you until then."
    ));

    m.click("Transfer").await;
    m.send(dialog(
        chat,
        transfer::Message::Choose(TransferTarget::Agent(priya)),
    ))
    .await;
    m.click("Confirm transfer").await;
    p.pump().await;
    p.click("Accept (Alt+A)").await;
    assert_eq!(p.console.front(), View::Chat(chat));
    m.pump().await;
    assert!(m.console.chat(chat).is_none());
    assert!(m.shows("Priya Patel accepted the transfer of Ana Lima's chat."));
}

#[tokio::test]
async fn wrap_up_then_done() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let dir = tempfile::tempdir().unwrap();
    let (mut m, chat) = maria_with_ana(&store, maria, dir.path()).await;
    m.click("End chat").await;
    m.pump().await;
    assert!(m.shows("This chat has ended: the agent ended the chat. Wrap it up:"));
    assert_eq!(m.console.active(), 0);
    assert!(
        m.console.chat(chat).is_some(),
        "it stays in the list until Done"
    );
    m.click("Done").await;
    assert!(m.console.chat(chat).is_some(), "Done needs a disposition");
    m.send(Message::Chat(
        chat,
        interaction::Message::WrapUp(wrapup::Message::Disposition("Follow-up needed".into())),
    ))
    .await;
    m.type_into("wrapup-note", "call back on Monday").await;
    m.snapshot("wrap_up.png");
    m.click("Done").await;
    assert!(m.console.chat(chat).is_none());
    let c = store.chat(chat).await.unwrap();
    assert_eq!(c.disposition.as_deref(), Some("Follow-up needed"));
    assert!(!c.in_wrap_up());
}

#[tokio::test]
async fn status_set_elsewhere_stops_and_resumes_offers_and_the_queues_panel_follows() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let dir = tempfile::tempdir().unwrap();
    let mut m = Harness::open(&store, maria, dir.path().into()).await;
    assert!(m.shows("Your queues"));
    // An admin command sets her Away: the toolbar follows.
    store
        .set_agent_status(maria, AgentStatus::Away)
        .await
        .unwrap();
    m.pump().await;
    assert_eq!(m.console.agent().status, AgentStatus::Away);
    let chat = ana(&store).await;
    m.pump().await;
    m.send(Message::Frame).await;
    m.pump().await;
    assert!(m.shows("Incoming (0)"));
    assert!(m.shows("You are Away: no offers come in. 1 waiting in the queues."));
    let support = m
        .console
        .queues()
        .iter()
        .find(|q| q.name == "Support")
        .unwrap();
    assert_eq!((support.waiting, support.available), (1, 0));
    m.snapshot("queues_panel.png");
    // Available again (from another window): the offer arrives.
    store
        .set_agent_status(maria, AgentStatus::Available)
        .await
        .unwrap();
    m.pump().await;
    assert_eq!(m.console.agent().status, AgentStatus::Available);
    assert!(m.shows("Incoming (1)"));
    assert_eq!(m.console.offers().cards()[0].offer().chat_id, chat);
}

#[tokio::test]
async fn a_second_console_for_the_same_agent_takes_over() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut first = Harness::open(&store, maria, d1.path().into()).await;
    let mut second = Harness::open(&store, maria, d2.path().into()).await;
    first.tick().await;
    assert!(first.console.stopped());
    assert!(first.shows("This console has stopped"));
    first.snapshot("stopped.png");
    // Offers reach only the second.
    ana(&store).await;
    first.pump().await;
    second.pump().await;
    assert!(first.console.offers().is_empty());
    assert_eq!(second.console.offers().len(), 1);
    second.tick().await;
    assert!(!second.console.stopped());
    // Quitting the stopped one leaves the agent Available for the other.
    let quit = first.console.quit();
    first.settle(quit).await;
    assert_eq!(
        store.agent(maria).await.unwrap().status,
        AgentStatus::Available
    );
    // Taking over again stops the second.
    first.click("Use this desktop instead").await;
    assert!(!first.console.stopped());
    second.tick().await;
    assert!(second.console.stopped());
}
