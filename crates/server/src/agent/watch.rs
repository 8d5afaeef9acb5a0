//! The sessions behind this process's open event sockets, checked together once a second
//! in one query (not one query per socket per second: a thousand desktops would make that a
//! thousand queries a second). A socket whose session ends hears why within a second or
//! two and closes with it.

use livewindow_data::wire::FailureKind;
use livewindow_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// How often the sessions are checked.
const EVERY: Duration = Duration::from_secs(1);

struct Watched {
    sockets: usize,
    ended: watch::Sender<Option<FailureKind>>,
}

/// The watched sessions, by id.
#[derive(Default)]
pub struct Sessions {
    watched: Mutex<HashMap<i64, Watched>>,
}

/// One socket's watch on its session: `ended` changes to why, once the session ends.
pub struct Follow {
    pub ended: watch::Receiver<Option<FailureKind>>,
    session_id: i64,
    sessions: Arc<Sessions>,
}

impl Drop for Follow {
    fn drop(&mut self) {
        let mut watched = self.sessions.lock();
        if let Some(w) = watched.get_mut(&self.session_id) {
            w.sockets -= 1;
            if w.sockets == 0 {
                watched.remove(&self.session_id);
            }
        }
    }
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Watched>> {
        self.watched.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Watches `session_id` for as long as the returned [`Follow`] lives.
    pub fn follow(self: &Arc<Self>, session_id: i64) -> Follow {
        let mut watched = self.lock();
        let w = watched.entry(session_id).or_insert_with(|| Watched {
            sockets: 0,
            ended: watch::channel(None).0,
        });
        w.sockets += 1;
        Follow {
            ended: w.ended.subscribe(),
            session_id,
            sessions: self.clone(),
        }
    }

    /// Checks the watched sessions every second until `stop` turns true.
    pub async fn run(self: Arc<Self>, store: Store, mut stop: watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.wait_for(|s| *s) => return,
            }
            let ids: Vec<i64> = self.lock().keys().copied().collect();
            if ids.is_empty() {
                continue;
            }
            // The database down for a moment ends no session.
            let Ok(ended) = store.ended_sessions(&ids).await else {
                continue;
            };
            let watched = self.lock();
            for (id, why) in ended {
                if let Some(w) = watched.get(&id) {
                    w.ended.send_replace(Some(FailureKind::Session(why)));
                }
            }
        }
    }
}
