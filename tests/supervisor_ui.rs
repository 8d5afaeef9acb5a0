//! The Supervisor tab in the console, through iced_test's simulator against a real store:
//! a supervisor (their desk as a team's server serves it) and an agent on one database.
//! The board shows the chat; Monitor opens it; a whisper reaches the agent as a private
//! line; the agent's call for help is flagged and taken up; joining lets the supervisor
//! write to the customer with the composer; moving the chat takes it from the agent.

mod common;
mod ui;

use common::{demo_with_available, fresh};
use iced::keyboard::Modifiers;
use iced::keyboard::key::Named;
use livewindow::Store;
use livewindow::core::{Password, Role};
use livewindow::store::{InitialPassword, NewUser};
use livewindow::ui::console::{Message, View};
use livewindow::ui::supervisor;
use std::sync::Arc;
use ui::Harness;

const MARIA: &str = "maria.santos@example.com";

async fn sam(store: &Store) -> i64 {
    let support = store.find_queue(Some("Support")).await.unwrap().0;
    let (user, _) = store
        .add_user(&NewUser {
            name: "Sam Lee".into(),
            email: "sam.lee@example.com".into(),
            role: Role::Supervisor,
            max_chats: 3,
            queues: Vec::new(),
            password: InitialPassword::Given(Password::new("correct horse battery staple")),
        })
        .await
        .unwrap();
    store
        .set_supervised(user.agent.id, support, true)
        .await
        .unwrap();
    user.agent.id
}

#[tokio::test]
async fn a_supervisor_monitors_whispers_answers_a_call_joins_and_moves_a_chat() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let sam = sam(&store).await;
    let (md, sd) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut m = Harness::open(&store, maria, md.path().into()).await;
    let served: livewindow::data::Data = Arc::new(store.served_desk(sam));
    let mut s = Harness::open_over(&store, served, sd.path().into()).await;

    let (support, _) = store.find_queue(Some("Support")).await.unwrap();
    let chat = store
        .enqueue(
            "Ana Lima",
            "ana.lima@example.com",
            support,
            Some("My kettle hums"),
        )
        .await
        .unwrap();
    m.pump().await;
    m.click("Accept (Alt+A)").await;
    m.click("Verify and Continue").await;

    // The board: the queue, Maria, Ana's chat.
    s.pump().await;
    s.click("Supervisor").await;
    assert_eq!(s.console.front(), View::Supervisor);
    for shown in ["Queues", "Support", "Maria Santos", "Ana Lima", "Active"] {
        assert!(s.shows(shown), "the board shows {shown}");
    }
    let board = s.console.supervisor().expect("the tab").board();
    assert!(board.chats.contains_key(&chat));
    assert!(
        !board.queues.values().any(|q| q.name == "Billing"),
        "Sam's queues only"
    );

    // Monitor: the transcript, read-only, with the customer's record.
    s.click("Monitor").await;
    assert!(s.shows("Monitoring Ana Lima · Support · with Maria Santos"));
    assert!(s.shows("My kettle hums"));
    m.pump().await;
    assert!(m.shows("Sam Lee is monitoring this chat (the customer does not see this)"));

    // A whisper: Maria sees it as private; Ana never does.
    s.type_into(supervisor::WHISPER, "Offer the refund").await;
    s.click("Whisper").await;
    m.pump().await;
    assert!(m.shows("Private from Sam Lee (the customer does not see this)"));
    assert!(m.shows("Offer the refund"));
    let customer: Vec<String> = store
        .customer_messages_after(chat, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.body_text)
        .collect();
    assert!(!customer.iter().any(|l| l.contains("refund")));
    // Maria may now answer privately.
    m.click("Private: the customer does not see what I send")
        .await;
    assert!(m.console.chat(chat).unwrap().private());

    // A call for help, flagged on the board and taken up.
    m.click("Ask for help").await;
    assert!(m.shows("Help asked: waiting for a supervisor"));
    s.pump().await;
    assert!(
        s.shows("Maria Santos asks for help with Ana Lima"),
        "flagged at the top"
    );
    s.click("Dismiss").await;
    m.pump().await;
    assert!(m.shows("Sam Lee took up your call for help"));

    // Join, and write to Ana with the composer.
    s.click("Join the chat").await;
    assert!(s.shows("You are in the conversation: the customer sees what you write."));
    s.click_id(&format!("composer-{chat}")).await;
    s.typing("Sam here, I can help").await;
    s.named(Named::Enter, Modifiers::empty()).await;
    let customer: Vec<String> = store
        .customer_messages_after(chat, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.body_text)
        .collect();
    assert!(
        customer
            .iter()
            .any(|l| l == "Sam Lee (supervisor) joined the chat")
    );
    assert!(
        customer.iter().any(|l| l == "Sam here, I can help"),
        "{customer:?}"
    );
    m.pump().await;
    assert!(m.shows("Sam here, I can help"));

    // Move it to Billing: it leaves Maria's desk.
    let billing = store.find_queue(Some("Billing")).await.unwrap().0;
    s.send(Message::Supervisor(supervisor::Message::Watch(
        supervisor::WatchMessage::Move(livewindow::core::TransferTarget::Queue(billing)),
    )))
    .await;
    let moved = store.chat(chat).await.unwrap();
    assert_eq!(moved.queue_id, billing);
    m.pump().await;
    assert!(m.console.chat(chat).is_none(), "no longer Maria's");
    let actions: Vec<_> = store
        .audit(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action.as_str())
        .collect();
    assert_eq!(
        actions,
        ["reassign", "join", "dismiss", "whisper", "monitor_start"]
    );
}
