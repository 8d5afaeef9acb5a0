//! The desks' event feeds through the process's one shared reader (SQLite, or PostgreSQL
//! with `TEST_DATABASE_URL`): each desk gets its own offers, chats and messages and nothing
//! of another agent's, in order and once; a desk that joins far behind catches up from the
//! table and then goes on live.

mod common;

use common::{demo_with_available, fresh};
use futures::{Stream, StreamExt};
use livewindow::Store;
use livewindow::core::{ChatState, NewMessage, Sender, StoreError};
use livewindow::data::{DeskEvent, FeedItem};
use std::time::Duration;

const MARIA: &str = "maria.santos@example.com";
const JAMES: &str = "james.chen@example.com";

/// A chat from a customer, offered to and accepted by `agent` (the only one available).
async fn chat_of(store: &Store, agent: i64, others: &[i64], name: &str) -> i64 {
    use livewindow::core::AgentStatus;
    for other in others {
        store
            .set_agent_status(*other, AgentStatus::Away)
            .await
            .unwrap();
    }
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    let chat = store
        .enqueue(name, &format!("{name}@example.com"), q, Some("Hello"))
        .await
        .unwrap();
    store.tick().await.unwrap();
    store.accept(chat, agent).await.expect("accept");
    for other in others {
        store
            .set_agent_status(*other, AgentStatus::Available)
            .await
            .unwrap();
    }
    chat
}

async fn customer_says(store: &Store, chat: i64, text: &str) -> i64 {
    let m = NewMessage::plain(Sender::Customer, "Customer", None, text);
    store.send_message(chat, &m).await.unwrap()
}

/// What a feed gives within `secs`, until it has been quiet for half a second.
async fn drain(
    feed: &mut (impl Stream<Item = Result<FeedItem, StoreError>> + Unpin),
    secs: u64,
) -> Vec<FeedItem> {
    let mut items = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_millis(500), feed.next()).await {
            Ok(Some(Ok(item))) => items.push(item),
            Ok(Some(Err(e))) => panic!("the feed failed: {e}"),
            Ok(None) => panic!("the feed ended"),
            Err(_) => break,
        }
    }
    items
}

fn has_queues(items: &[FeedItem]) -> bool {
    items
        .iter()
        .any(|i| matches!(i.event, DeskEvent::Queues(_)))
}

/// `drain`, then more until the queues' figures came or `secs` passed. They come on the
/// shared reader's tick (every 500 ms) after the desk is live, which can follow its last
/// line by more than `drain`'s half second of quiet.
async fn drain_with_queues(
    feed: &mut (impl Stream<Item = Result<FeedItem, StoreError>> + Unpin),
    secs: u64,
) -> Vec<FeedItem> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    let mut items = drain(feed, secs).await;
    while !has_queues(&items) && tokio::time::Instant::now() < deadline {
        items.extend(drain(feed, 1).await);
    }
    items
}

fn messages(items: &[FeedItem]) -> Vec<(i64, String)> {
    items
        .iter()
        .filter_map(|i| match &i.event {
            DeskEvent::Message(m) => Some((m.chat_id, m.body_text.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn each_desk_gets_its_own_events_once_and_in_order() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, JAMES]).await;
    let (maria, james) = (ids[0], ids[1]);
    let last = store.last_event_id().await.unwrap();
    let mut hers = store.desk_feed(maria, last, false);
    let mut his = store.desk_feed(james, last, false);

    let ana = chat_of(&store, maria, &[james], "ana").await;
    let bo = chat_of(&store, james, &[maria], "bo").await;
    for n in 0..20 {
        customer_says(&store, ana, &format!("ana {n}")).await;
        customer_says(&store, bo, &format!("bo {n}")).await;
    }

    let mine = drain_with_queues(&mut hers, 15).await;
    let theirs = drain_with_queues(&mut his, 15).await;
    let expect = |chat: i64, who: &str| {
        let mut v = vec![(chat, "Hello".to_string())];
        v.extend((0..20).map(|n| (chat, format!("{who} {n}"))));
        v
    };
    // The first line comes with the chat itself, not as a message event.
    let strip_first = |v: Vec<(i64, String)>| -> Vec<(i64, String)> {
        v.into_iter().filter(|(_, t)| t != "Hello").collect()
    };
    assert_eq!(
        strip_first(messages(&mine)),
        strip_first(expect(ana, "ana")),
        "Maria's desk: her chat's lines, once each, in order, none of James's"
    );
    assert_eq!(
        strip_first(messages(&theirs)),
        strip_first(expect(bo, "bo"))
    );
    for (items, other) in [(&mine, bo), (&theirs, ana)] {
        assert!(
            !items.iter().any(|i| match &i.event {
                DeskEvent::Offered(o) => o.chat_id == other,
                DeskEvent::ChatChanged(c) => c.id == other,
                _ => false,
            }),
            "nothing of the other agent's chat"
        );
        let ids: Vec<i64> = items
            .iter()
            .filter(|i| !matches!(i.event, DeskEvent::Queues(_)))
            .map(|i| i.id)
            .collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order: {ids:?}");
    }
    // Both desks got their queues' figures.
    assert!(has_queues(&mine), "Maria's desk got no queue figures");
    assert!(has_queues(&theirs), "James's desk got no queue figures");
}

#[tokio::test]
async fn a_desk_far_behind_catches_up_then_goes_on_live() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, JAMES]).await;
    let (maria, james) = (ids[0], ids[1]);
    let start = store.last_event_id().await.unwrap();
    // Another desk keeps the shared reader running and ahead.
    let mut his = store.desk_feed(james, store.last_event_id().await.unwrap(), false);
    let ana = chat_of(&store, maria, &[james], "ana").await;
    for n in 0..300 {
        customer_says(&store, ana, &format!("before {n}")).await;
    }
    drain(&mut his, 10).await;

    // Maria's desktop reconnects from long before: everything since, then what comes.
    let mut hers = store.desk_feed(maria, start, false);
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            for n in 0..50 {
                customer_says(&store, ana, &format!("after {n}")).await;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let items = drain(&mut hers, 30).await;
    writer.await.unwrap();
    let mut want: Vec<String> = (0..300).map(|n| format!("before {n}")).collect();
    want.extend((0..50).map(|n| format!("after {n}")));
    let got: Vec<String> = messages(&items).into_iter().map(|(_, t)| t).collect();
    let got: Vec<String> = got.into_iter().filter(|t| t != "Hello").collect();
    assert_eq!(got, want, "every line once, in order, across the catch-up");
    assert!(items.iter().any(|i| matches!(
        &i.event,
        DeskEvent::ChatChanged(c) if c.id == ana && c.state == ChatState::Active
    )));
}

async fn last_seen(store: &Store, agent: i64) -> i64 {
    sqlx::query_scalar("SELECT last_seen_ms FROM agents WHERE id = $1")
        .bind(agent)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// A server's gathered heartbeats: one transaction for all; each counts only from the
/// agent's current desk, and the answer tells every agent's current desk and status.
#[tokio::test]
async fn heartbeats_written_together_count_only_from_the_current_desk() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, JAMES]).await;
    let (maria, james) = (ids[0], ids[1]);
    let old_desk = store.claim_desk(maria).await.unwrap();
    let maria_desk = store.claim_desk(maria).await.unwrap();
    let james_desk = store.claim_desk(james).await.unwrap();
    let before = (
        last_seen(&store, maria).await,
        last_seen(&store, james).await,
    );
    tokio::time::sleep(Duration::from_millis(30)).await;
    let seen = store
        .desk_heartbeats(&[(maria, old_desk), (james, james_desk.clone())])
        .await
        .unwrap();
    assert_eq!(
        last_seen(&store, maria).await,
        before.0,
        "a superseded desk's heartbeat does not count"
    );
    assert!(last_seen(&store, james).await > before.1);
    let mut seen = seen;
    seen.sort_by_key(|s| s.0);
    use livewindow::core::AgentStatus;
    assert_eq!(
        seen,
        vec![
            (maria, Some(maria_desk), AgentStatus::Available),
            (james, Some(james_desk), AgentStatus::Available)
        ]
    );
}
