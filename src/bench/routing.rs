//! Offer latency and routing throughput: agents on several desktops that accept every
//! offer at once, customers arriving through several doors.

use crate::core::{AgentStatus, EventKind};
use crate::store::{Role, Store};
use anyhow::{Result, bail};
use futures::StreamExt;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// An offer as an agent heard it: when, how long after its commit (the database's clock),
/// and how long accepting, ending and wrapping it up took.
struct Heard {
    chat: i64,
    at: Instant,
    lag: Duration,
    work: Duration,
}

/// Agents that accept every offer and end the chat at once, as fast as a desktop could.
/// Each has its own event subscription, like separate desktops.
async fn start_agents(
    store: &Store,
    n: usize,
    desktops: usize,
    role: Role,
    max_chats: i64,
    offered: mpsc::UnboundedSender<Heard>,
) -> Result<Vec<tokio::task::JoinHandle<()>>> {
    // Each "desktop" is a store handle of its own, as in another process: the customer's
    // commits do not wake it in-process; it hears of them by LISTEN (Postgres) or the file
    // watcher (SQLite).
    let mut handles_of_desktops = Vec::new();
    for _ in 0..desktops {
        handles_of_desktops.push(Store::open_with(store.url(), role).await?);
    }
    let queue = store.add_queue("Bench").await?;
    let mut handles = Vec::new();
    for i in 0..n {
        let agent = store
            .add_agent(
                &format!("Agent {i}"),
                &format!("agent{i}@bench.example.com"),
                max_chats,
            )
            .await?;
        store.join_queue(agent.id, queue).await?;
        store
            .set_agent_status(agent.id, AgentStatus::Available)
            .await?;
        let store = handles_of_desktops[i % desktops].clone();
        let offered = offered.clone();
        let after = store.last_event_id().await?;
        handles.push(tokio::spawn(async move {
            let mut events = store.subscribe(after);
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tokio::select! {
                    event = events.next() => {
                        let Some(Ok(event)) = event else { continue };
                        if event.kind != EventKind::ChatOffered || event.agent_id != Some(agent.id) {
                            continue;
                        }
                        let Some(chat) = event.chat_id else { continue };
                        let at = Instant::now();
                        let lag_ms = crate::core::time::now_ms() - event.created_ms;
                        let lag = Duration::from_millis(u64::try_from(lag_ms).unwrap_or(0));
                        match store.accept(chat, agent.id).await {
                            Ok(()) => {
                                if let Err(e) = store.end_chat_as(chat, agent.id).await {
                                    tracing::warn!("bench agent {}: end: {e}", agent.id);
                                }
                                // Wrap-up holds the slot until Done: done at once here.
                                if let Err(e) = store.wrap_up(chat, agent.id, "Resolved", "").await {
                                    tracing::warn!("bench agent {}: wrap-up: {e}", agent.id);
                                }
                            }
                            Err(e) => tracing::warn!("bench agent {}: accept: {e}", agent.id),
                        }
                        let work = at.elapsed();
                        let _ = offered.send(Heard { chat, at, lag, work });
                    }
                    _ = tick.tick() => {
                        let _ = store.heartbeat(agent.id).await;
                        let _ = store.tick().await;
                    }
                }
            }
        }));
    }
    Ok(handles)
}

/// `desktops` consoles (each a handle with a console's connections) share the agents.
pub(super) async fn offer_latency(
    store: &Store,
    agents: usize,
    desktops: usize,
    chats: usize,
) -> Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let desktops = desktops.clamp(1, agents.max(1));
    let handles = start_agents(store, agents, desktops, Role::Console, 3, tx).await?;
    let (queue, _) = store.find_queue(Some("Bench")).await?;
    let mut started = HashMap::new();
    let mut latencies = Vec::with_capacity(chats);
    for i in 0..chats {
        let t0 = Instant::now();
        let chat = store
            .enqueue(
                &format!("Customer {i}"),
                &format!("c{i}@bench.example.com"),
                queue,
                Some("Hello"),
            )
            .await?;
        started.insert(chat, t0);
        // Customers arrive one at a time, a few ms apart, as on a busy site.
        tokio::time::sleep(Duration::from_millis(10)).await;
        while let Ok(heard) = rx.try_recv() {
            if let Some(t0) = started.get(&heard.chat) {
                latencies.push(heard.at.duration_since(*t0));
            }
        }
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while latencies.len() < chats && Instant::now() < deadline {
        if let Ok(Some(heard)) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await
            && let Some(t0) = started.get(&heard.chat)
        {
            latencies.push(heard.at.duration_since(*t0));
        }
    }
    for h in handles {
        h.abort();
    }
    if latencies.len() < chats {
        bail!("only {} of {chats} offers arrived", latencies.len());
    }
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "offer latency, {} ({} agents on {desktops} desktops, {} chats): median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        store.backend(),
        agents,
        chats,
        pct(0.5).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        pct(1.0).as_secs_f64() * 1000.0,
    );
    Ok(())
}

pub(super) async fn routing(store: &Store, agents: usize, chats: usize) -> Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    // Ten agents a desktop is more than a console serves: these handles get the general
    // pool (three connections), as before.
    let handles = start_agents(store, agents, 5, Role::General, 3, tx).await?;
    let (queue, _) = store.find_queue(Some("Bench")).await?;
    let started = Instant::now();
    // Ten customer "front doors" enqueue concurrently.
    let per = chats.div_ceil(10);
    let mut customers = Vec::new();
    for door in 0..10 {
        let store = store.clone();
        let n = per.min(chats.saturating_sub(door * per));
        customers.push(tokio::spawn(async move {
            for i in 0..n {
                let k = door * per + i;
                store
                    .enqueue(
                        &format!("Customer {k}"),
                        &format!("c{k}@bench.example.com"),
                        queue,
                        None,
                    )
                    .await?;
            }
            Ok::<_, crate::store::StoreError>(())
        }));
    }
    for c in customers {
        c.await??;
    }
    let requested = started.elapsed();
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let done: i64 = store.ended_count().await?;
        if done as usize >= chats {
            break;
        }
        if Instant::now() > deadline {
            bail!("only {done} of {chats} chats ended within 10 minutes");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    for h in handles {
        h.abort();
    }
    let (mut lags, mut works) = (Vec::new(), Vec::new());
    while let Ok(heard) = rx.try_recv() {
        lags.push(heard.lag);
        works.push(heard.work);
    }
    println!(
        "{chats} requests made in {:.1} s; an agent heard an offer {:.0} ms after its commit \
         (median); accept, end and wrap-up took {:.0} ms",
        requested.as_secs_f64(),
        super::web::percentile(&mut lags, 0.5),
        super::web::percentile(&mut works, 0.5)
    );
    println!(
        "routing throughput, {} ({} agents, {} chats): {:.1} s, {:.0} chats/s",
        store.backend(),
        agents,
        chats,
        elapsed.as_secs_f64(),
        chats as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
