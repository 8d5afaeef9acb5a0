//! The real `livewindow` binary's supervisor commands against a scratch database (SQLite,
//! or PostgreSQL with TEST_DATABASE_URL): `user supervise` (a supervisor given and taken a
//! queue; an agent or an administrator refused with one line) and `audit list` (with its
//! filters, and a bad `--since` refused with one line).

mod common;

use common::{demo_with_available, fresh, ok, one_line_error};
use livewindow::core::supervise::Supervision;
use livewindow::core::{AgentStatus, Password, Role};
use livewindow::store::{InitialPassword, NewUser};
use std::process::Output;

const BIN: &str = env!("CARGO_BIN_EXE_livewindow");

async fn run(url: &str, args: &[&str]) -> Output {
    tokio::process::Command::new(BIN)
        .args(["--database-url", url])
        .args(args)
        .kill_on_drop(true)
        .output()
        .await
        .expect("run livewindow")
}

#[tokio::test]
async fn supervising_and_the_audit_from_the_command_line() {
    let (db, store) = fresh().await;
    let url = db.url.as_str();
    let maria = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    let (sam, _) = store
        .add_user(&NewUser {
            name: "Sam Lee".into(),
            email: "sam@example.com".into(),
            role: Role::Supervisor,
            max_chats: 3,
            queues: Vec::new(),
            password: InitialPassword::Given(Password::new("correct horse battery staple")),
        })
        .await
        .unwrap();
    let sam = sam.agent.id;

    let out = ok(&run(
        url,
        &[
            "user",
            "supervise",
            "sam@example.com",
            "--queue",
            "Support",
            "--queue",
            "Billing",
        ],
    )
    .await);
    assert_eq!(
        out,
        "Sam Lee now supervises Support.\nSam Lee now supervises Billing.\n"
    );
    let out = ok(&run(
        url,
        &["user", "supervise", "sam@example.com", "--queue", "Support"],
    )
    .await);
    assert_eq!(out, "Sam Lee already supervised Support.\n");
    let out = ok(&run(
        url,
        &[
            "user",
            "supervise",
            "sam@example.com",
            "--queue",
            "Billing",
            "--remove",
        ],
    )
    .await);
    assert_eq!(out, "Sam Lee no longer supervises Billing.\n");
    let mut queues = store.supervised_queues(sam).await.unwrap();
    queues.sort();
    assert_eq!(
        queues,
        vec![store.find_queue(Some("Support")).await.unwrap().0]
    );

    let refused = run(
        url,
        &[
            "user",
            "supervise",
            "maria.santos@example.com",
            "--queue",
            "Support",
        ],
    )
    .await;
    let line = one_line_error(&refused);
    assert!(
        line.contains("is an agent: make them a supervisor first"),
        "{line}"
    );
    let refused = run(
        url,
        &["user", "supervise", "sam@example.com", "--queue", "Nowhere"],
    )
    .await;
    assert!(one_line_error(&refused).contains("Nowhere"));

    // Two actions, then the audit, all of it and filtered.
    let support = store.find_queue(Some("Support")).await.unwrap().0;
    let chat = store
        .enqueue("Ana Lima", "ana@example.com", support, Some("hi"))
        .await
        .unwrap();
    store.accept(chat, maria).await.unwrap();
    store
        .supervise(
            sam,
            &Supervision::Whisper {
                chat_id: chat,
                text: "Offer the refund".into(),
            },
        )
        .await
        .unwrap();
    store
        .supervise(
            sam,
            &Supervision::SetStatus {
                agent_id: maria,
                status: AgentStatus::Away,
            },
        )
        .await
        .unwrap();
    let all = ok(&run(url, &["audit", "list", "--since", "1h"]).await);
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), 2, "{all}");
    assert!(
        lines[0].contains("Sam Lee") && lines[0].contains("status_set"),
        "{all}"
    );
    assert!(
        lines[0].contains(&format!("agent {maria}")) && lines[0].contains("away"),
        "{all}"
    );
    assert!(
        lines[1].contains("whisper") && lines[1].contains(&format!("chat {chat}")),
        "{all}"
    );
    assert!(lines[1].contains("Offer the refund"), "{all}");
    let one = ok(&run(url, &["audit", "list", "--chat", &chat.to_string()]).await);
    assert_eq!(one.lines().count(), 1, "{one}");
    let none = ok(&run(
        url,
        &["audit", "list", "--user", "maria.santos@example.com"],
    )
    .await);
    assert_eq!(none, "No supervisor actions recorded for that.\n");
    let bad = run(url, &["audit", "list", "--since", "yesterday"]).await;
    assert!(one_line_error(&bad).contains("is not a time"));
    let bad = run(url, &["audit", "list", "--limit", "0"]).await;
    assert!(one_line_error(&bad).contains("--limit"));
}
