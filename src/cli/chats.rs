//! Supervisors' commands: listing chats, moving one to a queue, the dispositions list
//! (through [`AdminData`]: on the database or through a server).

use super::{ChatCommand, DispositionCommand};
use crate::data::admin::{AdminData, ChatFilter};
use anyhow::Result;

pub(super) async fn chat(admin: &dyn AdminData, command: &ChatCommand) -> Result<()> {
    match command {
        ChatCommand::List {
            queue,
            state,
            limit,
        } => {
            let state = match state.as_deref().map(str::to_lowercase) {
                None => None,
                Some(s) => Some(ChatFilter::parse(&s).ok_or_else(|| {
                    anyhow::anyhow!(
                        "unknown state {s:?}: use queued, offered, active, wrap-up or ended"
                    )
                })?),
            };
            let chats = admin.chats(queue.clone(), state, *limit).await?;
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
            let name = admin.move_chat(*id, queue.clone()).await?;
            println!("Chat {id} moved to {name}; the customer was told.");
        }
    }
    Ok(())
}

pub(super) async fn disposition(admin: &dyn AdminData, command: &DispositionCommand) -> Result<()> {
    match command {
        DispositionCommand::Add { name } => {
            admin.add_disposition(name.clone()).await?;
            println!("Added disposition {:?}.", name.trim());
        }
        DispositionCommand::List => {
            for d in admin.dispositions().await? {
                println!("{d}");
            }
        }
        DispositionCommand::Remove { name } => {
            admin.remove_disposition(name.clone()).await?;
            println!("Removed disposition {:?}.", name.trim());
        }
    }
    Ok(())
}
