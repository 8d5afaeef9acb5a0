//! Two real consoles on one database, each in its own X display (Xvfb): Maria accepts a
//! chat, clicks Transfer, picks the Support queue and confirms (found on screen by OCR and
//! clicked with xdotool); James's console shows the offer marked Transfer and takes it with
//! Alt+A. Then Maria's console gets SIGTERM and she is Offline at once. Screenshots are kept
//! in target/smoke/.
//!
//! Needs Xvfb, xdotool, ImageMagick's `import` and tesseract (`.ci/run` installs them).
//! Without them the test says so and passes, unless LIVEWINDOW_REQUIRE_XVFB=1 (as in CI).

mod common;

use common::fresh;
use common::window::{Desk, free_display, wait_until, window_tools};
use livewindow::core::{AgentStatus, ChatState};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What only this test asks of a desk: reading the screen and clicking what it reads.
impl Desk {
    /// A screenshot under this name, and the words tesseract reads on it with their boxes.
    fn look(&self, name: &str) -> Vec<Word> {
        // Read at twice the size (see `Desk::shot_x2`). Its page layout can also skip a
        // button beside a ring, so its sparse-text mode (psm 11) reads too, its lines kept
        // apart. Boxes are halved back.
        let big = self.shot_x2(name);
        let read = |psm: Option<&str>| {
            let mut cmd = Command::new("tesseract");
            cmd.arg(&big).arg("stdout");
            if let Some(psm) = psm {
                cmd.args(["--psm", psm]);
            }
            let out = cmd
                .arg("tsv")
                .stderr(Stdio::null())
                .output()
                .expect("run tesseract");
            words(&String::from_utf8_lossy(&out.stdout))
        };
        let mut all = read(None);
        all.extend(read(Some("11")).into_iter().map(|w| Word {
            line: (w.line.0 + 10_000, w.line.1, w.line.2),
            ..w
        }));
        for w in &mut all {
            (w.x, w.y, w.w, w.h) = (w.x / 2, w.y / 2, w.w / 2, w.h / 2);
        }
        all
    }

    /// Waits until `word` is on screen (on a line that also holds `with`) and clicks it.
    async fn click(&self, name: &str, word: &str, with: &str) {
        let mut at = None;
        let mut read = String::new();
        let end = Instant::now() + Duration::from_secs(30);
        while at.is_none() && Instant::now() < end {
            let words = self.look(name);
            at = find(&words, word, with);
            read = lines(&words).join(" | ");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        assert!(
            at.is_some(),
            "no {word:?} on a line with {with:?}; read: {read}"
        );
        let (x, y) = at.unwrap_or_default();
        self.xdo(&["mousemove", &x.to_string(), &y.to_string()]);
        self.xdo(&["click", "1"]);
    }

    /// Waits until every one of `needles` is read on screen; returns the text read.
    async fn see(&self, name: &str, needles: &[&str]) -> String {
        let mut text = String::new();
        wait_until(&format!("{needles:?} on screen"), 30, async || {
            text = lines(&self.look(name)).join("\n");
            needles.iter().all(|n| text.contains(n))
        })
        .await;
        text
    }
}

struct Word {
    line: (u32, u32, u32),
    x: i32,
    y: i32,
    w: i32,
    h: i32,
    text: String,
}

fn words(tsv: &str) -> Vec<Word> {
    tsv.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() < 12 || f[11].trim().is_empty() {
                return None;
            }
            let n = |i: usize| f[i].parse::<i32>().ok();
            Some(Word {
                line: (n(2)? as u32, n(3)? as u32, n(4)? as u32),
                x: n(6)?,
                y: n(7)?,
                w: n(8)?,
                h: n(9)?,
                text: f[11].to_string(),
            })
        })
        .collect()
}

fn lines(words: &[Word]) -> Vec<String> {
    let mut out: Vec<((u32, u32, u32), String)> = Vec::new();
    for w in words {
        match out.last_mut() {
            Some((line, text)) if *line == w.line => {
                text.push(' ');
                text.push_str(&w.text);
            }
            _ => out.push((w.line, w.text.clone())),
        }
    }
    out.into_iter().map(|(_, t)| t).collect()
}

/// The centre of the first `word` on a line that also contains `with`.
fn find(words: &[Word], word: &str, with: &str) -> Option<(i32, i32)> {
    words
        .iter()
        // OCR sometimes reads a button's edge as a bracket: "(Transfer".
        .filter(|w| w.text.contains(word))
        .find(|w| {
            let line: Vec<&str> = words
                .iter()
                .filter(|o| o.line == w.line)
                .map(|o| o.text.as_str())
                .collect();
            line.join(" ").contains(with)
        })
        .map(|w| (w.x + w.w / 2, w.y + w.h / 2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_from_one_console_to_another_and_offline_on_sigterm() {
    if !window_tools(&["Xvfb", "xdotool", "import", "convert", "tesseract"]) {
        return;
    }
    let (db, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let maria = store.find_agent("maria.santos@example.com").await.unwrap();
    let james = store.find_agent("james.chen@example.com").await.unwrap();
    store
        .set_agent_status(maria.id, AgentStatus::Available)
        .await
        .unwrap();
    store
        .set_agent_status(james.id, AgentStatus::Away)
        .await
        .unwrap();
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/smoke");
    std::fs::create_dir_all(&shots).unwrap();

    // Window tests in other files pick from 90 up; these two start higher.
    let n = free_display(150);
    let a = Desk::start(n, &db.url, "maria.santos@example.com", &shots).await;
    let b = Desk::start(
        free_display(n + 1),
        &db.url,
        "james.chen@example.com",
        &shots,
    )
    .await;

    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    let chat = store
        .enqueue(
            "Ana Lima",
            "ana.lima@example.com",
            q,
            Some("My filter is red"),
        )
        .await
        .unwrap();
    a.see("transfer-1-offer.png", &["Ana Lima", "Accept"]).await;
    a.key("alt+a");
    wait_until("Maria's accept", 20, async || {
        store
            .chat(chat)
            .await
            .is_ok_and(|c| c.state == ChatState::Active && c.agent_id == Some(maria.id))
    })
    .await;
    // James comes back from his break: the transfer can go to him.
    store
        .set_agent_status(james.id, AgentStatus::Available)
        .await
        .unwrap();

    a.click("transfer-2-chat.png", "Transfer", "").await;
    a.click("transfer-3-dialog.png", "Support", "waiting").await;
    // A note for James, confirmed with Enter in the note field.
    a.click("transfer-4-chosen.png", "Note", "next agent").await;
    a.xdo(&["type", "--delay", "20", "Billing question"]);
    a.key("Return");

    let offer = b
        .see(
            "transfer-5-offer.png",
            &["Transfer from Maria Santos", "Billing question"],
        )
        .await;
    println!("James's screen read:\n{offer}");
    b.key("alt+a");
    wait_until("James's accept", 20, async || {
        store
            .chat(chat)
            .await
            .is_ok_and(|c| c.state == ChatState::Active && c.agent_id == Some(james.id))
    })
    .await;
    b.see(
        "transfer-6-accepted.png",
        &[
            "My filter is red",
            "Billing question",
            "transferred to Support",
        ],
    )
    .await;
    assert!(store.active_chats(maria.id).await.unwrap().is_empty());

    // A clean signal: Maria is Offline at once, not after the absent window.
    let pid = a.app.0.id().to_string();
    let sent = Instant::now();
    let ok = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(ok.success());
    wait_until("Maria Offline after SIGTERM", 5, async || {
        store
            .agent(maria.id)
            .await
            .is_ok_and(|m| m.status == AgentStatus::Offline)
    })
    .await;
    println!("Offline {} ms after SIGTERM", sent.elapsed().as_millis());
    // James, on his own desk, is untouched.
    assert_eq!(
        store.agent(james.id).await.unwrap().status,
        AgentStatus::Available
    );
    println!("screenshots in {}", shots.display());
}
