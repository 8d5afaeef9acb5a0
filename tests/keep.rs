//! Sessions kept on this computer (`client::keep`), in a directory of the test's own: the
//! token in the 0600 file when there is no keyring, each server and purpose apart, the last
//! server and email remembered without a secret, forgetting. When a Secret Service runs on
//! the session bus (gnome-keyring under `dbus-run-session`), the token goes to it instead
//! and the file holds none.

mod common;

use common::file_mode as mode;
use livewindow::client::keep::{Keeper, Kept, Place, Purpose};
use livewindow::core::SessionToken;

fn kept(server: &str, email: &str, token: &str) -> Kept {
    Kept {
        server: server.to_string(),
        email: email.to_string(),
        agent_id: 7,
        token: SessionToken::new(token),
    }
}

#[test]
fn store_load_and_forget_without_a_keyring() {
    let dir = tempfile::tempdir().expect("dir");
    let keeper = Keeper::at(dir.path().join("livewindow"), false);
    let a = kept(
        "https://chat.example.com/",
        "ana@example.com",
        "a".repeat(64).as_str(),
    );
    assert_eq!(keeper.load(Purpose::Desktop, &a.server), Ok(None));

    let place = keeper.store(Purpose::Desktop, &a).expect("kept");
    assert!(matches!(&place, Place::File { path, .. } if *path == keeper.path()));
    let warning = place.warning().expect("a warning");
    assert!(warning.contains("readable by you alone") && !warning.contains('\n'));
    assert!(
        !format!("{a:?}").contains("aaaa"),
        "the token never shows in Debug"
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&keeper.path()), 0o600);
        assert_eq!(mode(&dir.path().join("livewindow")), 0o700);
    }
    assert_eq!(
        keeper.load(Purpose::Desktop, &a.server),
        Ok(Some(a.clone()))
    );
    // Each purpose and server apart: the console's and an administrator's sessions.
    assert_eq!(keeper.load(Purpose::Admin, &a.server), Ok(None));
    assert_eq!(
        keeper.load(Purpose::Desktop, "https://other.example.com/"),
        Ok(None)
    );
    let admin = kept(&a.server, "root@example.com", "b".repeat(64).as_str());
    keeper.store(Purpose::Admin, &admin).expect("kept");
    let b = kept(
        "https://b.example.com/",
        "ana@example.com",
        "c".repeat(64).as_str(),
    );
    keeper.store(Purpose::Admin, &b).expect("kept");
    assert_eq!(
        keeper.servers(Purpose::Admin).unwrap(),
        [a.server.clone(), b.server.clone()]
    );
    // A new session for a server replaces the old one.
    let again = kept(&a.server, "ana@example.com", "d".repeat(64).as_str());
    keeper.store(Purpose::Desktop, &again).expect("kept");
    assert_eq!(keeper.load(Purpose::Desktop, &a.server), Ok(Some(again)));

    assert_eq!(keeper.forget(Purpose::Desktop, &a.server), Ok(true));
    assert_eq!(keeper.forget(Purpose::Desktop, &a.server), Ok(false));
    assert_eq!(keeper.load(Purpose::Desktop, &a.server), Ok(None));
    assert_eq!(keeper.load(Purpose::Admin, &a.server), Ok(Some(admin)));
    let file = std::fs::read_to_string(keeper.path()).unwrap();
    assert!(
        !file.contains("dddd"),
        "a forgotten token leaves the file: {file}"
    );

    // The last server and email, never a secret.
    assert_eq!(keeper.last(), None);
    keeper.remember(&a.server, "ana@example.com").unwrap();
    let last = keeper.last().expect("remembered");
    assert_eq!(
        (last.server.as_str(), last.email.as_str()),
        (a.server.as_str(), "ana@example.com")
    );
    #[cfg(unix)]
    assert_eq!(mode(&keeper.path()), 0o600);
}

#[test]
fn an_unreadable_file_is_said_not_ignored() {
    let dir = tempfile::tempdir().expect("dir");
    let keeper = Keeper::at(dir.path().to_path_buf(), false);
    std::fs::write(keeper.path(), "not json").unwrap();
    let e = keeper
        .load(Purpose::Desktop, "https://chat.example.com/")
        .unwrap_err();
    assert!(e.contains("kept.json") && e.contains("delete it"), "{e}");
}

/// The keyring itself, when a Secret Service answers (skipped, saying so, when none does,
/// unless LIVEWINDOW_REQUIRE_KEYRING=1: `.ci/run` runs it under gnome-keyring).
#[test]
fn with_a_keyring_the_file_holds_no_token() {
    let dir = tempfile::tempdir().expect("dir");
    let keeper = Keeper::at(dir.path().to_path_buf(), true);
    let server = format!("https://keyring-test-{}.example.com/", std::process::id());
    let k = kept(&server, "ana@example.com", "e".repeat(64).as_str());
    match keeper.store(Purpose::Desktop, &k).expect("kept") {
        Place::File { why, .. } => {
            if std::env::var("LIVEWINDOW_REQUIRE_KEYRING").as_deref() == Ok("1") {
                panic!("a keyring is required (LIVEWINDOW_REQUIRE_KEYRING=1): {why}");
            }
            println!("no keyring here ({why}): the file fallback is what ran");
            assert_eq!(keeper.load(Purpose::Desktop, &server), Ok(Some(k)));
        }
        Place::Keyring => {
            let file = std::fs::read_to_string(keeper.path()).unwrap();
            assert!(!file.contains("eeee"), "{file}");
            assert_eq!(keeper.load(Purpose::Desktop, &server), Ok(Some(k)));
            assert_eq!(keeper.forget(Purpose::Desktop, &server), Ok(true));
            println!("kept in the keyring and forgotten");
        }
    }
}
