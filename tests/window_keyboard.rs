//! The seed workflow in the real window (Xvfb) with `xdotool key` and `xdotool type` only:
//! Alt+A accepts, Enter verifies (the dialog's primary action has the focus), F6 and Tab
//! reach the screen pop's Assets tab and an asset, whose edit is saved; a formatted reply is
//! sent, the chat transferred, a second chat ended and wrapped up. Each step is checked in
//! the database; screenshots of the focus ring are kept in target/smoke/keyboard-*.png.
//!
//! The Tab counts are tests/common/keys.rs's, which the simulator's keyboard test checks by
//! looking at the focus: the same widget tree, so the same order here.
//!
//! Needs Xvfb, xdotool and ImageMagick's `import`; skipped without them unless
//! LIVEWINDOW_REQUIRE_XVFB=1.

mod common;

use common::window::{Desk, free_display, wait_until, window_tools};
use common::{demo_with_available, fresh, keys as tabs};
use livewindow::core::ChatState;
use std::path::PathBuf;
use std::time::Duration;

const MARIA: &str = "maria.santos@example.com";

async fn customer(store: &livewindow::Store) -> i64 {
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    store
        .enqueue("Ana Lima", "ana.lima@example.com", q, Some("Hello"))
        .await
        .unwrap()
}

/// Keys, each sent to the focused window, with a pause for the console to redraw.
async fn keys(desk: &Desk, keys: &[&str]) {
    for k in keys {
        desk.key(k);
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
}

/// Tab, `n` times.
async fn tab(desk: &Desk, n: usize) {
    for _ in 0..n {
        keys(desk, &["Tab"]).await;
    }
}

fn shot(desk: &Desk, name: &str) {
    desk.shot(&format!("keyboard-{name}.png"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_workflow_with_xdotool_keys_only() {
    if !window_tools(&["Xvfb", "xdotool", "import"]) {
        return;
    }
    let (db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, "priya.patel@example.com"]).await;
    let maria = ids[0];
    let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/smoke");
    std::fs::create_dir_all(&artifacts).unwrap();
    let desk = Desk::start(free_display(110), &db.url, MARIA, &artifacts).await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    // Alt+A accepts; Enter verifies.
    let chat = customer(&store).await;
    wait_until("the offer", 20, async || {
        store.chat(chat).await.unwrap().state == ChatState::Offered
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    keys(&desk, &["alt+a"]).await;
    wait_until("the accept", 20, async || {
        store.chat(chat).await.unwrap().state == ChatState::Active
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    shot(&desk, "1-verify-focused");
    keys(&desk, &["Return"]).await;
    wait_until("the verification", 20, async || {
        store.chat(chat).await.unwrap().contact_id.is_some()
    })
    .await;

    // F6 to the screen pop (tabs, conversation, screen pop); Tab to Assets; Enter. Tab to
    // the first asset's Open; Enter: its first field has the focus.
    keys(&desk, &["F6", "F6", "F6"]).await;
    tab(&desk, tabs::TO_ASSETS).await;
    keys(&desk, &["Return"]).await;
    tab(&desk, tabs::TO_OPEN).await;
    shot(&desk, "2-open-focused");
    keys(&desk, &["Return"]).await;
    desk.type_text(" (checked)");
    // Tab to the status list; Enter: the next status; Tab to Save; Enter.
    tab(&desk, tabs::TO_STATUS).await;
    keys(&desk, &["Return"]).await;
    tab(&desk, tabs::TO_SAVE).await;
    shot(&desk, "3-save-focused");
    keys(&desk, &["Return"]).await;
    let contact = store.chat(chat).await.unwrap().contact_id.unwrap();
    let account = store.contact(contact).await.unwrap().account_id.unwrap();
    wait_until("the asset saved", 20, async || {
        store
            .assets_of_account(account)
            .await
            .unwrap()
            .iter()
            .any(|a| a.product.ends_with(" (checked)"))
    })
    .await;

    // F6 wraps to the tabs, F6 again: the composer. Ctrl+B, a word, Enter.
    keys(&desk, &["F6", "F6", "ctrl+b"]).await;
    desk.type_text("Done");
    keys(&desk, &["Return"]).await;
    wait_until("the formatted reply", 20, async || {
        store
            .messages(chat)
            .await
            .unwrap()
            .iter()
            .any(|m| m.body_html.contains("<strong>Done</strong>"))
    })
    .await;

    // Transfer: Tabs from the composer round to the button; Enter opens the dialog on its
    // first queue (Billing); Enter chooses it; Tabs to Confirm transfer; Enter.
    tab(&desk, tabs::TO_TRANSFER).await;
    shot(&desk, "4-transfer-focused");
    keys(&desk, &["Return"]).await;
    // The dialog takes the focus once its queues have loaded.
    tokio::time::sleep(Duration::from_secs(3)).await;
    keys(&desk, &["Return"]).await;
    tab(&desk, tabs::TO_CONFIRM).await;
    shot(&desk, "5-confirm-focused");
    keys(&desk, &["Return"]).await;
    wait_until("the transfer to Billing", 20, async || {
        let c = store.chat(chat).await.unwrap();
        c.queue_name == "Billing" && c.agent_id != Some(maria)
    })
    .await;

    // A second chat: Alt+A, Enter; Tabs to End chat, Enter; the disposition list has the
    // focus: Enter picks the first; Tabs to Done; Enter.
    let second = customer(&store).await;
    wait_until("the second offer", 20, async || {
        store.chat(second).await.unwrap().state == ChatState::Offered
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    keys(&desk, &["alt+a"]).await;
    wait_until("the second accept", 20, async || {
        store.chat(second).await.unwrap().state == ChatState::Active
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    keys(&desk, &["Return"]).await;
    wait_until("the second verification", 20, async || {
        store.chat(second).await.unwrap().contact_id.is_some()
    })
    .await;
    tab(&desk, tabs::TO_END_CHAT).await;
    keys(&desk, &["Return"]).await;
    wait_until("the end", 20, async || {
        store.chat(second).await.unwrap().state == ChatState::Ended
    })
    .await;
    // The wrap-up form shows (and takes the focus) when the console hears of the end.
    tokio::time::sleep(Duration::from_secs(3)).await;
    shot(&desk, "6-disposition-focused");
    keys(&desk, &["Return"]).await;
    tab(&desk, tabs::TO_DONE).await;
    shot(&desk, "7-done-focused");
    keys(&desk, &["Return"]).await;
    wait_until("the wrap-up", 20, async || {
        store.chat(second).await.unwrap().disposition.as_deref() == Some("Resolved")
    })
    .await;
}
