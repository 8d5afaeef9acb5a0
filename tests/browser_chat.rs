//! The chat page in real headless Chromium, against the real `livewindow server` binary and a
//! real store: a customer starts a chat; an agent (through the store) accepts and replies
//! with formatted text and an image; reload resumes; the server is killed and restarted
//! mid-chat and the page catches up; a second server process serves the same chat; XSS
//! attempts render as text; an injected inline script is blocked by the CSP.
//! Screenshots go to target/browser/. Skips without chromium and chromedriver, unless
//! LIVEWINDOW_REQUIRE_BROWSER=1 (CI), where it fails.

mod common;
mod server_support;

use common::{demo_with_available, fresh, wait_customer_typing, wait_for};
use fantoccini::Locator;
use livewindow::core::{EventKind, NewMessage, Sender};
use serde_json::{Value, json};
use server_support::browser::{
    assert_in_order_once, browser, js, shot, tiny_png, transcript, wait_text,
};
use server_support::{Process, free_port};
use std::time::Duration;

const XSS_NAME: &str = "Ana <img src=x onerror=\"window.__xss='name'\">";
const XSS_TEXT: &str = "<script>window.__xss='message'</script><b>not bold</b>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_chats_from_chromium() {
    let Some((_driver, c, webdriver, _profile)) = browser().await else {
        return;
    };
    let (scratch, store) = fresh().await;
    let maria = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    let port = free_port();
    let mut server = Process::spawn(&scratch.url, port, &[]).await;
    let base = server.base.clone();
    let mut feed = store.subscribe(store.last_event_id().await.unwrap());
    let mut signals = store.signals();

    // The pre-chat form: errors at each field, then a start.
    c.goto(&format!("{base}/")).await.unwrap();
    c.wait()
        .for_element(Locator::Css("#prechat:not([hidden])"))
        .await
        .unwrap();
    c.find(Locator::Css("#start"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_text(&c, "#name-error", "Please enter your name", 5).await;
    wait_text(&c, "#email-error", "Please enter your email", 5).await;
    shot(&c, "01-form-errors.png").await;
    c.find(Locator::Css("#name"))
        .await
        .unwrap()
        .send_keys(XSS_NAME)
        .await
        .unwrap();
    c.find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys("ana@example.com")
        .await
        .unwrap();
    c.find(Locator::Css("#question"))
        .await
        .unwrap()
        .send_keys(XSS_TEXT)
        .await
        .unwrap();
    assert_eq!(
        js(&c, "return document.getElementById('queue-field').hidden").await,
        json!(false),
        "the demo has two queues: the topic is asked"
    );
    c.find(Locator::Css("#start"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_text(&c, "#status", "Waiting for an agent", 10).await;
    let offered = wait_for(&mut feed, 10, |e| e.kind == EventKind::ChatOffered).await;
    let chat = offered.chat_id.unwrap();
    shot(&c, "02-waiting.png").await;

    // The agent accepts, types, and replies with formatting and an image.
    store.accept(chat, maria).await.unwrap();
    wait_text(&c, "#status", "You are chatting with Maria Santos", 10).await;
    store.typing(chat, Some(maria)).await.unwrap();
    wait_text(&c, "#typing", "Maria Santos is typing", 10).await;
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD.encode(tiny_png());
    let html = format!(
        "<p>Hello! <strong>Try</strong> <em>these</em> <span style=\"color:#c0392b\">steps</span>:</p>\
         <ol type=\"a\" start=\"3\"><li>Unplug the router</li><li>Wait <u>ten</u> seconds<ul><li>really ten</li></ul></li></ol>\
         <table><tr><th>Light</th><th>Meaning</th></tr><tr><td>Green</td><td>Online</td></tr></table>\
         <p>See <a href=\"https://example.com/help\">our guide</a>.</p>\
         <p><img src=\"data:image/png;base64,{png}\" alt=\"router diagram\"></p>"
    );
    let reply = NewMessage::rich(
        Sender::Agent,
        "Maria Santos",
        Some(maria),
        html,
        "Hello! Try these steps".into(),
    );
    store.send_message(chat, &reply).await.unwrap();
    // A stored body that somehow holds dangerous markup still renders inert.
    let evil = NewMessage::rich(
        Sender::Agent,
        "Maria Santos",
        Some(maria),
        "<p>Checking<img src=x onerror=\"window.__xss='agent'\"><script>window.__xss='script'</script>\
         <a href=\"javascript:window.__xss='link'\">this link</a></p>"
            .into(),
        "Checking this link".into(),
    );
    store.send_message(chat, &evil).await.unwrap();
    wait_text(&c, "#transcript", "Checking", 10).await;
    let structure = js(
        &c,
        "const m = [...document.querySelectorAll('#transcript li.agent')];\
         return { li: m[0].querySelectorAll('ol > li').length, nested: m[0].querySelectorAll('ol li ul li').length,\
                  td: m[0].querySelectorAll('table td').length, th: m[0].querySelectorAll('th').length,\
                  link: m[0].querySelector('a').getAttribute('href'), target: m[0].querySelector('a').target,\
                  img: m[0].querySelector('img').naturalWidth, color: m[0].querySelector('.body span').style.color,\
                  evilImg: m[1].querySelectorAll('img').length, evilScript: m[1].querySelectorAll('script').length,\
                  evilHref: m[1].querySelector('a').getAttribute('href'),\
                  olType: m[0].querySelector('ol').type, olStart: m[0].querySelector('ol').start };",
    )
    .await;
    assert_eq!(structure["li"], 2, "{structure}");
    // Lettered from c., as the agent's composer numbered it.
    assert_eq!(structure["olType"], "a", "{structure}");
    assert_eq!(structure["olStart"], 3, "{structure}");
    assert_eq!(structure["nested"], 1, "{structure}");
    assert_eq!(structure["td"], 2, "{structure}");
    assert_eq!(structure["th"], 2, "{structure}");
    assert_eq!(structure["link"], "https://example.com/help", "{structure}");
    assert_eq!(structure["target"], "_blank", "{structure}");
    assert_eq!(structure["img"], 48, "the image loaded: {structure}");
    assert_eq!(structure["color"], "rgb(192, 57, 43)", "{structure}");
    assert_eq!(structure["evilImg"], 0, "{structure}");
    assert_eq!(structure["evilScript"], 0, "{structure}");
    assert_eq!(structure["evilHref"], Value::Null, "{structure}");

    // The customer writes back (Enter sends); the agent's feed hears typing and the line.
    let box_ = c.find(Locator::Css("#message")).await.unwrap();
    box_.send_keys("Unplugged it, <i>now</i> waiting")
        .await
        .unwrap();
    wait_customer_typing(&mut feed, &mut signals, chat, 10).await;
    box_.send_keys("\u{E007}").await.unwrap(); // Enter
    let e = wait_for(&mut feed, 10, |e| {
        e.kind == EventKind::Message && e.chat_id == Some(chat) && e.agent_id.is_none()
    })
    .await;
    let m = store.message(e.message_id.unwrap()).await.unwrap();
    assert_eq!(m.body_text, "Unplugged it, <i>now</i> waiting");

    // An image with a hostile file name, through the picker.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("<img src=x onerror=window.__xss=1>.png");
    std::fs::write(&file, tiny_png()).unwrap();
    c.find(Locator::Css("#file"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    wait_text(
        &c,
        "#transcript",
        "<img src=x onerror=window.__xss=1>.png",
        10,
    )
    .await;
    wait_text(&c, "#transcript", "Unplugged it, <i>now</i> waiting", 10).await;
    let text = wait_text(&c, "#transcript", XSS_TEXT, 5).await;
    assert!(text.contains(XSS_NAME), "the name shows as text: {text}");
    assert_eq!(
        js(&c, "return window.__xss === undefined").await,
        json!(true)
    );
    shot(&c, "03-conversation.png").await;
    let before = transcript(&c).await;
    assert_in_order_once(&before);

    // Reload: the same conversation, nothing twice; the history is not announced again.
    c.refresh().await.unwrap();
    wait_text(&c, "#status", "You are chatting with Maria Santos", 10).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(transcript(&c).await.len(), before.len());
    assert_eq!(
        js(&c, "return document.getElementById('live').textContent").await,
        json!("")
    );

    // The server dies mid-chat; the agent writes meanwhile; a new process on the same port
    // serves the page, which catches up by id.
    server.kill();
    let away = NewMessage::plain(
        Sender::Agent,
        "Maria Santos",
        Some(maria),
        "Written while the server was down",
    );
    store.send_message(chat, &away).await.unwrap();
    let mut server = Process::spawn(&scratch.url, port, &[]).await;
    wait_text(&c, "#transcript", "Written while the server was down", 30).await;
    // The aria-live region is visually hidden: read its text directly.
    let live = js(&c, "return document.getElementById('live').textContent").await;
    let live = live.as_str().unwrap_or_default().to_string();
    assert!(live.contains("Written while the server was down"), "{live}");
    assert!(
        !live.contains("Try"),
        "only new messages are announced: {live}"
    );
    let after = transcript(&c).await;
    assert_eq!(after.len(), before.len() + 1);
    assert_in_order_once(&after);

    // A second server process on the same database serves the same chat (the cookie holds
    // for 127.0.0.1 on any port; the page remembers its chat per origin).
    let second = Process::spawn(&scratch.url, free_port(), &[]).await;
    c.goto(&format!("{}/", second.base)).await.unwrap();
    js(
        &c,
        &format!("localStorage.setItem('livewindow.chat', '{chat}'); return 1;"),
    )
    .await;
    c.refresh().await.unwrap();
    wait_text(&c, "#transcript", "Written while the server was down", 10).await;
    wait_text(&c, "#status", "You are chatting with Maria Santos", 10).await;
    store
        .send_message(
            chat,
            &NewMessage::plain(
                Sender::Agent,
                "Maria Santos",
                Some(maria),
                "Via the other server",
            ),
        )
        .await
        .unwrap();
    wait_text(&c, "#transcript", "Via the other server", 10).await;
    assert_in_order_once(&transcript(&c).await);

    // The CSP blocks a page-injected inline script, and the browser says so in its log.
    let blocked = js(
        &c,
        "window.__violations = [];\
         document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));\
         const s = document.createElement('script'); s.textContent = 'window.__inline = 1;';\
         document.body.appendChild(s); return window.__inline === undefined;",
    )
    .await;
    assert_eq!(blocked, json!(true), "the inline script must not run");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let violations = js(&c, "return window.__violations").await;
    assert!(
        violations.to_string().contains("script-src"),
        "{violations}"
    );
    let session = c.session_id().await.unwrap().unwrap_or_default();
    let log: Value = server_support::http()
        .post(format!("{webdriver}/session/{session}/se/log"))
        .json(&json!({"type": "browser"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        log.to_string().contains("Content Security Policy"),
        "browser log: {log}"
    );

    // At phone width; then the customer ends the chat.
    c.set_window_size(390, 844).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&c, "04-phone.png").await;
    c.find(Locator::Css("#end"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_text(&c, "#status", "The chat has ended", 10).await;
    shot(&c, "05-ended.png").await;

    // A graceful stop: SIGTERM ends the process cleanly.
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    drop(second);
    c.close().await.unwrap();
}
