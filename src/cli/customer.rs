//! `livewindow customer`: a customer's chat in this terminal.

use super::CustomerArgs;
use crate::channel::customer::{self, CustomerSession};
use crate::core::EventKind;
use crate::store::Store;
use anyhow::{Result, bail};
use futures::StreamExt;
use std::io::Write;
use std::time::Duration;

pub(super) async fn run(store: &Store, args: &CustomerArgs) -> Result<()> {
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
pub(crate) fn shutdown_signal() -> impl std::future::Future<Output = ()> {
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
