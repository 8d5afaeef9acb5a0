//! The event feed delivers every event exactly once, in order, across a subscriber that
//! drops and comes back, a held transaction (Postgres ids that would otherwise become visible
//! out of order), and (on Postgres) the server killing every connection.

mod common;

use common::fresh;
use futures::StreamExt;
use livewindow::Store;
use livewindow::core::{Event, EventKind};
use livewindow::store::{Backend, Subscription};
use std::time::Duration;
use tokio::sync::oneshot;

async fn take(events: &mut Subscription, n: usize) -> Vec<Event> {
    let mut got = Vec::new();
    while got.len() < n {
        let next = tokio::time::timeout(Duration::from_secs(30), events.next())
            .await
            .expect("the feed stalled")
            .expect("the feed ended");
        // Errors are reported while a connection is down; the stream goes on.
        if let Ok(e) = next {
            got.push(e);
        }
    }
    got
}

async fn write_chats(store: &Store, queue: i64, n: usize, tag: &str) {
    let mut tasks = Vec::new();
    for i in 0..n {
        let store = store.clone();
        let tag = tag.to_string();
        tasks.push(tokio::spawn(async move {
            store
                .enqueue(
                    &format!("Customer {tag}{i}"),
                    &format!("{tag}{i}@example.com"),
                    queue,
                    Some("hello"),
                )
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_event_once_in_order_across_reconnects() {
    let (db, store) = fresh().await;
    let queue = store.add_queue("Feed").await.unwrap();
    let start = store.last_event_id().await.unwrap();

    // Phase 1: 60 chats (2 events each) while subscriber A reads; A leaves after 50 events.
    let mut a = store.subscribe(start);
    write_chats(&store, queue, 60, "a").await;
    let first = take(&mut a, 50).await;
    drop(a);

    // Subscriber B resumes (live) after the last event A saw, from another "desktop".
    let other = Store::open(&db.url).await.unwrap();
    let mut b = other.subscribe(first.last().unwrap().id);

    // Phase 2: a transaction writes its event (its id drawn) and stays open while 30 more
    // chats are written.
    let (ready_tx, ready_rx) = oneshot::channel();
    let (go_tx, go_rx) = oneshot::channel();
    let held = {
        let store = store.clone();
        tokio::spawn(async move { store.emit_held(ready_tx, go_rx).await.unwrap() })
    };
    ready_rx.await.unwrap();
    let writers = {
        let store = store.clone();
        tokio::spawn(async move { write_chats(&store, queue, 30, "b").await })
    };
    let mut second = take(&mut b, 60 * 2 - 50).await;
    match store.backend() {
        // Writers run side by side: all 30 commit while the held one is open.
        Backend::Postgres => {
            let end = tokio::time::Instant::now() + Duration::from_secs(30);
            while !writers.is_finished() {
                assert!(tokio::time::Instant::now() < end, "the writers waited");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        // Writers are serialized: none gets in while it is open.
        Backend::Sqlite => {
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert!(!writers.is_finished(), "a writer got past the open one");
            assert_eq!(
                other.last_event_id().await.unwrap(),
                first.last().unwrap().id + 70,
                "something committed while a writer held the database"
            );
        }
    }
    // Nothing past the held id is delivered while it is in flight.
    assert!(
        tokio::time::timeout(Duration::from_millis(500), b.next())
            .await
            .is_err(),
        "an event was delivered while a smaller id was still in flight"
    );
    go_tx.send(()).unwrap();
    held.await.unwrap();
    writers.await.unwrap();
    second.extend(take(&mut b, 1 + 30 * 2).await);

    // Phase 3 (Postgres): the server drops every connection; B must carry on.
    if store.backend() == Backend::Postgres {
        let admin = sqlx::AnyPool::connect(
            &std::env::var("TEST_DATABASE_URL").expect("postgres run has TEST_DATABASE_URL"),
        )
        .await
        .unwrap();
        let name = db.url.rsplit('/').next().unwrap().to_string();
        sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()")
            .bind(name)
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let writer = Store::open(&db.url).await.unwrap();
    write_chats(&writer, queue, 20, "c").await;
    second.extend(take(&mut b, 40).await);

    let all: Vec<_> = first.into_iter().chain(second).collect();
    let table = writer.events_after(start, 100_000).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.id).collect::<Vec<_>>(),
        table.iter().map(|e| e.id).collect::<Vec<_>>(),
        "the subscriber's events differ from the table"
    );
    assert_eq!(all, table);
    assert_eq!(all.len(), 60 * 2 + 1 + 30 * 2 + 20 * 2);
    // The held id landed between the others: after every event of phase 1, before every
    // event of the chats written while it was open (on Postgres they committed first).
    let held_at = all
        .iter()
        .position(|e| e.kind == EventKind::AgentStatus)
        .expect("the held event");
    assert_eq!(held_at, 60 * 2, "the held event's place");
    // Nothing more arrives: exactly once.
    assert!(
        tokio::time::timeout(Duration::from_millis(500), b.next())
            .await
            .is_err(),
        "an extra event arrived"
    );
}

/// Postgres: writer U takes its transaction id, then T (a newer xid) draws event id N and
/// stays open; U then draws N+1 and commits. A reader that only compared each row's own xid
/// with the oldest running one would deliver N+1 (U is older than T) and never see N.
/// SQLite: T cannot start while U is open (writers are serialized), and T's event is not
/// delivered while T is open.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_older_transaction_never_carries_the_feed_past_a_running_one() {
    let (db, store) = fresh().await;
    let start = store.last_event_id().await.unwrap();
    let reader = Store::open(&db.url).await.unwrap();
    let mut feed = reader.subscribe(start);

    let (ready_tx, ready_rx) = oneshot::channel();
    let (go_tx, go_rx) = oneshot::channel();
    let older = {
        let store = store.clone();
        tokio::spawn(async move { store.emit_with_early_xid(ready_tx, go_rx).await.unwrap() })
    };
    ready_rx.await.unwrap();
    let (held_ready, mut held_ready_rx) = oneshot::channel();
    let (held_go, held_go_rx) = oneshot::channel();
    let held = {
        let store = store.clone();
        tokio::spawn(async move { store.emit_held(held_ready, held_go_rx).await.unwrap() })
    };
    let mut got = Vec::new();
    match store.backend() {
        Backend::Postgres => {
            tokio::time::timeout(Duration::from_secs(10), &mut held_ready_rx)
                .await
                .expect("the newer writer draws its id while the older is open")
                .unwrap();
            go_tx.send(()).unwrap();
            older.await.unwrap();
            // The older writer's event is committed; the held one's smaller id is not.
            // Nothing may be delivered yet.
            assert!(
                tokio::time::timeout(Duration::from_millis(300), feed.next())
                    .await
                    .is_err(),
                "an event was delivered while a smaller id was still in flight"
            );
        }
        Backend::Sqlite => {
            assert!(
                tokio::time::timeout(Duration::from_millis(300), &mut held_ready_rx)
                    .await
                    .is_err(),
                "two writers were open at once"
            );
            go_tx.send(()).unwrap();
            older.await.unwrap();
            held_ready_rx.await.unwrap();
            // The older event comes; the held one, written but not committed, does not.
            got = take(&mut feed, 1).await;
            assert!(
                tokio::time::timeout(Duration::from_millis(300), feed.next())
                    .await
                    .is_err(),
                "an event still in flight was delivered"
            );
        }
    }
    held_go.send(()).unwrap();
    held.await.unwrap();
    got.extend(take(&mut feed, 2 - got.len()).await);
    let table = reader.events_after(start, 100).await.unwrap();
    assert_eq!(got, table);
    assert_eq!(got.len(), 2);
    assert!(got[0].id < got[1].id);
}

/// Subscriptions of one handle share one reader: one that joins late, from an older id,
/// still gets every event once and in order, as does the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn subscriptions_of_one_handle_share_a_reader() {
    let (db, store) = fresh().await;
    let queue = store.add_queue("Hub").await.unwrap();
    let start = store.last_event_id().await.unwrap();
    let desk = Store::open(&db.url).await.unwrap();
    let mut first = desk.subscribe(start);
    write_chats(&store, queue, 20, "h").await;
    let a = take(&mut first, 40).await;
    // Joins after the hub has moved on, from the same old id.
    let mut late = desk.subscribe(start);
    write_chats(&store, queue, 10, "i").await;
    let mut a2 = a.clone();
    a2.extend(take(&mut first, 20).await);
    let b = take(&mut late, 60).await;
    let table = store.events_after(start, 1000).await.unwrap();
    assert_eq!(a2, table);
    assert_eq!(b, table);
}
