//! The embedded database's file: where it lives by default, and its folder and file made
//! private before the first connection.

use super::{Result, StoreError};
use std::path::{Path, PathBuf};

/// The SQLite file used when no database URL is given: the platform data directory.
pub fn default_sqlite_path() -> Result<PathBuf> {
    let dir = livewindow_core::paths::data_dir().ok_or_else(|| {
        StoreError::Config(
            "cannot find a home directory for the default database; pass --database-url".into(),
        )
    })?;
    Ok(dir.join("livewindow.db"))
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// The file path and the query string of a SQLite URL.
pub(crate) fn sqlite_path(url: &str) -> (&str, Option<&str>) {
    let rest = url.split_once(':').map(|(_, r)| r).unwrap_or_default();
    let path_part = rest.trim_start_matches("//");
    match path_part.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_part, None),
    }
}

/// Makes sure the SQLite file's directory exists and the file is created on first use;
/// gives the URL to connect with.
pub(crate) fn prepare_sqlite_url(url: &str) -> Result<String> {
    use livewindow_core::paths;
    let (path, query) = sqlite_path(url);
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::Config(format!(
            "the SQLite URL {url:?} names no file; use sqlite://PATH (an in-memory database cannot be shared between desktops)"
        )));
    }
    // The database holds customers' words and names: the folders this creates are the
    // user's alone, and so is the file (SQLite gives its -wal and -shm the file's mode).
    let file = Path::new(path);
    let cannot = |what: &Path, e: std::io::Error| {
        StoreError::Config(format!("cannot prepare {}: {e}", what.display()))
    };
    if let Some(parent) = file.parent()
        && !parent.as_os_str().is_empty()
    {
        paths::private_dir(parent).map_err(|e| cannot(parent, e))?;
        if livewindow_core::paths::data_dir().is_some_and(|d| parent.starts_with(&d)) {
            paths::tighten_dir(parent).map_err(|e| cannot(parent, e))?;
        }
    }
    paths::private_file(file).map_err(|e| cannot(file, e))?;
    for suffix in ["-wal", "-shm", "-wake"] {
        let side = PathBuf::from(format!("{path}{suffix}"));
        paths::tighten_file(&side).map_err(|e| cannot(&side, e))?;
    }
    Ok(match query {
        Some(q) if q.contains("mode=") => format!("sqlite://{path}?{q}"),
        Some(q) => format!("sqlite://{path}?{q}&mode=rwc"),
        None => format!("sqlite://{path}?mode=rwc"),
    })
}
