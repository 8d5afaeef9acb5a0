//! Spoken alerts, a stop-gap until iced has a screen-reader bridge: what to say (pure, so the
//! simulator tests it), and saying it through speech-dispatcher's SSIP socket on Linux.
//!
//! The SSIP client is a few lines of the protocol over a Unix socket, written here rather
//! than taken from a crate: the `ssip-client` crate pins the `log` crate's level features,
//! which would rebuild every crate that logs. No speech-dispatcher: silence and one log line.

use livewindow_core::Offer;

/// An offer, for the agent to hear without looking: who, which queue, how long is left.
pub fn offer(o: &Offer, seconds_left: i64) -> String {
    let who = crate::style::shown(&o.customer_name, 60);
    let queue = crate::style::shown(&o.queue_name, 40);
    let from = match o.transfer.as_ref().and_then(|t| t.from_agent.as_deref()) {
        Some(agent) => format!("Transfer from {}: ", crate::style::shown(agent, 60)),
        None => "Incoming chat: ".into(),
    };
    format!("{from}{who}, {queue} queue, {seconds_left} seconds to accept.")
}

/// A customer's line in a chat not in view.
pub fn message(customer: &str, text: &str) -> String {
    format!(
        "{} wrote: {}",
        crate::style::shown(customer, 60),
        crate::style::shown(text, 160)
    )
}

/// Says lines one after the other on a thread of its own, so the window never waits.
pub struct Speaker {
    lines: std::sync::mpsc::Sender<String>,
}

impl Speaker {
    /// Speech-dispatcher's socket: `SPEECHD_ADDRESS` (`unix_socket:PATH`), else
    /// `$XDG_RUNTIME_DIR/speech-dispatcher/speechd.sock`.
    pub fn new() -> Speaker {
        let address = std::env::var("SPEECHD_ADDRESS").ok();
        let path = match address
            .as_deref()
            .and_then(|a| a.strip_prefix("unix_socket:"))
        {
            Some(path) => Some(std::path::PathBuf::from(path)),
            None => std::env::var_os("XDG_RUNTIME_DIR").map(|d| {
                std::path::Path::new(&d)
                    .join("speech-dispatcher")
                    .join("speechd.sock")
            }),
        };
        Speaker::at(path)
    }

    /// A speaker for the socket at `path` (`None`: silence).
    pub fn at(path: Option<std::path::PathBuf>) -> Speaker {
        let (lines, rx) = std::sync::mpsc::channel::<String>();
        std::thread::spawn(move || speak_lines(path, rx));
        Speaker { lines }
    }

    pub fn say(&self, line: String) {
        // The thread ends only with the speaker.
        let _ = self.lines.send(line);
    }
}

impl Default for Speaker {
    fn default() -> Self {
        Speaker::new()
    }
}

#[cfg(not(unix))]
fn speak_lines(_path: Option<std::path::PathBuf>, rx: std::sync::mpsc::Receiver<String>) {
    tracing::info!("spoken alerts need speech-dispatcher, which this platform has not");
    for _ in rx {}
}

#[cfg(unix)]
fn speak_lines(path: Option<std::path::PathBuf>, rx: std::sync::mpsc::Receiver<String>) {
    let mut session: Option<ssip::Session> = None;
    let mut told = false;
    for line in rx {
        if session.is_none() {
            session = match path.as_deref().map(ssip::Session::open) {
                Some(Ok(s)) => Some(s),
                Some(Err(e)) if !told => {
                    tracing::info!(
                        "spoken alerts are on but speech-dispatcher cannot be reached: {e}"
                    );
                    None
                }
                None if !told => {
                    tracing::info!("spoken alerts are on but there is no speech-dispatcher socket");
                    None
                }
                _ => None,
            };
            told = true;
        }
        if let Some(s) = session.as_mut()
            && let Err(e) = s.speak(&line)
        {
            tracing::info!("speech-dispatcher stopped answering: {e}");
            session = None;
        }
    }
}

#[cfg(unix)]
mod ssip {
    use std::io::{BufRead, BufReader, Write};
    use std::os::unix::net::UnixStream;

    /// One connection to speech-dispatcher.
    pub struct Session {
        out: UnixStream,
        replies: BufReader<UnixStream>,
    }

    impl Session {
        pub fn open(path: &std::path::Path) -> std::io::Result<Session> {
            let out = UnixStream::connect(path)?;
            out.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
            let replies = BufReader::new(out.try_clone()?);
            let mut s = Session { out, replies };
            s.command("SET self CLIENT_NAME user:livewindow:alerts")?;
            // Alerts queue behind each other rather than cut one another off.
            s.command("SET self PRIORITY message")?;
            Ok(s)
        }

        /// SPEAK, the text (a line that starts with a dot gets another), then a lone dot.
        pub fn speak(&mut self, text: &str) -> std::io::Result<()> {
            self.command("SPEAK")?;
            let mut body = String::new();
            for line in text.lines() {
                if line.starts_with('.') {
                    body.push('.');
                }
                body.push_str(line);
                body.push_str("\r\n");
            }
            body.push_str(".\r\n");
            self.out.write_all(body.as_bytes())?;
            self.reply()
        }

        fn command(&mut self, line: &str) -> std::io::Result<()> {
            self.out.write_all(format!("{line}\r\n").as_bytes())?;
            self.reply()
        }

        /// Reads one reply (`NNN-…` lines, then `NNN …`); a code not in the 2xx or 3xx range
        /// is an error.
        fn reply(&mut self) -> std::io::Result<()> {
            loop {
                let mut line = String::new();
                if self.replies.read_line(&mut line)? == 0 {
                    return Err(std::io::Error::other("speech-dispatcher closed the socket"));
                }
                let line = line.trim_end();
                let last = line.as_bytes().get(3) != Some(&b'-');
                if last {
                    return match line.as_bytes().first() {
                        Some(b'2' | b'3') => Ok(()),
                        _ => Err(std::io::Error::other(format!("speech-dispatcher: {line}"))),
                    };
                }
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests;
