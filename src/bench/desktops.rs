//! How many consoles one PostgreSQL holds: consoles (each a store handle opened as the agent
//! console opens it) that follow the event feed, tick every second and take chats, while
//! customers arrive. Reports the connections they hold, counted by the server.

use crate::core::{AgentStatus, EventKind};
use crate::store::{Backend, Store};
use anyhow::{Result, bail};
use futures::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub(super) async fn desktops(store: &Store, n: usize, secs: u64) -> Result<()> {
    if store.backend() != Backend::Postgres {
        bail!("bench desktops counts PostgreSQL connections: pass --database-url postgres://…");
    }
    let queue = store.add_queue("Bench").await?;
    let mut tasks = Vec::new();
    let errors = Arc::new(AtomicUsize::new(0));
    for i in 0..n {
        let agent = store
            .add_agent(
                &format!("Agent {i}"),
                &format!("agent{i}@desk.example.com"),
                3,
            )
            .await?;
        store.join_queue(agent.id, queue).await?;
        store
            .set_agent_status(agent.id, AgentStatus::Available)
            .await?;
        let desk = super::open_console(store.url()).await?;
        let errors = errors.clone();
        tasks.push(tokio::spawn(async move {
            // As the console: restore, follow the feed, tick every second.
            let Ok(restored) = desk.restore(agent.id).await else { return };
            let after = restored.last_event;
            let mut events = desk.subscribe(after);
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tokio::select! {
                    event = events.next() => match event {
                        Some(Ok(e)) if e.kind == EventKind::ChatOffered && e.agent_id == Some(agent.id) => {
                            let chat = e.chat_id.unwrap_or(0);
                            if desk.accept(chat, agent.id).await.is_ok() {
                                let desk = desk.clone();
                                tokio::spawn(async move {
                                    tokio::time::sleep(Duration::from_secs(2)).await;
                                    let _ = desk.end_chat_as(chat, agent.id).await;
                                    let _ = desk.wrap_up(chat, agent.id, "Resolved", "").await;
                                });
                            }
                        }
                        Some(Err(e)) => {
                            errors.fetch_add(1, Ordering::Relaxed);
                            tracing::warn!("desktop {i}: {e}");
                        }
                        _ => {}
                    },
                    _ = tick.tick() => {
                        if let Err(e) = desk.desk_tick(agent.id, &restored.desk, i % 5 == 0).await {
                            errors.fetch_add(1, Ordering::Relaxed);
                            tracing::warn!("desktop {i}: tick: {e}");
                        }
                    }
                }
            }
        }));
    }
    // Customers arrive every 100 ms; the connections are sampled meanwhile.
    let started = Instant::now();
    let mut k = 0;
    let mut most = 0i64;
    while started.elapsed() < Duration::from_secs(secs) {
        store
            .enqueue(
                &format!("Customer {k}"),
                &format!("c{k}@desk.example.com"),
                queue,
                None,
            )
            .await?;
        k += 1;
        let count: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()",
        )
        .fetch_one(store.pool())
        .await?;
        most = most.max(count);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let own = store.pool().size() as i64;
    let max: String = sqlx::query_scalar("SHOW max_connections")
        .fetch_one(store.pool())
        .await?;
    let reserved: String = sqlx::query_scalar("SHOW superuser_reserved_connections")
        .fetch_one(store.pool())
        .await?;
    for t in tasks {
        t.abort();
    }
    let desks = most - own;
    let per = desks as f64 / n as f64;
    let max: i64 = max.parse().unwrap_or(100);
    let reserved: i64 = reserved.parse().unwrap_or(3);
    println!(
        "desktops, {}: {n} consoles for {secs} s, {k} customers: {desks} connections at most \
         ({per:.2} a console; the bench's own handle held {own} more); max_connections {max} \
         ({reserved} reserved for superusers): room for {} consoles; {} errors",
        store.backend(),
        ((max - reserved) as f64 / per).floor(),
        errors.load(Ordering::Relaxed),
    );
    Ok(())
}
