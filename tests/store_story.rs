//! The store's story, on whichever backend TEST_DATABASE_URL selects.

mod common;

use common::{demo_with_available, fresh, is, wait_for};
use livewindow::Store;
use livewindow::core::{self, AgentStatus, ChatState, EndReason, EventKind, Sender};
use livewindow::store::{AcceptError, NewMessage, StoreError};

#[tokio::test]
async fn a_chat_from_request_to_end() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &["maria.santos@example.com"]).await;
    let maria = ids[0];
    let james = store.find_agent("James Chen").await.unwrap().id;
    let (support, _) = store.find_queue(Some("support")).await.unwrap();
    let mut events = store.subscribe(store.last_event_id().await.unwrap());

    // A customer asks; Maria is the only available agent in Support, so she is offered it.
    let chat = store
        .enqueue(
            "Ana Lima",
            "ana.lima@example.com",
            support,
            Some("My filter shows a red light"),
        )
        .await
        .unwrap();
    wait_for(&mut events, 10, is(EventKind::ChatQueued, chat)).await;
    let offered = wait_for(&mut events, 10, is(EventKind::ChatOffered, chat)).await;
    assert_eq!(offered.agent_id, Some(maria));
    let offer = store.offer(chat).await.unwrap().expect("pending offer");
    assert_eq!(offer.customer_name, "Ana Lima");
    assert_eq!(
        offer.first_message.as_deref(),
        Some("My filter shows a red light")
    );
    let now = store.now_ms().await.unwrap();
    let left = offer.deadline_ms - now;
    assert!(
        (25_000..=30_000).contains(&left),
        "30 s offer, {left} ms left"
    );
    assert_eq!(store.pending_offers(maria).await.unwrap().len(), 1);

    // Maria declines with a reason: the chat goes back, and is not offered to her again.
    store
        .decline(chat, maria, Some("end of shift"))
        .await
        .unwrap();
    wait_for(&mut events, 10, is(EventKind::OfferDeclined, chat)).await;
    store.tick().await.unwrap();
    assert_eq!(store.chat(chat).await.unwrap().state, ChatState::Queued);
    assert!(store.pending_offers(maria).await.unwrap().is_empty());
    assert_eq!(store.queue_position(chat).await.unwrap(), Some(1));

    // James comes online and gets it; he accepts.
    store
        .set_agent_status(james, AgentStatus::Available)
        .await
        .unwrap();
    let offered = wait_for(&mut events, 10, is(EventKind::ChatOffered, chat)).await;
    assert_eq!(offered.agent_id, Some(james));
    assert!(matches!(
        store.accept(chat, maria).await,
        Err(AcceptError::NotOffered)
    ));
    store.accept(chat, james).await.unwrap();
    wait_for(&mut events, 10, is(EventKind::ChatAccepted, chat)).await;
    let c = store.chat(chat).await.unwrap();
    assert_eq!(c.state, ChatState::Active);
    assert_eq!(c.agent_name.as_deref(), Some("James Chen"));
    assert_eq!(store.active_chats(james).await.unwrap().len(), 1);
    // A second accept (another desktop of his) is told the chat was taken.
    assert!(matches!(
        store.accept(chat, james).await,
        Err(AcceptError::Taken)
    ));

    // The contact is matched by email and verified.
    let contact = store
        .match_contact("ANA.LIMA@example.com", "whoever")
        .await
        .unwrap()
        .expect("Ana is a seeded contact");
    assert_eq!(contact.full_name(), "Ana Lima");
    store.verify_contact(chat, james, contact.id).await.unwrap();
    assert_eq!(store.chat(chat).await.unwrap().contact_id, Some(contact.id));

    // Messages both ways; a retried send with the same client id is stored once.
    let reply = NewMessage::plain(
        Sender::Agent,
        "James Chen",
        Some(james),
        "Hi Ana <3 & welcome",
    );
    let first = store.send_message(chat, &reply).await.unwrap();
    let again = store.send_message(chat, &reply).await.unwrap();
    assert_eq!(first, again);
    let m = wait_for(&mut events, 10, |e| {
        e.kind == EventKind::Message && e.message_id == Some(first)
    })
    .await;
    assert_eq!(m.chat_id, Some(chat));
    store
        .send_message(
            chat,
            &NewMessage::plain(Sender::Customer, "Ana Lima", None, "Thanks"),
        )
        .await
        .unwrap();
    let transcript = store.messages(chat).await.unwrap();
    let texts: Vec<_> = transcript.iter().map(|m| m.body_text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "My filter shows a red light",
            "Hi Ana <3 & welcome",
            "Thanks"
        ]
    );
    assert_eq!(transcript[1].body_html, "<p>Hi Ana &lt;3 &amp; welcome</p>");

    // James ends it; nothing more can be said.
    assert_eq!(
        store.end_chat_as(chat, james).await.unwrap(),
        EndReason::AgentEnded
    );
    wait_for(&mut events, 10, is(EventKind::ChatEnded, chat)).await;
    assert_eq!(store.end_chat(chat, Sender::Customer).await.unwrap(), None);
    let late = NewMessage::plain(Sender::Customer, "Ana Lima", None, "hello?");
    assert!(matches!(
        store.send_message(chat, &late).await,
        Err(StoreError::Ended)
    ));
    // The ended chat stays James's, in wrap-up, until he records how it went.
    let mine = store.active_chats(james).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].in_wrap_up());
    assert!(matches!(
        store.wrap_up(chat, james, "No such thing", "").await,
        Err(StoreError::Invalid { .. })
    ));
    store
        .wrap_up(chat, james, "resolved", "replaced the filter")
        .await
        .unwrap();
    wait_for(&mut events, 10, is(EventKind::ChatClosed, chat)).await;
    let done = store.chat(chat).await.unwrap();
    assert_eq!(done.disposition.as_deref(), Some("Resolved"));
    assert!(!done.in_wrap_up());
    assert!(store.active_chats(james).await.unwrap().is_empty());
}

#[tokio::test]
async fn abandon_capacity_transfer_and_expiry() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &["priya.patel@example.com"]).await;
    let priya = ids[0];
    store.set_max_chats(priya, 1).await.unwrap();
    let (support, _) = store.find_queue(Some("Support")).await.unwrap();
    let (billing, _) = store.find_queue(Some("Billing")).await.unwrap();

    // Capacity 1: the first chat is offered, the second waits.
    let a = store
        .enqueue("Bruno Okafor", "bruno@example.com", support, None)
        .await
        .unwrap();
    let b = store
        .enqueue("Carla Rossi", "carla@example.com", support, None)
        .await
        .unwrap();
    assert_eq!(store.chat(a).await.unwrap().state, ChatState::Offered);
    assert_eq!(store.chat(b).await.unwrap().state, ChatState::Queued);
    assert_eq!(store.queue_position(b).await.unwrap(), Some(2));
    // The pages' shared order says the same, and a chat that joined after it was read is
    // placed by its own count.
    assert_eq!(store.place_in_queue(a, support).await.unwrap(), Some(1));
    assert_eq!(store.place_in_queue(b, support).await.unwrap(), Some(2));
    let c = store
        .enqueue("Dina Hale", "dina@example.com", support, None)
        .await
        .unwrap();
    assert_eq!(store.place_in_queue(c, support).await.unwrap(), Some(3));
    store.end_chat(c, Sender::Customer).await.unwrap();

    // The waiting customer leaves: abandoned.
    assert_eq!(
        store.end_chat(b, Sender::Customer).await.unwrap(),
        Some(EndReason::Abandoned)
    );
    assert_eq!(store.queue_position(b).await.unwrap(), None);

    // Accept, then transfer to Billing: Priya works Billing too but her slot is free again
    // only after the transfer, and she is offered the chat again with its transcript.
    store.accept(a, priya).await.unwrap();
    store
        .send_message(
            a,
            &NewMessage::plain(Sender::Customer, "Bruno Okafor", None, "billing question"),
        )
        .await
        .unwrap();
    store
        .transfer(a, priya, core::TransferTarget::Queue(billing), "")
        .await
        .unwrap();
    let c = store.chat(a).await.unwrap();
    assert_eq!(c.queue_name, "Billing");
    assert_eq!(c.state, ChatState::Offered);
    // The customer's message and the transfer's line for them.
    assert_eq!(store.messages(a).await.unwrap().len(), 2);

    // A 1-second offer: accepting late fails with a clear reason and the chat is requeued
    // (and re-offered, since Priya is the only agent).
    store.decline(a, priya, None).await.unwrap();
    store
        .set_option(core::OPT_OFFER_TIMEOUT, "1", Some(priya))
        .await
        .unwrap();
    let c2 = store
        .enqueue("Daniel Tanaka", "daniel@example.com", support, None)
        .await
        .unwrap();
    assert_eq!(store.chat(c2).await.unwrap().state, ChatState::Offered);
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    let err = store.accept(c2, priya).await.unwrap_err();
    assert!(matches!(err, AcceptError::Expired), "{err}");
    assert!(err.to_string().contains("expired"));
    // The declined chat `a` never comes back to Priya, even with room for it: the late
    // accept gave `c2` back to her, and two more slots stay free.
    store.set_max_chats(priya, 3).await.unwrap();
    store.tick().await.unwrap();
    assert_eq!(store.pending_offers(priya).await.unwrap().len(), 1);
    assert_eq!(store.chat(a).await.unwrap().state, ChatState::Queued);
    assert_eq!(store.chat(c2).await.unwrap().state, ChatState::Offered);

    // Expiry by the sweeper, with nobody accepting: exactly the one offer of `c2` runs out,
    // and the sweep records it (the late accept's expiry came before `mark`).
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    let mark = store.last_event_id().await.unwrap();
    let n = store.expire_offers().await.unwrap();
    assert_eq!(n, 1, "the sweeper expired c2's offer");
    let swept: Vec<_> = store
        .events_after(mark, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == EventKind::OfferExpired)
        .map(|e| (e.chat_id, e.agent_id))
        .collect();
    assert_eq!(swept, [(Some(c2), Some(priya))]);
    // Routed again at once, and still never `a`.
    assert_eq!(store.chat(a).await.unwrap().state, ChatState::Queued);
}

#[tokio::test]
async fn options_agents_and_queues_reject_bad_input() {
    let (_db, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let again = store.seed_demo().await.unwrap();
    assert!(again.already_seeded);
    let maria = store.find_agent("maria.santos@example.com").await.unwrap();

    assert_eq!(
        store
            .option(core::OPT_CKEDITOR, None)
            .await
            .unwrap()
            .as_deref(),
        Some("Y")
    );
    store
        .set_option(core::OPT_CKEDITOR, "N", Some(maria.id))
        .await
        .unwrap();
    assert!(!store.rich_text_enabled(maria.id).await.unwrap());
    assert_eq!(
        store
            .option(core::OPT_CKEDITOR, None)
            .await
            .unwrap()
            .as_deref(),
        Some("Y")
    );
    assert!(
        store
            .set_option(core::OPT_CKEDITOR, "maybe", None)
            .await
            .is_err()
    );
    assert!(store.set_option("NO_SUCH_OPTION", "1", None).await.is_err());
    assert!(
        store
            .set_option(core::OPT_OFFER_TIMEOUT, "0", None)
            .await
            .is_err()
    );

    assert!(store.add_agent("", "x@example.com", 3).await.is_err());
    assert!(store.add_agent("X", "not-an-email", 3).await.is_err());
    assert!(
        store
            .add_agent("X", "MARIA.santos@example.com", 3)
            .await
            .is_err()
    );
    assert!(store.add_queue("support").await.is_err());
    assert!(store.find_queue(Some("nope")).await.is_err());
    assert!(store.find_agent("nobody@example.com").await.is_err());
    assert!(store.enqueue("Ana", "bad", 1, None).await.is_err());
    assert!(
        store
            .enqueue("Ana", "ana@example.com", 999, None)
            .await
            .is_err()
    );
    // Nothing half-written by the failures above.
    assert_eq!(store.agents().await.unwrap().len(), 3);
    assert_eq!(store.waiting_count(None).await.unwrap(), 0);
}

#[tokio::test]
async fn bulk_contacts_and_schema_from_the_future() {
    let (db, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let added = store.seed_contacts(20_000).await.unwrap();
    assert_eq!(added, 20_000);
    assert_eq!(store.contact_count().await.unwrap(), 20_320);
    store.seed_contacts(10).await.unwrap();
    assert_eq!(store.contact_count().await.unwrap(), 20_330);

    // A newer livewindow migrated this database: this one refuses it with a clear reason.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (29991231000000, 'from the future', TRUE, $1, 1)",
    )
    .bind(vec![0u8; 48])
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    store.close().await;
    let err = Store::open(&db.url).await.unwrap_err();
    assert!(matches!(err, StoreError::SchemaNewer(_)), "{err}");
    assert!(err.to_string().contains("newer livewindow"), "{err}");
}

/// A request is offered in its own transaction only when no chat waits ahead of it: here an
/// agent gets room without routing running (their status is set in the table), and the
/// chat that waited is the one offered, not the newcomer.
#[tokio::test]
async fn a_new_request_never_jumps_the_queue() {
    let (_db, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let maria = store.find_agent("Maria Santos").await.unwrap().id;
    let (support, _) = store.find_queue(Some("support")).await.unwrap();
    store.set_max_chats(maria, 1).await.unwrap();

    // Nobody is available: the first customer waits.
    let first = store
        .enqueue("Ana Lima", "ana.lima@example.com", support, None)
        .await
        .unwrap();
    assert_eq!(store.chat(first).await.unwrap().state, ChatState::Queued);

    // Maria becomes available behind routing's back.
    sqlx::query("UPDATE agents SET status = 'available', last_seen_ms = $1 WHERE id = $2")
        .bind(store.now_ms().await.unwrap())
        .bind(maria)
        .execute(store.pool())
        .await
        .unwrap();

    // A second customer asks: the first, who waited, is offered to Maria.
    let second = store
        .enqueue("Hugo Kowalski", "hugo@example.com", support, None)
        .await
        .unwrap();
    assert_eq!(store.chat(first).await.unwrap().state, ChatState::Offered);
    assert_eq!(store.chat(second).await.unwrap().state, ChatState::Queued);
    assert_eq!(store.pending_offers(maria).await.unwrap()[0].chat_id, first);

    // With nobody waiting, a request is offered at once, in its own transaction.
    store.decline(first, maria, None).await.unwrap();
    assert_eq!(store.chat(second).await.unwrap().state, ChatState::Offered);
    store.accept(second, maria).await.unwrap();
    store.end_chat_as(second, maria).await.unwrap();
    store.wrap_up(second, maria, "Resolved", "").await.unwrap();
    store.end_chat(first, Sender::Customer).await.unwrap();
    let third = store
        .enqueue("Olivia Ahmed", "olivia@example.com", support, None)
        .await
        .unwrap();
    assert_eq!(store.chat(third).await.unwrap().state, ChatState::Offered);
}
