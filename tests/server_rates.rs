//! The per-chat and per-address limits under real concurrency, against a real server and
//! store (SQLite, or Postgres with TEST_DATABASE_URL): many simultaneous requests, counted
//! in the database, never more stored than the limit; a retried message answered as sent;
//! a message of invisible characters refused.

mod common;
mod server_support;

use common::fresh;
use futures::future::join_all;
use livewindow::core::Sender;
use livewindow::server::Config;
use serde_json::{Value, json};
use server_support::{InProcess, start_chat};

/// A client that opens as many connections as asked for: every request really overlaps.
fn http() -> reqwest::Client {
    server_support::http_builder()
        .pool_max_idle_per_host(100)
        .build()
        .unwrap()
}

async fn count(url: &str, sql: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_simultaneous_sends_store_at_most_the_limit() {
    let (scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let server = InProcess::start(&store, Config::default()).await; // 30 a minute
    let base = &server.base;
    let (chat, cookie) = start_chat(base, "Ana", "ana@example.com", "").await;
    let client = http();
    let sends = (0..60).map(|i| {
        client
            .post(format!("{base}/api/chats/{chat}/messages"))
            .header("cookie", &cookie)
            .json(&json!({"client_id": format!("burst-{i}"), "text": format!("message {i}")}))
            .send()
    });
    let statuses: Vec<u16> = join_all(sends)
        .await
        .into_iter()
        .map(|r| r.expect("an answer").status().as_u16())
        .collect();
    let created = statuses.iter().filter(|s| **s == 201).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(created + limited, 60, "only 201 or 429: {statuses:?}");
    let stored = store
        .messages(chat)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.sender == Sender::Customer)
        .count();
    println!("{created} stored, {limited} refused");
    assert_eq!(stored, created, "every 201 is stored, nothing else");
    assert_eq!(stored, 30, "exactly the limit of 30 a minute");
    let events = count(
        &scratch.url,
        &format!("SELECT count(*) FROM events WHERE kind = 'message' AND chat_id = {chat}"),
    )
    .await;
    assert_eq!(events, 30, "one event per stored message");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_starts_from_one_address_stop_at_the_limit() {
    let (scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let server = InProcess::start(&store, Config::default()).await; // 20 an hour
    let base = &server.base;
    let client = http();
    let starts = (0..40).map(|i| {
        client
            .post(format!("{base}/api/chats"))
            .json(&json!({"name": format!("Ana {i}"), "email": "ana@example.com"}))
            .send()
    });
    let statuses: Vec<u16> = join_all(starts)
        .await
        .into_iter()
        .map(|r| r.expect("an answer").status().as_u16())
        .collect();
    let created = statuses.iter().filter(|s| **s == 201).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    println!("{created} started, {limited} refused");
    assert_eq!(created + limited, 40, "only 201 or 429: {statuses:?}");
    assert_eq!(created, 20, "exactly the limit of 20 an hour");
    let chats = count(&scratch.url, "SELECT count(*) FROM chats").await;
    let tokens = count(&scratch.url, "SELECT count(*) FROM chat_tokens").await;
    assert_eq!((chats, tokens), (20, 20), "nothing more was stored");
    server.stop().await;
}

#[tokio::test]
async fn a_retried_message_at_the_limit_is_answered_as_sent() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let config = Config {
        messages_per_minute: 3,
        ..Config::default()
    };
    let server = InProcess::start(&store, config).await;
    let base = &server.base;
    let (chat, cookie) = start_chat(base, "Ana", "ana@example.com", "").await;
    let send = |cid: &str, text: &str| {
        http()
            .post(format!("{base}/api/chats/{chat}/messages"))
            .header("cookie", &cookie)
            .json(&json!({"client_id": cid, "text": text}))
            .send()
    };
    let mut ids = Vec::new();
    for (cid, text) in [("a", "one"), ("b", "two"), ("c", "three")] {
        let r = send(cid, text).await.unwrap();
        assert_eq!(r.status(), 201);
        ids.push(r.json::<Value>().await.unwrap()["id"].clone());
    }
    let r = send("d", "four").await.unwrap();
    assert_eq!(r.status(), 429, "a new message over the limit waits");
    // The page lost the answer to "two" and sends it again: it is stored, so it is a
    // success with the stored message, not a 429.
    let r = send("b", "two").await.unwrap();
    assert_eq!(r.status(), 201, "a retry of a stored message is a success");
    let again: Value = r.json().await.unwrap();
    assert_eq!(again["id"], ids[1]);
    assert_eq!(again["text"], "two");
    assert_eq!(store.messages(chat).await.unwrap().len(), 3);
    server.stop().await;
}

#[tokio::test]
async fn a_message_of_invisible_characters_is_refused() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let base = &server.base;
    let (chat, cookie) = start_chat(base, "Ana", "ana@example.com", "hi").await;
    for text in [
        "\u{200B}",
        "\u{200B}\u{FEFF} \u{202E}\u{2060}",
        "\u{200D}\n\u{200C}",
    ] {
        let r = http()
            .post(format!("{base}/api/chats/{chat}/messages"))
            .header("cookie", &cookie)
            .json(&json!({"text": text}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{text:?}");
        let body: Value = r.json().await.unwrap();
        let line = body["error"].as_str().unwrap();
        assert!(line.contains("only invisible characters"), "{line}");
        assert!(!line.contains('\n'), "one line: {line}");
        assert_eq!(body["field"], "message");
    }
    assert_eq!(
        store.messages(chat).await.unwrap().len(),
        1,
        "nothing stored"
    );
    // Visible text with a joiner inside an emoji is fine.
    let r = http()
        .post(format!("{base}/api/chats/{chat}/messages"))
        .header("cookie", &cookie)
        .json(&json!({"text": "\u{1F469}\u{200D}\u{1F4BB}"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    // The first question of a new chat too.
    let r = http()
        .post(format!("{base}/api/chats"))
        .json(&json!({"name": "Bo", "email": "bo@example.com", "message": "\u{200B}\u{200B}"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["fields"]["message"]
            .as_str()
            .unwrap()
            .contains("only invisible characters"),
        "{body}"
    );
    server.stop().await;
}
