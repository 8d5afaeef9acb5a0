//! Supervisors' commands: listing chats, moving one to a queue, the dispositions list.

use super::{ChatCommand, DispositionCommand};
use crate::store::{ChatFilter, Store};
use anyhow::{Result, bail};

pub(super) async fn chat(store: &Store, command: &ChatCommand) -> Result<()> {
    match command {
        ChatCommand::List {
            queue,
            state,
            limit,
        } => {
            let queue = match queue {
                Some(q) => Some(store.find_queue(Some(q)).await?.0),
                None => None,
            };
            let state = match state.as_deref().map(str::to_lowercase) {
                None => None,
                Some(s) => Some(ChatFilter::parse(&s).ok_or_else(|| {
                    anyhow::anyhow!(
                        "unknown state {s:?}: use queued, offered, active, wrap-up or ended"
                    )
                })?),
            };
            if !(1..=10_000).contains(limit) {
                bail!("--limit must be between 1 and 10000");
            }
            let chats = store.list_chats(queue, state, *limit).await?;
            if chats.is_empty() {
                println!("No chats.");
            }
            for c in chats {
                let state = if c.in_wrap_up() {
                    "wrap-up"
                } else {
                    c.state.as_str()
                };
                println!(
                    "{:>6}  {:<8} {:<12} {:<24} {:<20} {}",
                    c.id,
                    state,
                    c.queue_name,
                    c.customer_name,
                    c.agent_name.as_deref().unwrap_or("—"),
                    crate::core::time::clock(c.created_ms)
                );
            }
        }
        ChatCommand::Transfer { id, queue } => {
            let (queue_id, _) = store.find_queue(Some(queue)).await?;
            let name = store.supervisor_transfer(*id, queue_id).await?;
            println!("Chat {id} moved to {name}; the customer was told.");
        }
    }
    Ok(())
}

pub(super) async fn disposition(store: &Store, command: &DispositionCommand) -> Result<()> {
    match command {
        DispositionCommand::Add { name } => {
            store.add_disposition(name).await?;
            println!("Added disposition {:?}.", name.trim());
        }
        DispositionCommand::List => {
            for d in store.dispositions().await? {
                println!("{d}");
            }
        }
        DispositionCommand::Remove { name } => {
            store.remove_disposition(name).await?;
            println!("Removed disposition {:?}.", name.trim());
        }
    }
    Ok(())
}
