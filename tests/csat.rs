//! Satisfaction (CSAT), on SQLite or on PostgreSQL with `TEST_DATABASE_URL`: the customer's
//! answer is taken only after the chat ended and only once, through the chat's own
//! credentials; bad answers get one line; `livewindow report csat` counts them; the agent's
//! wrap-up shows an answer that arrives while it is open.

mod common;
mod server_support;
mod ui;

use common::{demo_with_available, fresh, one_line_error};
use livewindow::Store;
use livewindow::core::csat::{CsatFilter, Rated, Rating};
use livewindow::core::options::OPT_CSAT;
use livewindow::core::{EndReason, Sender};
use livewindow::data::DeskEvent;
use livewindow::server::Config;
use serde_json::{Value, json};
use server_support::{InProcess, http, start_chat};

const MARIA: &str = "maria.santos@example.com";
const JAMES: &str = "james.chen@example.com";
const BIN: &str = env!("CARGO_BIN_EXE_livewindow");

/// A chat from `name` in `queue`, accepted by `agent` (the only one available).
async fn accepted(store: &Store, agent: i64, queue: &str, name: &str) -> i64 {
    let (q, _) = store.find_queue(Some(queue)).await.unwrap();
    let chat = store
        .enqueue(name, &format!("{name}@example.com"), q, Some("Hello"))
        .await
        .unwrap();
    store.accept(chat, agent).await.expect("accept");
    chat
}

fn rating(r: i64, comment: &str) -> Rating {
    Rating::new(r, Some(comment)).expect("a valid rating")
}

#[tokio::test]
async fn an_answer_is_taken_after_the_end_and_once() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let chat = accepted(&store, maria, "Support", "ana").await;
    assert_eq!(
        store.rate_chat(chat, &rating(4, "")).await.unwrap(),
        Rated::NotEnded
    );
    assert_eq!(store.chat_rating(chat).await.unwrap(), None);
    store.end_chat_as(chat, maria).await.unwrap();
    assert_eq!(
        store
            .rate_chat(chat, &rating(4, "Quick and kind"))
            .await
            .unwrap(),
        Rated::Stored
    );
    assert_eq!(
        store
            .rate_chat(chat, &rating(1, "changed my mind"))
            .await
            .unwrap(),
        Rated::AlreadyRated
    );
    assert_eq!(
        store.chat_rating(chat).await.unwrap(),
        Some(rating(4, "Quick and kind"))
    );
    // The lead's history reads the rating this way.
    let stored: i64 = sqlx::query_scalar("SELECT rating FROM chat_ratings WHERE chat_id = $1")
        .bind(chat)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(stored, 4);

    // Switched off: the page does not ask and an answer is refused.
    store.set_option(OPT_CSAT, "N", None).await.unwrap();
    let other = accepted(&store, maria, "Support", "ben").await;
    store.end_chat(other, Sender::Customer).await.unwrap();
    assert_eq!(
        store.rate_chat(other, &rating(5, "")).await.unwrap(),
        Rated::Off
    );
    assert!(!store.survey(other).await.unwrap().asked);
}

/// The page's route, with the chat's cookie: refused before the end, out of range and
/// too long; taken once after; another chat's cookie opens nothing.
#[tokio::test]
async fn the_page_answers_through_the_chat_s_own_cookie() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let server = InProcess::start(&store, Config::default()).await;
    let base = server.base.clone();
    let (chat, cookie) = start_chat(&base, "Ana Lima", "ana@example.com", "Hi").await;
    let (other, other_cookie) = start_chat(&base, "Ben Ode", "ben@example.com", "Hi").await;
    let rate = |cookie: String, body: Value| {
        let base = base.clone();
        async move {
            let r = http()
                .post(format!("{base}/api/chats/{chat}/rating"))
                .header("cookie", cookie)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            (status, body)
        }
    };
    let state = |cookie: String| {
        let base = base.clone();
        async move {
            http()
                .get(format!("{base}/api/chats/{chat}"))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let (status, body) = rate(cookie.clone(), json!({"rating": 4})).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "You can rate the chat once it has ended.");
    assert_eq!(state(cookie.clone()).await["survey"], Value::Null);

    store.tick().await.unwrap();
    let chat_row = store.chat(chat).await.unwrap();
    if chat_row.agent_id.is_none() {
        store.accept(chat, maria).await.unwrap();
    }
    store.end_chat_as(chat, maria).await.unwrap();
    assert_eq!(state(cookie.clone()).await["survey"], "ask");

    let (status, body) = rate(cookie.clone(), json!({"rating": 6})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("rating")));
    assert_eq!(body["error"], "Please choose a rating from 1 to 5.");
    let (status, body) = rate(cookie.clone(), json!({"rating": 0})).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = rate(cookie.clone(), json!({"rating": "five"})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "The request was not understood.");
    let long = "x".repeat(1001);
    let (status, body) = rate(cookie.clone(), json!({"rating": 3, "comment": long})).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("comment")));
    assert_eq!(
        body["error"],
        "The comment has 1001 characters; it can have at most 1000."
    );
    // Another chat's cookie (and no cookie) cannot answer for this chat.
    let (status, _) = rate(other_cookie.clone(), json!({"rating": 1})).await;
    assert_eq!(status, 403);
    let (status, _) = rate(String::new(), json!({"rating": 1})).await;
    assert_eq!(status, 403);
    assert_eq!(store.chat_rating(chat).await.unwrap(), None);

    let (status, body) = rate(
        cookie.clone(),
        json!({"rating": 5, "comment": "Quick and kind"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = rate(cookie.clone(), json!({"rating": 1})).await;
    assert_eq!(status, 409);
    assert_eq!(body["error"], "This chat was rated already. Thank you!");
    assert_eq!(state(cookie).await["survey"], "answered");
    assert_eq!(
        store.chat_rating(chat).await.unwrap(),
        Some(rating(5, "Quick and kind"))
    );
    assert_eq!(store.chat_rating(other).await.unwrap(), None);
    server.stop().await;
}

#[tokio::test]
async fn the_report_counts_per_rating_with_total_and_average() {
    let (db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, JAMES]).await;
    let (maria, james) = (ids[0], ids[1]);
    use livewindow::core::AgentStatus;
    let priya = store
        .find_agent("priya.patel@example.com")
        .await
        .unwrap()
        .id;
    store
        .set_agent_status(priya, AgentStatus::Offline)
        .await
        .unwrap();
    // Maria: 5 in Billing, 4 and 4 in Support, one not rated; James: 1 in Support.
    store
        .set_agent_status(james, AgentStatus::Away)
        .await
        .unwrap();
    for (r, queue, name) in [
        (5, "Billing", "a"),
        (4, "Support", "b"),
        (4, "Support", "c"),
        (0, "Support", "d"),
    ] {
        let chat = accepted(&store, maria, queue, name).await;
        store.end_chat_as(chat, maria).await.unwrap();
        store.wrap_up(chat, maria, "Resolved", "").await.unwrap();
        if r > 0 {
            store.rate_chat(chat, &rating(r, "")).await.unwrap();
        }
    }
    store
        .set_agent_status(james, AgentStatus::Available)
        .await
        .unwrap();
    store
        .set_agent_status(maria, AgentStatus::Away)
        .await
        .unwrap();
    let chat = accepted(&store, james, "Support", "e").await;
    assert_eq!(
        store.end_chat(chat, Sender::Customer).await.unwrap(),
        Some(EndReason::CustomerLeft)
    );
    store.rate_chat(chat, &rating(1, "slow")).await.unwrap();

    let all = store.csat_report(&CsatFilter::default()).await.unwrap();
    assert_eq!(all.counts, [1, 0, 0, 2, 1]);
    let hers = store
        .csat_report(&CsatFilter {
            agent: Some(MARIA.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(hers.counts, [0, 0, 0, 2, 1]);

    let run = |args: &[&str]| {
        std::process::Command::new(BIN)
            .args(["--database-url", &db.url])
            .args(args)
            .output()
            .expect("run livewindow")
    };
    let out = common::ok(&run(&["report", "csat"]));
    assert_eq!(
        out,
        "5 of 5  1\n4 of 5  2\n3 of 5  0\n2 of 5  0\n1 of 5  1\nTotal   4\nAverage 3.50 of 5\n"
    );
    let out = common::ok(&run(&["report", "csat", "--queue", "billing"]));
    assert!(out.ends_with("Total   1\nAverage 5.00 of 5\n"), "{out}");
    let out = common::ok(&run(&["report", "csat", "--agent", MARIA]));
    assert!(out.ends_with("Total   3\nAverage 4.33 of 5\n"), "{out}");
    let out = common::ok(&run(&["report", "csat", "--since", "2099-01-01"]));
    assert!(
        out.ends_with("Total   0\nAverage - (no ratings yet)\n"),
        "{out}"
    );
    let line = one_line_error(&run(&["report", "csat", "--queue", "Nope"]));
    assert!(line.contains("no queue \"Nope\""), "{line}");
    let line = one_line_error(&run(&["report", "csat", "--since", "yesterday-ish"]));
    assert!(!line.is_empty());
    let line = one_line_error(&run(&["report", "csat", "--agent", "nobody@example.com"]));
    assert!(line.contains("nobody@example.com"), "{line}");
}

/// The agent's desk hears of the answer while the chat is theirs (in wrap-up), through the
/// feed's new event; the console's wrap-up shows it.
#[tokio::test]
async fn the_wrap_up_shows_a_rating_that_arrives_in_time() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let dir = tempfile::tempdir().unwrap();
    let mut h = ui::Harness::open(&store, maria, dir.path().into()).await;
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
    h.pump().await;
    h.click("Accept (Alt+A)").await;
    h.click("Verify and Continue").await;
    let mut reader = store.desk_reader(maria, false).await.unwrap();
    let start = store.last_event_id().await.unwrap();
    h.click("End chat").await;
    h.pump().await;
    assert!(h.shows("This chat has ended: the agent ended the chat. Wrap it up:"));
    store
        .rate_chat(chat, &rating(4, "Quick and kind"))
        .await
        .unwrap();
    h.pump().await;
    let line = "The customer rated this chat 4 of 5: \u{201c}Quick and kind\u{201d}";
    assert!(h.shows(line), "the wrap-up shows the answer");
    h.snapshot("wrap_up_rated.png");
    let mut heard = None;
    for e in store.events_after(start, 1000).await.unwrap() {
        if let Some(DeskEvent::ChatRated { chat_id, rating }) =
            reader.read(&store, &e).await.unwrap()
        {
            heard = Some((chat_id, rating));
        }
    }
    assert_eq!(heard, Some((chat, rating(4, "Quick and kind"))));
}
