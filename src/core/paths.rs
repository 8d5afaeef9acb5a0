//! Where Live Window keeps its files on this machine: one data directory, from the platform
//! (`~/.local/share/livewindow` on Linux).

use std::path::PathBuf;

/// The data directory, or `None` when the platform gives no home directory.
pub fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "livewindow").map(|d| d.data_dir().to_path_buf())
}
