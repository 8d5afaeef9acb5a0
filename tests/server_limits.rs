//! `livewindow server` under a hostile or unlucky client, against a real store (SQLite, or
//! Postgres with TEST_DATABASE_URL) and mostly the real binary: sockets that never read on a
//! chat with a 10 MB picture (the server's memory is measured), pictures by reference,
//! socket caps, clients that never finish their headers, SIGTERM while they hang, `/readyz`
//! and writes when the database fails, and pictures that would blow up when decoded.

mod common;
mod server_support;

use common::{demo_with_available, fresh, is, wait_for};
use livewindow::core::{EventKind, NewMessage, Sender};
use livewindow::server::Config;
use serde_json::Value;
use server_support::{InProcess, Process, free_port, open_live, start_chat};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const MARIA: &str = "maria.santos@example.com";

fn http() -> reqwest::Client {
    server_support::http()
}

/// The resident memory of a process, in MiB.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS");
    kb / 1024.0
}

/// A PNG of noise (it does not compress) of about `mib` MiB.
fn noise_png(mib: f64) -> Vec<u8> {
    let side = ((mib * 1024.0 * 1024.0 / 3.0).sqrt()) as u32;
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let b = seed.to_le_bytes();
        image::Rgb([b[0], b[1], b[2]])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// A connection from `from` (any 127.x address: an attacker apart from the test's probes)
/// whose receive buffer is small, so what the server writes and the client never reads
/// stays with the server.
async fn connect_from(from: [u8; 4], port: u16) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.set_recv_buffer_size(4096)?;
    socket.bind((std::net::Ipv4Addr::from(from), 0).into())?;
    socket.connect(([127, 0, 0, 1], port).into()).await
}

/// Opens a chat's live socket by hand and never reads from it.
async fn silent_socket(port: u16, chat: i64, cookie: &str) -> TcpStream {
    let mut tcp = connect_from([127, 0, 0, 1], port).await.expect("connect");
    let request = format!(
        "GET /api/chats/{chat}/live?after=0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nCookie: {cookie}\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).await.expect("upgrade");
    tcp
}

/// A chat with an agent's 10 MB picture in it: its id, cookie, the message id and bytes.
async fn image_chat(
    store: &livewindow::Store,
    base: &str,
    maria: i64,
) -> (i64, String, i64, Vec<u8>) {
    let mut feed = store.subscribe(store.last_event_id().await.expect("last"));
    let (chat, cookie) = start_chat(base, "Ana Lima", "ana@example.com", "hello").await;
    wait_for(&mut feed, 10, is(EventKind::ChatOffered, chat)).await;
    store.accept(chat, maria).await.expect("accept");
    let png = noise_png(9.5);
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD.encode(&png);
    let html =
        format!("<p>Look:</p><p><img src=\"data:image/png;base64,{data}\" alt=\"router\"></p>");
    let mut m = NewMessage::rich(
        Sender::Agent,
        "Maria Santos",
        Some(maria),
        html,
        "Look: [image]".into(),
    );
    m.client_id = "agent-picture".into();
    let id = store.send_message(chat, &m).await.expect("picture");
    (chat, cookie, id, png)
}

#[tokio::test]
async fn silent_sockets_on_a_picture_chat_keep_memory_bounded() {
    let (scratch, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let port = free_port();
    // Caps high enough that every socket below is let in: this measures what each costs.
    let server = Process::spawn(
        &scratch.url,
        port,
        &["--sockets-per-chat", "100", "--sockets-per-address", "100"],
    )
    .await;
    let base = server.base.clone();
    let (chat, cookie, message, png) = image_chat(&store, &base, maria).await;

    // The page gets the picture by reference, and the reference opens it for this chat only.
    let list: Value = http()
        .get(format!("{base}/api/chats/{chat}/messages?after=0"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let html = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == message)
        .expect("the picture's message")["html"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!("/api/chats/{chat}/images/{message}/0");
    assert!(html.contains(&format!("src=\"{url}\"")), "{html}");
    assert!(
        !html.contains("data:"),
        "no inline picture: {}",
        &html[..html.len().min(300)]
    );
    let r = http()
        .get(format!("{base}{url}"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let cache = r.headers()["cache-control"].to_str().unwrap().to_string();
    assert!(
        cache.contains("private") && cache.contains("immutable"),
        "{cache}"
    );
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        &png[..],
        "the same bytes"
    );
    let again = http()
        .get(format!("{base}{url}"))
        .header("cookie", &cookie)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let r = http().get(format!("{base}{url}")).send().await.unwrap();
    assert_eq!(r.status(), 403, "no token, no picture");
    let (_, other) = start_chat(&base, "Eve", "eve@example.com", "hi").await;
    let r = http()
        .get(format!("{base}{url}"))
        .header("cookie", &other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "another chat's token opens nothing here");
    let csp = http()
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("img-src 'self';"), "{csp}");

    // A socket that reads gets every message; the picture by reference.
    let mut live = open_live(&base, chat, &cookie, 0).await.expect("live");
    let frame = server_support::next_frame(&mut live, 10, |f| {
        f["type"] == "message" && f["message"]["id"] == message
    })
    .await;
    assert!(
        !frame.to_string().contains("data:image"),
        "by reference on the socket"
    );
    drop(live);

    tokio::time::sleep(Duration::from_millis(500)).await;
    // Two batches: the first pays the one-time costs (the picture's message read once into
    // the page-form cache, the allocator's high-water mark); the second shows what a
    // socket costs. Before the fix each silent socket held the whole picture (~28 MB).
    let before = rss_mib(server.pid());
    let mut silent = Vec::new();
    let mut batch = async || {
        for _ in 0..40 {
            silent.push(silent_socket(port, chat, &cookie).await);
        }
        tokio::time::sleep(Duration::from_secs(4)).await;
        rss_mib(server.pid())
    };
    let first = batch().await;
    let second = batch().await;
    println!(
        "server RSS: {before:.0} MiB before, {first:.0} MiB with 40 silent sockets, {second:.0} MiB with 80"
    );
    assert!(
        first - before < 150.0 && second - first < 40.0,
        "silent sockets on a chat with a 10 MB picture: {before:.0} → {first:.0} (40) → {second:.0} MiB (80)"
    );
    // The server still answers while they hang.
    let r = http().get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    drop(silent);
}

#[tokio::test]
async fn sockets_are_capped_per_chat_and_per_address() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let config = Config {
        sockets_per_chat: 3,
        sockets_per_address: 5,
        ..Config::default()
    };
    let server = InProcess::start(&store, config).await;
    let base = server.base.clone();
    let (a, cookie_a) = start_chat(&base, "Ana", "ana@example.com", "one").await;
    // Twenty at once on one chat: exactly three get in.
    let tries = (0..20).map(|_| open_live(&base, a, &cookie_a, 0));
    let results = futures::future::join_all(tries).await;
    let (open, refused): (Vec<_>, Vec<_>) = results.into_iter().partition(|r| r.is_ok());
    assert_eq!(open.len(), 3, "sockets on one chat");
    for r in refused {
        match r {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 429);
                assert!(response.headers().contains_key("retry-after"));
            }
            Err(other) => panic!("refused how? {other}"),
            Ok(_) => unreachable!(),
        }
    }
    // Other chats from the same address: two more, then the address is full.
    let (b, cookie_b) = start_chat(&base, "Ana", "ana@example.com", "two").await;
    let (c, cookie_c) = start_chat(&base, "Ana", "ana@example.com", "three").await;
    let _b1 = open_live(&base, b, &cookie_b, 0).await.expect("b1");
    let _b2 = open_live(&base, b, &cookie_b, 0).await.expect("b2");
    assert!(
        open_live(&base, c, &cookie_c, 0).await.is_err(),
        "address full"
    );
    // A socket that closes gives its place back.
    drop(open);
    let mut back = false;
    for _ in 0..50 {
        if open_live(&base, c, &cookie_c, 0).await.is_ok() {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "closed sockets give their places back");
    server.stop().await;
}

#[tokio::test]
async fn clients_that_never_finish_their_headers() {
    let (scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let port = free_port();
    let mut server = Process::spawn(
        &scratch.url,
        port,
        &[
            "--header-timeout",
            "2",
            "--connections-per-address",
            "50",
            "--shutdown-timeout",
            "3",
        ],
    )
    .await;
    let base = server.base.clone();
    // 300 half-open requests from one address (127.0.0.2); probes come from 127.0.0.1.
    let mut hanging = Vec::new();
    for _ in 0..300 {
        match connect_from([127, 0, 0, 2], port).await {
            Ok(mut tcp) => {
                let _ = tcp.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await;
                hanging.push(tcp);
            }
            Err(e) => panic!("connect: {e}"),
        }
    }
    let started = Instant::now();
    let probe = server_support::http_builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let r = probe
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz while they hang");
    assert_eq!(r.status(), 200);

    // Past the cap, refused at once with a sentence; the rest closed by the header timeout.
    let mut refused = 0;
    let mut closed = 0;
    for tcp in &mut hanging {
        let mut buf = vec![0u8; 512];
        match tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 && String::from_utf8_lossy(&buf[..n]).contains(" 503 ") => {
                refused += 1
            }
            Ok(_) => closed += 1,
            Err(_) => {}
        }
    }
    println!(
        "refused {refused}, closed {closed} after {:?}",
        started.elapsed()
    );
    assert!(
        refused >= 250,
        "over the per-address cap: {refused} refused"
    );
    assert_eq!(
        refused + closed,
        300,
        "every half-open request ended within the timeout"
    );
    let r = probe
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz after");
    assert_eq!(r.status(), 200);

    // SIGTERM with 40 half-open requests and an idle socket: the process ends in time.
    let mut hanging = Vec::new();
    for _ in 0..40 {
        let mut tcp = connect_from([127, 0, 0, 3], port).await.expect("connect");
        let _ = tcp
            .write_all(b"POST /api/chats HTTP/1.1\r\nHost: x\r\n")
            .await;
        hanging.push(tcp);
    }
    let (chat, cookie) = start_chat(&base, "Ana", "ana@example.com", "hi").await;
    let _socket = silent_socket(port, chat, &cookie).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let asked = Instant::now();
    let status = server.terminate_within(Duration::from_secs(10)).await;
    println!("SIGTERM ended the server in {:?}", asked.elapsed());
    assert!(
        status.is_some(),
        "SIGTERM did not end the server within 10 s"
    );
}

#[tokio::test]
async fn readyz_and_writes_follow_the_database() {
    let server_url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.trim().is_empty());
    match server_url {
        None => readyz_on_an_unreadable_sqlite_file().await,
        Some(admin) => read_only_postgres(&admin).await,
    }
}

/// The server runs as `nobody` (root reads any file), then its database file is made
/// unreadable: `/readyz` says so, and says so no longer once it can be read again.
async fn readyz_on_an_unreadable_sqlite_file() {
    println!("backend: SQLite");
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("chown")
        .args(["65534:65534", dir.path().to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success(), "chown");
    let file = dir.path().join("livewindow.db");
    let url = format!("sqlite://{}", file.display());
    let port = free_port();
    let as_nobody = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
    ];
    let server = Process::spawn_via(&as_nobody, &url, port, &[]).await;
    let ready = || async {
        http()
            .get(format!("{}/readyz", server.base))
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(ready().await, 200);
    let chmod = |mode: &str| {
        for f in ["", "-wal", "-shm"] {
            let path = format!("{}{f}", file.display());
            if std::path::Path::new(&path).exists() {
                assert!(
                    std::process::Command::new("chmod")
                        .args([mode, &path])
                        .status()
                        .unwrap()
                        .success()
                );
            }
        }
    };
    chmod("000");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(ready().await, 503, "the file cannot be read");
    chmod("600");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(ready().await, 200, "readable again");
}

/// The database turns read-only (a standby after a failover): `/readyz` says so, and a new
/// chat is answered 503 with Retry-After, not 500.
async fn read_only_postgres(admin: &str) {
    let (scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let port = free_port();
    let server = Process::spawn(&scratch.url, port, &[]).await;
    let base = server.base.clone();
    let name = url::Url::parse(&scratch.url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_string();
    let sql = |statement: String| {
        let admin = admin.to_string();
        async move {
            use sqlx::{Connection, Executor};
            let mut c = sqlx::PgConnection::connect(&admin).await.expect("admin");
            c.execute(sqlx::AssertSqlSafe(statement))
                .await
                .expect("admin sql");
        }
    };
    let turn = |on: bool| {
        let name = name.clone();
        async move {
            let value = if on { "on" } else { "off" };
            sql(format!(
                "ALTER DATABASE {name} SET default_transaction_read_only = {value}"
            ))
            .await;
            // Sessions take the setting when they start: end the server's.
            sql(format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ))
            .await;
        }
    };
    drop(store);
    turn(true).await;
    let mut answers = Vec::new();
    for _ in 0..3 {
        // The first statements may meet the ended sessions; then the read-only ones.
        let r = http()
            .post(format!("{base}/api/chats"))
            .json(&serde_json::json!({"name": "Ana", "email": "ana@example.com", "message": "hi"}))
            .send()
            .await
            .unwrap();
        answers.push((r.status(), r.headers().get("retry-after").is_some()));
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    println!("answers while read-only: {answers:?}");
    assert!(
        answers.iter().all(|(s, retry)| *s == 503 && *retry),
        "a read-only database answers 503 with Retry-After: {answers:?}"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = http().get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 503, "read-only is not ready");
    turn(false).await;
    let mut ok = false;
    for _ in 0..30 {
        let r = http().get(format!("{base}/readyz")).send().await.unwrap();
        if r.status() == 200 {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(ok, "ready again");
    drop(server);
}

/// A PNG header claiming `width` × `height`, with a CRC that checks, and an empty image.
fn pixel_flood(width: u32, height: u32) -> Vec<u8> {
    let mut png = Vec::new();
    image::RgbImage::new(1, 1)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    // Signature (8), IHDR length (4) and type (4), then width and height.
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32fast::hash(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

#[tokio::test]
async fn pictures_that_would_blow_up_are_refused_or_cleaned() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let base = server.base.clone();
    let (chat, cookie) = start_chat(&base, "Ana", "ana@example.com", "hi").await;
    let upload = |bytes: Vec<u8>, id: &str| {
        http()
            .post(format!("{base}/api/chats/{chat}/images"))
            .header("cookie", &cookie)
            .header("x-file-name", "picture.png")
            .header("x-client-id", id)
            .body(bytes)
            .send()
    };
    // 30,000 × 30,000: 113 bytes of file, 2.5 GiB decoded.
    let flood = pixel_flood(30_000, 30_000);
    assert!(
        image::ImageReader::new(std::io::Cursor::new(&flood))
            .with_guessed_format()
            .unwrap()
            .into_dimensions()
            .is_ok_and(|d| d == (30_000, 30_000))
    );
    let r = upload(flood, "flood").await.unwrap();
    assert_eq!(r.status(), 413);
    let body: Value = r.json().await.unwrap();
    let error = body["error"].as_str().unwrap();
    assert!(
        error.contains("30000 × 30000") && error.contains("40 megapixels"),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");

    // A real picture with a page of script after it: stored as clean pixels.
    let mut picture = Vec::new();
    image::RgbImage::from_fn(32, 16, |x, _| image::Rgb([x as u8 * 8, 40, 200]))
        .write_to(
            &mut std::io::Cursor::new(&mut picture),
            image::ImageFormat::Png,
        )
        .unwrap();
    let mut polyglot = picture.clone();
    polyglot.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
    let r = upload(polyglot, "polyglot").await.unwrap();
    assert_eq!(r.status(), 201);
    let m: Value = r.json().await.unwrap();
    let id = m["id"].as_i64().unwrap();
    let r = http()
        .get(format!("{base}/api/chats/{chat}/images/{id}/0"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let served = r.bytes().await.unwrap();
    assert!(!served.windows(7).any(|w| w == b"<script"), "cleaned");
    let back = image::load_from_memory(&served).unwrap().to_rgb8();
    let original = image::load_from_memory(&picture).unwrap().to_rgb8();
    assert_eq!(back, original, "the same pixels");

    // Junk with a PNG signature and nothing else.
    let mut junk = b"\x89PNG\r\n\x1a\n".to_vec();
    junk.extend_from_slice(&[0x41; 4096]);
    let r = upload(junk, "junk").await.unwrap();
    assert_eq!(r.status(), 415);
    server.stop().await;
}
