//! Wake-ups from other processes for a handle's event feed: on PostgreSQL one LISTEN
//! connection shared by every subscription, on SQLite one watcher of the database's directory
//! where writers touch a small "bell" file (`<db>-wake`) after each commit that wrote events.

use super::bus::Bus;
use super::feed_hub::Hub;
use super::signals::{SIGNAL_CHANNEL, Signals};
use super::{Backend, NOTIFY_CHANNEL};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Weak};
use std::time::Duration;
use tokio::sync::watch;

/// A handle's source of wake-ups from other processes (one per `Store::open`, shared by its
/// clones and subscriptions).
pub(crate) struct DbWake {
    pub(super) backend: Backend,
    pub(super) url: String,
    /// SQLite: the file writers touch after committing events, and its open handle.
    bell: Option<PathBuf>,
    bell_file: std::sync::Mutex<Option<std::fs::File>>,
    /// Postgres: the running listener's sender, while some subscription holds a receiver.
    listener: std::sync::Mutex<Option<Arc<watch::Sender<u64>>>>,
    /// The reader all subscriptions share, while one exists.
    pub(super) hub: std::sync::Mutex<Weak<Hub>>,
    /// Postgres: where the listener hands other processes' typing signals.
    signals: Arc<Signals>,
    /// With `--bus`: wake-ups and signals also come from NATS.
    bus: Option<Arc<Bus>>,
    /// The tag of this handle's own wake-ups (notifier.rs), which its listener skips.
    tag: Arc<str>,
}

/// A subscription's share of its handle's wake-ups.
pub(super) struct WakeHandle {
    pub(super) rx: watch::Receiver<u64>,
    /// SQLite: keeps the directory watcher alive.
    _watch: Option<Arc<FsWatch>>,
}

impl DbWake {
    pub(crate) fn new(
        backend: Backend,
        connect_url: &str,
        signals: Arc<Signals>,
        bus: Option<Arc<Bus>>,
        tag: Arc<str>,
    ) -> DbWake {
        let bell = (backend == Backend::Sqlite)
            .then(|| sqlite_bell(connect_url))
            .flatten();
        DbWake {
            backend,
            url: connect_url.to_string(),
            bell,
            bell_file: std::sync::Mutex::new(None),
            listener: std::sync::Mutex::new(None),
            hub: std::sync::Mutex::new(Weak::new()),
            signals,
            bus,
            tag,
        }
    }

    /// Tells subscribers in other processes that events were committed (SQLite; Postgres
    /// writers notify instead).
    pub(crate) fn ring(&self) {
        let Some(bell) = &self.bell else { return };
        // One byte rewritten in place on a handle kept open: one write per commit, no
        // truncation (which makes some file systems start writing back at close).
        let mut file = self.bell_file.lock().unwrap_or_else(|e| e.into_inner());
        if file.is_none() {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(false);
            // Beside the database, as private as it.
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            *file = options
                .open(bell)
                .inspect_err(|e| tracing::debug!("cannot open {}: {e}", bell.display()))
                .ok();
        }
        if let Some(f) = file.as_ref()
            && let Err(error) = write_byte(f)
        {
            tracing::debug!("cannot ring {}: {error}", bell.display());
            *file = None;
        }
    }

    /// A receiver of wake-ups; starts the listener or watcher if none runs. None when the
    /// database's directory cannot be watched (then SQLite subscribers poll).
    pub(super) fn join(self: &Arc<Self>) -> Option<WakeHandle> {
        match self.backend {
            Backend::Postgres => {
                let mut slot = self.listener.lock().unwrap_or_else(|e| e.into_inner());
                let sender = match &*slot {
                    Some(sender) => sender.clone(),
                    None => {
                        let sender = Arc::new(watch::channel(0u64).0);
                        *slot = Some(sender.clone());
                        tokio::spawn(listen(self.clone(), sender.clone()));
                        sender
                    }
                };
                Some(WakeHandle {
                    rx: sender.subscribe(),
                    _watch: None,
                })
            }
            Backend::Sqlite => {
                let watch = FsWatch::shared(self.bell.as_deref()?)?;
                Some(WakeHandle {
                    rx: watch.tx.subscribe(),
                    _watch: Some(watch),
                })
            }
        }
    }
}

#[cfg(unix)]
fn write_byte(file: &std::fs::File) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_at(file, b"1", 0).map(|_| ())
}

#[cfg(windows)]
fn write_byte(file: &std::fs::File) -> std::io::Result<()> {
    std::os::windows::fs::FileExt::seek_write(file, b"1", 0).map(|_| ())
}

/// `<db>-wake` beside the SQLite file of a connect URL.
fn sqlite_bell(connect_url: &str) -> Option<PathBuf> {
    let rest = connect_url.split_once(':')?.1.trim_start_matches("//");
    let path = rest.split('?').next()?;
    let path = std::path::absolute(path).ok()?;
    let mut name = path.file_name()?.to_os_string();
    name.push("-wake");
    Some(path.with_file_name(name))
}

/// One watcher per bell file in a process, shared by every handle on that database.
struct FsWatch {
    _watcher: notify::RecommendedWatcher,
    tx: Arc<watch::Sender<u64>>,
}

static FS_WATCHES: LazyLock<std::sync::Mutex<HashMap<PathBuf, Weak<FsWatch>>>> =
    LazyLock::new(Default::default);

impl FsWatch {
    fn shared(bell: &Path) -> Option<Arc<FsWatch>> {
        let mut all = FS_WATCHES.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(watch) = all.get(bell).and_then(Weak::upgrade) {
            return Some(watch);
        }
        match FsWatch::start(bell) {
            Ok(watch) => {
                let watch = Arc::new(watch);
                all.retain(|_, w| w.strong_count() > 0);
                all.insert(bell.to_path_buf(), Arc::downgrade(&watch));
                Some(watch)
            }
            Err(error) => {
                tracing::warn!(
                    "cannot watch {} for changes; polling instead: {error}",
                    bell.display()
                );
                None
            }
        }
    }

    fn start(bell: &Path) -> notify::Result<FsWatch> {
        use notify::Watcher;
        let tx = Arc::new(watch::channel(0u64).0);
        let wake = tx.clone();
        let target = bell.to_path_buf();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
                // The directory is watched (the bell may not exist yet, or be replaced), so
                // every file in it reports here: the database's own writes are ignored.
                Ok(event) if event.paths.iter().any(|p| p == &target) => {
                    wake.send_modify(|n| *n = n.wrapping_add(1));
                }
                Ok(_) => {}
                // Events may have been dropped (queue overflow): read, to be sure.
                Err(_) => wake.send_modify(|n| *n = n.wrapping_add(1)),
            })?;
        let dir = bell.parent().unwrap_or(Path::new("."));
        watcher.watch(dir, notify::RecursiveMode::NonRecursive)?;
        Ok(FsWatch {
            _watcher: watcher,
            tx,
        })
    }
}

/// Ends the task it holds when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Turns Postgres notifications into wake-ups for every subscription of one handle, on one
/// connection, and signal notes into signals; with a bus, its messages too (a one-shot
/// command still notifies through PostgreSQL). Ends when the last subscription is dropped.
async fn listen(db: Arc<DbWake>, wake: Arc<watch::Sender<u64>>) {
    let ring = || wake.send_modify(|n| *n = n.wrapping_add(1));
    let _bus = db.bus.clone().map(|bus| {
        let (wake, signals, own) = (wake.clone(), db.signals.clone(), db.tag.clone());
        AbortOnDrop(tokio::spawn(async move {
            bus.listen(
                &own,
                || wake.send_modify(|n| *n = n.wrapping_add(1)),
                |note| signals.receive(note),
            )
            .await
        }))
    });
    // One notification: a signal note, or a wake-up (true) unless it is this handle's own.
    let take = |n: &sqlx::postgres::PgNotification| {
        if n.channel() == SIGNAL_CHANNEL {
            db.signals.receive(n.payload().as_bytes());
            false
        } else {
            n.payload() != &*db.tag
        }
    };
    loop {
        let mut listener = match sqlx::postgres::PgListener::connect(&db.url).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!("event listener cannot connect: {error}");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                    _ = wake.closed() => if stop_listening(&db, &wake) { return } else { continue },
                }
            }
        };
        if let Err(error) = listener.listen_all([NOTIFY_CHANNEL, SIGNAL_CHANNEL]).await {
            tracing::warn!("event listener cannot LISTEN: {error}");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        // Anything committed while we were not listening is read by id.
        ring();
        loop {
            tokio::select! {
                next = listener.try_recv() => match next {
                    // A burst of notifications is drained before subscribers read.
                    Ok(Some(first)) => {
                        let mut woken = take(&first);
                        while let Some(next) = listener.next_buffered() {
                            woken |= take(&next);
                        }
                        if woken {
                            ring();
                        }
                    }
                    // Reconnected: notifications may have been lost; read by id.
                    Ok(None) => ring(),
                    Err(error) => {
                        tracing::warn!("event listener: {error}");
                        ring();
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        break;
                    }
                },
                // `try_recv` is dropped here mid-wait, which may lose a notification: the
                // listener is closed anyway, or it rings once to be safe.
                _ = wake.closed() => {
                    if stop_listening(&db, &wake) {
                        return;
                    }
                    ring();
                }
            }
        }
    }
}

/// Whether the listener may stop: no subscription holds a receiver. Decided under the
/// handle's lock, so a subscription that joins meanwhile either finds the listener running
/// or starts a new one.
fn stop_listening(db: &DbWake, wake: &Arc<watch::Sender<u64>>) -> bool {
    let mut slot = db.listener.lock().unwrap_or_else(|e| e.into_inner());
    if wake.receiver_count() > 0 {
        return false;
    }
    if slot.as_ref().is_some_and(|s| Arc::ptr_eq(s, wake)) {
        *slot = None;
    }
    true
}
