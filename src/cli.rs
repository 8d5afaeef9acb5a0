//! Command-line arguments and the subcommands that are not the console.

use crate::channel::customer::{self, CustomerSession};
use crate::core::{AgentStatus, EventKind};
use crate::store::{self, Store};
use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use futures::StreamExt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "livewindow",
    version,
    about = "Live Window: the agent console for customer chats"
)]
pub struct Cli {
    /// sqlite://PATH or postgres://USER@HOST/DB. Default: a SQLite file in the platform data
    /// directory, created on first run.
    #[arg(long, env = "LIVEWINDOW_DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// The agent who uses the console (email or name). Default: the first agent.
    #[arg(long, env = "LIVEWINDOW_AGENT", global = true)]
    pub agent: Option<String>,

    /// Demo: seed demo data if the database has none, and let simulated customers arrive.
    #[arg(long)]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Chat as a customer from this terminal: lines you type are sent, the agent's replies
    /// are printed. Ctrl-C leaves the chat.
    Customer(CustomerArgs),
    /// Add, list and change agents.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Add and list queues; set which agents work them.
    #[command(subcommand)]
    Queue(QueueCommand),
    /// Profile options, at site level or per agent (--agent).
    #[command(subcommand)]
    Option(OptionCommand),
    /// Load data: the demo's CRM records, queues and agents, or many synthetic contacts.
    Seed(SeedArgs),
    /// Run simulated customers against the database (what --demo does in the background).
    DemoTraffic {
        /// Seconds between arrivals.
        #[arg(long, default_value_t = 8.0)]
        every: f64,
        /// Stop after this many customers.
        #[arg(long)]
        count: Option<usize>,
    },
    /// Measure offer latency and routing throughput (see BENCHMARKS.md).
    #[command(subcommand)]
    Bench(crate::bench::BenchCommand),
    /// Show what pasting clipboard HTML into the composer would send: the sanitized HTML,
    /// then the plain-text fallback.
    PastePreview {
        /// Clipboard HTML, with or without a CF_HTML header.
        file: PathBuf,
        /// The clipboard's RTF flavour (Word's pictures).
        #[arg(long)]
        rtf: Option<PathBuf>,
        /// The clipboard's image flavour, for an image the HTML only refers to.
        #[arg(long)]
        image: Option<PathBuf>,
        /// The clipboard's plain-text flavour, used when the HTML yields nothing.
        #[arg(long)]
        plain: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct CustomerArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub email: String,
    /// Queue name. Default: the first queue.
    #[arg(long)]
    pub queue: Option<String>,
    /// A first message, sent with the request.
    #[arg(long)]
    pub message: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value_t = 3)]
        max_chats: i64,
        /// Queues to join (repeat the flag for several).
        #[arg(long = "queue")]
        queues: Vec<String>,
    },
    List,
    /// Set an agent's availability: available, away or offline.
    Status {
        who: String,
        status: String,
    },
    /// Set how many chats an agent takes at once.
    MaxChats {
        who: String,
        max_chats: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    Add {
        name: String,
    },
    List,
    /// Make an agent work a queue.
    Join {
        who: String,
        queue: String,
    },
    Leave {
        who: String,
        queue: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OptionCommand {
    /// Set a profile option, e.g. SVC_CHAT_CKEDITOR_ENABLED Y, at site level or for --agent.
    Set {
        name: String,
        value: String,
    },
    /// Show the value in force (for --agent, if given).
    Get {
        name: String,
    },
    /// Remove the site value or the --agent override.
    Unset {
        name: String,
    },
    List,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct SeedArgs {
    /// Demo CRM data, two queues and three agents (does nothing if already there).
    #[arg(long)]
    pub demo: bool,
    /// Add this many synthetic contacts.
    #[arg(long)]
    pub contacts: Option<i64>,
}

/// The URL to use: the flag, or the default SQLite file.
pub fn database_url(cli: &Cli) -> Result<String> {
    match &cli.database_url {
        Some(url) if url.trim().is_empty() => bail!("the database URL is empty"),
        Some(url) => Ok(url.trim().to_string()),
        None => Ok(store::sqlite_url(&store::default_sqlite_path()?)),
    }
}

pub async fn run(cli: &Cli, command: &Command) -> Result<()> {
    if let Command::PastePreview {
        file,
        rtf,
        image,
        plain,
    } = command
    {
        // Needs no database.
        return run_paste_preview(file, rtf.as_deref(), image.as_deref(), plain.as_deref());
    }
    // Check what can be checked before touching the database.
    if let Command::Customer(args) = command {
        crate::core::validate::name(&args.name).map_err(|e| anyhow::anyhow!("name: {e}"))?;
        crate::core::validate::email(&args.email).map_err(|e| anyhow::anyhow!("email: {e}"))?;
    }
    let store = Store::open(&database_url(cli)?).await?;
    match command {
        Command::Customer(args) => run_customer(&store, args).await,
        Command::Agent(c) => run_agent(&store, c).await,
        Command::Queue(c) => run_queue(&store, c).await,
        Command::Option(c) => run_option(&store, cli.agent.as_deref(), c).await,
        Command::Seed(args) => run_seed(&store, args).await,
        Command::DemoTraffic { every, count } => {
            if !(every.is_finite() && *every >= 0.1) {
                bail!("--every must be at least 0.1 seconds");
            }
            println!(
                "Simulated customers arrive every {every} s on {}; Ctrl-C stops.",
                store.backend()
            );
            let traffic = crate::channel::simulated::run(
                store.clone(),
                Duration::from_secs_f64(*every),
                *count,
            );
            tokio::select! {
                r = traffic => r?,
                _ = tokio::signal::ctrl_c() => {}
            }
            Ok(())
        }
        Command::Bench(b) => crate::bench::run(cli, b).await,
        Command::PastePreview { .. } => Ok(()), // handled above
    }
}

fn run_paste_preview(
    file: &Path,
    rtf: Option<&Path>,
    image: Option<&Path>,
    plain: Option<&Path>,
) -> Result<()> {
    let read = |path: &Path| {
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let text = |path: &Path| -> Result<String> {
        String::from_utf8(read(path)?)
            .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", path.display()))
    };
    let html = text(file)?;
    let rtf = rtf.map(read).transpose()?;
    let image = image.map(read).transpose()?;
    let plain = plain.map(text).transpose()?;
    let doc = crate::richtext::import(
        &html,
        &crate::richtext::PasteExtras {
            image: image.as_deref(),
            rtf: rtf.as_deref(),
            plain: plain.as_deref(),
        },
    );
    let mut out = std::io::stdout().lock();
    write!(out, "{}", doc.to_html())?;
    writeln!(out, "--- plain text ---")?;
    writeln!(out, "{}", doc.to_plain())?;
    out.flush()?;
    Ok(())
}

async fn run_customer(store: &Store, args: &CustomerArgs) -> Result<()> {
    let stop = shutdown_signal();
    let session = CustomerSession::start(
        store,
        &args.name,
        &args.email,
        args.queue.as_deref(),
        args.message.as_deref(),
    )
    .await?;
    let mut out = std::io::stdout();
    let mut position = session.position().await?;
    writeln!(
        out,
        "Chat #{} in {}: waiting for an agent{}.",
        session.chat_id,
        session.queue_name,
        match position {
            Some(p) => format!(" (you are number {p} in the queue)"),
            None => String::new(),
        }
    )?;
    out.flush()?;

    // stdin lines arrive on a channel; when stdin closes (a pipe, /dev/null) we keep
    // listening for the agent until the chat ends.
    let (line_tx, mut lines) = tokio::sync::mpsc::channel::<String>(64);
    tokio::spawn(async move {
        use tokio::io::AsyncBufReadExt;
        let mut reader = tokio::io::BufReader::new(tokio::io::stdin()).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            if line_tx.send(line).await.is_err() {
                break;
            }
        }
    });
    let mut stdin_open = true;
    let mut events = session.events();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut accepted = false;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => {
                session.leave().await?;
                writeln!(out, "You left the chat.")?;
                return Ok(());
            }
            line = lines.recv(), if stdin_open => match line {
                Some(line) => {
                    let line = line.trim();
                    if line == "/quit" {
                        session.leave().await?;
                        writeln!(out, "You left the chat.")?;
                        return Ok(());
                    }
                    if !line.is_empty()
                        && let Err(e) = session.send(line).await
                    {
                        writeln!(out, "Not sent: {e}")?;
                    }
                }
                None => stdin_open = false,
            },
            event = events.next() => {
                let Some(event) = event else { bail!("the event feed stopped") };
                let event = match event {
                    Ok(e) => e,
                    Err(e) => { tracing::warn!("{e}"); continue }
                };
                if event.chat_id == Some(session.chat_id) {
                    if event.kind == EventKind::ChatAccepted { accepted = true; }
                    if event.kind == EventKind::ChatTransferred { accepted = false; }
                    if let Some(text) = customer::describe(&session, event.kind, event.message_id).await? {
                        writeln!(out, "{text}")?;
                        out.flush()?;
                    }
                    if event.kind == EventKind::ChatEnded {
                        return Ok(());
                    }
                } else if !accepted && event.queue_id == Some(session.queue_id) {
                    let now = session.position().await?;
                    if now != position {
                        if let Some(p) = now {
                            writeln!(out, "You are number {p} in the queue.")?;
                            out.flush()?;
                        }
                        position = now;
                    }
                }
            }
            _ = tick.tick() => {
                // Any participant may notice an expired offer; the customer helps too.
                if let Err(e) = store.tick().await { tracing::warn!("{e}"); }
            }
        }
    }
}

/// Ctrl-C, or SIGTERM on Unix. The handlers are installed when this is called (not when
/// first polled), so a signal that comes early is not lost to the default action.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

async fn run_agent(store: &Store, command: &AgentCommand) -> Result<()> {
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
            let agent = store.add_agent(name, email, *max_chats).await?;
            for id in ids {
                store.join_queue(agent.id, id).await?;
            }
            println!(
                "Added agent {} <{}> (id {}).",
                agent.name, agent.email, agent.id
            );
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

async fn run_queue(store: &Store, command: &QueueCommand) -> Result<()> {
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

async fn run_option(store: &Store, agent: Option<&str>, command: &OptionCommand) -> Result<()> {
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

async fn run_seed(store: &Store, args: &SeedArgs) -> Result<()> {
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
    Ok(())
}
