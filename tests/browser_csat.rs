//! Files and "How did we do?" in real headless Chromium, against the real `livewindow
//! server` binary: a PDF goes through the picker and a "PDF" of text is refused with its
//! line; then the agent ends the chat, the page asks, the customer picks 4 and writes a comment, and the
//! page thanks them; a reload keeps the thanks, not the question. Screenshots go to
//! target/browser/. Skips without chromium and chromedriver, unless
//! LIVEWINDOW_REQUIRE_BROWSER=1 (CI), where it fails.

mod common;
mod server_support;

use common::{demo_with_available, fresh, wait_for};
use fantoccini::Locator;
use livewindow::core::EventKind;
use livewindow::core::csat::Rating;
use serde_json::json;
use server_support::browser::{browser, js, shot, start_on_page, wait_text};
use server_support::{Process, free_port};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_asks_how_we_did_and_thanks_the_customer() {
    let Some((_driver, c, webdriver, _profile)) = browser().await else {
        return;
    };
    let (scratch, store) = fresh().await;
    let maria = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    let port = free_port();
    let server = Process::spawn(&scratch.url, port, &[]).await;
    let base = server.base.clone();
    let mut feed = store.subscribe(store.last_event_id().await.unwrap());

    start_on_page(&c, &base, "Ana Lima").await;
    let offered = wait_for(&mut feed, 10, |e| e.kind == EventKind::ChatOffered).await;
    let chat = offered.chat_id.unwrap();
    store.accept(chat, maria).await.unwrap();
    wait_text(&c, "#status", "You are chatting with Maria Santos", 10).await;
    assert_eq!(
        js(&c, "return document.getElementById('survey').hidden").await,
        json!(true),
        "no question while the chat goes on"
    );

    // Files besides images, through the picker: a real PDF is sent; a "PDF" of text is
    // refused with its line.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("invoice.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
    let fake = dir.path().join("fake.pdf");
    std::fs::write(&fake, b"just some text").unwrap();
    let accept = js(&c, "return document.getElementById('file').accept").await;
    assert!(accept.as_str().unwrap_or("").contains(".pdf"), "{accept}");
    for file in [&pdf, &fake] {
        c.find(Locator::Css("#file"))
            .await
            .unwrap()
            .send_keys(&file.display().to_string())
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    wait_text(&c, "#transcript", "[file: invoice.pdf, 15 bytes]", 10).await;
    wait_text(
        &c,
        "#send-error",
        "\u{201c}fake.pdf\u{201d} is not a PDF document: its contents do not match its type.",
        10,
    )
    .await;
    shot(&c, "csat-00-files.png").await;

    store.end_chat_as(chat, maria).await.unwrap();
    wait_text(&c, "#survey", "How did we do?", 10).await;
    // Send without a choice: one line, nothing stored.
    c.find(Locator::Css("#survey-send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_text(
        &c,
        "#survey-error",
        "Please choose a rating from 1 to 5.",
        5,
    )
    .await;
    c.find(Locator::Css("label[for='rating-4']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#survey-comment"))
        .await
        .unwrap()
        .send_keys("Quick and kind")
        .await
        .unwrap();
    shot(&c, "csat-01-asked.png").await;
    c.find(Locator::Css("#survey-send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_text(
        &c,
        "#survey-thanks",
        "Thank you for telling us how we did!",
        10,
    )
    .await;
    assert_eq!(
        js(&c, "return document.getElementById('survey').hidden").await,
        json!(true)
    );
    shot(&c, "csat-02-thanked.png").await;
    assert_eq!(
        store.chat_rating(chat).await.unwrap(),
        Some(Rating::new(4, Some("Quick and kind")).unwrap())
    );

    // A reload: thanked, not asked again.
    c.refresh().await.unwrap();
    wait_text(&c, "#survey-thanks", "Thank you", 10).await;
    assert_eq!(
        js(&c, "return document.getElementById('survey').hidden").await,
        json!(true)
    );
    let session = c.session_id().await.unwrap().unwrap_or_default();
    let log: serde_json::Value = server_support::http()
        .post(format!("{webdriver}/session/{session}/se/log"))
        .json(&json!({"type": "browser"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !log.to_string().contains("Content Security Policy"),
        "browser log: {log}"
    );
    c.close().await.unwrap();
}
