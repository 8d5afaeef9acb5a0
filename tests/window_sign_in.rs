//! "Keep me signed in on this computer" in the real window (Xvfb): `livewindow --server URL`
//! against a real `livewindow server` process on the test database. The box is reached by
//! Tab and checked with Space, Enter signs in; with no keyring on this display's session
//! the token goes to the 0600 file. The desktop started again opens the console at once;
//! *Sign out* ends the session on the server and forgets it, and the next start is at the
//! sign-in screen with the email filled in. Needs Xvfb, xdotool, ImageMagick and tesseract.

mod common;
mod server_support;

use common::window::{Desk, free_display, wait_until, window_tools};
use common::{demo_with_available, fresh};
use livewindow::core::Password;
use server_support::{Process, free_port};
use std::path::PathBuf;
use std::time::Duration;

const MARIA: &str = "maria.santos@example.com";
const PASSWORD: &str = "correct horse battery staple";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_signed_in_across_a_restart_then_signed_out() {
    if !window_tools(&["Xvfb", "xdotool", "import", "tesseract", "convert"]) {
        return;
    }
    let (db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    store
        .set_password(maria, &Password::new(PASSWORD))
        .await
        .unwrap();
    let server = Process::spawn(&db.url, free_port(), &[]).await;
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/smoke");
    std::fs::create_dir_all(&shots).unwrap();
    let args = ["--server", server.base.as_str()];
    let mut desk = Desk::start_with(free_display(301), &args, &shots).await;
    let kept = desk.home().join(".local/share/livewindow/kept.json");
    desk.sees("keep-1-sign-in.png", "Keep me signed in", 20)
        .await;

    // By keyboard: email, Tab, password, Tab to the box, Space checks it, Enter signs in.
    desk.type_text(MARIA);
    desk.key("Tab");
    desk.type_text(PASSWORD);
    desk.key("Tab");
    desk.key("space");
    tokio::time::sleep(Duration::from_millis(500)).await;
    desk.shot("keep-2-checked.png");
    desk.key("Return");
    wait_until("the session", 20, async || {
        store.list_sessions(Some(maria)).await.unwrap().len() == 1
    })
    .await;
    desk.sees("keep-3-console.png", "Incoming", 30).await;
    let file = std::fs::read_to_string(&kept).expect("the session is kept");
    assert!(
        file.contains(MARIA) && file.contains("\"desktop\""),
        "{file}"
    );
    assert!(!file.contains(PASSWORD), "{file}");
    #[cfg(unix)]
    assert_eq!(common::file_mode(&kept), 0o600);

    // Started again: straight to the console, on the same session.
    desk.restart(&args).await;
    let took = desk.sees("keep-4-resumed.png", "Incoming", 30).await;
    println!("the kept session opened the console {took:?} after the window");
    assert_eq!(store.list_sessions(Some(maria)).await.unwrap().len(), 1);

    // Sign out, the toolbar's last control (top right of the 1280×800 window): the session
    // ends on the server and here.
    desk.shot("keep-5-toolbar.png");
    desk.xdo(&["mousemove", "1222", "29", "click", "1"]);
    desk.sees("keep-6-signed-out.png", "You signed out", 20)
        .await;
    assert!(store.list_sessions(Some(maria)).await.unwrap().is_empty());
    let file = std::fs::read_to_string(&kept).unwrap();
    assert!(!file.contains("\"desktop\""), "forgotten: {file}");

    // Next start: the sign-in screen, the email remembered.
    desk.restart(&args).await;
    let seen = desk
        .sees("keep-7-next-start.png", "Keep me signed in", 20)
        .await;
    assert!(
        desk.read("keep-7-next-start.png").contains("maria"),
        "{seen:?}"
    );
    drop(server);
}
