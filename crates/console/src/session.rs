//! What the console remembers across restarts on this desktop: unsent drafts, which chat
//! was in view, the screen pop's tab per chat, the theme. The chats themselves come from
//! the database.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Session {
    pub in_view: Option<i64>,
    pub on_tab: bool,
    pub drafts: BTreeMap<i64, String>,
    /// Formatted drafts as HTML (their plain text is in `drafts` too).
    #[serde(default)]
    pub draft_html: BTreeMap<i64, String>,
    #[serde(default)]
    pub enter_sends: Option<bool>,
    pub pop_tabs: BTreeMap<i64, String>,
    /// Written by builds before the theme choice: true meant Dark.
    #[serde(default)]
    pub dark: bool,
    #[serde(default)]
    pub theme: Option<crate::theme::Choice>,
    /// Percent; see `zoom`.
    #[serde(default)]
    pub zoom: Option<u16>,
    /// Spoken alerts (off unless switched on).
    #[serde(default)]
    pub speak: bool,
    /// The sounds chosen, their volume, mute (the defaults until first changed).
    #[serde(default)]
    pub sounds: Option<crate::sound::Prefs>,
    /// Messages sent but not confirmed by the database yet, per chat: written before the
    /// first attempt, so a console that dies meanwhile sends them on its next start (their
    /// client ids keep them single).
    #[serde(default)]
    pub outbox: BTreeMap<i64, Vec<Unsent>>,
}

/// One message of the outbox.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Unsent {
    pub client_id: String,
    pub text: String,
    pub html: Option<String>,
    /// A private line to supervisors (never the customer's).
    #[serde(default)]
    pub internal: bool,
}

/// One file per database and agent, named by a SHA-256 of the database's identity: the
/// same name on every build (std's hasher may change between Rust releases, and a new name
/// would lose every agent's drafts). A file under the name older builds used is renamed to
/// the new one the first time.
pub fn path(dir: &Path, database: &str, agent_id: i64) -> PathBuf {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(database.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let path = dir.join(format!("session-{hex}-agent{agent_id}.json"));
    if !path.exists() {
        let old = legacy_path(dir, database, agent_id);
        if old.exists()
            && let Err(e) = std::fs::rename(&old, &path)
        {
            tracing::warn!("cannot rename {} to {}: {e}", old.display(), path.display());
            return old;
        }
    }
    path
}

/// The name builds before 2026-12 gave the file (std's `DefaultHasher`, as this build
/// computes it).
pub fn legacy_path(dir: &Path, database: &str, agent_id: i64) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    database.hash(&mut h);
    dir.join(format!("session-{:016x}-agent{agent_id}.json", h.finish()))
}

pub fn default_dir() -> Option<PathBuf> {
    livewindow_core::paths::data_dir().map(|d| d.join("sessions"))
}

pub fn load(path: &Path) -> Session {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Writes atomically (temp file, then rename), so a crash never leaves half a file. The
/// folder and the file are the user's alone: drafts hold customers' details.
pub fn save(path: &Path, session: &Session) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(session).map_err(std::io::Error::other)?;
    livewindow_core::paths::write_private(path, &bytes)
}
