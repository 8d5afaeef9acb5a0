//! Supervisors against a real store (SQLite, or PostgreSQL with `TEST_DATABASE_URL`):
//! monitoring, whispering, joining, moving, ending, setting a status, calls for help, the
//! board's figures and scope, the desk feed's board and watched chats, and the audit. A
//! whisper or an agent's private answer never reaches a customer's path.

mod common;

use common::{demo_with_available, fresh};
use futures::StreamExt;
use livewindow::Store;
use livewindow::channel::customer::{CustomerSession, describe};
use livewindow::core::supervise::{AuditAction, AuditFilter, Phase, Scope, Supervision};
use livewindow::core::{
    AgentStatus, ChatState, EventKind, NewMessage, Password, Role, Sender, StoreError,
    TransferTarget,
};
use livewindow::data::DeskEvent;
use livewindow::store::{InitialPassword, NewUser};
use std::time::Duration;

const MARIA: &str = "maria.santos@example.com";
const JAMES: &str = "james.chen@example.com";

async fn queue(store: &Store, name: &str) -> i64 {
    store.find_queue(Some(name)).await.unwrap().0
}

/// Sam Lee, a supervisor of `queues`.
async fn supervisor(store: &Store, email: &str, queues: &[i64]) -> i64 {
    let (user, _) = store
        .add_user(&NewUser {
            name: "Sam Lee".into(),
            email: email.into(),
            role: Role::Supervisor,
            max_chats: 3,
            queues: Vec::new(),
            password: InitialPassword::Given(Password::new("correct horse battery staple")),
        })
        .await
        .unwrap();
    for q in queues {
        assert!(store.set_supervised(user.agent.id, *q, true).await.unwrap());
    }
    user.agent.id
}

/// A chat from Ana in Support, accepted by `agent`, with a line each way.
async fn talking(store: &Store, agent: i64) -> i64 {
    let support = queue(store, "Support").await;
    let chat = store
        .enqueue(
            "Ana Lima",
            "ana.lima@example.com",
            support,
            Some("My kettle hums"),
        )
        .await
        .unwrap();
    store.accept(chat, agent).await.unwrap();
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

/// Every line the customer can see through the page's history and its socket's reads.
async fn customer_sees(store: &Store, chat: i64) -> Vec<String> {
    let window: Vec<String> = store
        .customer_messages_window(chat, 0, 500, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.message.body_text)
        .collect();
    let after: Vec<String> = store
        .customer_messages_after(chat, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body_text)
        .collect();
    assert_eq!(window, after, "the page's two reads agree");
    after
}

#[tokio::test]
async fn whisper_join_say_leave_and_private_lines_never_reach_the_customer() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA]).await;
    let maria = ids[0];
    let support = queue(&store, "Support").await;
    let sam = supervisor(&store, "sam.lee@example.com", &[support]).await;
    // The CLI customer's session, to read its events as its terminal would.
    let chat = talking(&store, maria).await;
    let cli = CustomerSession {
        store: store.clone(),
        chat_id: chat,
        queue_id: support,
        queue_name: "Support".into(),
        name: "Ana Lima".into(),
        after_event: 0,
    };

    let opened = store.monitor(sam, chat, 50).await.unwrap();
    assert_eq!(opened.chat.id, chat);
    assert!(opened.messages.iter().any(|m| m.body_text == "hello Ana"));
    let told = store.messages(chat).await.unwrap();
    let notice = told.last().unwrap();
    assert_eq!(notice.body_text, "Sam Lee is monitoring this chat");
    assert!(notice.internal, "the agent is told, the customer is not");
    // Monitoring again is not a second start.
    store.monitor(sam, chat, 50).await.unwrap();

    store
        .supervise(
            sam,
            &Supervision::Whisper {
                chat_id: chat,
                text: "Offer the refund".into(),
            },
        )
        .await
        .unwrap();
    let whisper = store.messages(chat).await.unwrap().pop().unwrap();
    assert!(whisper.internal && whisper.sender == Sender::Agent);
    assert_eq!(whisper.sender_name, "Sam Lee");
    // Maria answers privately.
    let private = NewMessage {
        internal: true,
        ..NewMessage::plain(Sender::Agent, "Maria Santos", Some(maria), "Will do")
    };
    store.send_message(chat, &private).await.unwrap();
    // A customer's line can never be made private.
    let sneaky = NewMessage {
        internal: true,
        ..NewMessage::plain(Sender::Customer, "Ana Lima", None, "visible to all")
    };
    store.send_message(chat, &sneaky).await.unwrap();
    assert!(
        !store.messages(chat).await.unwrap().pop().unwrap().internal,
        "a customer's line is never private"
    );

    // A supervisor who has not joined cannot write to the customer.
    let say = |text: &str| Supervision::Say {
        chat_id: chat,
        message: NewMessage::plain(Sender::Agent, "anyone", None, text),
    };
    assert_eq!(
        store.supervise(sam, &say("too early")).await.unwrap_err(),
        StoreError::NotYours
    );
    store
        .supervise(sam, &Supervision::Join { chat_id: chat })
        .await
        .unwrap();
    assert!(matches!(
        store
            .supervise(sam, &Supervision::Join { chat_id: chat })
            .await,
        Err(StoreError::Conflict(_))
    ));
    store
        .supervise(sam, &say("I am here to help"))
        .await
        .unwrap();
    let line = store.messages(chat).await.unwrap().pop().unwrap();
    assert_eq!(
        (line.sender_name.as_str(), line.internal),
        ("Sam Lee", false),
        "written as the supervisor, whatever the body says"
    );
    assert_eq!(
        store.chat(chat).await.unwrap().agent_id,
        Some(maria),
        "joining leaves the agent the owner"
    );
    store
        .supervise(sam, &Supervision::Leave { chat_id: chat })
        .await
        .unwrap();
    assert_eq!(
        store
            .supervise(sam, &say("after leaving"))
            .await
            .unwrap_err(),
        StoreError::NotYours
    );

    let seen = customer_sees(&store, chat).await;
    for hidden in [
        "Offer the refund",
        "Will do",
        "Sam Lee is monitoring this chat",
    ] {
        assert!(
            !seen.iter().any(|s| s == hidden),
            "{hidden} leaked: {seen:?}"
        );
    }
    for shown in [
        "Sam Lee (supervisor) joined the chat",
        "I am here to help",
        "Sam Lee left the chat",
    ] {
        assert!(seen.iter().any(|s| s == shown), "{shown} missing: {seen:?}");
    }
    // The terminal customer: every message event of the chat described as it would be.
    let mut printed = Vec::new();
    for e in store.events_after(0, 10_000).await.unwrap() {
        if e.chat_id == Some(chat)
            && let Some(line) = describe(&cli, e.kind, e.message_id).await.unwrap()
        {
            printed.push(line);
        }
    }
    let printed = printed.join("\n");
    assert!(printed.contains("I am here to help"), "{printed}");
    for hidden in ["Offer the refund", "Will do", "monitoring"] {
        assert!(!printed.contains(hidden), "{hidden} leaked to the terminal");
    }

    let audit = store
        .audit(&AuditFilter {
            chat_id: Some(chat),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let actions: Vec<AuditAction> = audit.iter().rev().map(|r| r.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::MonitorStart,
            AuditAction::Whisper,
            AuditAction::Join,
            AuditAction::Leave
        ]
    );
    assert!(
        audit
            .iter()
            .all(|r| r.actor == "Sam Lee" && r.actor_id == sam)
    );
    assert_eq!(audit[2].detail, "Offer the refund");
    store
        .supervise(sam, &Supervision::StopMonitor { chat_id: chat })
        .await
        .unwrap();
    let stopped = store
        .audit(&AuditFilter {
            user: Some("sam.lee@example.com".into()),
            limit: 1,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(stopped[0].action, AuditAction::MonitorStop);
}

#[tokio::test]
async fn agents_are_told_of_monitoring_only_when_the_option_says_so() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let support = queue(&store, "Support").await;
    let sam = supervisor(&store, "sam.lee@example.com", &[support]).await;
    store
        .set_option("SVC_CHAT_MONITOR_NOTIFY_AGENT", "N", None)
        .await
        .unwrap();
    let chat = talking(&store, maria).await;
    let before = store.messages(chat).await.unwrap().len();
    store.monitor(sam, chat, 10).await.unwrap();
    assert_eq!(store.messages(chat).await.unwrap().len(), before);
}

#[tokio::test]
async fn a_call_for_help_is_flagged_then_taken_up_and_the_agent_hears_who() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, JAMES]).await;
    let (maria, james) = (ids[0], ids[1]);
    let support = queue(&store, "Support").await;
    let sam = supervisor(&store, "sam.lee@example.com", &[support]).await;
    let chat = talking(&store, maria).await;
    let mut reader = store.desk_reader(maria, false).await.unwrap();
    let start = store.last_event_id().await.unwrap();

    assert_eq!(
        store.ask_help(james, chat).await.unwrap_err(),
        StoreError::NotYours,
        "only the chat's agent asks"
    );
    store.ask_help(maria, chat).await.unwrap();
    assert!(matches!(
        store.ask_help(maria, chat).await,
        Err(StoreError::Conflict(_))
    ));
    let board = store.board().await.unwrap();
    assert!(board.chats[&chat].help_ms.is_some());
    assert!(board.agents[&maria].asking_help);

    store
        .supervise(
            sam,
            &Supervision::Whisper {
                chat_id: chat,
                text: "Looking".into(),
            },
        )
        .await
        .unwrap();
    assert!(store.board().await.unwrap().chats[&chat].help_ms.is_none());
    let mut answered = None;
    for e in store.events_after(start, 1000).await.unwrap() {
        if let Some(DeskEvent::HelpAnswered { chat_id, by }) =
            reader.read(&store, &e).await.unwrap()
        {
            answered = Some((chat_id, by));
        }
    }
    assert_eq!(answered, Some((chat, "Sam Lee".to_string())));
    assert!(matches!(
        store
            .supervise(sam, &Supervision::Dismiss { chat_id: chat })
            .await,
        Err(StoreError::Conflict(_))
    ));
    store.ask_help(maria, chat).await.unwrap();
    store
        .supervise(sam, &Supervision::Dismiss { chat_id: chat })
        .await
        .unwrap();
    assert!(store.board().await.unwrap().chats[&chat].help_ms.is_none());
}

#[tokio::test]
async fn moving_taking_over_setting_status_and_ending_are_audited() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, JAMES]).await;
    let (maria, james) = (ids[0], ids[1]);
    let (support, billing) = (
        queue(&store, "Support").await,
        queue(&store, "Billing").await,
    );
    let sam = supervisor(&store, "sam.lee@example.com", &[support, billing]).await;
    store
        .set_agent_status(james, AgentStatus::Away)
        .await
        .unwrap();
    let chat = talking(&store, maria).await;

    // To a queue: back in line in Billing, Maria no longer has it.
    store
        .supervise(
            sam,
            &Supervision::Move {
                chat_id: chat,
                target: TransferTarget::Queue(billing),
            },
        )
        .await
        .unwrap();
    let moved = store.chat(chat).await.unwrap();
    assert_eq!(moved.queue_id, billing);
    assert_eq!(moved.agent_id, None, "Maria no longer has it");

    // Taking it over: Sam's at once.
    store
        .supervise(
            sam,
            &Supervision::Move {
                chat_id: chat,
                target: TransferTarget::Agent(sam),
            },
        )
        .await
        .unwrap();
    let taken = store.chat(chat).await.unwrap();
    assert_eq!(
        (taken.state, taken.agent_id),
        (ChatState::Active, Some(sam))
    );
    assert!(
        store
            .active_chats(sam)
            .await
            .unwrap()
            .iter()
            .any(|c| c.id == chat)
    );

    // To an agent who is away: refused, nothing changes.
    assert!(matches!(
        store
            .supervise(
                sam,
                &Supervision::Move {
                    chat_id: chat,
                    target: TransferTarget::Agent(james),
                },
            )
            .await,
        Err(StoreError::TargetAway { .. })
    ));
    assert_eq!(store.chat(chat).await.unwrap().agent_id, Some(sam));

    let before = store.board().await.unwrap().agents[&maria].status_ms;
    tokio::time::sleep(Duration::from_millis(5)).await;
    store
        .supervise(
            sam,
            &Supervision::SetStatus {
                agent_id: maria,
                status: AgentStatus::Away,
            },
        )
        .await
        .unwrap();
    let row = store.board().await.unwrap().agents[&maria].clone();
    assert_eq!(row.status, AgentStatus::Away);
    assert!(row.status_ms > before, "the time in status starts again");

    store
        .supervise(sam, &Supervision::End { chat_id: chat })
        .await
        .unwrap();
    assert_eq!(store.chat(chat).await.unwrap().state, ChatState::Ended);
    assert_eq!(
        store
            .supervise(sam, &Supervision::End { chat_id: chat })
            .await
            .unwrap_err(),
        StoreError::Ended
    );
    assert!(
        customer_sees(&store, chat)
            .await
            .iter()
            .any(|l| l == "A supervisor ended the chat.")
    );

    let audit = store.audit(&AuditFilter::default()).await.unwrap();
    let got: Vec<(AuditAction, Option<i64>, Option<i64>)> = audit
        .iter()
        .rev()
        .map(|r| (r.action, r.chat_id, r.agent_id))
        .collect();
    assert_eq!(
        got,
        [
            (AuditAction::Reassign, Some(chat), None),
            (AuditAction::Reassign, Some(chat), None),
            (AuditAction::StatusSet, None, Some(maria)),
            (AuditAction::End, Some(chat), None),
        ],
        "a refused move is not recorded"
    );
    assert_eq!(audit[1].detail, "away");
    assert_eq!(audit[3].detail, "to queue Billing");
}

#[tokio::test]
async fn the_board_counts_queues_agents_and_chats_and_cuts_them_by_scope() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[JAMES]).await;
    let james = ids[0];
    let (support, billing) = (
        queue(&store, "Support").await,
        queue(&store, "Billing").await,
    );
    let sam = supervisor(&store, "sam.lee@example.com", &[billing]).await;
    store.set_max_chats(james, 1).await.unwrap();
    // James takes one chat; two more wait in Support, one in Billing.
    let first = store
        .enqueue("Ana Lima", "ana@example.com", support, Some("one"))
        .await
        .unwrap();
    store.accept(first, james).await.unwrap();
    for who in ["Bo", "Cy"] {
        store
            .enqueue(who, &format!("{who}@example.com"), support, None)
            .await
            .unwrap();
    }
    let waiting_billing = store
        .enqueue("Di", "di@example.com", billing, None)
        .await
        .unwrap();
    // One who gave up.
    let gone = store
        .enqueue("Ed", "ed@example.com", billing, None)
        .await
        .unwrap();
    store.end_chat(gone, Sender::Customer).await.unwrap();

    let board = store.board().await.unwrap();
    let s = &board.queues[&support];
    assert_eq!(
        (s.waiting, s.offering, s.available),
        (2, 0, 0),
        "James is full"
    );
    assert!(s.oldest_ms.is_some());
    assert_eq!(s.answered_hour, 1);
    assert_eq!(s.service_level(), Some(100));
    let b = &board.queues[&billing];
    assert_eq!(b.abandoned_hour, 1);
    assert_eq!(b.service_level(), Some(0), "abandoned counts as missed");
    assert_eq!(board.chats[&first].phase, Phase::Active);
    assert_eq!(board.chats[&first].agent.as_deref(), Some("James Chen"));
    assert!(board.chats[&first].customer_last_ms.is_some());
    assert!(
        !board.chats.contains_key(&gone),
        "ended and unowned: off the board"
    );
    let j = &board.agents[&james];
    assert_eq!(
        (j.chats, j.max_chats, j.status),
        (1, 1, AgentStatus::Available)
    );

    let scope = store.board_scope(sam, false).await.unwrap().unwrap();
    assert_eq!(scope, Scope::Queues([billing].into()));
    let mine = board.scoped(&scope);
    assert_eq!(
        mine.chats.keys().copied().collect::<Vec<_>>(),
        vec![waiting_billing]
    );
    assert!(
        !mine.agents.contains_key(&james),
        "James works Support only"
    );
    assert_eq!(store.board_scope(james, false).await.unwrap(), None);
    assert_eq!(
        store.board_scope(james, true).await.unwrap(),
        Some(Scope::All)
    );
    assert!(
        !store
            .in_scope(&scope, &Supervision::End { chat_id: first })
            .await
            .unwrap(),
        "a Support chat is outside Sam's scope"
    );
}

#[tokio::test]
async fn a_supervisors_feed_brings_the_board_and_the_watched_chat() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let support = queue(&store, "Support").await;
    let sam = supervisor(&store, "sam.lee@example.com", &[support]).await;
    let chat = talking(&store, maria).await;
    let mut feed = store.desk_feed(sam, store.last_event_id().await.unwrap(), false);
    let next = async |feed: &mut livewindow::store::DeskFeed| {
        tokio::time::timeout(Duration::from_secs(10), feed.next())
            .await
            .expect("an event within 10 s")
            .expect("the feed goes on")
            .expect("no error")
            .event
    };
    // The first board is all of Sam's part.
    let DeskEvent::Board(first) = next(&mut feed).await else {
        panic!("the board first");
    };
    assert!(first.chats.iter().any(|c| c.id == chat));
    // A new chat changes it: only what changed comes.
    let later = store
        .enqueue("Bo", "bo@example.com", support, None)
        .await
        .unwrap();
    loop {
        if let DeskEvent::Board(d) = next(&mut feed).await
            && d.chats.iter().any(|c| c.id == later)
        {
            assert!(d.chats.len() < first.chats.len() + 1, "changes, not all");
            break;
        }
    }
    // Watching the chat brings its lines, private ones included.
    store.monitor(sam, chat, 10).await.unwrap();
    store
        .send_message(
            chat,
            &NewMessage::plain(Sender::Customer, "Ana Lima", None, "still humming"),
        )
        .await
        .unwrap();
    loop {
        if let DeskEvent::Message(m) = next(&mut feed).await
            && m.body_text == "still humming"
        {
            break;
        }
    }
    assert!(
        store
            .events_after(0, 10_000)
            .await
            .unwrap()
            .iter()
            .any(|e| e.kind == EventKind::Watch)
    );
}
