//! What a store handle is for, and the connections that allows it.

use std::time::Duration;

/// What a handle is for; it sets how many connections it may hold on PostgreSQL, where each
/// one is a server process and `max_connections` (100 by default) is shared by everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An agent's desktop: one pooled connection, plus one for LISTEN while it follows the
    /// event feed. Its work is one agent's clicks and a tick a second.
    Console,
    /// A one-shot command (queues, agents, options, seeding): one connection, no LISTEN.
    Admin,
    /// `livewindow server`, which answers many clients: this many pooled connections
    /// (`--db-connections`) plus one LISTEN for all its sockets.
    Server(u32),
    /// What [`Store::open`] gives: three pooled connections (tests, benches, the demo's
    /// customers, the customer CLI).
    General,
}

impl Role {
    /// How long a call waits for a connection before it fails as `Unavailable`. A console
    /// says "Reconnecting" within a second or two anyway; failing after a few seconds lets
    /// its calls be retried rather than queue for half a minute.
    pub(crate) fn acquire_timeout(self) -> Duration {
        match self {
            Role::Console => Duration::from_secs(5),
            _ => Duration::from_secs(30),
        }
    }

    /// SQLite connections are file handles, but each keeps its own page cache and, on its
    /// thread, its own malloc arena: a desktop's clicks and feed need three (BENCHMARKS.md,
    /// console memory), everyone else the eight readers WAL serves well.
    pub(crate) fn sqlite_pool(self) -> u32 {
        match self {
            Role::Console => 3,
            _ => 8,
        }
    }

    pub(crate) fn postgres_pool(self) -> u32 {
        match self {
            Role::Console | Role::Admin => 1,
            Role::General => 3,
            Role::Server(n) => n.max(1),
        }
    }
}
