//! The customer API against a real server and store (SQLite, or Postgres with
//! TEST_DATABASE_URL): the whole chat, who may read what, limits, headers.

mod common;
mod server_support;

use common::{demo_with_available, fresh, is, wait_customer_typing, wait_for};
use livewindow::core::{EventKind, NewMessage, Sender};
use livewindow::server::{Config, auth};
use serde_json::{Value, json};
use server_support::{InProcess, chat_cookie, next_frame, open_live, send_frame, start_chat};

const MARIA: &str = "maria.santos@example.com";

/// The bytes of a small PNG: a plausible upload, refused for who sends it, not what.
const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn http() -> reqwest::Client {
    server_support::http()
}

#[tokio::test]
async fn the_whole_chat() {
    let (_scratch, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let server = InProcess::start(&store, Config::default()).await;
    let base = &server.base;

    let config: Value = http()
        .get(format!("{base}/api/config"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(config["queues"].as_array().unwrap().len() >= 2, "{config}");

    let mut feed = store.subscribe(store.last_event_id().await.unwrap());
    let mut signals = store.signals();
    let r = http()
        .post(format!("{base}/api/chats"))
        .json(
            &json!({"name": "Ana Lima", "email": "ana@example.com", "message": "My router blinks"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let (cookie, set_cookie) = chat_cookie(&r);
    let started: Value = r.json().await.unwrap();
    let chat = started["chat"]["chat_id"].as_i64().unwrap();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(
        set_cookie.contains(&format!("Path=/api/chats/{chat}")),
        "{set_cookie}"
    );
    assert!(!set_cookie.contains("Secure"), "plain http: not Secure");
    // The token is long and random; the database keeps only its hash.
    let token = cookie.trim_start_matches("lw_chat=");
    assert!(token.len() >= 32, "{token}");
    assert_eq!(started["messages"][0]["text"], "My router blinks");

    // The agent is offered the chat and accepts.
    wait_for(&mut feed, 10, |e| {
        e.kind == EventKind::ChatOffered && e.chat_id == Some(chat)
    })
    .await;
    let mut live = open_live(base, chat, &cookie, 0).await.expect("live");
    let first = next_frame(&mut live, 5, |f| f["type"] == "message").await;
    assert_eq!(first["message"]["text"], "My router blinks");
    store.accept(chat, maria).await.unwrap();
    let active = next_frame(&mut live, 5, |f| {
        f["type"] == "state" && f["chat"]["state"] == "active"
    })
    .await;
    assert_eq!(active["chat"]["agent_name"], "Maria Santos");

    // Customer → agent, over HTTP; the agent's feed hears it.
    let r = http()
        .post(format!("{base}/api/chats/{chat}/messages"))
        .header("cookie", &cookie)
        .json(&json!({"client_id": "c1", "text": "It is\u{0} green\u{7}"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let sent: Value = r.json().await.unwrap();
    assert_eq!(
        sent["text"], "It is green",
        "control characters are dropped"
    );
    let e = wait_for(&mut feed, 5, is(EventKind::Message, chat)).await;
    assert_eq!(e.message_id, sent["id"].as_i64());
    // A retry with the same client id is stored once.
    let again: Value = http()
        .post(format!("{base}/api/chats/{chat}/messages"))
        .header("cookie", &cookie)
        .json(&json!({"client_id": "c1", "text": "It is green"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["id"], sent["id"]);

    // Agent → customer, formatted; and typing both ways.
    store.typing(chat, Some(maria)).await.unwrap();
    let typing = next_frame(&mut live, 5, |f| f["type"] == "typing").await;
    assert_eq!(typing["name"], "Maria Santos");
    send_frame(&mut live, json!({"type": "typing"})).await;
    // The customer's typing is the event without an agent.
    wait_customer_typing(&mut feed, &mut signals, chat, 5).await;
    let html = "<p><strong>Try</strong> this:</p><ul><li>unplug</li></ul>".to_string();
    let reply = NewMessage::rich(
        Sender::Agent,
        "Maria Santos",
        Some(maria),
        html.clone(),
        "Try this:\n- unplug".into(),
    );
    let reply_id = store.send_message(chat, &reply).await.unwrap();
    let frame = next_frame(&mut live, 5, |f| {
        f["type"] == "message" && f["message"]["id"] == reply_id
    })
    .await;
    assert_eq!(frame["message"]["format"], "html");
    assert_eq!(frame["message"]["html"], html);
    // Lines this process wrote go to the page from memory (the store's recent lines); a
    // line only agents see never does, and the next one still comes, once.
    let private = NewMessage {
        internal: true,
        ..NewMessage::plain(Sender::Agent, "Maria Santos", Some(maria), "card ends 4242")
    };
    store.send_message(chat, &private).await.unwrap();
    let after_it = NewMessage::plain(Sender::Agent, "Maria Santos", Some(maria), "Done?");
    let after_id = store.send_message(chat, &after_it).await.unwrap();
    let next = next_frame(&mut live, 5, |f| f["type"] == "message").await;
    assert_eq!(next["message"]["id"], after_id, "{next}");
    assert_eq!(next["message"]["text"], "Done?");

    // Resync by id: only what came after.
    let after: Value = http()
        .get(format!(
            "{base}/api/chats/{chat}/messages?after={}",
            sent["id"]
        ))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = after
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![reply_id, after_id]);

    // End, then the transcript.
    let ended: Value = http()
        .post(format!("{base}/api/chats/{chat}/end"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ended["state"], "ended");
    next_frame(&mut live, 5, |f| {
        f["type"] == "state" && f["chat"]["state"] == "ended"
    })
    .await;
    let r = http()
        .get(format!("{base}/api/chats/{chat}/transcript"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let text = r.text().await.unwrap();
    assert!(text.contains("Ana Lima: My router blinks"), "{text}");
    assert!(text.contains("Maria Santos: Try this:"), "{text}");
    assert!(
        !text.contains("4242"),
        "a private line in the transcript: {text}"
    );
    // Writing to an ended chat says so.
    let r = http()
        .post(format!("{base}/api/chats/{chat}/messages"))
        .header("cookie", &cookie)
        .json(&json!({"text": "hello?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    server.stop().await;
}

#[tokio::test]
async fn another_customers_token_opens_nothing() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let base = &server.base;
    let (a, _a_cookie) = start_chat(base, "Ana Secret", "ana@example.com", "my PIN is 4321").await;
    let (b, b_cookie) = start_chat(base, "Bob", "bob@example.com", "hi").await;
    assert_ne!(a, b);

    let mut answers = Vec::new();
    for path in ["", "/messages", "/messages?after=0", "/transcript"] {
        let r = http()
            .get(format!("{base}/api/chats/{a}{path}"))
            .header("cookie", &b_cookie)
            .send()
            .await
            .unwrap();
        answers.push((path, r.status(), r.text().await.unwrap()));
    }
    for path in ["/messages", "/end", "/typing", "/heartbeat"] {
        let r = http()
            .post(format!("{base}/api/chats/{a}{path}"))
            .header("cookie", &b_cookie)
            .json(&json!({"text": "let me in"}))
            .send()
            .await
            .unwrap();
        answers.push((path, r.status(), r.text().await.unwrap()));
    }
    let r = http()
        .post(format!("{base}/api/chats/{a}/images"))
        .header("cookie", &b_cookie)
        .header("content-type", "image/png")
        .body(TINY_PNG.to_vec())
        .send()
        .await
        .unwrap();
    answers.push(("/images", r.status(), r.text().await.unwrap()));
    // No cookie at all, and the token in the query string or a header-less request.
    let r = http()
        .get(format!("{base}/api/chats/{a}/messages"))
        .send()
        .await
        .unwrap();
    answers.push(("no cookie", r.status(), r.text().await.unwrap()));
    for (path, status, body) in &answers {
        assert_eq!(*status, 403, "{path}: {body}");
        assert!(
            !body.contains("4321") && !body.contains("Ana"),
            "{path}: {body}"
        );
    }
    assert!(
        open_live(base, a, &b_cookie, 0).await.is_err(),
        "live channel refused"
    );
    // Nothing was written into chat a, and it is still open.
    let messages = store.messages(a).await.unwrap();
    assert_eq!(messages.len(), 1);
    assert_ne!(
        store.chat(a).await.unwrap().state,
        livewindow::core::ChatState::Ended
    );
    server.stop().await;
}

#[tokio::test]
async fn a_token_in_the_query_string_is_ignored() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let base = &server.base;
    let (chat, cookie) = start_chat(base, "Ana", "ana@example.com", "hi").await;
    let token = cookie.trim_start_matches("lw_chat=");
    for query in [
        format!("token={token}"),
        format!("lw_chat={token}"),
        format!("x-chat-token={token}"),
    ] {
        let r = http()
            .get(format!("{base}/api/chats/{chat}/messages?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{query}");
    }
    // The header form works (for clients that are not browsers).
    let r = http()
        .get(format!("{base}/api/chats/{chat}"))
        .header(auth::TOKEN_HEADER, token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn limits_answer_in_words() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let config = Config {
        chats_per_hour: 2,
        messages_per_minute: 3,
        ..Config::default()
    };
    let server = InProcess::start(&store, config).await;
    let base = &server.base;
    let (chat, cookie) = start_chat(base, "Ana", "ana@example.com", "").await;
    let post = |text: String| {
        http()
            .post(format!("{base}/api/chats/{chat}/messages"))
            .header("cookie", &cookie)
            .json(&json!({ "text": text }))
            .send()
    };

    let r = post("x".repeat(5001)).await.unwrap();
    assert_eq!(r.status(), 413);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("the limit is 5000"),
        "{body}"
    );
    let r = post("   ".into()).await.unwrap();
    assert_eq!(r.status(), 400);

    // Images: checked by their bytes, not their name.
    let image = |bytes: Vec<u8>, name: &str| {
        http()
            .post(format!("{base}/api/chats/{chat}/images"))
            .header("cookie", &cookie)
            .header("x-file-name", name)
            .body(bytes)
            .send()
    };
    let r = image(b"<script>alert(1)</script>".to_vec(), "cat.png")
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("PNG, JPEG"),
        "{body}"
    );
    let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
    huge.resize(livewindow::core::limits::IMAGE_BYTES + 1, 0);
    let r = image(huge, "big.png").await.unwrap();
    assert_eq!(r.status(), 413);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("at most 10 MB"),
        "{body}"
    );

    // A flood: the fourth message in a minute waits.
    for i in 0..3 {
        assert_eq!(post(format!("m{i}")).await.unwrap().status(), 201);
    }
    let r = post("one too many".into()).await.unwrap();
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("Please wait"),
        "{body}"
    );

    // New chats per address per hour: the third is refused.
    start_chat(base, "Ana", "ana@example.com", "").await;
    let r = http()
        .post(format!("{base}/api/chats"))
        .json(&json!({"name": "Ana", "email": "ana@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("last hour"),
        "{body}"
    );

    // The pre-chat form's errors name their fields.
    let r = http()
        .post(format!("{base}/api/chats"))
        .json(&json!({"name": " ", "email": "not-an-email"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert!(body["fields"]["name"].is_string(), "{body}");
    assert!(body["fields"]["email"].is_string(), "{body}");
    server.stop().await;
}

#[tokio::test]
async fn security_headers_and_origins() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let base = &server.base;
    let r = http().get(format!("{base}/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h.contains_key("x-request-id"));
    let etag = h["etag"].to_str().unwrap().to_string();
    let r = http()
        .get(format!("{base}/"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = http()
        .get(format!("{base}/assets/chat.js"))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let r = http()
        .get(format!("{base}/api/config"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers().contains_key("content-security-policy"));
    for path in ["/healthz", "/readyz"] {
        let r = http().get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }

    // Another site's page cannot write into a chat, even with the customer's own cookie.
    let (chat, cookie) = start_chat(base, "Ana", "ana@example.com", "hi").await;
    for path in ["/messages", "/end", "/typing", "/heartbeat", "/images"] {
        let r = http()
            .post(format!("{base}/api/chats/{chat}{path}"))
            .header("cookie", &cookie)
            .header("origin", "https://evil.example.net")
            .header("content-type", "image/png")
            .body(TINY_PNG.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path} from another site");
    }
    let ws = format!(
        "{}/api/chats/{chat}/live?after=0",
        base.replace("http://", "ws://")
    );
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(ws).unwrap();
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", "https://evil.example.net".parse().unwrap());
    assert!(
        tokio_tungstenite::connect_async(request).await.is_err(),
        "the live channel refuses another site's page"
    );
    assert_eq!(
        store.messages(chat).await.unwrap().len(),
        1,
        "nothing written"
    );
    assert_ne!(
        store.chat(chat).await.unwrap().state,
        livewindow::core::ChatState::Ended
    );

    // Another site's page cannot start or write a chat.
    let r = http()
        .post(format!("{base}/api/chats"))
        .header("origin", "https://evil.example.net")
        .json(&json!({"name": "Ana", "email": "ana@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = http()
        .post(format!("{base}/api/chats"))
        .header("origin", base.as_str())
        .json(&json!({"name": "Ana", "email": "ana@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    server.stop().await;

    // Framing is allowed only for the listed origins.
    let config = Config {
        embed_origins: vec!["https://www.example.com".into()],
        ..Config::default()
    };
    let server = InProcess::start(&store, config).await;
    let r = http()
        .get(format!("{}/", server.base))
        .send()
        .await
        .unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors https://www.example.com"),
        "{csp}"
    );
    assert!(!r.headers().contains_key("x-frame-options"));
    server.stop().await;
}

#[tokio::test]
async fn a_signed_email_marks_the_chat_verified_by_website() {
    let (_scratch, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let secret = "a-long-site-secret-0123456789";
    let config = Config {
        site_secret: Some(secret.into()),
        ..Config::default()
    };
    let server = InProcess::start(&store, config).await;
    let now = store.now_ms().await.unwrap() / 1000;
    let sign = |email: &str| {
        auth::sign_identity(
            secret,
            &auth::Identity {
                email,
                name: "Ana",
                signed_at: now,
            },
        )
    };
    let start = |email: &str, signature: String| {
        http()
            .post(format!("{}/api/chats", server.base))
            .json(&json!({"name": "Ana", "email": email, "signature": signature, "signed_at": now}))
            .send()
    };
    let r = start("ana@example.com", sign("ana@example.com"))
        .await
        .unwrap();
    let signed: Value = r.json().await.unwrap();
    let signed = signed["chat"]["chat_id"].as_i64().unwrap();
    assert!(store.chat(signed).await.unwrap().verified_by_site);
    let offers = store.pending_offers(maria).await.unwrap();
    assert!(
        offers
            .iter()
            .any(|o| o.chat_id == signed && o.verified_by_site)
    );

    // Someone else's signature is not (forged ones: server_identity.rs).
    let r = start("eve@example.com", sign("ana@example.com"))
        .await
        .unwrap();
    let forged: Value = r.json().await.unwrap();
    let forged = forged["chat"]["chat_id"].as_i64().unwrap();
    assert!(!store.chat(forged).await.unwrap().verified_by_site);
    server.stop().await;
}
