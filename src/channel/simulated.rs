//! Simulated customers for `--demo` and `demo-traffic`: they arrive every few seconds and
//! answer the agent with short scripted lines, through the same path as real customers.

use super::customer::CustomerSession;
use crate::core::{EventKind, Sender};
use crate::store::seed_names;
use crate::store::{Result, Store};
use futures::StreamExt;
use rand::Rng;
use std::time::Duration;

const OPENERS: &[&str] = &[
    "Hi, my water filter is showing a red light since this morning.",
    "Hello! I need to reschedule the technician visit for my boiler.",
    "Hi there, I was charged twice on my last invoice.",
    "Good morning, the air conditioner makes a loud rattling noise.",
    "Hello, how do I update the firmware on my security camera?",
    "Hi, I'd like to add a second site to our maintenance contract.",
];
const REPLIES: &[&str] = &[
    "Sure, one moment please.",
    "Yes, that's the one.",
    "The serial number starts with SN-AQ.",
    "It started two days ago.",
    "Tuesday afternoon would work best for me.",
    "Okay, I tried that and it still happens.",
    "Great, thank you!",
];
const GOODBYES: &[&str] = &[
    "Thanks a lot, that helps. Bye!",
    "Perfect, have a nice day!",
];

/// Runs until `count` customers have arrived (forever if None). Each customer lives on its
/// own task.
pub async fn run(store: Store, every: Duration, count: Option<usize>) -> Result<()> {
    let mut arrived = 0usize;
    let start = rand::rng().random_range(0..seed_names::FIRST_NAMES.len());
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        if count.is_some_and(|c| arrived >= c) {
            return Ok(());
        }
        // Don't pile up an endless queue while nobody is answering.
        if store.waiting_count(None).await? >= 6 {
            continue;
        }
        let (name, email) = {
            let mut rng = rand::rng();
            // The first seeded contacts have these names and emails, so most customers are
            // known contacts; some are strangers, to exercise contact search.
            // Walk the names in a stride from a random start, so customers who are still
            // around are not repeated.
            let n = seed_names::FIRST_NAMES.len();
            let i = (start + arrived * 7) % n;
            let first = seed_names::FIRST_NAMES[i];
            let last = seed_names::LAST_NAMES[(i * 7) % seed_names::LAST_NAMES.len()];
            if rng.random_bool(0.8) {
                (
                    format!("{first} {last}"),
                    format!(
                        "{}.{}@example.com",
                        first.to_lowercase(),
                        last.to_lowercase()
                    ),
                )
            } else {
                let n: u32 = rng.random_range(100..999);
                (
                    format!("{first} {last}"),
                    format!("{}{}@mail.example.org", first.to_lowercase(), n),
                )
            }
        };
        let opener = OPENERS[rand::rng().random_range(0..OPENERS.len())];
        let queue = if rand::rng().random_bool(0.7) {
            "Support"
        } else {
            "Billing"
        };
        let session =
            match CustomerSession::start(&store, &name, &email, Some(queue), Some(opener)).await {
                Ok(s) => s,
                Err(_) => CustomerSession::start(&store, &name, &email, None, Some(opener)).await?,
            };
        arrived += 1;
        tokio::spawn(async move {
            if let Err(e) = converse(session).await {
                tracing::warn!("simulated customer: {e}");
            }
        });
    }
}

async fn converse(session: CustomerSession) -> Result<()> {
    let mut events = session.events();
    let mut replies = 0usize;
    let give_up = tokio::time::sleep(Duration::from_secs(180));
    tokio::pin!(give_up);
    let mut accepted = false;
    // Like a real client: without heartbeats the customer-absent rule would end the chat.
    let mut heartbeat = tokio::time::interval(Duration::from_secs(15));
    loop {
        tokio::select! {
            _ = heartbeat.tick() => {
                if let Err(e) = session.heartbeat().await {
                    tracing::debug!("simulated customer heartbeat: {e}");
                }
            }
            _ = &mut give_up, if !accepted => {
                session.leave().await?;
                return Ok(());
            }
            event = events.next() => {
                let Some(event) = event else { return Ok(()) };
                let Ok(event) = event else { continue };
                if event.chat_id != Some(session.chat_id) {
                    continue;
                }
                match event.kind {
                    EventKind::ChatAccepted => accepted = true,
                    EventKind::ChatEnded => return Ok(()),
                    EventKind::Message => {
                        let Some(id) = event.message_id else { continue };
                        let message = session.store.message(id).await?;
                        if message.sender != Sender::Agent {
                            continue;
                        }
                        let pause = rand::rng().random_range(1500..4000);
                        tokio::time::sleep(Duration::from_millis(pause)).await;
                        replies += 1;
                        if replies > 5 {
                            let bye = GOODBYES[rand::rng().random_range(0..GOODBYES.len())];
                            session.send(bye).await?;
                            tokio::time::sleep(Duration::from_secs(3)).await;
                            session.leave().await?;
                            return Ok(());
                        }
                        let line = REPLIES[rand::rng().random_range(0..REPLIES.len())];
                        session.send(line).await?;
                    }
                    _ => {}
                }
            }
        }
    }
}
