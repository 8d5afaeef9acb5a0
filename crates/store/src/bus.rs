//! The bus between server processes (`livewindow server --bus nats://host:4222`): a writer's
//! wake-up and the typing signals go through NATS instead of PostgreSQL's notifications,
//! whose cluster-wide lock every notifying commit queues behind. The database stays the
//! record: a wake-up carries nothing, readers still read the events table after their last
//! id, so a server that misses bus messages (NATS down, a reconnect) catches up by id on its
//! next read, and its readers re-read every 2 s anyway.

use super::{Result, StoreError, redact};
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How long a server waits for the bus at start before it gives up with a reason.
const CONNECT_WAIT: Duration = Duration::from_secs(5);

/// A connection to NATS, shared by a handle's writers and its listener.
pub struct Bus {
    client: async_nats::Client,
    /// `livewindow.<database>.events` and `….signals`: the database's name keeps two
    /// centres (or two test databases) on one NATS apart.
    events: String,
    signals: String,
    /// Rung when the connection is back: what was missed meanwhile is read by id.
    reconnected: Arc<Notify>,
}

impl Bus {
    /// Connects to NATS at `url` for the database named `database`. NATS reconnects by
    /// itself afterwards, for as long as the server runs.
    pub async fn connect(url: &str, database: &str) -> Result<Arc<Bus>> {
        let reconnected = Arc::new(Notify::new());
        let ring = reconnected.clone();
        let options = async_nats::ConnectOptions::new()
            .name("livewindow server")
            .max_reconnects(None)
            .event_callback(move |event| {
                let ring = ring.clone();
                async move {
                    match event {
                        async_nats::Event::Connected => ring.notify_waiters(),
                        async_nats::Event::Disconnected => {
                            tracing::warn!("the bus is unreachable; reconnecting")
                        }
                        other => tracing::debug!("bus: {other}"),
                    }
                }
            });
        // A wrong address is a setting to fix, said in one line.
        let client = tokio::time::timeout(CONNECT_WAIT, options.connect(url))
            .await
            .map_err(|_| {
                StoreError::Config(format!(
                    "cannot reach the bus at {}: no answer within {} s",
                    redact(url),
                    CONNECT_WAIT.as_secs()
                ))
            })?
            .map_err(|e| {
                StoreError::Config(format!("cannot reach the bus at {}: {e}", redact(url)))
            })?;
        let name: String = database
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Ok(Arc::new(Bus {
            client,
            events: format!("livewindow.{name}.events"),
            signals: format!("livewindow.{name}.signals"),
            reconnected,
        }))
    }

    /// Events were committed: every server reads the table. `tag` names the handle that
    /// committed them, whose listener skips its own wake-ups.
    pub(crate) async fn wake(&self, tag: &str) {
        if let Err(error) = self
            .client
            .publish(self.events.clone(), tag.to_owned().into())
            .await
        {
            tracing::debug!("bus wake-up not sent: {error}");
        }
    }

    /// A note of signals (signals.rs) to every server.
    pub(crate) async fn signal(&self, payload: Vec<u8>) {
        if let Err(error) = self
            .client
            .publish(self.signals.clone(), payload.into())
            .await
        {
            tracing::debug!("bus signal not sent: {error}");
        }
    }

    /// Rings `ring` for each wake-up but those tagged `own` (and after each reconnection)
    /// and hands signal notes to `signal`, until dropped.
    pub(crate) async fn listen(&self, own: &str, ring: impl Fn(), signal: impl Fn(&[u8])) {
        loop {
            let subscribed = async {
                let events = self.client.subscribe(self.events.clone()).await?;
                let signals = self.client.subscribe(self.signals.clone()).await?;
                Ok::<_, async_nats::SubscribeError>((events, signals))
            };
            let (mut events, mut signals) = match subscribed.await {
                Ok(subs) => subs,
                Err(error) => {
                    tracing::warn!("cannot subscribe to the bus: {error}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            // Whatever was committed before the subscription is read by id.
            ring();
            loop {
                tokio::select! {
                    next = events.next() => match next {
                        Some(wake) if wake.payload.as_ref() == own.as_bytes() => {}
                        Some(_) => ring(),
                        None => break,
                    },
                    next = signals.next() => match next {
                        Some(note) => signal(&note.payload),
                        None => break,
                    },
                    _ = self.reconnected.notified() => ring(),
                }
            }
        }
    }
}
