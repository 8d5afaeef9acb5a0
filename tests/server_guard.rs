//! Who may do what, tried as an attacker would, against a real server and store (SQLite, or
//! Postgres with TEST_DATABASE_URL): the token kept only as its hash, another customer's
//! cookie on every route, Origin (with its scheme) on every state-changing route, Host
//! against the public URL, request ids, forwarded addresses, cookies stuffed with tokens,
//! expired tokens and the access log.

mod common;
mod server_support;

use common::fresh;
use livewindow::server::{Config, auth};
use serde_json::{Value, json};
use server_support::{InProcess, Process, chat_cookie, free_port, start_chat};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

fn http() -> reqwest::Client {
    server_support::http()
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(4, 4, image::Rgb([10, 120, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn pool(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(url).await.unwrap()
}

/// Everything the database holds, as text: every row of every table (PostgreSQL), or the
/// bytes of the SQLite file and its WAL (free pages included).
async fn whole_database(url: &str) -> String {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        let mut all = Vec::new();
        for suffix in ["", "-wal"] {
            if let Ok(bytes) = std::fs::read(format!("{path}{suffix}")) {
                all.extend(bytes);
            }
        }
        return String::from_utf8_lossy(&all).into_owned();
    }
    let pool = pool(url).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(tables.len() > 5, "{tables:?}");
    let mut all = String::new();
    for t in tables {
        let rows: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT string_agg(t::text, ' ') FROM \"{t}\" t"
        )))
        .fetch_one(&pool)
        .await
        .unwrap();
        all.push_str(&rows.unwrap_or_default());
    }
    pool.close().await;
    all
}

#[tokio::test]
async fn the_database_keeps_only_the_tokens_hash() {
    let (scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let (chat, cookie) = start_chat(
        &server.base,
        "Ana Secret",
        "ana@example.com",
        "my PIN is 4321",
    )
    .await;
    let token = cookie.trim_start_matches("lw_chat=").to_string();
    assert_eq!(token.len(), 64, "256 bits as hex");
    let pool = pool(&scratch.url).await;
    let stored: String =
        sqlx::query_scalar("SELECT token_hash FROM chat_tokens WHERE chat_id = $1")
            .bind(chat)
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;
    use sha2::Digest;
    assert_eq!(stored, hex::encode(sha2::Sha256::digest(token.as_bytes())));
    let everything = whole_database(&scratch.url).await;
    assert!(
        everything.contains("my PIN is 4321"),
        "the scan reads the data"
    );
    assert!(
        everything.contains(&stored),
        "the scan reads the tokens' table"
    );
    assert!(!everything.contains(&token), "the token itself is nowhere");
    server.stop().await;
}

#[tokio::test]
async fn another_customers_cookie_cannot_send_an_image() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let base = &server.base;
    let (a, _) = start_chat(base, "Ana", "ana@example.com", "hi").await;
    let (_, b_cookie) = start_chat(base, "Bob", "bob@example.com", "hi").await;
    let r = http()
        .post(format!("{base}/api/chats/{a}/images"))
        .header("cookie", &b_cookie)
        .header("x-file-name", "pic.png")
        .body(png())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(store.messages(a).await.unwrap().len(), 1, "nothing stored");
    server.stop().await;
}

/// Every route that changes something, with `origin` (None: no Origin header).
async fn try_every_change(
    base: &str,
    chat: i64,
    cookie: &str,
    origin: Option<&str>,
) -> Vec<(&'static str, u16)> {
    let with = |rb: reqwest::RequestBuilder| {
        let rb = rb.header("cookie", cookie);
        match origin {
            Some(o) => rb.header("origin", o),
            None => rb,
        }
    };
    let mut out = Vec::new();
    let r = with(http().post(format!("{base}/api/chats")))
        .json(&json!({"name": "Eve", "email": "eve@example.com"}))
        .send()
        .await
        .unwrap();
    out.push(("start", r.status().as_u16()));
    let r = with(http().post(format!("{base}/api/chats/{chat}/messages")))
        .json(&json!({"text": "from elsewhere"}))
        .send()
        .await
        .unwrap();
    out.push(("messages", r.status().as_u16()));
    let r = with(http().post(format!("{base}/api/chats/{chat}/images")))
        .header("x-file-name", "pic.png")
        .body(png())
        .send()
        .await
        .unwrap();
    out.push(("images", r.status().as_u16()));
    for path in ["typing", "heartbeat"] {
        let r = with(http().post(format!("{base}/api/chats/{chat}/{path}")))
            .send()
            .await
            .unwrap();
        out.push((
            if path == "typing" {
                "typing"
            } else {
                "heartbeat"
            },
            r.status().as_u16(),
        ));
    }
    let url = format!(
        "{}/api/chats/{chat}/live?after=0",
        base.replace("http://", "ws://")
    );
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    if let Some(o) = origin {
        request.headers_mut().insert("origin", o.parse().unwrap());
    }
    let live = match tokio_tungstenite::connect_async(request).await {
        Ok(_) => 101,
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => r.status().as_u16(),
        Err(e) => panic!("live: {e}"),
    };
    out.push(("live", live));
    out
}

#[tokio::test]
async fn origin_is_checked_with_its_scheme_on_every_state_changing_route() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let config = Config {
        chats_per_hour: 100,
        ..Config::default()
    };
    let server = InProcess::start(&store, config).await;
    let base = &server.base;
    let (chat, cookie) = start_chat(base, "Ana", "ana@example.com", "hi").await;
    let host = base.trim_start_matches("http://");
    for origin in [
        "https://evil.example.net".to_string(),
        format!("https://{host}"),        // our host, another scheme
        "http://127.0.0.1:1".to_string(), // our address, another port
        "null".to_string(),
    ] {
        for (route, status) in try_every_change(base, chat, &cookie, Some(&origin)).await {
            assert_eq!(status, 403, "{route} from {origin}");
        }
    }
    let chats = store.list_chats(None, None, 100).await.unwrap();
    assert_eq!(chats.len(), 1, "no chat started");
    assert_eq!(store.messages(chat).await.unwrap().len(), 1, "nothing sent");
    // The page's own origin, and clients that send none (not browsers), pass.
    for origin in [Some(base.as_str()), None] {
        let answers = try_every_change(base, chat, &cookie, origin).await;
        let expect = [201, 201, 201, 204, 204, 101];
        let got: Vec<u16> = answers.iter().map(|(_, s)| *s).collect();
        assert_eq!(got, expect, "{origin:?}: {answers:?}");
    }
    // Ending, last: refused from elsewhere, then allowed.
    let end = |origin: &str| {
        http()
            .post(format!("{base}/api/chats/{chat}/end"))
            .header("cookie", &cookie)
            .header("origin", origin)
            .send()
    };
    assert_eq!(end(&format!("https://{host}")).await.unwrap().status(), 403);
    assert_ne!(
        store.chat(chat).await.unwrap().state,
        livewindow::core::ChatState::Ended
    );
    assert_eq!(end(base).await.unwrap().status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn the_host_must_be_the_public_urls() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let config = Config {
        public_url: Some(url::Url::parse("https://chat.example.test/").unwrap()),
        ..Config::default()
    };
    let server = InProcess::start(&store, config).await;
    let base = &server.base;
    let get = |path: &str, host: Option<&str>| {
        let rb = http().get(format!("{base}{path}"));
        match host {
            Some(h) => rb.header("host", h),
            None => rb,
        }
        .send()
    };
    let r = get("/", None).await.unwrap();
    assert_eq!(r.status(), 421, "reached as 127.0.0.1");
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("chat.example.test"),
        "{body}"
    );
    assert_eq!(
        get("/", Some("evil.example.net")).await.unwrap().status(),
        421
    );
    assert_eq!(
        get("/", Some("chat.example.test:8443"))
            .await
            .unwrap()
            .status(),
        421
    );
    assert_eq!(
        get("/", Some("chat.example.test")).await.unwrap().status(),
        200
    );
    assert_eq!(
        get("/", Some("CHAT.example.test:443"))
            .await
            .unwrap()
            .status(),
        200
    );
    // The load balancer's probes answer whatever the name.
    assert_eq!(get("/healthz", None).await.unwrap().status(), 200);
    assert_eq!(get("/readyz", None).await.unwrap().status(), 200);
    // The public origin is the only one: not the same host over http.
    let start = |origin: &str| {
        http()
            .post(format!("{base}/api/chats"))
            .header("host", "chat.example.test")
            .header("origin", origin)
            .json(&json!({"name": "Ana", "email": "ana@example.com"}))
            .send()
    };
    assert_eq!(
        start("http://chat.example.test").await.unwrap().status(),
        403
    );
    let r = start("https://chat.example.test").await.unwrap();
    assert_eq!(r.status(), 201);
    let (_, set) = chat_cookie(&r);
    assert!(set.contains("Secure"), "{set}");
    server.stop().await;
}

#[tokio::test]
async fn request_ids_are_the_servers_unless_a_uuid_is_given() {
    let (_scratch, store) = fresh().await;
    let server = InProcess::start(&store, Config::default()).await;
    let get = |id: Option<&str>| {
        let rb = http().get(format!("{}/healthz", server.base));
        match id {
            Some(id) => rb.header("x-request-id", id),
            None => rb,
        }
        .send()
    };
    let id_of = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_string();
    let given = "0b6d1c1e-9a1f-4f7e-8a40-5f9a2b7c3d11";
    assert_eq!(
        id_of(&get(Some(given)).await.unwrap()),
        given,
        "a UUID is kept"
    );
    let upper = "0B6D1C1E-9A1F-4F7E-8A40-5F9A2B7C3D11";
    assert_eq!(
        id_of(&get(Some(upper)).await.unwrap()),
        given,
        "in one form"
    );
    let long = "x".repeat(2000);
    for junk in [
        "forged id=1 status=200",
        "0b6d1c1e-9a1f-4f7e-8a40-5f9a2b7c3d1",
        "\" } ] admin=true",
        long.as_str(),
    ] {
        let id = id_of(&get(Some(junk)).await.unwrap());
        assert_ne!(id, junk);
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    }
    let a = id_of(&get(None).await.unwrap());
    let b = id_of(&get(None).await.unwrap());
    assert!(uuid::Uuid::parse_str(&a).is_ok() && a != b);
    server.stop().await;
}

#[tokio::test]
async fn forwarded_addresses_are_parsed_or_ignored() {
    let (scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let config = Config {
        trust_forwarded: true,
        chats_per_hour: 1,
        ..Config::default()
    };
    let server = InProcess::start(&store, config).await;
    let base = server.base.clone();
    let status = |xff: &'static str| {
        let base = base.clone();
        async move {
            http()
                .post(format!("{base}/api/chats"))
                .header("x-forwarded-for", xff)
                .json(&json!({"name": "Ana", "email": "ana@example.com"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(status("198.51.100.1, 203.0.113.5").await, 201);
    assert_eq!(status("203.0.113.5").await, 429, "the same address");
    assert_eq!(status("203.0.113.6").await, 201, "another address");
    // Not addresses: the peer (127.0.0.1) is counted instead, whatever the junk says.
    assert_eq!(status("203.0.113.7, <script>").await, 201);
    assert_eq!(status("something-else").await, 429, "still the peer");
    // IPv6: one /64 is one subscriber.
    assert_eq!(status("2001:db8:1:2::1").await, 201);
    assert_eq!(status("2001:db8:1:2:ffff::9").await, 429);
    assert_eq!(status("[2001:db8:1:3::1]:4711").await, 201);
    let pool = pool(&scratch.url).await;
    let mut addrs: Vec<String> = sqlx::query_scalar("SELECT client_addr FROM chat_tokens")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    addrs.sort();
    assert_eq!(
        addrs,
        [
            "127.0.0.1",
            "2001:db8:1:2::/64",
            "2001:db8:1:3::/64",
            "203.0.113.5",
            "203.0.113.6"
        ]
    );
    server.stop().await;
}

#[tokio::test]
async fn a_cookie_stuffed_with_tokens_is_looked_up_a_few_at_most() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let base = &server.base;
    let (chat, cookie) = start_chat(base, "Ana", "ana@example.com", "hi").await;
    let junk: Vec<String> = (0..200)
        .map(|_| format!("lw_chat={}", auth::new_token()))
        .collect();
    let get = |cookies: String| {
        http()
            .get(format!("{base}/api/chats/{chat}"))
            .header("cookie", cookies)
            .send()
    };
    // The chat's own token first: found.
    let first = format!("{cookie}; {}", junk[..3].join("; "));
    assert_eq!(get(first).await.unwrap().status(), 200);
    // Behind 200 others: never reached, so never looked up.
    let started = std::time::Instant::now();
    let buried = format!("{}; {cookie}", junk.join("; "));
    assert_eq!(get(buried).await.unwrap().status(), 403);
    println!("200 junk tokens answered in {:?}", started.elapsed());
    // Just past the cap.
    let fifth = format!("{}; {cookie}", junk[..4].join("; "));
    assert_eq!(get(fifth).await.unwrap().status(), 403);
    server.stop().await;
}

#[tokio::test]
async fn a_token_expires_a_day_after_its_chat_ends() {
    let (scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let (chat, cookie) = start_chat(&server.base, "Ana", "ana@example.com", "hi").await;
    let r = http()
        .post(format!("{}/api/chats/{chat}/end", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    server.stop().await;
    let pool = pool(&scratch.url).await;
    let mut answers = Vec::new();
    for hours_ago in [23, 25] {
        sqlx::query("UPDATE chats SET ended_ms = ended_ms - $1 WHERE id = $2")
            .bind(3_600_000i64 * if hours_ago == 23 { 23 } else { 2 })
            .bind(chat)
            .execute(&pool)
            .await
            .unwrap();
        // A new process: nothing cached.
        let server = InProcess::start(&store, Config::default()).await;
        let r = http()
            .get(format!("{}/api/chats/{chat}/transcript", server.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        answers.push((hours_ago, r.status().as_u16()));
        server.stop().await;
    }
    pool.close().await;
    assert_eq!(answers, [(23, 200), (25, 403)]);
}

#[tokio::test]
async fn one_access_log_line_per_request_without_secrets() {
    let (scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let mut server = Process::spawn_logged(&scratch.url, free_port(), &[], &log).await;
    let base = server.base.clone();
    let (chat, cookie) =
        start_chat(&base, "Zelda Quist", "zelda.q@example.com", "secret words").await;
    let token = cookie.trim_start_matches("lw_chat=").to_string();
    let r = http()
        .get(format!(
            "{base}/api/chats/{chat}/messages?after=0&token={token}"
        ))
        .header("cookie", &cookie)
        .header("x-request-id", "forged\tline")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let r = http()
        .get(format!("{base}/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    server.terminate();
    // ANSI colours, if any, are not part of the words.
    let text = String::from_utf8_lossy(&std::fs::read(&log).unwrap()).replace('\u{1b}', "");
    let access: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("livewindow::access"))
        .collect();
    assert!(access.len() >= 3, "{text}");
    let messages = access
        .iter()
        .filter(|l| l.contains(&format!("/api/chats/{chat}/messages")))
        .collect::<Vec<_>>();
    assert_eq!(messages.len(), 1, "one line per request: {text}");
    assert!(
        messages[0].contains("200") && messages[0].contains(&id),
        "{}",
        messages[0]
    );
    assert!(
        access
            .iter()
            .any(|l| l.contains("/no/such/page") && l.contains("404")),
        "{text}"
    );
    assert!(
        access
            .iter()
            .any(|l| l.contains("/api/chats") && l.contains("201")),
        "{text}"
    );
    for secret in [
        token.as_str(),
        "Zelda",
        "zelda.q@example.com",
        "secret words",
        "forged",
    ] {
        assert!(!text.contains(secret), "{secret:?} in the log:\n{text}");
    }
}
