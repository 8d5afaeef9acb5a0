//! `livewindow customer` (the real binary) checks in as often as the absent interval in
//! force needs: with the interval at 2 s (absent after 4 s of silence) a waiting customer
//! stays; stopped (SIGSTOP, so it cannot check in), the same rules end its chat.

mod common;

use common::{fresh, sweep_for};
use livewindow::core::options;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn a_waiting_customer_checks_in_within_a_two_second_interval() {
    let (db, store) = fresh().await;
    store.seed_demo().await.unwrap(); // nobody available: the chat waits
    store
        .set_option(options::OPT_ABSENT_INTERVAL, "2", None)
        .await
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_livewindow"))
        .args(["--database-url", &db.url, "customer", "--name", "Ana Lima"])
        .args(["--email", "ana.lima@example.com", "--queue", "Support"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("run livewindow customer");
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), out.next_line())
        .await
        .expect("a first line")
        .unwrap()
        .unwrap_or_default();
    // "Chat #12 in Support: waiting for an agent…"
    let chat: i64 = first
        .strip_prefix("Chat #")
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no chat id in {first:?}"));
    assert_eq!(
        sweep_for(&store, chat, 12).await,
        None,
        "a connected customer was judged absent"
    );
    // The control: the process cannot check in any more; the same rules end the chat.
    let pid = child.id().expect("pid").to_string();
    let stopped = std::process::Command::new("kill")
        .args(["-STOP", &pid])
        .status()
        .unwrap();
    assert!(stopped.success());
    let ended = sweep_for(&store, chat, 15).await;
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status();
    assert!(ended.is_some(), "a silent customer must be judged absent");
    println!(
        "ended {:?} after the customer fell silent",
        ended.unwrap_or_default()
    );
}
