//! Transfers between desktops: the time from one agent's transfer to the offer reaching the
//! next agent's desktop (its own store handle, as another process), to a queue and to an
//! agent; and how long after a desktop dies its chats are offered again.

use crate::core::{AgentStatus, EventKind, TransferTarget, options};
use crate::store::{Role, Store, Subscription};
use anyhow::{Context, Result, bail};
use futures::StreamExt;
use std::time::{Duration, Instant};

/// Waits on `events` for the offer of `chat` to `agent`; the instant it arrived.
async fn offered(events: &mut Subscription, chat: i64, agent: i64) -> Result<Instant> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let next = tokio::time::timeout_at(deadline, events.next())
            .await
            .context("no offer within 60 s")?;
        match next {
            Some(Ok(e))
                if e.kind == EventKind::ChatOffered
                    && e.chat_id == Some(chat)
                    && e.agent_id == Some(agent) =>
            {
                return Ok(Instant::now());
            }
            Some(_) => {}
            None => bail!("the event feed ended"),
        }
    }
}

fn summary(what: &str, backend: &str, mut v: Vec<Duration>) -> String {
    v.sort();
    let pct = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0;
    format!(
        "{what}, {backend} ({} runs): median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        v.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    )
}

/// Two agents on two desktops pass chats back and forth: `runs` transfers to the queue and
/// `runs` to the agent, each timed from the call to the offer on the other desktop.
pub(super) async fn transfer(store: &Store, runs: usize) -> Result<()> {
    let queue = store.add_queue("Bench").await?;
    let mut agents = Vec::new();
    let mut desks = Vec::new();
    for i in 0..2 {
        let a = store
            .add_agent(
                &format!("Agent {i}"),
                &format!("t{i}@bench.example.com"),
                50,
            )
            .await?;
        store.join_queue(a.id, queue).await?;
        agents.push(a.id);
        desks.push(Store::open_with(store.url(), Role::Console).await?);
    }
    let mut feeds = Vec::new();
    for d in &desks {
        feeds.push(d.subscribe(d.last_event_id().await?));
    }
    let mut to_queue = Vec::with_capacity(runs);
    let mut to_agent = Vec::with_capacity(runs);
    for i in 0..runs * 2 {
        // The chat reaches agent 0 (agent 1 away), who transfers it to agent 1.
        store
            .set_agent_status(agents[0], AgentStatus::Available)
            .await?;
        store.set_agent_status(agents[1], AgentStatus::Away).await?;
        let chat = store
            .enqueue(
                &format!("Customer {i}"),
                &format!("c{i}@bench.example.com"),
                queue,
                Some("Hello"),
            )
            .await?;
        offered(&mut feeds[0], chat, agents[0]).await?;
        desks[0]
            .accept(chat, agents[0])
            .await
            .map_err(|e| anyhow::anyhow!("accept: {e}"))?;
        store
            .set_agent_status(agents[1], AgentStatus::Available)
            .await?;
        let by_queue = i % 2 == 0;
        let target = if by_queue {
            TransferTarget::Queue(queue)
        } else {
            TransferTarget::Agent(agents[1])
        };
        let t0 = Instant::now();
        desks[0]
            .transfer(chat, agents[0], target, "Billing question")
            .await?;
        let at = offered(&mut feeds[1], chat, agents[1]).await?;
        if by_queue {
            to_queue.push(at - t0);
        } else {
            to_agent.push(at - t0);
        }
        desks[1]
            .accept(chat, agents[1])
            .await
            .map_err(|e| anyhow::anyhow!("accept the transfer: {e}"))?;
        desks[1].end_chat_as(chat, agents[1]).await?;
        desks[1].wrap_up(chat, agents[1], "Resolved", "").await?;
    }
    let backend = store.backend().to_string();
    println!(
        "{}",
        summary(
            "transfer to a queue → offer on the other desktop",
            &backend,
            to_queue
        )
    );
    println!(
        "{}",
        summary(
            "transfer to an agent → offer on their desktop",
            &backend,
            to_agent
        )
    );
    Ok(())
}

/// A desktop holding a chat stops (no heartbeat, no goodbye); `survivors` other desktops
/// tick once a second as consoles do. Timed from the dead desktop's last heartbeat to the
/// chat's offer to another agent, against the configured window.
pub(super) async fn requeue(
    store: &Store,
    runs: usize,
    interval_secs: u64,
    survivors: usize,
) -> Result<()> {
    store
        .set_option(
            options::OPT_ABSENT_INTERVAL,
            &interval_secs.to_string(),
            None,
        )
        .await?;
    store
        .set_option(options::OPT_AGENT_ABSENT_RETRIES, "2", None)
        .await?;
    let window = Duration::from_secs(interval_secs * 2);
    let queue = store.add_queue("Bench").await?;
    let survivor = store
        .add_agent("Survivor", "survivor@bench.example.com", 50)
        .await?;
    store.join_queue(survivor.id, queue).await?;
    // The surviving desktops: each routes and sweeps from its own tick, as consoles do.
    let mut tickers = Vec::new();
    for _ in 0..survivors.max(1) {
        let desk = Store::open_with(store.url(), Role::Console).await?;
        let agent = survivor.id;
        tickers.push(tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(1));
            loop {
                every.tick().await;
                let _ = desk.heartbeat(agent).await;
                let _ = desk.tick().await;
            }
        }));
    }
    let watcher = Store::open_with(store.url(), Role::Console).await?;
    let mut feed = watcher.subscribe(watcher.last_event_id().await?);
    let mut delays = Vec::with_capacity(runs);
    for i in 0..runs {
        let dying = store
            .add_agent(&format!("Dying {i}"), &format!("d{i}@bench.example.com"), 5)
            .await?;
        store.join_queue(dying.id, queue).await?;
        store
            .set_agent_status(survivor.id, AgentStatus::Away)
            .await?;
        store
            .set_agent_status(dying.id, AgentStatus::Available)
            .await?;
        let chat = store
            .enqueue(
                &format!("Customer {i}"),
                &format!("r{i}@bench.example.com"),
                queue,
                Some("Hello"),
            )
            .await?;
        offered(&mut feed, chat, dying.id).await?;
        let desk = Store::open_with(store.url(), Role::Console).await?;
        desk.accept(chat, dying.id)
            .await
            .map_err(|e| anyhow::anyhow!("accept: {e}"))?;
        store
            .set_agent_status(survivor.id, AgentStatus::Available)
            .await?;
        // Its last word, then nothing: the process is gone.
        desk.heartbeat(dying.id).await?;
        let last = Instant::now();
        drop(desk);
        // The customer is still there.
        let customer = store.clone();
        let keep = tokio::spawn(async move {
            loop {
                let _ = customer.customer_heartbeat(chat).await;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        });
        let at = offered(&mut feed, chat, survivor.id).await?;
        keep.abort();
        delays.push(at - last);
        store
            .accept(chat, survivor.id)
            .await
            .map_err(|e| anyhow::anyhow!("accept the requeued chat: {e}"))?;
        store.end_chat_as(chat, survivor.id).await?;
        store.wrap_up(chat, survivor.id, "Resolved", "").await?;
    }
    for t in tickers {
        t.abort();
    }
    let backend = store.backend().to_string();
    println!(
        "{} (window {} s = {interval_secs} s × 2; {} surviving desktops)",
        summary("requeue after a desktop died", &backend, delays.clone()),
        window.as_secs(),
        survivors.max(1)
    );
    let over: Vec<Duration> = delays.iter().map(|d| d.saturating_sub(window)).collect();
    println!("{}", summary("  beyond the window", &backend, over));
    Ok(())
}
