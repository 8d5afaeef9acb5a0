//! Transfers, presence and wrap-up against a real store (both databases): what moves, what
//! the customer and the next agent see, and the races between them.

mod common;

use common::{demo_with_available, fresh};
use livewindow::Store;
use livewindow::core::{
    self, AcceptError, AgentStatus, ChatState, EndReason, EventKind, OfferOutcome, Sender,
    StoreError, TransferKind, TransferTarget,
};
use livewindow::store::NewMessage;
use std::time::Duration;

const MARIA: &str = "maria.santos@example.com";
const JAMES: &str = "james.chen@example.com";
const PRIYA: &str = "priya.patel@example.com";

async fn queue(store: &Store, name: &str) -> i64 {
    store.find_queue(Some(name)).await.unwrap().0
}

/// A chat from Ana in Support, accepted and verified by `agent`, with a line each way.
async fn talking(store: &Store, agent: i64) -> i64 {
    let support = queue(store, "Support").await;
    let chat = store
        .enqueue("Ana Lima", "ana.lima@example.com", support, Some("hi"))
        .await
        .unwrap();
    store.accept(chat, agent).await.unwrap();
    let contact = store
        .match_contact("ana.lima@example.com", "Ana Lima")
        .await
        .unwrap()
        .unwrap();
    store.verify_contact(chat, agent, contact.id).await.unwrap();
    let name = store.agent(agent).await.unwrap().name;
    store
        .send_message(
            chat,
            &NewMessage::plain(Sender::Agent, &name, Some(agent), "hello Ana"),
        )
        .await
        .unwrap();
    chat
}

/// What the customer sees of the transcript: everything but internal lines.
async fn customer_view(store: &Store, chat: i64) -> Vec<String> {
    store
        .messages(chat)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| !m.internal)
        .map(|m| m.body_text)
        .collect()
}

#[tokio::test]
async fn a_transfer_to_a_queue_keeps_the_transcript_the_contact_and_its_place() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, PRIYA]).await;
    let (maria, priya) = (ids[0], ids[1]);
    store.set_max_chats(maria, 1).await.unwrap();
    store.set_max_chats(priya, 0).await.unwrap();
    let chat = talking(&store, maria).await;
    let contact = store.chat(chat).await.unwrap().contact_id;
    // A later customer waits in Billing: nobody has room.
    let billing = queue(&store, "Billing").await;
    let later = store
        .enqueue(
            "Bruno Okafor",
            "bruno@example.com",
            billing,
            Some("invoice"),
        )
        .await
        .unwrap();
    assert_eq!(store.chat(later).await.unwrap().state, ChatState::Queued);

    store
        .set_agent_status(maria, AgentStatus::Away)
        .await
        .unwrap();
    store
        .transfer(
            chat,
            maria,
            TransferTarget::Queue(billing),
            "Invoice 42 is wrong",
        )
        .await
        .unwrap();
    let c = store.chat(chat).await.unwrap();
    assert_eq!(
        (c.state, c.queue_name.as_str()),
        (ChatState::Queued, "Billing")
    );
    assert_eq!(c.agent_id, None);
    assert_eq!(c.contact_id, contact, "the verified contact stays");
    // Ahead of the chat that arrived later.
    assert_eq!(store.queue_position(chat).await.unwrap(), Some(1));
    assert_eq!(store.queue_position(later).await.unwrap(), Some(2));

    store.set_max_chats(priya, 1).await.unwrap();
    let offer = store.offer(chat).await.unwrap().expect("offered first");
    assert_eq!(offer.agent_id, priya);
    let t = offer.transfer.expect("marked as a transfer");
    assert_eq!(t.kind, TransferKind::Queue);
    assert_eq!(t.from_agent.as_deref(), Some("Maria Santos"));
    assert_eq!(t.from_queue, "Support");
    assert_eq!(t.note, "Invoice 42 is wrong");
    assert_eq!(t.contact.as_deref(), Some("Ana Lima"));
    assert_eq!(store.chat(later).await.unwrap().state, ChatState::Queued);

    store.accept(chat, priya).await.unwrap();
    let c = store.chat(chat).await.unwrap();
    assert_eq!(c.agent_name.as_deref(), Some("Priya Patel"));
    assert_eq!(c.contact_id, contact);
    // The whole transcript, attributed; the note is internal.
    let all: Vec<(String, String, bool)> = store
        .messages(chat)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.sender_name, m.body_text, m.internal))
        .collect();
    assert_eq!(
        all,
        [
            ("Ana Lima".into(), "hi".into(), false),
            ("Maria Santos".into(), "hello Ana".into(), false),
            ("Maria Santos".into(), "Invoice 42 is wrong".into(), true),
            (
                "Live Window".into(),
                "You are being transferred to Billing. Please wait for the next agent.".into(),
                false
            ),
        ]
    );
    let seen = customer_view(&store, chat).await;
    assert!(!seen.iter().any(|t| t.contains("Invoice 42")), "{seen:?}");
}

#[tokio::test]
async fn never_offered_back_to_the_agent_who_transferred_it_while_another_can_take_it() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, JAMES]).await;
    let (maria, james) = (ids[0], ids[1]);
    let support = queue(&store, "Support").await;
    let chat = talking(&store, maria).await;
    // Maria has the most room (4 against 3) once the chat leaves her: routing alone would
    // choose her.
    store
        .transfer(chat, maria, TransferTarget::Queue(support), "")
        .await
        .unwrap();
    assert_eq!(store.offer(chat).await.unwrap().unwrap().agent_id, james);
    // With James out of the picture, she is the one left.
    store.decline(chat, james, Some("busy")).await.unwrap();
    assert_eq!(store.offer(chat).await.unwrap().unwrap().agent_id, maria);
}

#[tokio::test]
async fn a_transfer_to_an_agent_stays_with_the_first_until_accepted() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, PRIYA, JAMES]).await;
    let (maria, priya, james) = (ids[0], ids[1], ids[2]);
    let chat = talking(&store, maria).await;

    store
        .transfer(chat, maria, TransferTarget::Agent(priya), "VIP")
        .await
        .unwrap();
    let offer = store.offer(chat).await.unwrap().unwrap();
    assert_eq!(offer.agent_id, priya);
    assert_eq!(offer.transfer.unwrap().kind, TransferKind::Agent);
    // Meanwhile the chat is Maria's, and both sides keep talking.
    assert_eq!(store.chat(chat).await.unwrap().agent_id, Some(maria));
    store
        .send_message(
            chat,
            &NewMessage::plain(Sender::Customer, "Ana Lima", None, "still there?"),
        )
        .await
        .unwrap();
    store
        .send_message(
            chat,
            &NewMessage::plain(Sender::Agent, "Maria Santos", Some(maria), "yes"),
        )
        .await
        .unwrap();
    // A second transfer waits for the first.
    assert!(matches!(
        store
            .transfer(chat, maria, TransferTarget::Agent(james), "")
            .await,
        Err(StoreError::Conflict(_))
    ));

    // Declined with a reason: back to Maria, who learns why.
    store
        .decline(chat, priya, Some("in a meeting"))
        .await
        .unwrap();
    let c = store.chat(chat).await.unwrap();
    assert_eq!((c.state, c.agent_id), (ChatState::Active, Some(maria)));
    let answer = store.transfer_answer(chat).await.unwrap().unwrap();
    assert_eq!(answer.to_agent, "Priya Patel");
    assert_eq!(answer.outcome, Some(OfferOutcome::Declined));
    assert_eq!(answer.reason.as_deref(), Some("in a meeting"));

    // Not answered in time: back to Maria too.
    store
        .set_option(core::OPT_OFFER_TIMEOUT, "1", Some(james))
        .await
        .unwrap();
    store
        .transfer(chat, maria, TransferTarget::Agent(james), "")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(store.expire_offers().await.unwrap(), 1);
    assert_eq!(store.chat(chat).await.unwrap().agent_id, Some(maria));
    let answer = store.transfer_answer(chat).await.unwrap().unwrap();
    assert_eq!(answer.outcome, Some(OfferOutcome::Expired));

    // Accepted: Priya has it now; Maria can neither write nor end it.
    store
        .transfer(chat, maria, TransferTarget::Agent(priya), "")
        .await
        .unwrap();
    store.accept(chat, priya).await.unwrap();
    assert_eq!(store.chat(chat).await.unwrap().agent_id, Some(priya));
    assert!(matches!(
        store
            .send_message(
                chat,
                &NewMessage::plain(Sender::Agent, "Maria Santos", Some(maria), "late"),
            )
            .await,
        Err(StoreError::NotYours)
    ));
    assert!(matches!(
        store.end_chat_as(chat, maria).await,
        Err(StoreError::NotYours)
    ));
    assert!(store.active_chats(maria).await.unwrap().is_empty());
    assert_eq!(store.active_chats(priya).await.unwrap().len(), 1);

    // An agent at capacity is refused with a clear reason.
    store.set_max_chats(james, 0).await.unwrap();
    let e = store
        .transfer(chat, priya, TransferTarget::Agent(james), "")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::TargetBusy { .. }), "{e}");
}

#[tokio::test]
async fn races_around_a_transfer() {
    let (db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, PRIYA, JAMES]).await;
    let (maria, priya, james) = (ids[0], ids[1], ids[2]);
    let other = Store::open(&db.url).await.unwrap();
    let billing = queue(&store, "Billing").await;

    // The customer leaves while the agent transfers: one of them wins, cleanly.
    for _ in 0..8 {
        let chat = talking(&store, maria).await;
        let (t, e) = tokio::join!(
            store.transfer(chat, maria, TransferTarget::Queue(billing), ""),
            other.end_chat(chat, Sender::Customer)
        );
        assert!(matches!(t, Ok(()) | Err(StoreError::Ended)), "{t:?}");
        assert!(e.unwrap().is_some(), "the customer's leave always ends it");
        let c = store.chat(chat).await.unwrap();
        assert_eq!(c.state, ChatState::Ended);
        let ends = store
            .events_after(0, 100_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == EventKind::ChatEnded && e.chat_id == Some(chat))
            .count();
        assert_eq!(ends, 1);
        // Nothing left dangling: no offer, and no wrap-up for Maria when it had left her.
        assert!(store.offer(chat).await.unwrap().is_none());
        if t.is_ok() {
            assert!(!c.in_wrap_up());
        } else {
            store.wrap_up(chat, maria, "Other", "").await.unwrap();
        }
    }

    // Two agents accept the same transfer: the one it was offered to wins.
    let chat = talking(&store, maria).await;
    store
        .transfer(chat, maria, TransferTarget::Agent(priya), "")
        .await
        .unwrap();
    let (p, j) = tokio::join!(store.accept(chat, priya), other.accept(chat, james));
    assert!(p.is_ok(), "{p:?}");
    assert!(
        matches!(j, Err(AcceptError::NotOffered | AcceptError::Taken)),
        "{j:?}"
    );
    assert_eq!(store.chat(chat).await.unwrap().agent_id, Some(priya));

    // A transfer to an agent who reaches capacity in the same instant: never over it.
    store.set_max_chats(james, 1).await.unwrap();
    for a in [maria, priya] {
        store.set_agent_status(a, AgentStatus::Away).await.unwrap();
    }
    let chat = store.active_chats(priya).await.unwrap()[0].id;
    let support = queue(&store, "Support").await;
    let (t, newcomer) = tokio::join!(
        store.transfer(chat, priya, TransferTarget::Agent(james), ""),
        other.enqueue("Carla Rossi", "carla@example.com", support, None)
    );
    let newcomer = newcomer.unwrap();
    let to_james = store.pending_offers(james).await.unwrap().len()
        + store.active_chats(james).await.unwrap().len();
    assert_eq!(to_james, 1, "James holds exactly his one slot");
    match t {
        Ok(()) => assert_eq!(store.chat(newcomer).await.unwrap().state, ChatState::Queued),
        Err(StoreError::TargetBusy { .. }) => {
            assert_eq!(
                store.offer(newcomer).await.unwrap().unwrap().agent_id,
                james
            );
        }
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test]
async fn a_silent_desktop_s_chats_go_back_to_their_queue_ahead_of_later_arrivals() {
    let (db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA]).await;
    let maria = ids[0];
    for (name, value) in [
        (core::OPT_ABSENT_INTERVAL, "1"),
        (core::OPT_AGENT_ABSENT_RETRIES, "2"),
        // The customer's client is not the one that died.
        (core::OPT_ENDUSER_ABSENT_RETRIES, "100"),
    ] {
        store.set_option(name, value, None).await.unwrap();
    }
    // Maria's desktop: its own connections, its desk, its heartbeats.
    let desktop = Store::open(&db.url).await.unwrap();
    let restored = desktop.restore(maria).await.unwrap();
    let chat = talking(&desktop, maria).await;
    let queued_ms = {
        let support = queue(&store, "Support").await;
        let later = store
            .enqueue("Bruno Okafor", "bruno@example.com", support, None)
            .await
            .unwrap();
        let _ = later;
        desktop
            .desk_tick(maria, &restored.desk, false)
            .await
            .unwrap();
        store.chat(chat).await.unwrap().created_ms
    };
    // The desktop dies: its connections go, and nothing more is heard from it.
    desktop.close().await;
    drop(desktop);
    let died = std::time::Instant::now();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    store.sweep().await.unwrap();
    let requeued_after = died.elapsed();

    let m = store.agent(maria).await.unwrap();
    assert_eq!(m.status, AgentStatus::Offline);
    let c = store.chat(chat).await.unwrap();
    assert_eq!(c.state, ChatState::Queued);
    assert_eq!(c.agent_id, None);
    assert!(c.created_ms <= queued_ms);
    assert_eq!(
        store.queue_position(chat).await.unwrap(),
        Some(1),
        "ahead of Bruno"
    );
    let seen = customer_view(&store, chat).await;
    assert_eq!(
        seen.last().map(String::as_str),
        Some("Your agent was disconnected; you are next in line.")
    );
    // Nothing lost: the whole transcript is still there.
    assert!(seen.iter().any(|t| t == "hello Ana"));
    // When Maria starts again she is told, once.
    let back = store.restore(maria).await.unwrap();
    assert_eq!(back.requeued.len(), 1);
    assert_eq!(back.requeued[0].chat_id, chat);
    assert!(store.restore(maria).await.unwrap().requeued.is_empty());
    println!("requeued {requeued_after:?} after the desktop died (window 2 s)");
}

#[tokio::test]
async fn absent_customers_overdue_requests_and_overdue_wrap_ups() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA]).await;
    let maria = ids[0];
    for (name, value) in [
        (core::OPT_ABSENT_INTERVAL, "1"),
        (core::OPT_ENDUSER_ABSENT_RETRIES, "2"),
        (core::OPT_WRAPUP_MAX, "1"),
    ] {
        store.set_option(name, value, None).await.unwrap();
    }
    let silent = talking(&store, maria).await;
    let support = queue(&store, "Support").await;
    store.set_max_chats(maria, 1).await.unwrap();
    let waiting = store
        .enqueue("Bruno Okafor", "bruno@example.com", support, None)
        .await
        .unwrap();
    // Bruno's client keeps saying it is there; Ana's went silent.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        store.customer_heartbeat(waiting).await.unwrap();
        store.heartbeat(maria).await.unwrap();
    }
    store.sweep().await.unwrap();
    let c = store.chat(silent).await.unwrap();
    assert_eq!(c.end_reason, Some(EndReason::CustomerLeft));
    assert!(c.in_wrap_up(), "the agent still wraps it up");
    assert_ne!(store.chat(waiting).await.unwrap().state, ChatState::Ended);

    // Past the maximum wrap-up time it completes by itself.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    store.heartbeat(maria).await.unwrap();
    store.customer_heartbeat(waiting).await.unwrap();
    store.sweep().await.unwrap();
    assert!(!store.chat(silent).await.unwrap().in_wrap_up());

    // A request nobody takes in time ends politely.
    store
        .set_agent_status(maria, AgentStatus::Away)
        .await
        .unwrap();
    store
        .set_option(core::OPT_QUEUED_DISCARD, "1", None)
        .await
        .unwrap();
    store.customer_heartbeat(waiting).await.unwrap();
    store.sweep().await.unwrap();
    let c = store.chat(waiting).await.unwrap();
    assert_eq!(c.end_reason, Some(EndReason::NoAgent));
    assert_eq!(
        customer_view(&store, waiting)
            .await
            .last()
            .map(String::as_str),
        Some(livewindow::store::DISCARD_LINE)
    );
}

#[tokio::test]
async fn the_newest_console_speaks_for_the_agent() {
    let (db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let second = Store::open(&db.url).await.unwrap();
    let old = store.restore(maria).await.unwrap();
    let new = second.restore(maria).await.unwrap();
    // The older desk learns at its next heartbeat that it must stop.
    assert!(
        store
            .desk_heartbeat(maria, &old.desk)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        second.desk_heartbeat(maria, &new.desk).await.unwrap(),
        Some(AgentStatus::Available)
    );
    // Closing the old window does not set the agent Offline for the new one.
    assert!(
        !store
            .set_desk_status(maria, &old.desk, AgentStatus::Offline)
            .await
            .unwrap()
    );
    assert_eq!(
        store.agent(maria).await.unwrap().status,
        AgentStatus::Available
    );
    assert!(
        second
            .set_desk_status(maria, &new.desk, AgentStatus::Offline)
            .await
            .unwrap()
    );
    assert_eq!(
        store.agent(maria).await.unwrap().status,
        AgentStatus::Offline
    );
}
