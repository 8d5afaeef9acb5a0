//! The real binary in a real X window (Xvfb): a customer asks from the terminal CLI, the
//! offer appears on screen with the customer's name (read back by OCR from a screenshot),
//! Alt+A accepts it, and the customer's terminal says who joined. Screenshots are kept in
//! target/smoke/.
//!
//! Needs Xvfb, xdotool, ImageMagick's `import` and tesseract (`.ci/run` installs them).
//! Without them the test says so and passes, unless LIVEWINDOW_REQUIRE_XVFB=1 (as in CI).

mod common;

use common::window::{Desk, Kill, free_display, window_tools};
use common::{demo_with_available, fresh};
use livewindow::core::ChatState;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_livewindow");

/// One real window at a time: two would race for a display number, and two cores do not run
/// two GUI apps with OCR in parallel well.
static ONE_WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn wait_until(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("timed out waiting for {what}");
}

fn screenshot(display: &str, path: &Path) {
    let ok = Command::new("import")
        .args([
            "-display",
            display,
            "-window",
            "root",
            path.to_str().unwrap(),
        ])
        .status()
        .expect("run import");
    assert!(ok.success(), "screenshot failed");
}

fn ocr(path: &Path) -> String {
    let out = Command::new("tesseract")
        .args([path.to_str().unwrap(), "stdout"])
        .stderr(Stdio::null())
        .output()
        .expect("run tesseract");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_cli_chat_reaches_the_window() {
    if !window_tools(&["Xvfb", "xdotool", "import", "tesseract"]) {
        return;
    }
    let _one = ONE_WINDOW.lock().await;
    let (db, store) = fresh().await;
    demo_with_available(&store, &["maria.santos@example.com"]).await;
    let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/smoke");
    std::fs::create_dir_all(&artifacts).unwrap();
    let desk = Desk::start(
        free_display(90),
        &db.url,
        "maria.santos@example.com",
        &artifacts,
    )
    .await;
    let display = desk.display.clone();
    // The console is up once the agent shows as available in the toolbar.
    std::thread::sleep(Duration::from_secs(2));

    let mut customer = Command::new(BIN)
        .args(["--database-url", &db.url, "customer", "--name", "Ana Lima"])
        .args([
            "--email",
            "ana.lima@example.com",
            "--message",
            "My water filter shows a red light",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the customer");
    // What the customer reads, a line at a time.
    let told = {
        let out = customer.stdout.take().expect("the customer's output");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        rx
    };
    let _customer = Kill(customer);
    let offer_png = artifacts.join("offer.png");
    let mut text = String::new();
    wait_until("the offer card with the customer's name", 30, || {
        screenshot(&display, &offer_png);
        text = ocr(&offer_png);
        text.contains("Ana Lima") && text.contains("Accept")
    });
    assert!(text.contains("ana.lima@example.com"), "OCR saw: {text}");

    desk.key("alt+a");
    let chat = store
        .active_chats(store.find_agent("Maria Santos").await.unwrap().id)
        .await
        .unwrap();
    let mut accepted = chat.len() == 1;
    let end = Instant::now() + Duration::from_secs(20);
    while !accepted && Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let agent = store.find_agent("Maria Santos").await.unwrap().id;
        accepted = store.active_chats(agent).await.unwrap().len() == 1;
    }
    assert!(accepted, "Alt+A in the window did not accept the chat");
    let agent = store.find_agent("Maria Santos").await.unwrap().id;
    let c = &store.active_chats(agent).await.unwrap()[0];
    assert_eq!(c.state, ChatState::Active);
    assert_eq!(c.customer_name, "Ana Lima");
    // The customer is told who took the chat.
    let end = Instant::now() + Duration::from_secs(20);
    let mut read = Vec::new();
    while !read
        .iter()
        .any(|l: &String| l.contains("Maria Santos joined the chat"))
    {
        let left = end.saturating_duration_since(Instant::now());
        match told.recv_timeout(left) {
            Ok(line) => read.push(line),
            Err(_) => panic!("the customer was not told; they read: {read:?}"),
        }
    }
    let accepted_png = artifacts.join("accepted.png");
    wait_until("the verification screen", 20, || {
        screenshot(&display, &accepted_png);
        ocr(&accepted_png).contains("Verification")
    });
    println!(
        "screenshots: {} and {}",
        offer_png.display(),
        accepted_png.display()
    );
}

/// Word's clipboard HTML (lists), Excel's (a table) and then a PNG, put on the X clipboard
/// by `xclip`, pasted with Ctrl+V into the real window's composer, seen on screen (OCR) and
/// sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn word_html_and_a_png_paste_with_ctrl_v() {
    if !window_tools(&["Xvfb", "xdotool", "import", "tesseract", "xclip"]) {
        return;
    }
    let _one = ONE_WINDOW.lock().await;
    let (db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    // A verified chat in progress, so the composer is one Ctrl+1 away.
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    let chat = store
        .enqueue(
            "Ana Lima",
            "ana.lima@example.com",
            q,
            Some("How do I replace it?"),
        )
        .await
        .unwrap();
    store.route().await.unwrap();
    store.accept(chat, agent).await.unwrap();
    let contact = store
        .match_contact("ana.lima@example.com", "Ana Lima")
        .await
        .unwrap()
        .expect("demo contact");
    store.verify_contact(chat, agent, contact.id).await.unwrap();

    let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/smoke");
    std::fs::create_dir_all(&artifacts).unwrap();
    let desk = Desk::start(
        free_display(90),
        &db.url,
        "maria.santos@example.com",
        &artifacts,
    )
    .await;
    let display = desk.display.clone();
    std::thread::sleep(Duration::from_secs(2));
    let xdo = |args: &[&str]| desk.xdo(args);
    // xclip serves one flavour until another owner takes the clipboard.
    let clip = |kind: &str, file: &Path| {
        let ok = Command::new("xclip")
            .args(["-selection", "clipboard", "-t", kind, "-i"])
            .arg(file)
            .env("DISPLAY", &display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(ok.success(), "xclip {kind}");
    };
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/paste");
    desk.key("ctrl+1");
    std::thread::sleep(Duration::from_secs(1));
    xdo(&["type", "--delay", "30", "Here are the steps:"]);
    xdo(&["key", "shift+Return"]);
    clip("text/html", &fixtures.join("word.html"));
    xdo(&["key", "ctrl+v"]);
    let html_png = artifacts.join("paste-word.png");
    let mut text = String::new();
    wait_until("the pasted Word list on screen", 20, || {
        screenshot(&display, &html_png);
        text = ocr(&html_png);
        // The composer keeps the caret (at the end of the paste) in view.
        text.contains("Open the order") && text.contains("Tell the customer")
    });

    clip("text/html", &fixtures.join("excel.html"));
    xdo(&["key", "ctrl+End"]);
    xdo(&["key", "ctrl+v"]);
    std::thread::sleep(Duration::from_secs(1));
    clip("image/png", &fixtures.join("pixel.png"));
    xdo(&["key", "ctrl+End"]);
    xdo(&["key", "ctrl+v"]);
    std::thread::sleep(Duration::from_secs(2));
    let image_png = artifacts.join("paste-image.png");
    screenshot(&display, &image_png);
    xdo(&["key", "Return"]);

    let mut body = String::new();
    let end = Instant::now() + Duration::from_secs(20);
    while Instant::now() < end {
        let last = store.messages(chat).await.unwrap().pop().unwrap();
        if last.sender == livewindow::core::Sender::Agent {
            body = last.body_html;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(body.contains("Here are the steps:"), "sent: {body:.400}");
    assert!(
        body.contains("<ol") || body.contains("<ul"),
        "a list: {body:.2000}"
    );
    assert!(body.contains("<table"), "Excel's table: {body:.3000}");
    assert!(
        body.contains("<img src=\"data:image/png;base64,"),
        "the PNG: {body:.200}"
    );
    println!(
        "screenshots: {} and {}",
        html_png.display(),
        image_png.display()
    );
}
