//! `livewindow reply …`: the standard replies of the site, of a queue, or of one agent, on
//! the database or through a server (`AdminData`). Export and import are JSON (a list of
//! `ReplyDoc`s) and round-trip.

use super::ReplyCommand;
use crate::core::reply::{ReplyScope, StandardReply};
use crate::data::admin::{AdminData, ReplyDoc};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;

pub(super) async fn reply(
    admin: &dyn AdminData,
    agent: Option<&str>,
    command: &ReplyCommand,
) -> Result<()> {
    match command {
        ReplyCommand::Add {
            name,
            shortcut,
            text,
            html,
            queue,
            folder,
        } => {
            let (text, html) = body(text.as_deref(), html.as_deref())?;
            let r = admin
                .add_reply(ReplyDoc {
                    name: name.clone(),
                    shortcut: shortcut.clone(),
                    folder: folder.clone(),
                    queue: queue.clone(),
                    agent: agent.map(str::to_string),
                    text,
                    html,
                })
                .await?;
            println!(
                "Added reply {:?} (/{}) for {}.",
                r.name,
                r.shortcut,
                scope(&r)
            );
        }
        ReplyCommand::List => {
            for r in admin.replies().await? {
                println!(
                    "{:>4}  /{:<16} {:<28} {:<16} {:<24} {} uses",
                    r.id,
                    r.shortcut,
                    r.name,
                    r.folder.as_deref().unwrap_or("-"),
                    scope(&r),
                    r.uses
                );
            }
        }
        ReplyCommand::Remove { which, queue } => {
            let r = admin
                .remove_reply(which.clone(), queue.clone(), agent.map(str::to_string))
                .await?;
            println!(
                "Removed reply {:?} (/{}) of {}.",
                r.name,
                r.shortcut,
                scope(&r)
            );
        }
        ReplyCommand::Export => {
            let docs: Vec<ReplyDoc> = admin.replies().await?.iter().map(ReplyDoc::of).collect();
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &docs)?;
            writeln!(out)?;
            out.flush()?;
        }
        ReplyCommand::Import { file } => {
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let docs: Vec<ReplyDoc> = serde_json::from_slice(&bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{} is not a list of replies as `livewindow reply export` writes: {e}",
                    file.display()
                )
            })?;
            let done = admin.import_replies(docs).await?;
            println!(
                "Imported {} replies: {} added, {} replaced.",
                done.added + done.replaced,
                done.added,
                done.replaced
            );
        }
    }
    Ok(())
}

/// The reply's text and HTML: `--text`, and `--html FILE` read through the composer's
/// model (so it holds only what the composer could write); its plain text when no `--text`.
fn body(text: Option<&str>, html: Option<&Path>) -> Result<(String, Option<String>)> {
    let Some(path) = html else {
        return match text {
            Some(t) => Ok((t.to_string(), None)),
            None => bail!("give the reply's words with --text TEXT (or --html FILE)"),
        };
    };
    let raw = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let raw = String::from_utf8(raw)
        .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", path.display()))?;
    let doc = crate::richtext::import(
        &raw,
        &crate::richtext::PasteExtras {
            image: None,
            rtf: None,
            plain: None,
        },
    );
    let text = match text {
        Some(t) => t.to_string(),
        None => doc.to_plain(),
    };
    Ok((text, Some(doc.to_html())))
}

fn scope(r: &StandardReply) -> String {
    match (r.scope, &r.scope_name) {
        (ReplyScope::Site, _) => "the site".into(),
        (ReplyScope::Queue(_), Some(q)) => format!("queue {q}"),
        (ReplyScope::Agent(_), Some(a)) => a.clone(),
        (s, None) => s.kind().into(),
    }
}
