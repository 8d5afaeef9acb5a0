//! Routing under races: 20 agents on 4 "desktops" (separate store handles) and 200 chats
//! arriving at once. Afterwards the event log is replayed to check every invariant at every
//! step: one offer at a time per chat, capacity never exceeded, a decliner never re-offered.

mod common;

use common::fresh;
use livewindow::Store;
use livewindow::core::{self, AgentStatus, EventKind, Sender};
use livewindow::store::{AcceptError, StoreError};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const AGENTS: usize = 20;
const CHATS: usize = 200;

/// A cheap deterministic hash, so each (agent, chat) decision is fixed but varied.
fn roll(agent: i64, chat: i64, salt: u64) -> u64 {
    let mut x = (agent as u64) << 32 ^ (chat as u64) ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x % 100
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_agents_two_hundred_chats() {
    let (db, setup) = fresh().await;
    let queue = setup.add_queue("Race").await.unwrap();
    setup
        .set_option(core::OPT_OFFER_TIMEOUT, "1", None)
        .await
        .unwrap();
    let mut desktops = vec![setup.clone()];
    for _ in 1..4 {
        desktops.push(Store::open(&db.url).await.unwrap());
    }
    let mut agents = Vec::new();
    for i in 0..AGENTS {
        let max = (i % 3 + 1) as i64;
        let a = setup
            .add_agent(
                &format!("Agent {i}"),
                &format!("agent{i}@race.example.com"),
                max,
            )
            .await
            .unwrap();
        setup.join_queue(a.id, queue).await.unwrap();
        setup
            .set_agent_status(a.id, AgentStatus::Available)
            .await
            .unwrap();
        agents.push((a.id, max));
    }

    let double_accepts = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(tokio::sync::Notify::new());
    let mut tasks = Vec::new();
    for (i, &(agent, _)) in agents.iter().enumerate() {
        let store = desktops[i % 4].clone();
        let other = desktops[(i + 1) % 4].clone();
        let double_accepts = double_accepts.clone();
        let stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            let mut handled = HashSet::new();
            let mut holding: Vec<(i64, tokio::time::Instant)> = Vec::new();
            loop {
                tokio::select! {
                    _ = stop.notified() => return,
                    _ = tokio::time::sleep(Duration::from_millis(5 + (agent as u64 % 7))) => {}
                }
                let _ = store.heartbeat(agent).await;
                let _ = store.tick().await;
                let now = tokio::time::Instant::now();
                let (done, keep): (Vec<_>, Vec<_>) =
                    holding.into_iter().partition(|(_, until)| *until <= now);
                holding = keep;
                for (chat, _) in done {
                    store.end_chat(chat, Sender::Agent).await.unwrap();
                }
                let offers = store.pending_offers(agent).await.unwrap();
                for offer in offers {
                    let attempt =
                        handled.iter().filter(|(c, _)| *c == offer.chat_id).count() as u64;
                    if !handled.insert((offer.chat_id, offer.deadline_ms)) {
                        continue;
                    }
                    match roll(agent, offer.chat_id, attempt) {
                        0..15 => match store.decline(offer.chat_id, agent, Some("busy")).await {
                            // Under load a 1-second offer can expire before the decline lands.
                            Ok(()) | Err(StoreError::Invalid { .. }) => {}
                            Err(e) => panic!("decline: {e}"),
                        },
                        15..25 => {} // ignore it: it expires
                        r => {
                            let won = if r >= 80 {
                                // The same agent accepts from two desktops at once.
                                let (a, b) = tokio::join!(
                                    store.accept(offer.chat_id, agent),
                                    other.accept(offer.chat_id, agent)
                                );
                                let wins = a.is_ok() as usize + b.is_ok() as usize;
                                for r in [&a, &b] {
                                    if let Err(e) = r {
                                        assert!(
                                            matches!(e, AcceptError::Taken | AcceptError::Expired),
                                            "unexpected: {e}"
                                        );
                                    }
                                }
                                if a.is_ok() || b.is_ok() || matches!(a, Err(AcceptError::Taken)) {
                                    double_accepts.fetch_add(1, Ordering::Relaxed);
                                }
                                assert!(wins <= 1, "two accepts both won");
                                wins == 1
                            } else {
                                match store.accept(offer.chat_id, agent).await {
                                    Ok(()) => true,
                                    Err(AcceptError::Expired) => false,
                                    Err(e) => panic!("accept: {e}"),
                                }
                            };
                            if won {
                                let hold = 10 + roll(agent, offer.chat_id, 99);
                                holding.push((offer.chat_id, now + Duration::from_millis(hold)));
                            }
                        }
                    }
                }
            }
        }));
    }

    // 200 customers arrive at once, through all four desktops' connections.
    let mut customers = Vec::new();
    for k in 0..CHATS {
        let store = desktops[k % 4].clone();
        customers.push(tokio::spawn(async move {
            store
                .enqueue(
                    &format!("Customer {k}"),
                    &format!("c{k}@example.com"),
                    queue,
                    None,
                )
                .await
                .unwrap()
        }));
    }
    let mut chats = Vec::new();
    for c in customers {
        chats.push(c.await.unwrap());
    }

    let deadline = tokio::time::Instant::now() + Duration::from_secs(180);
    while setup.ended_count().await.unwrap() < CHATS as i64 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "chats still open after 180 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.notify_waiters();
    for t in tasks {
        t.abort();
        let _ = t.await;
    }

    // Replay the event log, which is in commit order.
    let max: HashMap<i64, i64> = agents.iter().copied().collect();
    let mut load: HashMap<i64, i64> = HashMap::new();
    let mut offered_to: HashMap<i64, i64> = HashMap::new();
    let mut owner: HashMap<i64, i64> = HashMap::new();
    let mut declined: HashSet<(i64, i64)> = HashSet::new();
    let mut accepted: HashMap<i64, usize> = HashMap::new();
    let (mut expiries, mut declines) = (0, 0);
    let mut last_id = 0;
    let events = setup.events_after(0, 1_000_000).await.unwrap();
    for e in &events {
        assert!(e.id > last_id);
        last_id = e.id;
        let (Some(chat), Some(agent)) = (e.chat_id, e.agent_id) else {
            continue;
        };
        match e.kind {
            EventKind::ChatOffered => {
                assert!(
                    !offered_to.contains_key(&chat),
                    "chat {chat} offered to two agents at once"
                );
                assert!(
                    !declined.contains(&(chat, agent)),
                    "chat {chat} re-offered to agent {agent} who declined it"
                );
                offered_to.insert(chat, agent);
                let l = load.entry(agent).or_default();
                *l += 1;
                assert!(
                    *l <= max[&agent],
                    "agent {agent} over capacity ({l} > {})",
                    max[&agent]
                );
            }
            EventKind::OfferDeclined | EventKind::OfferExpired => {
                assert_eq!(offered_to.remove(&chat), Some(agent));
                *load.entry(agent).or_default() -= 1;
                if e.kind == EventKind::OfferDeclined {
                    declines += 1;
                    declined.insert((chat, agent));
                } else {
                    expiries += 1;
                }
            }
            EventKind::ChatAccepted => {
                assert_eq!(offered_to.remove(&chat), Some(agent));
                *accepted.entry(chat).or_default() += 1;
                owner.insert(chat, agent);
            }
            EventKind::ChatEnded => {
                assert_eq!(owner.remove(&chat), Some(agent));
                *load.entry(agent).or_default() -= 1;
            }
            _ => {}
        }
    }
    for chat in &chats {
        assert_eq!(
            accepted.get(chat),
            Some(&1),
            "chat {chat} accepted {:?} times",
            accepted.get(chat)
        );
    }
    assert!(load.values().all(|l| *l == 0));
    assert!(
        expiries > 0,
        "no offer expired: the expiry path was not exercised"
    );
    assert!(declines > 0, "no offer was declined");
    assert!(
        double_accepts.load(Ordering::Relaxed) > 0,
        "no double accept happened"
    );
    println!(
        "{} events; {declines} declines, {expiries} expiries, {} double accepts",
        events.len(),
        double_accepts.load(Ordering::Relaxed)
    );
    for d in desktops {
        d.close().await;
    }
}
