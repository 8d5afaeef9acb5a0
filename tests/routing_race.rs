//! Routing under races: 20 agents on 4 "desktops" (separate store handles) and 200 chats
//! arriving at once. Agents decline, ignore, accept (sometimes from two desktops at once),
//! transfer chats to the other queue or to another agent, end them and wrap them up, while
//! customers write and some leave. Afterwards the event log is replayed to check every
//! invariant at every step: one owner at a time, one offer at a time, capacity (wrap-up
//! included) never exceeded, a decliner never re-offered by routing, each chat ended exactly
//! once and closed by its owner, and every message kept in the order it was sent.

mod common;

use common::fresh;
use livewindow::Store;
use livewindow::core::{self, AgentStatus, EventKind, Sender, TransferTarget};
use livewindow::store::{AcceptError, ChatFilter, NewMessage, StoreError};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

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

/// What an agent means to do with a chat of theirs, and when.
#[derive(Debug, Clone, Copy)]
enum Plan {
    End,
    ToQueue,
    ToAgent(i64),
}

#[derive(Default)]
struct Counts {
    double_accepts: AtomicUsize,
    to_queue: AtomicUsize,
    to_agent: AtomicUsize,
    left: AtomicUsize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_agents_two_hundred_chats() {
    let (db, setup) = fresh().await;
    let queue = setup.add_queue("Race").await.unwrap();
    let overflow = setup.add_queue("Overflow").await.unwrap();
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
        setup.join_queue(a.id, overflow).await.unwrap();
        setup
            .set_agent_status(a.id, AgentStatus::Available)
            .await
            .unwrap();
        agents.push((a.id, max));
    }
    let ids: Vec<i64> = agents.iter().map(|(id, _)| *id).collect();

    let counts = Arc::new(Counts::default());
    let transfers: Arc<Mutex<HashMap<i64, u64>>> = Arc::default();
    let stop = Arc::new(tokio::sync::Notify::new());
    let mut tasks = Vec::new();
    for (i, &(agent, _)) in agents.iter().enumerate() {
        let store = desktops[i % 4].clone();
        let other = desktops[(i + 1) % 4].clone();
        let (counts, transfers, stop) = (counts.clone(), transfers.clone(), stop.clone());
        let ids = ids.clone();
        tasks.push(tokio::spawn(async move {
            let mut handled = HashSet::new();
            let mut plans: HashMap<i64, (Instant, Plan)> = HashMap::new();
            let mut wrapping: HashMap<i64, Instant> = HashMap::new();
            let mut attempts: HashMap<i64, u32> = HashMap::new();
            loop {
                tokio::select! {
                    _ = stop.notified() => return,
                    _ = tokio::time::sleep(Duration::from_millis(5 + (agent as u64 % 7))) => {}
                }
                let _ = store.heartbeat(agent).await;
                let _ = store.tick().await;
                let now = Instant::now();
                let mine = store.active_chats(agent).await.unwrap();
                plans.retain(|chat, _| mine.iter().any(|c| c.id == *chat && !c.in_wrap_up()));
                for c in &mine {
                    if c.in_wrap_up() {
                        let due = *wrapping
                            .entry(c.id)
                            .or_insert(now + Duration::from_millis(5 + roll(agent, c.id, 7) / 4));
                        if due <= now {
                            store.wrap_up(c.id, agent, "Resolved", "").await.unwrap();
                            wrapping.remove(&c.id);
                        }
                        continue;
                    }
                    let done = transfers.lock().unwrap().get(&c.id).copied().unwrap_or(0);
                    let (due, plan) = *plans.entry(c.id).or_insert_with(|| {
                        let r = roll(agent, c.id, 31 + done);
                        let plan = match r {
                            0..12 if done < 2 => Plan::ToQueue,
                            // Someone else, chosen per chat.
                            12..32 if done < 2 => {
                                Plan::ToAgent(ids[(i + 1 + r as usize % (AGENTS - 1)) % AGENTS])
                            }
                            _ => Plan::End,
                        };
                        (now + Duration::from_millis(10 + r / 2), plan)
                    });
                    if due > now {
                        continue;
                    }
                    let target = match plan {
                        Plan::End => {
                            match store.end_chat_as(c.id, agent).await {
                                // Transferred away or ended by the customer meanwhile.
                                Ok(_) | Err(StoreError::NotYours | StoreError::Ended) => {}
                                Err(e) => panic!("end: {e}"),
                            }
                            plans.remove(&c.id);
                            continue;
                        }
                        Plan::ToQueue => {
                            let to = if c.queue_id == queue { overflow } else { queue };
                            TransferTarget::Queue(to)
                        }
                        Plan::ToAgent(b) => TransferTarget::Agent(b),
                    };
                    let to_agent = matches!(target, TransferTarget::Agent(_));
                    let mut tries = attempts.get(&c.id).copied().unwrap_or(0);
                    match store.transfer(c.id, agent, target, "over to you").await {
                        Ok(()) => {
                            *transfers.lock().unwrap().entry(c.id).or_default() += 1;
                            let n = if to_agent {
                                &counts.to_agent
                            } else {
                                &counts.to_queue
                            };
                            n.fetch_add(1, Ordering::Relaxed);
                        }
                        // The colleague is full: try each of the others once, then give
                        // up (with a few tries only, a busy run could see no transfer to an
                        // agent at all, and the path would go untested).
                        Err(StoreError::TargetBusy { .. } | StoreError::TargetAway { .. })
                            if to_agent && (tries as usize) < AGENTS - 2 =>
                        {
                            tries += 1;
                            attempts.insert(c.id, tries);
                            let next =
                                ids[(i + 1 + (c.id as usize + tries as usize) % (AGENTS - 1))
                                    % AGENTS];
                            plans.insert(
                                c.id,
                                (now + Duration::from_millis(30), Plan::ToAgent(next)),
                            );
                            continue;
                        }
                        // The customer left, or nobody could take it.
                        Err(
                            StoreError::Conflict(_)
                            | StoreError::Ended
                            | StoreError::NotYours
                            | StoreError::TargetBusy { .. }
                            | StoreError::TargetAway { .. },
                        ) => {}
                        Err(e) => panic!("transfer: {e}"),
                    }
                    // If nobody takes it, it is still ours: end it after the offer's time.
                    plans.insert(c.id, (now + Duration::from_millis(1500), Plan::End));
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
                            let gone = |e: &AcceptError| {
                                matches!(
                                    e,
                                    AcceptError::Taken
                                        | AcceptError::Expired
                                        | AcceptError::CustomerLeft
                                        | AcceptError::NotOffered
                                )
                            };
                            if r >= 80 {
                                // The same agent accepts from two desktops at once.
                                let (a, b) = tokio::join!(
                                    store.accept(offer.chat_id, agent),
                                    other.accept(offer.chat_id, agent)
                                );
                                for r in [&a, &b] {
                                    if let Err(e) = r {
                                        assert!(gone(e), "unexpected: {e}");
                                    }
                                }
                                if a.is_ok() || b.is_ok() || matches!(a, Err(AcceptError::Taken)) {
                                    counts.double_accepts.fetch_add(1, Ordering::Relaxed);
                                }
                                assert!(
                                    a.is_ok() as usize + b.is_ok() as usize <= 1,
                                    "two accepts both won"
                                );
                            } else if let Err(e) = store.accept(offer.chat_id, agent).await {
                                assert!(gone(&e), "accept: {e}");
                            }
                        }
                    }
                }
            }
        }));
    }

    // 200 customers arrive at once, through all four desktops' connections; each writes
    // three lines over time, and some leave after the second.
    let sent: Arc<Mutex<HashMap<i64, Vec<i64>>>> = Arc::default();
    let mut customers = Vec::new();
    for k in 0..CHATS {
        let store = desktops[k % 4].clone();
        let (sent, counts) = (sent.clone(), counts.clone());
        customers.push(tokio::spawn(async move {
            let name = format!("Customer {k}");
            let chat = store
                .enqueue(&name, &format!("c{k}@example.com"), queue, None)
                .await
                .unwrap();
            for n in 1..=3u64 {
                tokio::time::sleep(Duration::from_millis(20 + roll(k as i64, n as i64, 3) * 3))
                    .await;
                let m = NewMessage::plain(Sender::Customer, &name, None, &format!("line {n}"));
                match store.send_message(chat, &m).await {
                    Ok(id) => sent.lock().unwrap().entry(chat).or_default().push(id),
                    Err(StoreError::Ended) => break,
                    Err(e) => panic!("send: {e}"),
                }
                if n == 2 && roll(k as i64, chat, 5) < 10 {
                    if store
                        .end_chat(chat, Sender::Customer)
                        .await
                        .unwrap()
                        .is_some()
                    {
                        counts.left.fetch_add(1, Ordering::Relaxed);
                    }
                    break;
                }
            }
            chat
        }));
    }
    let mut chats = Vec::new();
    for c in customers {
        chats.push(c.await.unwrap());
    }

    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let ended = setup.ended_count().await.unwrap();
        let wrapping = setup
            .list_chats(None, Some(ChatFilter::WrapUp), 1)
            .await
            .unwrap();
        if ended == CHATS as i64 && wrapping.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{ended} of {CHATS} chats ended after 240 s"
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
    let mut wrapup: HashMap<i64, i64> = HashMap::new();
    let mut declined: HashSet<(i64, i64)> = HashSet::new();
    let mut ended: HashMap<i64, usize> = HashMap::new();
    let mut closed: HashSet<i64> = HashSet::new();
    let (mut expiries, mut declines, mut agent_transfers_accepted) = (0, 0, 0);
    let mut last_id = 0;
    let events = setup.events_after(0, 1_000_000).await.unwrap();
    for e in &events {
        assert!(e.id > last_id);
        last_id = e.id;
        let Some(chat) = e.chat_id else { continue };
        let drop_load = |load: &mut HashMap<i64, i64>, agent: i64| {
            let l = load.entry(agent).or_default();
            *l -= 1;
            assert!(
                *l >= 0,
                "agent {agent}'s load went negative at event {}",
                e.id
            );
        };
        match e.kind {
            EventKind::ChatOffered => {
                let agent = e.agent_id.expect("an offer names its agent");
                assert!(
                    !offered_to.contains_key(&chat),
                    "chat {chat} offered to two agents at once"
                );
                if !owner.contains_key(&chat) {
                    assert!(
                        !declined.contains(&(chat, agent)),
                        "chat {chat} re-offered to agent {agent} who declined it"
                    );
                }
                offered_to.insert(chat, agent);
                let l = load.entry(agent).or_default();
                *l += 1;
                assert!(
                    *l <= max[&agent],
                    "agent {agent} over capacity ({l} > {}) at event {}",
                    max[&agent],
                    e.id
                );
            }
            EventKind::OfferDeclined | EventKind::OfferExpired => {
                let agent = e.agent_id.expect("names its agent");
                assert_eq!(offered_to.remove(&chat), Some(agent));
                drop_load(&mut load, agent);
                if e.kind == EventKind::OfferDeclined {
                    declines += 1;
                    declined.insert((chat, agent));
                } else {
                    expiries += 1;
                }
            }
            EventKind::ChatAccepted => {
                let agent = e.agent_id.expect("names its agent");
                assert_eq!(offered_to.remove(&chat), Some(agent), "accepted unoffered");
                if let Some(first) = owner.remove(&chat) {
                    // A transfer to this agent: the first lets go only now.
                    drop_load(&mut load, first);
                    agent_transfers_accepted += 1;
                }
                owner.insert(chat, agent);
            }
            EventKind::ChatTransferred => {
                let from = owner.remove(&chat);
                assert!(
                    from.is_some(),
                    "chat {chat} transferred while nobody had it"
                );
                assert_eq!(
                    from, e.agent_id,
                    "transferred by someone who did not have it"
                );
                if let Some(a) = from {
                    drop_load(&mut load, a);
                }
                if let Some(b) = offered_to.remove(&chat) {
                    drop_load(&mut load, b);
                }
            }
            EventKind::ChatEnded => {
                *ended.entry(chat).or_default() += 1;
                if let Some(b) = offered_to.remove(&chat) {
                    drop_load(&mut load, b);
                }
                if let Some(a) = owner.remove(&chat) {
                    assert_eq!(e.agent_id, Some(a));
                    wrapup.insert(chat, a);
                }
            }
            EventKind::ChatClosed => {
                let agent = e.agent_id.expect("names its agent");
                assert_eq!(wrapup.remove(&chat), Some(agent), "closed by a stranger");
                drop_load(&mut load, agent);
                assert!(closed.insert(chat), "chat {chat} closed twice");
            }
            _ => {}
        }
    }
    for chat in &chats {
        assert_eq!(
            ended.get(chat),
            Some(&1),
            "chat {chat} ended {:?} times",
            ended.get(chat)
        );
    }
    assert!(owner.is_empty() && wrapup.is_empty() && offered_to.is_empty());
    assert!(load.values().all(|l| *l == 0), "loads left: {load:?}");

    // Every line the customers' sends confirmed is there once, in the order they sent it.
    let sent = sent.lock().unwrap().clone();
    for chat in &chats {
        let stored: Vec<i64> = setup
            .messages(*chat)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.sender == Sender::Customer)
            .map(|m| m.id)
            .collect();
        assert_eq!(
            stored,
            sent.get(chat).cloned().unwrap_or_default(),
            "chat {chat}'s customer lines"
        );
    }

    let c = &counts;
    assert!(
        expiries > 0,
        "no offer expired: the expiry path was not exercised"
    );
    assert!(declines > 0, "no offer was declined");
    assert!(
        c.double_accepts.load(Ordering::Relaxed) > 0,
        "no double accept happened"
    );
    assert!(
        c.to_queue.load(Ordering::Relaxed) > 0,
        "no transfer to a queue"
    );
    assert!(
        agent_transfers_accepted > 0,
        "no transfer to an agent was accepted"
    );
    assert!(c.left.load(Ordering::Relaxed) > 0, "no customer left");
    println!(
        "{} events; {declines} declines, {expiries} expiries, {} double accepts, {} to a queue, \
         {} to an agent ({agent_transfers_accepted} accepted), {} customers left",
        events.len(),
        c.double_accepts.load(Ordering::Relaxed),
        c.to_queue.load(Ordering::Relaxed),
        c.to_agent.load(Ordering::Relaxed),
        c.left.load(Ordering::Relaxed),
    );
    for d in desktops {
        d.close().await;
    }
}
