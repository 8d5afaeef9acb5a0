//! Sessions kept on this computer: "Keep me signed in on this computer" on the sign-in
//! screen, and `livewindow login` for the admin commands. A kept session is its server, the
//! email and agent id it signs in, and its token. The token goes to the operating system's
//! keyring (the Secret Service on Linux, the Keychain, the Windows Credential Manager); with
//! no keyring (no Secret Service on the session bus: CI, a headless machine) it goes to
//! `kept.json` in the data directory, a file of mode 0600, and the caller says so in one
//! line. The same file holds the rest (server, email, agent id: no secret), and the last
//! server and email signed in with, to fill the sign-in screen next time; never a password.
//!
//! One session is kept per server and [`Purpose`]: the console's and an administrator's
//! are apart, so `livewindow logout` never signs the console out.
//!
//! The keyring is reached on a thread of its own, given [`KEYRING_WAIT`] to answer: its
//! D-Bus calls block, must not run on an async runtime's thread, and a locked keyring may
//! wait for a prompt nobody sees.

use livewindow_core::SessionToken;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// The keyring's service name; each entry's user is the purpose and the server.
const SERVICE: &str = "livewindow";
/// How long the keyring may take before the file is used instead.
pub const KEYRING_WAIT: Duration = Duration::from_secs(5);
const FILE: &str = "kept.json";

/// What a kept session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// The console's "Keep me signed in on this computer".
    Desktop,
    /// `livewindow login`: an administrator's session for the admin commands.
    Admin,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Desktop => "desktop",
            Purpose::Admin => "admin",
        }
    }
}

/// A session kept on this computer. Its `Debug` never shows the token.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// The server's checked address (`Server::url`), as the key.
    pub server: String,
    pub email: String,
    pub agent_id: i64,
    pub token: SessionToken,
}

/// Where a kept token went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Keyring,
    /// No keyring: the token is in this 0600 file, for the reason given.
    File {
        path: PathBuf,
        why: String,
    },
}

impl Place {
    /// The one line to say when the token went to the file, if it did.
    pub fn warning(&self) -> Option<String> {
        match self {
            Place::Keyring => None,
            Place::File { path, why } => Some(format!(
                "warning: no keyring on this computer ({why}); the session is kept in {}, \
                 readable by you alone",
                path.display()
            )),
        }
    }
}

/// The last server and email signed in with (no secret).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Last {
    pub server: String,
    pub email: String,
}

/// The file's content.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Book {
    #[serde(default)]
    sessions: Vec<Entry>,
    #[serde(default)]
    last: Option<Last>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    purpose: Purpose,
    server: String,
    email: String,
    agent_id: i64,
    /// `None`: the token is in the keyring.
    token: Option<SessionToken>,
}

/// Why a kept session could not be kept, read or forgotten.
pub type KeepError = String;

/// Keeps sessions in a directory, with or without the keyring.
#[derive(Debug, Clone)]
pub struct Keeper {
    dir: PathBuf,
    keyring: bool,
}

impl Keeper {
    /// In the platform's data directory (`~/.local/share/livewindow` on Linux), tokens in the
    /// operating system's keyring when there is one.
    pub fn platform() -> Result<Keeper, KeepError> {
        let dir = livewindow_core::paths::data_dir()
            .ok_or("this computer gives no home directory to keep a session in")?;
        Ok(Keeper::at(dir, true))
    }

    /// In `dir`; with `keyring` false every token goes to the file.
    pub fn at(dir: PathBuf, keyring: bool) -> Keeper {
        Keeper { dir, keyring }
    }

    /// The file that holds what is kept.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    fn read(&self) -> Result<Book, KeepError> {
        let path = self.path();
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("{} is not readable ({e}); delete it", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Book::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    fn write(&self, book: &Book) -> Result<(), KeepError> {
        let path = self.path();
        let bytes = serde_json::to_vec_pretty(book).map_err(|e| e.to_string())?;
        livewindow_core::paths::write_private(&path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// Keeps `kept` for `purpose`, replacing the session kept for its server before.
    pub fn store(&self, purpose: Purpose, kept: &Kept) -> Result<Place, KeepError> {
        let place = match self.keyring {
            true => match in_keyring(purpose, &kept.server, Op::Set(kept.token.clone())) {
                Ok(_) => Place::Keyring,
                Err(why) => Place::File {
                    path: self.path(),
                    why,
                },
            },
            false => Place::File {
                path: self.path(),
                why: "not asked to use it".into(),
            },
        };
        let mut book = self.read()?;
        book.sessions
            .retain(|e| !(e.purpose == purpose && e.server == kept.server));
        book.sessions.push(Entry {
            purpose,
            server: kept.server.clone(),
            email: kept.email.clone(),
            agent_id: kept.agent_id,
            token: (place != Place::Keyring).then(|| kept.token.clone()),
        });
        self.write(&book)?;
        Ok(place)
    }

    /// The session kept for `purpose` on `server`, if one is (and its token can be read).
    pub fn load(&self, purpose: Purpose, server: &str) -> Result<Option<Kept>, KeepError> {
        let book = self.read()?;
        let Some(entry) = book
            .sessions
            .into_iter()
            .find(|e| e.purpose == purpose && e.server == server)
        else {
            return Ok(None);
        };
        let token = match entry.token {
            Some(token) => token,
            None => match in_keyring(purpose, server, Op::Get)? {
                Some(token) => token,
                // Deleted from the keyring by hand: nothing kept.
                None => return Ok(None),
            },
        };
        Ok(Some(Kept {
            server: entry.server,
            email: entry.email,
            agent_id: entry.agent_id,
            token,
        }))
    }

    /// The servers with a session kept for `purpose`.
    pub fn servers(&self, purpose: Purpose) -> Result<Vec<String>, KeepError> {
        Ok(self
            .read()?
            .sessions
            .into_iter()
            .filter(|e| e.purpose == purpose)
            .map(|e| e.server)
            .collect())
    }

    /// Forgets the session kept for `purpose` on `server`: its token leaves the keyring or
    /// the file. False when none was kept.
    pub fn forget(&self, purpose: Purpose, server: &str) -> Result<bool, KeepError> {
        let mut book = self.read()?;
        let before = book.sessions.len();
        let mut in_ring = false;
        book.sessions.retain(|e| {
            let this = e.purpose == purpose && e.server == server;
            in_ring |= this && e.token.is_none();
            !this
        });
        if book.sessions.len() == before {
            return Ok(false);
        }
        self.write(&book)?;
        if in_ring {
            in_keyring(purpose, server, Op::Delete)?;
        }
        Ok(true)
    }

    /// Remembers the server and email last signed in with.
    pub fn remember(&self, server: &str, email: &str) -> Result<(), KeepError> {
        let mut book = self.read()?;
        book.last = Some(Last {
            server: server.to_string(),
            email: email.to_string(),
        });
        self.write(&book)
    }

    /// The server and email last signed in with, if remembered.
    pub fn last(&self) -> Option<Last> {
        self.read().ok()?.last
    }
}

enum Op {
    Set(SessionToken),
    Get,
    Delete,
}

/// One keyring operation, on a thread of its own, within [`KEYRING_WAIT`]: the token read
/// (`Get`; `None` when there is no entry), else nothing.
fn in_keyring(purpose: Purpose, server: &str, op: Op) -> Result<Option<SessionToken>, KeepError> {
    let user = format!("{} {server}", purpose.as_str());
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("keyring".into())
        .spawn(move || {
            let result = keyring::Entry::new(SERVICE, &user).and_then(|entry| match op {
                Op::Set(token) => entry.set_password(token.expose()).map(|()| None),
                Op::Get => match entry.get_password() {
                    Ok(token) => Ok(Some(SessionToken::new(token))),
                    Err(keyring::Error::NoEntry) => Ok(None),
                    Err(e) => Err(e),
                },
                Op::Delete => match entry.delete_credential() {
                    Ok(()) | Err(keyring::Error::NoEntry) => Ok(None),
                    Err(e) => Err(e),
                },
            });
            let _ = tx.send(result.map_err(|e| short(&e)));
        });
    if let Err(e) = spawned {
        return Err(format!("the keyring cannot be reached: {e}"));
    }
    match rx.recv_timeout(KEYRING_WAIT) {
        Ok(result) => result,
        Err(_) => Err(format!(
            "the keyring did not answer within {} s",
            KEYRING_WAIT.as_secs()
        )),
    }
}

/// A keyring error in a few words (the platform's own text can run long).
fn short(e: &keyring::Error) -> String {
    match e {
        keyring::Error::NoDefaultStore => "no keyring service answers".into(),
        keyring::Error::NoStorageAccess(_) => "the keyring is locked".into(),
        other => {
            let text = other.to_string();
            match text.char_indices().nth(120) {
                Some((cut, _)) => format!("{}…", &text[..cut]),
                None => text,
            }
        }
    }
}
