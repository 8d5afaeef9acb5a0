//! The real binary on a machine where it has never run: the data directory it creates, the
//! SQLite file and its -wal and -shm are the user's alone; files an older build left open to
//! others are tightened on the next open. (The default database is always SQLite, whichever
//! backend the rest of the suite runs on.)
#![cfg(unix)]

mod common;

use common::window::Kill;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_livewindow");

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Runs the binary with this home and no XDG overrides, so it uses its default data folder.
fn run(home: &Path, args: &[&str]) {
    let out = Command::new(BIN)
        .args(args)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("TEST_DATABASE_URL")
        .output()
        .expect("run livewindow");
    assert!(
        out.status.success(),
        "livewindow {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A customer waiting in the queue: a process that holds the default database open (its
/// -wal and -shm exist only while one does). Killed when dropped; its output is kept open.
fn holder(home: &Path) -> (Kill, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(BIN)
        .args([
            "customer",
            "--name",
            "Ana Lima",
            "--email",
            "ana@example.com",
        ])
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("TEST_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run livewindow customer");
    let out = child.stdout.take().expect("stdout");
    let holder = Kill(child);
    let mut out = BufReader::new(out);
    let waiting = (&mut out)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.contains("waiting for an agent"));
    assert!(waiting, "the customer is waiting");
    (holder, out)
}

#[test]
fn a_fresh_data_directory_and_its_database_are_private() {
    let home = tempfile::tempdir().unwrap();
    run(home.path(), &["seed", "--demo"]);
    let share = home.path().join(".local/share");
    let data = share.join("livewindow");
    assert_eq!(mode(&data), 0o700, "the data directory");
    // The folders it had to create on the way are the user's alone too.
    assert_eq!(mode(&share), 0o700);
    assert_eq!(mode(&home.path().join(".local")), 0o700);
    let db = data.join("livewindow.db");
    assert_eq!(mode(&db), 0o600, "the database");
    // Something was really written there.
    assert!(std::fs::metadata(&db).unwrap().len() > 0);

    // While a process has it open, its -wal and -shm are there, and private; the bell file
    // the writers ring is too.
    let _customer = holder(home.path());
    for side in [
        "livewindow.db-wal",
        "livewindow.db-shm",
        "livewindow.db-wake",
    ] {
        assert_eq!(mode(&data.join(side)), 0o600, "{side}");
    }
}

#[test]
fn files_an_older_build_left_open_are_tightened_on_open() {
    let home = tempfile::tempdir().unwrap();
    run(home.path(), &["seed", "--demo"]);
    let data = home.path().join(".local/share/livewindow");
    let db = data.join("livewindow.db");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    run(home.path(), &["agent", "list"]);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&db), 0o600);

    // The same for the -wal, -shm and -wake of a database another process holds open.
    let _customer = holder(home.path());
    let sides = [
        "livewindow.db-wal",
        "livewindow.db-shm",
        "livewindow.db-wake",
    ];
    for side in sides {
        std::fs::set_permissions(data.join(side), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    run(home.path(), &["agent", "list"]);
    for side in sides {
        assert_eq!(mode(&data.join(side)), 0o600, "{side}");
    }
}
