//! Administration: agents, queues, profile options (through [`AdminData`]: on the database
//! or through a server), and seeding (on the database only).

use super::{AgentCommand, OptionCommand, QueueCommand, SeedArgs};
use crate::core::{Agent, AgentStatus, Role};
use crate::data::admin::{AdminData, NewAccount};
use crate::store::Store;
use anyhow::{Context, Result, bail};

pub(super) async fn agent(admin: &dyn AdminData, command: &AgentCommand) -> Result<()> {
    match command {
        AgentCommand::Add {
            name,
            email,
            max_chats,
            queues,
        } => {
            // Resolve every queue first, so a typo adds nothing.
            let queues = admin.find_queues(queues.clone()).await?;
            // An agent-role user; they sign in to a team's server with a one-time password
            // (`livewindow user add` chooses the role and the password).
            let account = admin
                .add_user(NewAccount {
                    name: name.clone(),
                    email: email.clone(),
                    role: Role::Agent,
                    max_chats: *max_chats,
                    queues: queues.iter().map(|q| q.id).collect(),
                    password: None,
                })
                .await?;
            let agent = account.user.agent;
            println!(
                "Added agent {} <{}> (id {}).",
                agent.name, agent.email, agent.id
            );
            if let Some(p) = account.one_time_password {
                println!("{} {}", super::users::ONE_TIME, p.expose());
            }
        }
        AgentCommand::List => {
            for a in admin.agents().await? {
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
            let agent = admin.set_agent_status(who.clone(), status).await?;
            println!("{} is now {status}.", agent.name);
        }
        AgentCommand::MaxChats { who, max_chats } => {
            let agent = admin.set_max_chats(who.clone(), *max_chats).await?;
            println!("{} now takes up to {max_chats} chats.", agent.name);
        }
    }
    Ok(())
}

pub(super) async fn queue(admin: &dyn AdminData, command: &QueueCommand) -> Result<()> {
    match command {
        QueueCommand::Add { name } => {
            let queue = admin.add_queue(name.clone()).await?;
            println!("Added queue {} (id {}).", queue.name, queue.id);
        }
        QueueCommand::List => {
            for q in admin.queues().await? {
                println!(
                    "{:>4}  {:<24} {} agents, {} waiting",
                    q.id, q.name, q.agents, q.queued
                );
            }
        }
        QueueCommand::Join { who, queue } => {
            let m = admin.join_queue(who.clone(), queue.clone()).await?;
            println!("{} now works {}.", m.agent.name, m.queue.name);
        }
        QueueCommand::Leave { who, queue } => {
            let m = admin.leave_queue(who.clone(), queue.clone()).await?;
            if !m.changed {
                bail!("{} does not work {}", m.agent.name, m.queue.name);
            }
            println!("{} no longer works {}.", m.agent.name, m.queue.name);
        }
    }
    Ok(())
}

/// Where an option applies, in words.
fn scope(agent: Option<&Agent>) -> String {
    match agent {
        Some(a) => format!("for {}", a.name),
        None => "at site level".to_string(),
    }
}

pub(super) async fn option(
    admin: &dyn AdminData,
    agent: Option<&str>,
    command: &OptionCommand,
) -> Result<()> {
    let agent = agent.map(str::to_string);
    match command {
        OptionCommand::Set { name, value } => {
            let s = admin.set_option(name.clone(), value.clone(), agent).await?;
            println!("{name} = {value} {}.", scope(s.agent.as_ref()));
        }
        OptionCommand::Get { name } => match admin.option(name.clone(), agent).await?.outcome {
            Some(v) => println!("{v}"),
            None => println!("(not set)"),
        },
        OptionCommand::Unset { name } => {
            let s = admin.unset_option(name.clone(), agent).await?;
            let scope = scope(s.agent.as_ref());
            if !s.outcome {
                bail!("{name} is not set {scope}");
            }
            println!("{name} unset {scope}.");
        }
        OptionCommand::List => {
            for o in admin.options().await? {
                println!(
                    "{:<34} {:<32} {}",
                    o.name,
                    o.email.unwrap_or_else(|| "(site)".into()),
                    o.value
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
    match (args.chats, args.messages) {
        (Some(n), messages) => load_chats(store, agent, n, messages.unwrap_or(2_000)).await?,
        (None, Some(n)) => transcripts(store, n).await?,
        (None, None) => {}
    }
    Ok(())
}

/// `seed --messages N` (without --chats): N messages of synthetic transcripts.
async fn transcripts(store: &Store, n: i64) -> Result<()> {
    if !(1..=20_000_000).contains(&n) {
        bail!("--messages must be between 1 and 20000000");
    }
    let started = std::time::Instant::now();
    let s = store.seed_transcripts(n).await?;
    println!(
        "Added {} messages in {} chats in {:.1} s.",
        s.messages,
        s.chats,
        started.elapsed().as_secs_f64()
    );
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
