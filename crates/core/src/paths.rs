//! Where Live Window keeps its files on this machine: one data directory, from the platform
//! (`~/.local/share/livewindow` on Linux).

use std::path::PathBuf;

/// The data directory, or `None` when the platform gives no home directory.
pub fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "livewindow").map(|d| d.data_dir().to_path_buf())
}

/// Where this user's desktop looks for applications and icons: `$XDG_DATA_HOME`, else
/// `~/.local/share` (the platform's equivalent elsewhere).
pub fn desktop_data_home() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.data_dir().to_path_buf())
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

/// Writes a file of the user's alone atomically: its folder made private, a temporary file
/// of mode 0600 beside it, then renamed over it, so a crash never leaves half a file and a
/// file an older build left open to others is replaced by a private one.
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    drop(file);
    tighten_file(&tmp)?;
    std::fs::rename(&tmp, path)
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

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    /// Folders and files made here are the user's alone; folders that were there before
    /// keep their modes; a missing -wal or -shm is not an error.
    #[test]
    fn private_folders_and_files() {
        let base = std::env::temp_dir().join(format!(
            "livewindow-paths-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        std::fs::create_dir_all(&base).unwrap();
        std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o755)).unwrap();
        let data = base.join("share/livewindow");
        super::private_dir(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&base.join("share")), 0o700);
        assert_eq!(mode(&base), 0o755, "a folder that was there is left alone");
        let db = data.join("livewindow.db");
        super::private_file(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        super::tighten_file(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        super::tighten_file(&data.join("livewindow.db-wal")).unwrap();
        assert!(!data.join("livewindow.db-wal").exists());
        // Any other failure is reported (here: a path through a file).
        assert!(super::tighten_file(&db.join("x")).is_err());
        // Written whole and private, over a file left open to others.
        let kept = data.join("kept.json");
        std::fs::write(&kept, "old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o644)).unwrap();
        super::write_private(&kept, b"new").unwrap();
        assert_eq!(std::fs::read(&kept).unwrap(), b"new");
        assert_eq!(mode(&kept), 0o600);
        assert!(!data.join("kept.json.tmp").exists());
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        super::tighten_dir(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
        assert!(super::tighten_dir(&base.join("nothing")).is_err());
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn the_data_directory_is_named_for_livewindow() {
        let dir = super::data_dir().expect("a home directory");
        assert!(dir.ends_with("livewindow"), "{}", dir.display());
    }
}
