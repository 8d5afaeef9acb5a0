//! `livewindow audit list`: what supervisors did (monitor, whisper, join, leave, reassign,
//! status set, end), newest first.

use crate::core::supervise::AuditFilter;
use crate::core::time::{date_time, now_ms, parse_since};
use crate::data::admin::AdminData;
use anyhow::{Result, anyhow};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// The supervisors' actions, newest first.
    List {
        /// From this time: 2026-12-07, "2026-12-07 14:30", or 90m, 2h, 3d ago.
        #[arg(long)]
        since: Option<String>,
        /// Only this supervisor's (email or name).
        #[arg(long)]
        user: Option<String>,
        /// Only this chat's.
        #[arg(long)]
        chat: Option<i64>,
        /// At most this many rows.
        #[arg(long, default_value_t = 200)]
        limit: i64,
    },
}

pub(super) async fn audit(admin: &dyn AdminData, command: &AuditCommand) -> Result<()> {
    let AuditCommand::List {
        since,
        user,
        chat,
        limit,
    } = command;
    if !(1..=10_000).contains(limit) {
        return Err(anyhow!("--limit must be between 1 and 10000"));
    }
    let now = now_ms();
    let since_ms = since
        .as_deref()
        .map(|s| parse_since(s, now))
        .transpose()
        .map_err(|e| anyhow!(e))?;
    let rows = admin
        .audit(AuditFilter {
            since_ms,
            user: user.clone(),
            chat_id: *chat,
            limit: *limit,
        })
        .await?;
    if rows.is_empty() {
        println!("No supervisor actions recorded for that.");
    }
    for r in rows {
        let on = match (r.chat_id, r.agent_id) {
            (Some(c), _) => format!("chat {c}"),
            (None, Some(a)) => format!("agent {a}"),
            (None, None) => String::new(),
        };
        println!(
            "{:>6}  {}  {:<24} {:<13} {:<10} {}",
            r.id,
            date_time(r.at_ms),
            r.actor,
            r.action,
            on,
            r.detail.replace('\n', " ")
        );
    }
    Ok(())
}
