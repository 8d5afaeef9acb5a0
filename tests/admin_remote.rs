//! Administration from another computer, on a real database (SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`): `livewindow login --server URL` by the real binary against a real
//! `livewindow server` process (the session kept in the 0600 file, there being no keyring),
//! every admin command through `--server` printing what it prints on the database, then
//! `logout`; a non-administrator's login refused; and every `/api/admin` route refused with
//! a 403 and its line for an agent's and a supervisor's token, and a 401 with none.

mod common;
mod server_support;

use common::{file_mode, fresh, ok, one_line_error};
use livewindow::Store;
use livewindow::core::{Password, Role};
use livewindow::data::admin::AdminCommand;
use livewindow::server::Config;
use livewindow::store::{InitialPassword, NewUser};
use serde_json::{Value, json};
use server_support::{InProcess, Process, free_port, http};
use std::path::PathBuf;
use std::process::{Output, Stdio};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_livewindow");
const PASSWORD: &str = "correct horse battery staple";
const ADMIN: &str = "ada@example.com";

async fn user(store: &Store, email: &str, name: &str, role: Role) -> i64 {
    let (user, _) = store
        .add_user(&NewUser {
            name: name.to_string(),
            email: email.to_string(),
            role,
            max_chats: 3,
            queues: Vec::new(),
            password: InitialPassword::Given(Password::new(PASSWORD)),
        })
        .await
        .expect("user");
    user.agent.id
}

/// This test's own computer: a home of its own, no D-Bus session (so no keyring), no
/// database or server from the environment.
struct Computer {
    home: tempfile::TempDir,
}

impl Computer {
    fn new() -> Computer {
        Computer {
            home: tempfile::tempdir().expect("a home"),
        }
    }

    fn kept_file(&self) -> PathBuf {
        self.home.path().join("share/livewindow/kept.json")
    }

    async fn run(&self, args: &[&str], stdin: &str) -> Output {
        let home = self.home.path();
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
            .env_remove("LIVEWINDOW_AGENT")
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_runs_every_admin_command_through_the_server() {
    let (db, store) = fresh().await;
    user(&store, ADMIN, "Ada Admin", Role::Admin).await;
    let server = Process::spawn(&db.url, free_port(), &[]).await;
    let url = server.base.as_str();
    let pc = Computer::new();
    let local = ["--database-url", db.url.as_str()];

    // Before login, a command through the server says what to do.
    let out = pc.run(&["queue", "list", "--server", url], "").await;
    assert!(one_line_error(&out).contains("livewindow login --server"));

    let login = [
        "login",
        "--server",
        url,
        "--email",
        ADMIN,
        "--password-stdin",
    ];
    let out = pc.run(&login, &format!("{PASSWORD}\n")).await;
    let said = ok(&out);
    assert!(
        said.contains("Signed in to") && said.contains("(admin)"),
        "{said}"
    );
    // No keyring here: the token is in the 0600 file, said in one line.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<_> = stderr.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains("no keyring"), "{stderr}");
    assert!(!said.contains(PASSWORD) && !stderr.contains(PASSWORD));
    let kept = std::fs::read_to_string(pc.kept_file()).expect("the kept file");
    #[cfg(unix)]
    assert_eq!(file_mode(&pc.kept_file()), 0o600);
    let session = &store.list_sessions(None).await.unwrap()[0];
    assert_eq!(session.email, ADMIN);
    assert!(kept.contains(ADMIN), "{kept}");

    // Each command through the server, then (reading ones) the same on the database.
    let remote = async |args: &[&str], stdin: &str| {
        let args = [args, &["--server", url]].concat();
        ok(&pc.run(&args, stdin).await)
    };
    let same = async |args: &[&str]| {
        let through = remote(args, "").await;
        let on_db = ok(&pc.run(&[args, &local[..]].concat(), "").await);
        assert_eq!(through, on_db, "{args:?}");
        through
    };
    let out = remote(&["queue", "add", "Support"], "").await;
    assert!(out.starts_with("Added queue Support (id "), "{out}");
    remote(&["queue", "add", "Billing"], "").await;
    let add = [
        "user",
        "add",
        "--email",
        "maria@example.com",
        "--name",
        "Maria Santos",
        "--role",
        "agent",
        "--queue",
        "Support",
        "--password-stdin",
    ];
    let out = remote(&add, "tangerine-otter-42\n").await;
    assert!(
        out.contains("Added agent Maria Santos <maria@example.com>"),
        "{out}"
    );
    let maria = store.find_user("maria@example.com").await.unwrap();
    store
        .sign_in(
            "maria@example.com",
            &Password::new("tangerine-otter-42"),
            "her laptop",
            "127.0.0.1",
        )
        .await
        .expect("her password works");
    let out = remote(
        &[
            "agent",
            "add",
            "--name",
            "Li Wei",
            "--email",
            "li@example.com",
        ],
        "",
    )
    .await;
    assert!(
        out.contains("Added agent Li Wei") && out.contains("One-time password"),
        "{out}"
    );
    let users = same(&["user", "list"]).await;
    assert!(users.contains("maria@example.com") && users.contains("li@example.com"));
    let out = remote(&["user", "role", "maria@example.com", "supervisor"], "").await;
    assert_eq!(out, "Maria Santos is now supervisor.\n");
    let out = remote(
        &["user", "passwd", "maria@example.com", "--password-stdin"],
        "plum-harbour-77\n",
    )
    .await;
    assert_eq!(
        out,
        "Password of Maria Santos changed; their sessions were ended.\n"
    );
    let out = remote(&["user", "passwd", "li@example.com"], "").await;
    assert!(
        out.contains("reset") && out.contains("One-time password"),
        "{out}"
    );
    let out = remote(&["user", "disable", "li@example.com"], "").await;
    assert_eq!(out, "Li Wei is disabled; their sessions were ended.\n");
    let out = remote(&["user", "enable", "li@example.com"], "").await;
    assert_eq!(out, "Li Wei may sign in again.\n");
    same(&["agent", "list"]).await;
    let out = remote(&["agent", "status", "maria@example.com", "away"], "").await;
    assert_eq!(out, "Maria Santos is now Away.\n");
    let out = remote(&["agent", "max-chats", "maria@example.com", "5"], "").await;
    assert_eq!(out, "Maria Santos now takes up to 5 chats.\n");
    let out = remote(&["queue", "join", "li@example.com", "Billing"], "").await;
    assert_eq!(out, "Li Wei now works Billing.\n");
    let out = remote(&["queue", "leave", "li@example.com", "Billing"], "").await;
    assert_eq!(out, "Li Wei no longer works Billing.\n");
    same(&["queue", "list"]).await;
    let out = remote(&["disposition", "add", "Escalated"], "").await;
    assert_eq!(out, "Added disposition \"Escalated\".\n");
    remote(&["disposition", "add", "Spam caller"], "").await;
    let out = remote(&["disposition", "remove", "Spam caller"], "").await;
    assert_eq!(out, "Removed disposition \"Spam caller\".\n");
    let listed = same(&["disposition", "list"]).await;
    assert!(
        listed.contains("Escalated\n") && !listed.contains("Spam"),
        "{listed}"
    );
    let out = remote(&["option", "set", "SVC_CHAT_CKEDITOR_ENABLED", "Y"], "").await;
    assert_eq!(out, "SVC_CHAT_CKEDITOR_ENABLED = Y at site level.\n");
    let out = remote(
        &[
            "option",
            "set",
            "SVC_CHAT_CKEDITOR_ENABLED",
            "N",
            "--agent",
            "li@example.com",
        ],
        "",
    )
    .await;
    assert_eq!(out, "SVC_CHAT_CKEDITOR_ENABLED = N for Li Wei.\n");
    assert_eq!(
        same(&["option", "get", "SVC_CHAT_CKEDITOR_ENABLED"]).await,
        "Y\n"
    );
    same(&["option", "list"]).await;
    let out = remote(
        &[
            "option",
            "unset",
            "SVC_CHAT_CKEDITOR_ENABLED",
            "--agent",
            "li@example.com",
        ],
        "",
    )
    .await;
    assert_eq!(out, "SVC_CHAT_CKEDITOR_ENABLED unset for Li Wei.\n");
    let (support, _) = store.find_queue(Some("Support")).await.unwrap();
    let chat = store
        .enqueue("Ana Lima", "ana@example.com", support, Some("Hello"))
        .await
        .unwrap();
    let chats = same(&["chat", "list"]).await;
    assert!(chats.contains("Ana Lima"), "{chats}");
    let out = remote(
        &["chat", "transfer", &chat.to_string(), "--queue", "Billing"],
        "",
    )
    .await;
    assert_eq!(
        out,
        format!("Chat {chat} moved to Billing; the customer was told.\n")
    );
    same(&["chat", "list", "--queue", "Billing", "--state", "queued"]).await;

    // Sessions: listed, one revoked by id, then all of a user's.
    store
        .sign_in(
            "maria@example.com",
            &Password::new("plum-harbour-77"),
            "desk 4",
            "127.0.0.1",
        )
        .await
        .unwrap();
    let sessions = same(&["session", "list"]).await;
    assert!(
        sessions.contains("desk 4") && sessions.contains(ADMIN),
        "{sessions}"
    );
    let hers = store.list_sessions(Some(maria.agent.id)).await.unwrap();
    let id = hers[0].id.to_string();
    assert_eq!(
        remote(&["session", "revoke", &id], "").await,
        format!("Session {id} ended.\n")
    );
    store
        .sign_in(
            "maria@example.com",
            &Password::new("plum-harbour-77"),
            "desk 5",
            "127.0.0.1",
        )
        .await
        .unwrap();
    let out = remote(&["session", "revoke", "--user", "maria@example.com"], "").await;
    assert_eq!(out, "Ended 1 session of Maria Santos.\n");
    let listed = same(&["session", "list", "--user", "maria@example.com"]).await;
    assert_eq!(listed, "No one is signed in.\n");

    // Refusals read the same either way, in one line.
    for args in [
        &["queue", "leave", "li@example.com", "Billing"][..],
        &["user", "disable", "nobody@example.com"],
        &["session", "revoke", "999"],
        &["chat", "list", "--limit", "0"],
    ] {
        let through = one_line_error(&pc.run(&[args, &["--server", url]].concat(), "").await);
        let on_db = one_line_error(&pc.run(&[args, &local[..]].concat(), "").await);
        assert_eq!(through, on_db, "{args:?}");
    }
    // The database's own commands say they cannot go through a server.
    for args in [&["seed", "--demo"][..], &["demo-traffic"], &["server"]] {
        let line = one_line_error(&pc.run(&[args, &["--server", url]].concat(), "").await);
        assert!(line.contains("works on the database only"), "{line}");
    }

    // Logout ends the session on the server and forgets it here.
    let out = ok(&pc.run(&["logout"], "").await);
    assert!(out.contains("Signed out of"), "{out}");
    assert!(
        store
            .list_sessions(None)
            .await
            .unwrap()
            .iter()
            .all(|s| s.email != ADMIN)
    );
    let kept = std::fs::read_to_string(pc.kept_file()).expect("the kept file");
    assert!(!kept.contains("\"admin\""), "{kept}");
    let out = pc.run(&["user", "list", "--server", url], "").await;
    assert!(one_line_error(&out).contains("not signed in"));
    println!(
        "every admin command ran through {url} on {}",
        store.backend()
    );
}

#[tokio::test]
async fn only_an_administrator_may_log_in_and_a_revoked_login_says_so() {
    let (db, store) = fresh().await;
    user(&store, "sam@example.com", "Sam Agent", Role::Supervisor).await;
    let admin = user(&store, ADMIN, "Ada Admin", Role::Admin).await;
    let server = Process::spawn(&db.url, free_port(), &[]).await;
    let url = server.base.as_str();
    let pc = Computer::new();
    let login = |email: &'static str| {
        [
            "login",
            "--server",
            url,
            "--email",
            email,
            "--password-stdin",
        ]
        .map(String::from)
    };
    let args = login("sam@example.com");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let line = one_line_error(&pc.run(&args, &format!("{PASSWORD}\n")).await);
    assert!(line.contains("not admin"), "{line}");
    assert!(
        store.list_sessions(None).await.unwrap().is_empty(),
        "ended at once"
    );
    assert!(
        !pc.kept_file().exists()
            || !std::fs::read_to_string(pc.kept_file())
                .unwrap()
                .contains("sam@")
    );
    let line = one_line_error(&pc.run(&args, "not the password\n").await);
    assert!(line.contains("not right"), "{line}");

    let args = login(ADMIN);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&pc.run(&args, &format!("{PASSWORD}\n")).await);
    store.revoke_sessions_of(admin).await.unwrap();
    let line = one_line_error(&pc.run(&["queue", "list", "--server", url], "").await);
    assert!(
        line.contains("An administrator ended this session"),
        "{line}"
    );
    assert!(line.contains("livewindow login --server"), "{line}");
    // Logout of an ended session forgets it all the same.
    ok(&pc.run(&["logout", "--server", url], "").await);
}

async fn sign_in(base: &str, email: &str) -> String {
    let r = http()
        .post(format!("{base}/api/agent/session"))
        .json(&json!({"email": email, "password": PASSWORD, "device": "test"}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.expect("json");
    body["token"].as_str().expect("a token").to_string()
}

#[tokio::test]
async fn every_admin_route_is_for_administrators_only() {
    let (_db, store) = fresh().await;
    user(&store, "ann@example.com", "Ann Agent", Role::Agent).await;
    user(
        &store,
        "sue@example.com",
        "Sue Supervisor",
        Role::Supervisor,
    )
    .await;
    user(&store, ADMIN, "Ada Admin", Role::Admin).await;
    let server = InProcess::start(&store, Config::default()).await;
    let base = server.base.clone();
    let tokens = [
        (Role::Agent, Some(sign_in(&base, "ann@example.com").await)),
        (
            Role::Supervisor,
            Some(sign_in(&base, "sue@example.com").await),
        ),
        (Role::Admin, Some(sign_in(&base, ADMIN).await)),
    ];
    let post = async |name: &str, token: Option<&str>| {
        let mut r = http()
            .post(format!("{base}/api/admin/{name}"))
            .json(&json!({}));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let r = r.send().await.expect("post");
        (
            r.status().as_u16(),
            r.json::<Value>().await.unwrap_or(Value::Null),
        )
    };
    for name in AdminCommand::NAMES {
        let (status, body) = post(name, None).await;
        assert_eq!(status, 401, "{name} without a token: {body}");
        for (role, token) in &tokens {
            let (status, body) = post(name, token.as_deref()).await;
            if *role == Role::Admin {
                assert!(
                    ![401, 403].contains(&status),
                    "{name} as admin: {status} {body}"
                );
            } else {
                assert_eq!(status, 403, "{name} as {role}: {body}");
                assert_eq!(
                    body["error"], "Only an administrator may do this.",
                    "{body}"
                );
                assert_eq!(body["store"], json!({"denied": "admins_only"}), "{body}");
            }
        }
    }
    // What an administrator's route gives, for one that needs no fields.
    let (status, body) = post("users", tokens[2].1.as_deref()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.as_array().map(Vec::len), Some(3), "{body}");
    server.stop().await;
}
