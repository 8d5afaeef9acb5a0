//! The real `livewindow` binary's user and session commands against a scratch database
//! (SQLite, or PostgreSQL with TEST_DATABASE_URL): adding a user with a password on standard
//! input, listing, changing a role, disabling, a bad role, the session list.

mod common;

use common::{fresh, ok};
use livewindow::core::{Password, Role};
use livewindow::store::PasswordState;
use std::process::{Output, Stdio};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_livewindow");

/// Runs the binary with `stdin` as its standard input.
async fn run(url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(["--database-url", url])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run livewindow");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.as_bytes())
        .await
        .expect("write stdin");
    drop(input);
    child.wait_with_output().await.expect("livewindow ends")
}

fn one_line_error(out: &Output, needle: &str) {
    let line = common::one_line_error(out);
    assert!(line.contains(needle), "{line:?} lacks {needle:?}");
}

#[tokio::test]
async fn users_and_sessions_from_the_command_line() {
    let (db, store) = fresh().await;
    let url = db.url.as_str();
    store.add_queue("Support").await.unwrap();

    let add = [
        "user",
        "add",
        "--email",
        "maria@example.com",
        "--name",
        "Maria Santos",
        "--role",
        "supervisor",
        "--queue",
        "Support",
        "--max-chats",
        "4",
        "--password-stdin",
    ];
    let out = ok(&run(url, &add, "tangerine-otter-42\n").await);
    assert!(
        out.contains("Added supervisor Maria Santos <maria@example.com>"),
        "{out}"
    );
    assert!(
        !out.contains("tangerine"),
        "the password is never printed: {out}"
    );
    let signed = store
        .sign_in(
            "maria@example.com",
            &Password::new("tangerine-otter-42"),
            "cli test",
            "127.0.0.1",
        )
        .await
        .unwrap();

    // No terminal and no --password-stdin: a one-time password, printed once.
    let out = ok(&run(
        url,
        &[
            "user",
            "add",
            "--email",
            "li@example.com",
            "--name",
            "Li Wei",
            "--role",
            "agent",
        ],
        "",
    )
    .await);
    let otp = out
        .lines()
        .find_map(|l| {
            l.strip_prefix("One-time password (it must be changed at the first sign-in): ")
        })
        .unwrap_or_else(|| panic!("no one-time password in {out}"));
    store
        .sign_in(
            "li@example.com",
            &Password::new(otp),
            "cli test",
            "127.0.0.1",
        )
        .await
        .unwrap();

    let list = ok(&run(url, &["user", "list"], "").await);
    let maria = list
        .lines()
        .find(|l| l.contains("maria@example.com"))
        .unwrap();
    assert!(
        maria.contains("supervisor") && maria.contains("enabled"),
        "{maria}"
    );
    assert!(maria.contains("password set"), "{maria}");
    let li = list.lines().find(|l| l.contains("li@example.com")).unwrap();
    assert!(li.contains("one-time password"), "{li}");

    let sessions = ok(&run(url, &["session", "list"], "").await);
    assert_eq!(sessions.lines().count(), 2, "{sessions}");
    let only = ok(&run(url, &["session", "list", "--user", "maria@example.com"], "").await);
    let line = only.lines().next().unwrap();
    assert!(
        line.contains("maria@example.com") && line.contains("cli test"),
        "{only}"
    );
    assert!(
        line.trim_start()
            .starts_with(&signed.session.session_id.to_string())
    );

    let out = ok(&run(url, &["user", "role", "maria@example.com", "admin"], "").await);
    assert!(out.contains("Maria Santos is now admin."), "{out}");
    let out = run(url, &["user", "role", "maria@example.com", "boss"], "").await;
    one_line_error(
        &out,
        "unknown role \"boss\": use agent, supervisor or admin",
    );
    let out = run(
        url,
        &[
            "user",
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "root",
        ],
        "",
    )
    .await;
    one_line_error(&out, "unknown role");
    let out = run(
        url,
        &["user", "passwd", "maria@example.com", "--password-stdin"],
        "password123\n",
    )
    .await;
    one_line_error(&out, "one of the most common");
    let out = run(url, &["user", "disable", "nobody@example.com"], "").await;
    one_line_error(&out, "no user \"nobody@example.com\"");

    let out = ok(&run(url, &["user", "disable", "maria@example.com"], "").await);
    assert!(out.contains("Maria Santos is disabled"), "{out}");
    assert!(store.session_agent(&signed.token).await.unwrap().is_none());
    let sessions = ok(&run(url, &["session", "list"], "").await);
    assert!(!sessions.contains("maria@example.com"), "{sessions}");

    let revoke = ok(&run(url, &["session", "revoke", "--user", "li@example.com"], "").await);
    assert!(revoke.contains("Ended 1 session of Li Wei."), "{revoke}");
    let out = run(url, &["session", "revoke", "999"], "").await;
    one_line_error(&out, "no live session 999");

    let users = store.users().await.unwrap();
    let maria = users
        .iter()
        .find(|u| u.agent.email == "maria@example.com")
        .unwrap();
    assert_eq!((maria.role, maria.disabled), (Role::Admin, true));
    assert_eq!(maria.password, PasswordState::Set);
    assert_eq!(maria.agent.max_chats, 4);
    assert_eq!(store.queues().await.unwrap()[0].agents, 1);

    // The old spelling still adds an agent.
    let out = ok(&run(
        url,
        &[
            "agent",
            "add",
            "--name",
            "Old Style",
            "--email",
            "old@example.com",
        ],
        "",
    )
    .await);
    assert!(
        out.contains("Added agent Old Style <old@example.com>"),
        "{out}"
    );
}
