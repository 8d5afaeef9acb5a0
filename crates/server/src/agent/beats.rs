//! Desktops' heartbeats, a second each, kept in this process and written together: one
//! transaction a second for all its desktops, not one per heartbeat (a thousand desktops
//! would make that a thousand writes a second). A heartbeat is answered from what the
//! process last learned of the agent (their current desk and status), refreshed by that
//! same write; the first one of a desktop it knows nothing of goes to the database at once.
//! The presence rules count in tens of seconds, so a second's delay in `last_seen` is
//! nothing to them.

use livewindow_core::{AgentStatus, StoreError};
use livewindow_store::Store;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How often the gathered heartbeats are written.
const EVERY: Duration = Duration::from_secs(1);
/// An agent not heard from in this long is forgotten (their desktop closed).
const FORGET_AFTER: Duration = Duration::from_secs(30);

/// What the process knows of an agent: their desk and status as last read, and when their
/// desktop last ticked here.
struct Known {
    desk: Option<String>,
    status: AgentStatus,
    heard: Instant,
}

#[derive(Default)]
struct Inner {
    /// Heartbeats since the last write: agent → the desk it came from.
    pending: HashMap<i64, String>,
    known: HashMap<i64, Known>,
}

#[derive(Default)]
pub struct Beats {
    inner: Mutex<Inner>,
}

impl Beats {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A heartbeat from `desk`: the agent's status, or `None` when another console has
    /// taken the agent's desk over.
    pub async fn beat(
        &self,
        store: &Store,
        agent: i64,
        desk: &str,
    ) -> Result<Option<AgentStatus>, StoreError> {
        {
            let mut inner = self.lock();
            if let Some(k) = inner.known.get_mut(&agent) {
                k.heard = Instant::now();
                let answer = (k.desk.as_deref() == Some(desk)).then_some(k.status);
                inner.pending.insert(agent, desk.to_string());
                return Ok(answer);
            }
        }
        let status = store.desk_heartbeat(agent, desk).await?;
        if let Some(status) = status {
            self.learned(agent, Some(desk.to_string()), status);
        }
        Ok(status)
    }

    /// What the process learned of an agent: from the write, a status change it made, or
    /// the agent's own events.
    pub fn learned(&self, agent: i64, desk: Option<String>, status: AgentStatus) {
        let mut inner = self.lock();
        match inner.known.get_mut(&agent) {
            Some(k) => {
                if desk.is_some() {
                    k.desk = desk;
                }
                k.status = status;
            }
            None => {
                inner.known.insert(
                    agent,
                    Known {
                        desk,
                        status,
                        heard: Instant::now(),
                    },
                );
            }
        }
    }

    /// The agent's status changed (their events say so): answered from now on.
    pub fn status(&self, agent: i64, status: AgentStatus) {
        if let Some(k) = self.lock().known.get_mut(&agent) {
            k.status = status;
        }
    }

    /// Writes the gathered heartbeats every second until `stop` turns true.
    pub async fn run(&self, store: Store, mut stop: watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.wait_for(|s| *s) => return,
            }
            let beats: Vec<(i64, String)> = {
                let mut inner = self.lock();
                inner.known.retain(|_, k| k.heard.elapsed() < FORGET_AFTER);
                inner.pending.drain().collect()
            };
            if beats.is_empty() {
                continue;
            }
            match store.desk_heartbeats(&beats).await {
                Ok(seen) => {
                    let mut inner = self.lock();
                    for (agent, desk, status) in seen {
                        if let Some(k) = inner.known.get_mut(&agent) {
                            k.desk = desk;
                            k.status = status;
                        }
                    }
                }
                Err(e) => {
                    // Kept for the next turn, unless newer ones came meanwhile.
                    tracing::warn!(error = %e, "heartbeats not written");
                    let mut inner = self.lock();
                    for (agent, desk) in beats {
                        inner.pending.entry(agent).or_insert(desk);
                    }
                }
            }
        }
    }
}
