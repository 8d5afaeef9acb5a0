//! A team's desktop in the real window (Xvfb): `livewindow --server https://…` against a
//! real `livewindow server` process serving TLS on the test database (PostgreSQL with
//! `TEST_DATABASE_URL`, as CI runs it). The sign-in screen is filled from the keyboard (a
//! wrong password refused with its line, then the right one); a customer in Chromium is
//! offered, accepted and answered; the desktop holds no database connection; the server is
//! killed with SIGKILL and started again while both sides write, and every line arrives
//! once; revoking the session brings the sign-in screen back within 2 s. Needs Xvfb,
//! xdotool, ImageMagick's `import`, tesseract, Chromium and chromedriver.

mod common;
mod server_support;

use common::window::{Desk, free_display, wait_until, window_tools};
use common::{demo_with_available, fresh};
use fantoccini::Locator;
use livewindow::core::{ChatState, Password};
use server_support::browser::{
    assert_in_order_once, browser, start_on_page, transcript, type_and_send, wait_text,
};
use server_support::{Process, TestTls, free_port};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const MARIA: &str = "maria.santos@example.com";
const PASSWORD: &str = "correct horse battery staple";

/// A screenshot under `name`, and what tesseract reads on it (at twice the size).
fn read_screen(desk: &Desk, name: &str) -> String {
    let big = desk.shot_x2(name);
    let out = Command::new("tesseract")
        .arg(&big)
        .arg("stdout")
        .output()
        .expect("run tesseract");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn sees(desk: &Desk, name: &str, words: &str, secs: u64) -> Duration {
    let start = Instant::now();
    let mut last = String::new();
    while start.elapsed() < Duration::from_secs(secs) {
        last = read_screen(desk, name);
        if last.contains(words) {
            return start.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{words:?} never on screen; last read: {last}");
}

/// The TCP connections of process `pid` to port `port`, from /proc.
fn connections_to(pid: u32, port: u16) -> usize {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .filter_map(|l| {
                    let l = l.to_string_lossy().into_owned();
                    l.strip_prefix("socket:[")?
                        .strip_suffix(']')
                        .map(String::from)
                })
                .collect()
        })
        .unwrap_or_default();
    let hex = format!(":{port:04X}");
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|t| t.lines().skip(1).map(String::from).collect::<Vec<_>>())
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 9 && f[2].ends_with(&hex) && inodes.iter().any(|i| i == f[9])
        })
        .count()
}

fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?.trim_start_matches("//");
    Some(PathBuf::from(rest.split('?').next()?))
}

/// Whether process `pid` has `file` open.
fn opens(pid: u32, file: &Path) -> bool {
    let want = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .any(|l| l == want)
        })
        .unwrap_or(false)
}

fn database_port(url: &str) -> Option<u16> {
    let rest = url.strip_prefix("postgres://")?;
    let host = rest.split('/').next()?.rsplit('@').next()?;
    host.rsplit_once(':')
        .and_then(|(_, p)| p.parse().ok())
        .or(Some(5432))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_desktop_signs_in_takes_a_chat_and_is_signed_out() {
    if !window_tools(&["Xvfb", "xdotool", "import", "tesseract", "convert"]) {
        return;
    }
    let Some((_driver, page, _webdriver, _profile)) = browser().await else {
        return;
    };
    let (db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    store
        .set_password(maria, &Password::new(PASSWORD))
        .await
        .unwrap();
    // The server speaks https itself; the desktop trusts its authority with --server-ca.
    let tls = TestTls::make();
    let port = free_port();
    let mut server = Process::spawn_tls(&db.url, port, &tls).await;
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/smoke");
    std::fs::create_dir_all(&shots).unwrap();
    let ca = tls.ca.display().to_string();
    let args = ["--server", server.base.as_str(), "--server-ca", ca.as_str()];
    let desk = Desk::start_with(free_display(130), &args, &shots).await;
    sees(&desk, "team-1-sign-in.png", "Sign in", 20).await;

    // The email field has the focus; Tab to the password; Enter signs in.
    desk.type_text(MARIA);
    desk.key("Tab");
    desk.type_text("not the password");
    desk.key("Return");
    sees(&desk, "team-2-refused.png", "not right", 20).await;
    assert!(store.list_sessions(Some(maria)).await.unwrap().is_empty());
    // The password was emptied and has the focus again.
    desk.type_text(PASSWORD);
    desk.key("Return");
    wait_until("the session", 20, async || {
        store.list_sessions(Some(maria)).await.unwrap().len() == 1
    })
    .await;
    sees(&desk, "team-3-console.png", "Incoming", 30).await;

    // A customer in Chromium asks for a chat; it is offered, accepted and answered from
    // the keyboard, all through the server.
    let chat = start_on_page(&page, &server.base, "Ana Lima").await;
    wait_until("the offer", 20, async || {
        store.chat(chat).await.unwrap().state == ChatState::Offered
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    desk.key("alt+a");
    wait_until("the accept", 20, async || {
        store.chat(chat).await.unwrap().state == ChatState::Active
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    desk.key("Return"); // Verify and Continue has the focus
    wait_until("the verification", 20, async || {
        store.chat(chat).await.unwrap().contact_id.is_some()
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    // Into the composer (bottom left of a 1280×800 window), then type and send.
    desk.xdo(&["mousemove", "250", "755", "click", "1"]);
    desk.type_text("Hello Ana, how can I help?");
    desk.key("Return");
    wait_text(&page, "#transcript", "how can I help", 20).await;
    read_screen(&desk, "team-4-answered.png");

    // The desktop holds no connection to the database (PostgreSQL) and no open database
    // file (SQLite), while the server holds both.
    let pid = desk.app.0.id();
    match (database_port(&db.url), sqlite_file(&db.url)) {
        (Some(port), _) => {
            assert_eq!(
                connections_to(pid, port),
                0,
                "the desktop's database connections"
            );
            assert!(
                connections_to(server.pid(), port) > 0,
                "the server's, as a check"
            );
        }
        (None, Some(file)) => {
            assert!(!opens(pid, &file), "the desktop has the database file open");
            assert!(opens(server.pid(), &file), "the server has, as a check");
        }
        (None, None) => panic!("a database URL of neither kind: {}", db.url),
    }

    // The server dies with SIGKILL. Both sides write while it is gone; when it is back on
    // the same port, the desktop reconnects by itself and every line arrives once.
    server.kill();
    let agent_line = "Are you still there?";
    let customer_line = "Still here, waiting";
    desk.type_text(agent_line);
    desk.key("Return");
    type_and_send(&page, customer_line).await;
    sees(&desk, "team-5-reconnecting.png", "Reconnecting", 20).await;
    let server = Process::spawn_tls(&db.url, port, &tls).await;
    let once = async |text: &str| {
        let all = store.messages(chat).await.unwrap();
        all.iter().filter(|m| m.body_text.contains(text)).count()
    };
    // The desktop resends by itself; the page shows the customer's line as not sent, with
    // Retry, and they press it (unless one of the page's own tries reached the new server).
    wait_until("both lines stored", 30, async || {
        if once(customer_line).await == 0
            && let Ok(retry) = page
                .find(Locator::Css("#transcript li.outbox button.retry"))
                .await
        {
            let _ = retry.click().await;
        }
        once(agent_line).await == 1 && once(customer_line).await == 1
    })
    .await;
    wait_text(&page, "#transcript", agent_line, 30).await;
    sees(&desk, "team-6-reconnected.png", "waiting", 30).await;
    // Nothing sent twice, on either side, once things have settled.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(once(agent_line).await, 1, "the agent's line, once");
    assert_eq!(once(customer_line).await, 1, "the customer's line, once");
    assert_in_order_once(&transcript(&page).await);
    let on_page = transcript(&page).await;
    assert_eq!(
        on_page
            .iter()
            .filter(|(_, t)| t.contains(agent_line))
            .count(),
        1,
        "{on_page:?}"
    );

    // An administrator revokes the session: the sign-in screen is back within 2 s, saying why.
    let revoked = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_livewindow"))
        .args(["session", "revoke", "--user", MARIA])
        .env("LIVEWINDOW_DATABASE_URL", &db.url)
        .output()
        .expect("session revoke");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The title names the agent while the console is open; the sign-in screen's does not.
    let title = || {
        let out = Command::new("xdotool")
            .args(["getwindowname", &desk.window()])
            .env("DISPLAY", &desk.display)
            .output()
            .expect("xdotool");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    while title().contains("Maria Santos") {
        assert!(
            revoked.elapsed() < Duration::from_secs(5),
            "still open: {}",
            title()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let took = revoked.elapsed();
    println!("the sign-in screen was back {took:?} after the revoke (the command included)");
    assert!(took < Duration::from_secs(3), "{took:?}");
    sees(&desk, "team-7-signed-out.png", "administrator", 10).await;
    drop(server);
}
