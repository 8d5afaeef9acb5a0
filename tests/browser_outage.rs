//! The chat page in real headless Chromium through faults, against the real `livewindow
//! server` binary and a real store (SQLite, or Postgres with TEST_DATABASE_URL): replies
//! stored while the live channel was down appear without a reload even when the customer
//! sent meanwhile; texts whose send failed stay, shown as not sent with Retry, across a
//! reload; with a 2 s absent interval a connected page is never judged absent.
//! Screenshots go to target/browser/. Skips without chromium and chromedriver, unless
//! LIVEWINDOW_REQUIRE_BROWSER=1 (CI), where it fails.

mod common;
mod server_support;

use common::{demo_with_available, fresh, sweep_for, wait_for};
use fantoccini::{Client, Locator};
use livewindow::core::{EventKind, NewMessage, Sender, options};
use serde_json::Value;
use server_support::browser::{
    assert_in_order_once, browser, js, shot, start_on_page, transcript, type_and_send, wait_text,
};
use server_support::{Process, free_port};
use std::time::{Duration, Instant};

const MARIA: &str = "maria.santos@example.com";

/// The outbox as the page shows it: (text, note, has a Retry button).
async fn outbox(c: &Client) -> Vec<(String, String, bool)> {
    let v = js(
        c,
        "return [...document.querySelectorAll('#transcript li.outbox')].map(li => [\
           li.querySelector('.text').innerText, li.querySelector('.note').innerText,\
           !!li.querySelector('button.retry') && li.classList.contains('failed')]);",
    )
    .await;
    v.as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r[0].as_str().unwrap_or("").into(),
                r[1].as_str().unwrap_or("").into(),
                r[2].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

async fn wait_outbox(c: &Client, secs: u64, done: impl Fn(&[(String, String, bool)]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let now = outbox(c).await;
        if done(&now) {
            return;
        }
        assert!(Instant::now() < deadline, "the outbox shows {now:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn customer_texts(messages: &[livewindow::core::Message], text: &str) -> usize {
    messages
        .iter()
        .filter(|m| m.sender == Sender::Customer && m.body_text == text)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_stored_while_the_live_channel_was_down_appear_without_a_reload() {
    let Some((_driver, c, _webdriver, _profile)) = browser().await else {
        return;
    };
    let (scratch, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let port = free_port();
    let mut server = Process::spawn(&scratch.url, port, &[]).await;
    let mut feed = store.subscribe(store.last_event_id().await.unwrap());
    let chat = start_on_page(&c, &server.base, "Ana Lima").await;
    wait_for(&mut feed, 10, |e| {
        e.kind == EventKind::ChatOffered && e.chat_id == Some(chat)
    })
    .await;
    store.accept(chat, maria).await.unwrap();
    wait_text(&c, "#status", "You are chatting with Maria Santos", 10).await;

    // From now on the page's live channel cannot connect (its fetches still can): a network
    // that drops the socket, or a proxy slow to let it through.
    js(
        &c,
        // A blocked attempt fails at once, as a refused connection does; the browser's own
        // pacing of failed sockets to one host is not what this test is about.
        "if (!window.__RealWebSocket) {\
           const Real = window.WebSocket;\
           window.__RealWebSocket = Real;\
           window.WebSocket = function (url, protocols) {\
             if (!window.__blockLive) return new Real(url, protocols);\
             const fake = { readyState: 0, send() {}, close() {} };\
             setTimeout(() => { fake.readyState = 3;\
               if (fake.onclose) fake.onclose({ code: 1006 }); }, 20);\
             return fake;\
           };\
           window.WebSocket.CONNECTING = 0; window.WebSocket.OPEN = 1;\
           window.WebSocket.CLOSING = 2; window.WebSocket.CLOSED = 3;\
         }\
         window.__blockLive = true; return 1;",
    )
    .await;
    server.kill();
    let away = "Stored while your connection was down";
    let away_id = store
        .send_message(
            chat,
            &NewMessage::plain(Sender::Agent, "Maria Santos", Some(maria), away),
        )
        .await
        .unwrap();
    let server = Process::spawn(&scratch.url, port, &[]).await;

    // The customer sends before the live channel is back: stored, with a newer id.
    let mine = "Sent before the live channel was back";
    type_and_send(&c, mine).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let mine_id = loop {
        if let Some((id, _)) = transcript(&c)
            .await
            .into_iter()
            .find(|(_, t)| t.contains(mine))
        {
            break id;
        }
        assert!(Instant::now() < deadline, "{mine:?} never stored");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(mine_id > away_id, "the customer's message is the newer one");
    assert!(
        !transcript(&c).await.iter().any(|(_, t)| t.contains(away)),
        "the live channel is still down: the reply is not there yet"
    );

    // The live channel comes back: it resumes from the last id the server delivered, so
    // the reply stored meanwhile arrives, before the customer's own line.
    js(&c, "window.__blockLive = false; return 1;").await;
    wait_text(&c, "#transcript", away, 30).await;
    let list = transcript(&c).await;
    assert_in_order_once(&list);
    let at = |needle: &str| list.iter().position(|(_, t)| t.contains(needle)).unwrap();
    assert!(at(away) < at(mine), "{list:?}");
    // And later replies keep coming.
    store
        .send_message(
            chat,
            &NewMessage::plain(Sender::Agent, "Maria Santos", Some(maria), "Anything else?"),
        )
        .await
        .unwrap();
    wait_text(&c, "#transcript", "Anything else?", 10).await;
    shot(&c, "10-after-outage.png").await;
    assert_in_order_once(&transcript(&c).await);
    drop(server);
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_failed_sends_survive_as_not_sent_with_retry_across_a_reload() {
    let Some((_driver, c, _webdriver, _profile)) = browser().await else {
        return;
    };
    let (scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let port = free_port();
    let mut server = Process::spawn(&scratch.url, port, &[]).await;
    let chat = start_on_page(&c, &server.base, "Ana Lima").await;

    // The server goes away; the customer sends twice in a row.
    server.kill();
    let (first, second) = ("First text while offline", "Second text while offline");
    type_and_send(&c, first).await;
    type_and_send(&c, second).await;
    wait_outbox(&c, 20, |o| {
        o.len() == 2 && o.iter().all(|(_, _, retry)| *retry)
    })
    .await;
    let shown = outbox(&c).await;
    assert_eq!(shown[0].0, first);
    assert_eq!(shown[1].0, second);
    for (_, note, _) in &shown {
        assert!(note.starts_with("Not sent:"), "{note}");
    }
    shot(&c, "11-not-sent.png").await;

    // A reload (the server is back): both are still there, still not sent.
    let server = Process::spawn(&scratch.url, port, &[]).await;
    c.refresh().await.unwrap();
    wait_text(&c, "#status", "Waiting for an agent", 10).await;
    wait_outbox(&c, 10, |o| {
        o.len() == 2 && o.iter().all(|(_, _, retry)| *retry)
    })
    .await;
    let messages = store.messages(chat).await.unwrap();
    assert_eq!(
        customer_texts(&messages, first) + customer_texts(&messages, second),
        0
    );
    shot(&c, "12-not-sent-after-reload.png").await;

    // Retry, each: stored once, shown as sent, the outbox empty (and its storage too).
    for _ in 0..2 {
        c.find(Locator::Css("#transcript li.outbox button.retry"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    wait_outbox(&c, 10, |o| o.is_empty()).await;
    wait_text(&c, "#transcript", second, 5).await;
    let list = transcript(&c).await;
    assert!(list.iter().any(|(_, t)| t.contains(first)), "{list:?}");
    assert!(list.iter().any(|(_, t)| t.contains(second)), "{list:?}");
    let messages = store.messages(chat).await.unwrap();
    assert_eq!(customer_texts(&messages, first), 1);
    assert_eq!(customer_texts(&messages, second), 1);
    let kept = js(
        &c,
        &format!("return localStorage.getItem('livewindow.outbox.{chat}')"),
    )
    .await;
    assert_eq!(kept, Value::Null);
    shot(&c, "13-retried.png").await;
    drop(server);
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_checks_in_often_enough_for_a_two_second_absent_interval() {
    let Some((_driver, c, _webdriver, _profile)) = browser().await else {
        return;
    };
    let (scratch, store) = fresh().await;
    store.seed_demo().await.unwrap(); // nobody available: the chat waits
    store
        .set_option(options::OPT_ABSENT_INTERVAL, "2", None)
        .await
        .unwrap(); // two retries: absent after 4 s of silence
    let server = Process::spawn(&scratch.url, free_port(), &[]).await;
    let chat = start_on_page(&c, &server.base, "Ana Lima").await;
    let ended = sweep_for(&store, chat, 12).await;
    assert_eq!(ended, None, "a connected page was judged absent");
    // The control: the page goes away, and the same rules end the chat within seconds.
    c.goto("about:blank").await.unwrap();
    let ended = sweep_for(&store, chat, 15).await;
    assert!(ended.is_some(), "a page that left must be judged absent");
    println!("ended {:?} after the page left", ended.unwrap_or_default());
    drop(server);
    c.close().await.unwrap();
}
