//! A one-time password (`user add` or `user passwd` without a password) must be changed at
//! the first sign-in: until then its session may change it and do nothing else; the change
//! goes through the password rules, clears `must_change_password`, ends the user's other
//! sessions and lets this one go on. Through the API and through `livewindow login`.

mod common;
mod server_support;

use common::{fresh, ok, one_line_error};
use livewindow::Store;
use livewindow::core::Role;
use livewindow::core::account::PasswordState;
use livewindow::server::Config;
use livewindow::store::{InitialPassword, NewUser};
use serde_json::{Value, json};
use server_support::{InProcess, Process, free_port, http};
use std::process::Stdio;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_livewindow");
const NEW: &str = "tangerine-otter-42";

async fn one_time_user(store: &Store, email: &str, role: Role) -> (i64, String) {
    let (user, otp) = store
        .add_user(&NewUser {
            name: "First Timer".into(),
            email: email.into(),
            role,
            max_chats: 3,
            queues: Vec::new(),
            password: InitialPassword::OneTime,
        })
        .await
        .expect("user");
    let otp = otp.expect("a one-time password");
    (user.agent.id, otp.expose().to_string())
}

async fn sign_in(base: &str, email: &str, password: &str) -> (u16, Value) {
    let r = http()
        .post(format!("{base}/api/agent/session"))
        .json(&json!({"email": email, "password": password, "device": "test"}))
        .send()
        .await
        .expect("sign in");
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn post(base: &str, path: &str, token: &str, body: Value) -> (u16, Value) {
    let r = http()
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("post");
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_one_time_password_opens_only_its_change() {
    let (_db, store) = fresh().await;
    let (id, otp) = one_time_user(&store, "fern@example.com", Role::Admin).await;
    let server = InProcess::start(&store, Config::default()).await;
    let base = server.base.clone();
    let (status, first) = sign_in(&base, "fern@example.com", &otp).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["must_change_password"], true);
    let token = first["token"].as_str().expect("token").to_string();
    // A second session, opened with the same one-time password, ends with the change.
    let (_, other) = sign_in(&base, "fern@example.com", &otp).await;
    let other = other["token"].as_str().expect("token").to_string();

    for (path, body) in [
        ("/api/agent/restore", json!({})),
        (
            "/api/agent/search_contacts",
            json!({"query": "a", "limit": 5}),
        ),
        ("/api/agent/accept", json!({"chat_id": 1})),
        ("/api/admin/users", json!({})),
    ] {
        let (status, body) = post(&base, path, &token, body).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert_eq!(
            body["error"], "Change your one-time password first.",
            "{path}"
        );
    }
    let events = http()
        .get(format!("{base}/api/agent/events"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("events");
    assert_eq!(events.status().as_u16(), 403, "the event feed neither");

    let change = |current: &str, new: &str| json!({"current": current, "new": new});
    for (current, new, line) in [
        (
            otp.as_str(),
            "short",
            "a password needs at least 10 characters",
        ),
        (otp.as_str(), "password123", "most common"),
        (
            otp.as_str(),
            otp.as_str(),
            "must differ from the current one",
        ),
        ("not-the-one-time-one", NEW, "not your current password"),
    ] {
        let (status, body) = post(&base, "/api/agent/password", &token, change(current, new)).await;
        assert_eq!(status, 400, "{new}: {body}");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(error.contains(line), "{error}");
    }
    assert_eq!(
        store.user(id).await.unwrap().password,
        PasswordState::MustChange
    );

    let (status, body) = post(&base, "/api/agent/password", &token, change(&otp, NEW)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(store.user(id).await.unwrap().password, PasswordState::Set);
    // The session that changed it goes on, now with everything its role allows.
    let (status, body) = post(&base, "/api/admin/users", &token, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(&base, "/api/agent/restore", &other, json!({})).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"], "Your password was changed; sign in again.");
    let (status, _) = sign_in(&base, "fern@example.com", &otp).await;
    assert_eq!(status, 401, "the one-time password no longer signs in");
    let (status, body) = sign_in(&base, "fern@example.com", NEW).await;
    assert_eq!(status, 201);
    assert_eq!(body["must_change_password"], false);
    assert_eq!(store.list_sessions(Some(id)).await.unwrap().len(), 2);
    println!(
        "one-time password changed through the API on {}",
        store.backend()
    );
}

async fn run(home: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    let runtime = home.join("run");
    std::fs::create_dir_all(&runtime).expect("runtime dir");
    let mut child = Command::new(BIN)
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("share"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("LIVEWINDOW_DATABASE_URL")
        .env_remove("LIVEWINDOW_SERVER")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run livewindow");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).await.expect("stdin");
    drop(input);
    child.wait_with_output().await.expect("livewindow ends")
}

#[tokio::test]
async fn login_changes_a_one_time_password_then_works() {
    let (db, store) = fresh().await;
    let (id, otp) = one_time_user(&store, "ada@example.com", Role::Admin).await;
    let server = Process::spawn(&db.url, free_port(), &[]).await;
    let url = server.base.as_str();
    let home = tempfile::tempdir().expect("a home");
    let login = [
        "login",
        "--server",
        url,
        "--email",
        "ada@example.com",
        "--password-stdin",
    ];
    let line = one_line_error(
        &run(
            home.path(),
            &login,
            &format!("{otp}\n{NEW}\ntangerine-otter-43\n"),
        )
        .await,
    );
    assert!(line.contains("differ"), "{line}");
    let line = one_line_error(&run(home.path(), &login, &format!("{otp}\nshort\nshort\n")).await);
    assert!(line.contains("at least 10 characters"), "{line}");
    assert!(
        store.list_sessions(Some(id)).await.unwrap().is_empty(),
        "refused: nothing kept"
    );
    assert_eq!(
        store.user(id).await.unwrap().password,
        PasswordState::MustChange
    );

    ok(&run(home.path(), &login, &format!("{otp}\n{NEW}\n{NEW}\n")).await);
    assert_eq!(store.user(id).await.unwrap().password, PasswordState::Set);
    ok(&run(home.path(), &["user", "list", "--server", url], "").await);
    let line = one_line_error(&run(home.path(), &login, &format!("{otp}\n")).await);
    assert!(line.contains("not right"), "{line}");
    ok(&run(home.path(), &login, &format!("{NEW}\n")).await);
}
