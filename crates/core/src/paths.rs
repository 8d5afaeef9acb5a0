//! Where Live Window keeps its files on this machine: one data directory, from the platform
//! (`~/.local/share/livewindow` on Linux).

use std::path::PathBuf;

/// The data directory, or `None` when the platform gives no home directory.
pub fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "livewindow").map(|d| d.data_dir().to_path_buf())
}

/// Creates a directory and its parents; the directory itself is made private to the user
/// (0700 on Unix), as are the ones this call created.
pub fn private_dir(path: &std::path::Path) -> std::io::Result<()> {
    // The ancestors that do not exist yet are ours to make private too.
    let missing: Vec<&std::path::Path> = path.ancestors().take_while(|p| !p.exists()).collect();
    std::fs::create_dir_all(path)?;
    for dir in missing {
        restrict(dir, 0o700)?;
    }
    Ok(())
}

/// Makes an existing directory private to the user (0700 on Unix): for our own data
/// directory, tightened on every open in case an older build left it open to others.
pub fn tighten_dir(path: &std::path::Path) -> std::io::Result<()> {
    restrict(path, 0o700)
}

/// Makes a file readable by the user alone (0600 on Unix), creating it empty if missing.
pub fn private_file(path: &std::path::Path) -> std::io::Result<()> {
    if !path.exists() {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(path)?;
    }
    restrict(path, 0o600)
}

/// Tightens a file to 0600 if it exists (a database's `-wal` and `-shm` come and go).
pub fn tighten_file(path: &std::path::Path) -> std::io::Result<()> {
    match restrict(path, 0o600) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

#[cfg(unix)]
fn restrict(path: &std::path::Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn restrict(_path: &std::path::Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}
