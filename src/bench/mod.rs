//! `livewindow bench …`: load runs whose figures go into BENCHMARKS.md. Each run uses a
//! scratch database (a temporary SQLite file, or a new database on the Postgres server named
//! by --database-url), never the data of the database it is pointed at. One file per bench.

mod desktops;
mod routing;
mod search;
mod search_messages;
mod team;
mod transfer;

/// A handle as the agent console opens one.
async fn open_console(url: &str) -> crate::store::Result<Store> {
    Store::open_with(url, crate::store::Role::Console).await
}
mod web;

use crate::store::Store;
use crate::store::scratch::Scratch;
use anyhow::{Result, bail};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time from a customer's request to the offer reaching the agent's event subscriber.
    OfferLatency {
        #[arg(long, default_value_t = 20)]
        agents: usize,
        /// Consoles the agents are spread over (default: one each). Each console holds
        /// two PostgreSQL connections (one pooled, one LISTEN).
        #[arg(long)]
        desktops: Option<usize>,
        #[arg(long, default_value_t = 300)]
        chats: usize,
    },
    /// PostgreSQL connections held by consoles that follow the feed, tick and take chats.
    Desktops {
        #[arg(long, default_value_t = 20)]
        consoles: usize,
        #[arg(long, default_value_t = 10)]
        secs: u64,
    },
    /// Chats per second through request, offer, accept and end.
    Routing {
        #[arg(long, default_value_t = 50)]
        agents: usize,
        #[arg(long, default_value_t = 1000)]
        chats: usize,
    },
    /// Contact search over seeded contacts: p50/p95/p99 per kind of query, beside the
    /// search before issue 11 on the same data.
    Search {
        #[arg(long, default_value_t = 1_000_000)]
        contacts: i64,
        /// Searches timed per kind of query.
        #[arg(long, default_value_t = 300)]
        runs: usize,
        /// Runs per kind of the old search (a full scan, seconds each); 0 skips it.
        #[arg(long, default_value_t = 10)]
        old_runs: usize,
    },
    /// Message search over synthetic transcripts (seeded up to --messages): p50/p95/p99
    /// per kind of query; the last line is the worst p95.
    SearchMessages {
        #[arg(long, default_value_t = 1_000_000)]
        messages: i64,
        /// Searches timed per kind of query.
        #[arg(long, default_value_t = 200)]
        runs: usize,
    },
    /// Transfers between two desktops: to a queue and to an agent, each timed from the
    /// transfer to the offer on the other desktop.
    Transfer {
        #[arg(long, default_value_t = 100)]
        runs: usize,
    },
    /// A desktop dies holding a chat: the time until another desktop is offered it, against
    /// the absent window (interval × 2 retries).
    Requeue {
        #[arg(long, default_value_t = 10)]
        runs: usize,
        /// ORA_SVC_CHAT_ABSENT_INTERVAL for the run, in seconds.
        #[arg(long, default_value_t = 2)]
        interval: u64,
        /// Consoles still running (each sweeps every few seconds from its tick).
        #[arg(long, default_value_t = 5)]
        survivors: usize,
    },
    /// Desktops on the agents' API and customers on the page's protocol, on one or more
    /// server processes (loopback): offer and message latency, the servers' database
    /// connections and memory per desktop.
    Team {
        #[arg(long, default_value_t = 100)]
        desktops: usize,
        #[arg(long, default_value_t = 1000)]
        customers: usize,
        /// Seconds between one customer's messages.
        #[arg(long, default_value_t = 5.0)]
        every: f64,
        /// How long to measure.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Server processes, desktops and customers dealt among them in turn.
        #[arg(long, default_value_t = 1)]
        servers: usize,
        /// The servers' NATS bus (`livewindow server --bus`), e.g. nats://127.0.0.1:4222.
        #[arg(long)]
        bus: Option<String>,
    },
    /// Customers on `livewindow server` processes (loopback): delivery latency both ways
    /// and memory per connection.
    Web {
        #[arg(long, default_value_t = 200)]
        customers: usize,
        #[arg(long, default_value_t = 1)]
        servers: usize,
        /// Seconds between one customer's messages.
        #[arg(long, default_value_t = 5.0)]
        every: f64,
        /// How long to measure.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
    },
}

/// Runs a bench on a scratch database: a temporary SQLite file, or a new database on the
/// PostgreSQL server of `database_url`.
pub async fn run(database_url: Option<&str>, command: &BenchCommand) -> Result<()> {
    let server = match database_url {
        Some(url) if url.starts_with("postgres") => Some(url),
        Some(url) if url.starts_with("sqlite") => None,
        Some(url) => bail!("unsupported database URL {:?}", crate::store::redact(url)),
        None => None,
    };
    let scratch = Scratch::new(server).await?;
    let store = Store::open(&scratch.url).await?;
    let result = match command {
        BenchCommand::OfferLatency {
            agents,
            desktops,
            chats,
        } => routing::offer_latency(&store, *agents, desktops.unwrap_or(*agents), *chats).await,
        BenchCommand::Desktops { consoles, secs } => {
            desktops::desktops(&store, *consoles, *secs).await
        }
        BenchCommand::Routing { agents, chats } => routing::routing(&store, *agents, *chats).await,
        BenchCommand::Search {
            contacts,
            runs,
            old_runs,
        } => search::search(&store, *contacts, *runs, *old_runs).await,
        BenchCommand::SearchMessages { messages, runs } => {
            search_messages::search_messages(&store, *messages, *runs).await
        }
        BenchCommand::Transfer { runs } => transfer::transfer(&store, *runs).await,
        BenchCommand::Requeue {
            runs,
            interval,
            survivors,
        } => transfer::requeue(&store, *runs, *interval, *survivors).await,
        BenchCommand::Web {
            customers,
            servers,
            every,
            seconds,
        } => web::web(&store, *customers, *servers, *every, *seconds).await,
        BenchCommand::Team {
            desktops,
            customers,
            every,
            seconds,
            servers,
            bus,
        } => {
            let size = team::Size {
                desktops: *desktops,
                customers: *customers,
                servers: *servers,
            };
            team::team(&store, size, bus.as_deref(), *every, *seconds).await
        }
    };
    store.close().await;
    result
}
