//! `livewindow customer`: a customer's chat in this terminal.

use super::CustomerArgs;
use crate::channel::customer::{self, CustomerSession};
use crate::core::EventKind;
use crate::core::StoreError;
use crate::store::Store;
use anyhow::{Result, bail};
use futures::StreamExt;
use std::io::{IsTerminal, Write};
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
    let mut lines = stdin_lines();
    let mut stdin_open = true;
    let mut events = session.events();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    // Check-ins follow the absent interval in force, read again now and then.
    let mut checkin = checkin_every(store, HEARTBEAT).await;
    let mut heartbeat = tokio::time::interval(checkin);
    let mut reread = tokio::time::interval(REREAD_OPTIONS);
    reread.tick().await;
    let mut still_waiting = tokio::time::interval(STILL_WAITING);
    still_waiting.tick().await;
    let mut accepted = false;
    let mut link = Link::default();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return leave(&session, &mut out).await,
            line = lines.recv(), if stdin_open => match line {
                Some(line) => {
                    let line = line.trim();
                    if line == "/quit" {
                        return leave(&session, &mut out).await;
                    }
                    if !line.is_empty() {
                        let sent = session.send(line).await;
                        link.saw(sent.as_ref().err(), &mut out)?;
                        if let Err(e) = sent {
                            writeln!(out, "Not sent: {e}")?;
                        }
                    }
                }
                None => stdin_open = false,
            },
            event = events.next() => {
                let Some(event) = event else { bail!("the event feed stopped") };
                let event = match event {
                    Ok(e) => e,
                    Err(e) => {
                        link.saw(Some(&e), &mut out)?;
                        continue;
                    }
                };
                link.saw(None, &mut out)?;
                if event.chat_id == Some(session.chat_id) {
                    if event.kind == EventKind::ChatAccepted { accepted = true; }
                    if event.kind == EventKind::ChatTransferred { accepted = false; }
                    if let Some(text) = customer::describe(&session, event.kind, event.message_id).await? {
                        writeln!(out, "{text}")?;
                        out.flush()?;
                    }
                    if event.kind == EventKind::ChatEnded {
                        if stdin_open && std::io::stdin().is_terminal() {
                            ask_rating(store, session.chat_id, &mut lines, &mut out).await?;
                        }
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
            _ = still_waiting.tick(), if !accepted => {
                if let Ok(Some(p)) = session.position().await {
                    writeln!(out, "Still waiting for an agent; you are number {p}.")?;
                    out.flush()?;
                }
            }
            _ = heartbeat.tick() => {
                let r = session.heartbeat().await;
                link.saw(r.as_ref().err(), &mut out)?;
            }
            _ = reread.tick() => {
                let now = checkin_every(store, checkin).await;
                if now != checkin {
                    checkin = now;
                    heartbeat = tokio::time::interval(checkin);
                }
            }
            _ = tick.tick() => {
                // Any participant may notice an expired offer; the customer helps too.
                let r = store.tick().await;
                link.saw(r.as_ref().err(), &mut out)?;
            }
        }
    }
}

/// How long the terminal waits for an answer to "How did we do?".
const RATING_WAIT: Duration = Duration::from_secs(120);

/// "How did we do?" once the chat ended, when the site asks: one line, a rating from 1 to 5
/// and an optional comment; an empty line (or no answer in time) skips it.
async fn ask_rating(
    store: &Store,
    chat_id: i64,
    lines: &mut tokio::sync::mpsc::Receiver<String>,
    out: &mut impl Write,
) -> Result<()> {
    use crate::core::csat::{Rated, Rating};
    if !store.csat_enabled().await? {
        return Ok(());
    }
    writeln!(
        out,
        "How did we do? Type a rating from 1 to 5 and, if you like, a comment (\"4 Quick and kind\"); Enter skips."
    )?;
    out.flush()?;
    loop {
        let Ok(Some(line)) = tokio::time::timeout(RATING_WAIT, lines.recv()).await else {
            return Ok(());
        };
        let line = line.trim();
        if line.is_empty() {
            return Ok(());
        }
        let (first, comment) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let checked = first
            .parse::<i64>()
            .map_err(|_| crate::core::csat::RatingError::OutOfRange)
            .and_then(|r| Rating::new(r, Some(comment)));
        match checked {
            Ok(rating) => {
                let said = match store.rate_chat(chat_id, &rating).await? {
                    Rated::Stored => "Thank you for telling us how we did!",
                    Rated::AlreadyRated => "This chat was rated already. Thank you!",
                    Rated::NotEnded | Rated::Off => return Ok(()),
                };
                writeln!(out, "{said}")?;
                out.flush()?;
                return Ok(());
            }
            Err(e) => {
                writeln!(out, "{e} (Enter skips.)")?;
                out.flush()?;
            }
        }
    }
}

/// How often the customer's client says it is still there until the absent interval is read.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// How often the absent interval in force is read again.
const REREAD_OPTIONS: Duration = Duration::from_secs(30);

/// The check-in period in force (`fallback` while the database does not answer).
async fn checkin_every(store: &Store, fallback: Duration) -> Duration {
    match store.customer_checkin_ms().await {
        Ok(ms) => Duration::from_millis(ms.max(1) as u64),
        Err(_) => fallback,
    }
}
/// How often a waiting customer is told they are still in line.
const STILL_WAITING: Duration = Duration::from_secs(60);
/// How long leaving may wait for the database before the customer is let go anyway.
const LEAVE_TIMEOUT: Duration = Duration::from_secs(2);

/// Whether the database answers: the customer is told once when it stops, once when it
/// comes back.
#[derive(Default)]
struct Link {
    down: bool,
}

impl Link {
    fn saw(&mut self, error: Option<&StoreError>, out: &mut impl Write) -> Result<()> {
        match error {
            Some(e) if e.is_unavailable() && !self.down => {
                self.down = true;
                writeln!(out, "Reconnecting to the database…")?;
            }
            None if self.down => {
                self.down = false;
                writeln!(out, "Connected again.")?;
            }
            _ => return Ok(()),
        }
        out.flush()?;
        Ok(())
    }
}

/// Leaves the chat, or, when the database does not answer at once, lets the customer go
/// anyway: the customer-absent rule ends the chat once the database is back.
async fn leave(session: &CustomerSession, out: &mut impl Write) -> Result<()> {
    match tokio::time::timeout(LEAVE_TIMEOUT, session.leave()).await {
        Ok(Ok(())) => writeln!(out, "You left the chat.")?,
        Ok(Err(e)) if !e.is_unavailable() => return Err(e.into()),
        _ => writeln!(
            out,
            "You left the chat. (The database cannot be reached now; the chat ends once it is back.)"
        )?,
    }
    out.flush()?;
    Ok(())
}

/// stdin, a line at a time. A line that is not UTF-8 is reported on stderr and skipped;
/// the lines after it still arrive.
fn stdin_lines() -> tokio::sync::mpsc::Receiver<String> {
    let (tx, rx) = tokio::sync::mpsc::channel::<String>(64);
    tokio::spawn(async move {
        use tokio::io::AsyncBufReadExt;
        let mut reader = tokio::io::BufReader::new(tokio::io::stdin());
        let mut number = 0u64;
        loop {
            let mut bytes = Vec::new();
            match reader.read_until(b'\n', &mut bytes).await {
                Ok(0) | Err(_) => break,
                Ok(_) => number += 1,
            }
            let line = match String::from_utf8(bytes) {
                Ok(line) => line,
                Err(_) => {
                    eprintln!(
                        "livewindow: line {number} of your input is not UTF-8 text and was skipped"
                    );
                    continue;
                }
            };
            if tx.send(line).await.is_err() {
                break;
            }
        }
    });
    rx
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
