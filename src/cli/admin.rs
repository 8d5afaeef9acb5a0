//! Administration: agents, queues, profile options, seeding.

use super::{AgentCommand, OptionCommand, QueueCommand, SeedArgs};
use crate::core::{AgentStatus, Role};
use crate::store::{InitialPassword, NewUser, Store};
use anyhow::{Context, Result, bail};

pub(super) async fn agent(store: &Store, command: &AgentCommand) -> Result<()> {
    match command {
        AgentCommand::Add {
            name,
            email,
            max_chats,
            queues,
        } => {
            // Resolve every queue first, so a typo adds nothing.
            let mut ids = Vec::new();
            for q in queues {
                ids.push(store.find_queue(Some(q)).await?.0);
            }
            // An agent-role user; they sign in to a team's server with a one-time password
            // (`livewindow user add` chooses the role and the password).
            let new = NewUser {
                name: name.clone(),
                email: email.clone(),
                role: Role::Agent,
                max_chats: *max_chats,
                queues: ids,
                password: InitialPassword::OneTime,
            };
            let (user, one_time) = store.add_user(&new).await?;
            let agent = user.agent;
            println!(
                "Added agent {} <{}> (id {}).",
                agent.name, agent.email, agent.id
            );
            if let Some(p) = one_time {
                println!("{} {}", super::users::ONE_TIME, p.expose());
            }
        }
        AgentCommand::List => {
            for a in store.agents().await? {
                println!(
                    "{:>4}  {:<24} {:<32} {:<10} max {}",
                    a.id,
                    a.name,
                    a.email,
                    a.status.as_str(),
                    a.max_chats
                );
            }
        }
        AgentCommand::Status { who, status } => {
            let status = AgentStatus::parse(&status.to_lowercase()).with_context(|| {
                format!("unknown status {status:?}: use available, away or offline")
            })?;
            let agent = store.find_agent(who).await?;
            store.set_agent_status(agent.id, status).await?;
            println!("{} is now {status}.", agent.name);
        }
        AgentCommand::MaxChats { who, max_chats } => {
            let agent = store.find_agent(who).await?;
            store.set_max_chats(agent.id, *max_chats).await?;
            println!("{} now takes up to {max_chats} chats.", agent.name);
        }
    }
    Ok(())
}

pub(super) async fn queue(store: &Store, command: &QueueCommand) -> Result<()> {
    match command {
        QueueCommand::Add { name } => {
            let id = store.add_queue(name).await?;
            println!("Added queue {} (id {id}).", name.trim());
        }
        QueueCommand::List => {
            for q in store.queues().await? {
                println!(
                    "{:>4}  {:<24} {} agents, {} waiting",
                    q.id, q.name, q.agents, q.queued
                );
            }
        }
        QueueCommand::Join { who, queue } => {
            let agent = store.find_agent(who).await?;
            let (qid, qname) = store.find_queue(Some(queue)).await?;
            store.join_queue(agent.id, qid).await?;
            println!("{} now works {qname}.", agent.name);
        }
        QueueCommand::Leave { who, queue } => {
            let agent = store.find_agent(who).await?;
            let (qid, qname) = store.find_queue(Some(queue)).await?;
            if !store.leave_queue(agent.id, qid).await? {
                bail!("{} does not work {qname}", agent.name);
            }
            println!("{} no longer works {qname}.", agent.name);
        }
    }
    Ok(())
}

pub(super) async fn option(
    store: &Store,
    agent: Option<&str>,
    command: &OptionCommand,
) -> Result<()> {
    let agent = match agent {
        Some(who) => Some(store.find_agent(who).await?),
        None => None,
    };
    let agent_id = agent.as_ref().map(|a| a.id);
    let scope = match &agent {
        Some(a) => format!("for {}", a.name),
        None => "at site level".to_string(),
    };
    match command {
        OptionCommand::Set { name, value } => {
            store.set_option(name, value, agent_id).await?;
            println!("{name} = {value} {scope}.");
        }
        OptionCommand::Get { name } => {
            crate::core::check_option_name(name).map_err(|e| anyhow::anyhow!(e))?;
            match store.option(name, agent_id).await? {
                Some(v) => println!("{v}"),
                None => println!("(not set)"),
            }
        }
        OptionCommand::Unset { name } => {
            if !store.unset_option(name, agent_id).await? {
                bail!("{name} is not set {scope}");
            }
            println!("{name} unset {scope}.");
        }
        OptionCommand::List => {
            for (name, email, value) in store.options().await? {
                println!(
                    "{name:<34} {:<32} {value}",
                    email.unwrap_or_else(|| "(site)".into())
                );
            }
        }
    }
    Ok(())
}

pub(super) async fn seed(store: &Store, agent: Option<&str>, args: &SeedArgs) -> Result<()> {
    if let Some(n) = args.contacts
        && !(1..=100_000_000).contains(&n)
    {
        bail!("--contacts must be between 1 and 100000000");
    }
    if args.demo {
        let s = store.seed_demo().await?;
        if s.already_seeded {
            println!("Demo data is already there; nothing added.");
        } else {
            println!(
                "Added {} accounts, {} contacts, {} assets, {} work orders, {} queues, {} agents.",
                s.accounts, s.contacts, s.assets, s.work_orders, s.queues, s.agents
            );
        }
    }
    if let Some(n) = args.contacts {
        let started = std::time::Instant::now();
        let added = store.seed_contacts(n).await?;
        println!(
            "Added {added} contacts in {:.1} s ({} contacts in all).",
            started.elapsed().as_secs_f64(),
            store.contact_count().await?
        );
    }
    if let Some(n) = args.chats {
        load_chats(store, agent, n, args.messages).await?;
    }
    Ok(())
}

/// `seed --chats N --messages M`: N active chats of M messages each for one agent, as
/// `benches/console.rs` makes them, for measuring the real console (BENCHMARKS.md).
async fn load_chats(store: &Store, agent: Option<&str>, n: usize, messages: i64) -> Result<()> {
    if !(1..=50).contains(&n) || !(0..=100_000).contains(&messages) {
        bail!("--chats must be between 1 and 50 and --messages between 0 and 100000");
    }
    let agent = match agent {
        Some(who) => store.find_agent(who).await?,
        None => store
            .agents()
            .await?
            .into_iter()
            .next()
            .context("there are no agents yet: seed --demo first")?,
    };
    let (queue, _) = store.find_queue(None).await?;
    store.set_max_chats(agent.id, n as i64).await?;
    store.join_queue(agent.id, queue).await?;
    store
        .set_agent_status(agent.id, AgentStatus::Available)
        .await?;
    for i in 0..n {
        let chat = store
            .enqueue(
                &format!("Customer {i}"),
                &format!("load{i}@example.com"),
                queue,
                None,
            )
            .await?;
        store
            .accept(chat, agent.id)
            .await
            .map_err(|e| anyhow::anyhow!("chat {chat} was not accepted: {e}"))?;
        store.seed_messages(chat, messages).await?;
    }
    println!("Added {n} chats of {messages} messages for {}.", agent.name);
    Ok(())
}
