//! `livewindow report csat`: the customers' satisfaction answers, counted per rating, with
//! the total and the average.

use crate::core::csat::CsatFilter;
use crate::core::time::{now_ms, parse_since};
use crate::data::admin::AdminData;
use anyhow::{Result, anyhow};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// How customers rated their chats (1 to 5): the count per rating, the total and the
    /// average. `--agent EMAIL` (the global option) counts only that agent's chats.
    Csat {
        /// Only the chats of this queue.
        #[arg(long)]
        queue: Option<String>,
        /// Ratings given from this time: 2026-12-07, "2026-12-07 14:30", or 90m, 2h, 3d ago.
        #[arg(long)]
        since: Option<String>,
    },
}

pub(super) async fn report(
    admin: &dyn AdminData,
    agent: Option<&str>,
    command: &ReportCommand,
) -> Result<()> {
    let ReportCommand::Csat { queue, since } = command;
    let since_ms = since
        .as_deref()
        .map(|s| parse_since(s, now_ms()))
        .transpose()
        .map_err(|e| anyhow!(e))?;
    let report = admin
        .csat(CsatFilter {
            queue: queue.clone(),
            agent: agent.map(str::to_string),
            since_ms,
        })
        .await?;
    for (rating, n) in (1..6).zip(report.counts).rev() {
        println!("{rating} of 5  {n}");
    }
    println!("Total   {}", report.total());
    match report.average() {
        Some(avg) => println!("Average {avg:.2} of 5"),
        None => println!("Average - (no ratings yet)"),
    }
    Ok(())
}
