//! The feed's shared reader state: the recent events one handle has read, kept apart from
//! the reading (events.rs) and the wake-ups (wake.rs), which both hold it.

use livewindow_core::{Event, StoreError};
use tokio::sync::watch;

/// Recent events of the feed, read once for all subscriptions of a handle: every event with
/// an id in (`start`, `head`], in order, with nothing missing.
pub(crate) struct Hub {
    pub(crate) state: std::sync::Mutex<HubState>,
    /// Bumped when events or an error arrive.
    pub(crate) changed: watch::Sender<u64>,
}

pub(crate) struct HubState {
    pub(crate) start: i64,
    pub(crate) head: i64,
    pub(crate) events: std::collections::VecDeque<Event>,
    /// The reader's latest error and how many there were, so each is reported once.
    pub(crate) error: Option<(u64, StoreError)>,
}

/// How many events a hub keeps; a subscription further behind reads the table itself.
pub(crate) const HUB_KEEP: usize = 4096;

impl Hub {
    /// An empty hub whose window starts (and ends) at `after_id`.
    pub(crate) fn new(after_id: i64) -> Hub {
        Hub {
            state: std::sync::Mutex::new(HubState {
                start: after_id,
                head: after_id,
                events: Default::default(),
                error: None,
            }),
            changed: watch::channel(0).0,
        }
    }
}
