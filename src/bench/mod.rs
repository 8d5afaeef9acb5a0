//! `livewindow bench …`: load runs whose figures go into BENCHMARKS.md. Each run uses a
//! scratch database (a temporary SQLite file, or a new database on the Postgres server named
//! by --database-url), never the data of the database it is pointed at. One file per bench.

mod routing;
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
        #[arg(long, default_value_t = 300)]
        chats: usize,
    },
    /// Chats per second through request, offer, accept and end.
    Routing {
        #[arg(long, default_value_t = 50)]
        agents: usize,
        #[arg(long, default_value_t = 1000)]
        chats: usize,
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
        BenchCommand::OfferLatency { agents, chats } => {
            routing::offer_latency(&store, *agents, *chats).await
        }
        BenchCommand::Routing { agents, chats } => routing::routing(&store, *agents, *chats).await,
        BenchCommand::Web {
            customers,
            servers,
            every,
            seconds,
        } => web::web(&store, *customers, *servers, *every, *seconds).await,
    };
    store.close().await;
    result
}
