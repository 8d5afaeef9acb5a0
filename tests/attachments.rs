//! Files from the customer, on SQLite or on PostgreSQL with `TEST_DATABASE_URL`, through a
//! real server: each accepted kind is taken and kept with its message; a file whose bytes
//! do not match its type, one of a type not accepted, and one too large are refused with
//! their line; the chat's limit holds under concurrent uploads; a stalled upload times out;
//! the download (for the chat's agent only) carries `Content-Disposition: attachment` and
//! `nosniff`; and the console's save action writes the file's bytes where chosen.

mod common;
mod server_support;
mod ui;

use common::{demo_with_available, fresh};
use livewindow::Store;
use livewindow::core::options::{OPT_ATTACHMENT_MB, OPT_ATTACHMENT_TYPES};
use livewindow::core::{Password, Role, StoreError};
use livewindow::server::Config;
use livewindow::store::{InitialPassword, NewUser};
use serde_json::{Value, json};
use server_support::{InProcess, http, start_chat};
use std::io::Write;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PASSWORD: &str = "correct horse battery staple";

/// A ZIP archive holding these (name, text) entries, stored uncompressed.
fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, text) in entries {
            z.start_file(*name, opts).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

fn docx() -> Vec<u8> {
    zip_of(&[
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", "<w:document/>"),
    ])
}

fn xlsx() -> Vec<u8> {
    zip_of(&[
        ("[Content_Types].xml", "<Types/>"),
        ("xl/workbook.xml", "<workbook/>"),
    ])
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

async fn upload(base: &str, chat: i64, cookie: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let r = http()
        .post(format!("{base}/api/chats/{chat}/files"))
        .header("cookie", cookie)
        .header("x-file-name", urlencode(name))
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An agent with a password, available in Support, and a chat of theirs started on the page.
async fn world(store: &Store, base: &str) -> (i64, i64, String) {
    let support = store.find_queue(Some("Support")).await.unwrap().0;
    let billing = store.find_queue(Some("Billing")).await.unwrap().0;
    for a in store.agents().await.unwrap() {
        store
            .set_agent_status(a.id, livewindow::core::AgentStatus::Offline)
            .await
            .unwrap();
    }
    let (user, _) = store
        .add_user(&NewUser {
            name: "Ada Agent".into(),
            email: "ada@example.com".into(),
            role: Role::Agent,
            max_chats: 3,
            queues: vec![support, billing],
            password: InitialPassword::Given(Password::new(PASSWORD)),
        })
        .await
        .unwrap();
    let ada = user.agent.id;
    store
        .set_agent_status(ada, livewindow::core::AgentStatus::Available)
        .await
        .unwrap();
    let (chat, cookie) = start_chat(base, "Ana Lima", "ana@example.com", "Hi").await;
    store.tick().await.unwrap();
    if store.chat(chat).await.unwrap().agent_id.is_none() {
        store.accept(chat, ada).await.unwrap();
    }
    (ada, chat, cookie)
}

#[tokio::test]
async fn accepted_kinds_are_kept_and_mismatches_refused() {
    let (_db, store) = fresh().await;
    demo_with_available(&store, &[]).await;
    let server = InProcess::start(&store, Config::default()).await;
    let base = server.base.clone();
    let (_, chat, cookie) = world(&store, &base).await;

    for (name, bytes) in [
        ("invoice.pdf", pdf()),
        ("notes.txt", "Order 1234 — thanks".as_bytes().to_vec()),
        ("orders.csv", b"id,total\n1,9.99\n".to_vec()),
        ("letter.docx", docx()),
        ("figures.xlsx", xlsx()),
    ] {
        let (status, body) = upload(&base, chat, &cookie, name, bytes.clone()).await;
        assert_eq!(status, 201, "{name}: {body}");
        let id = body["id"].as_i64().expect("message id");
        let m = store.message(id).await.unwrap();
        let f = m.file.clone().expect("a file with the message");
        assert_eq!((f.name.as_str(), f.size), (name, bytes.len() as i64));
        assert!(
            m.body_text.starts_with(&format!("[file: {name}, ")),
            "{}",
            m.body_text
        );
        assert_eq!(store.message_file(id).await.unwrap().2, bytes);
    }

    let refusals = [
        (
            "report.pdf",
            b"just text".to_vec(),
            415,
            "\u{201c}report.pdf\u{201d} is not a PDF document: its contents do not match its type.",
        ),
        (
            "sheet.xlsx",
            docx(),
            415,
            "\u{201c}sheet.xlsx\u{201d} is not an Excel (XLSX) workbook: its contents do not match its type.",
        ),
        (
            "letter.docx",
            pdf(),
            415,
            "\u{201c}letter.docx\u{201d} is not a Word (DOCX) document: its contents do not match its type.",
        ),
        (
            "data.csv",
            vec![b'a', 0, b'b'],
            415,
            "\u{201c}data.csv\u{201d} is not CSV text: its contents do not match its type.",
        ),
        (
            "run.exe",
            b"MZ".to_vec(),
            415,
            "\u{201c}run.exe\u{201d} is not a type of file we accept. Send PDF, TXT, CSV, DOCX or XLSX files, or an image.",
        ),
        (
            "empty.txt",
            Vec::new(),
            400,
            "\u{201c}empty.txt\u{201d} is empty.",
        ),
    ];
    for (name, bytes, want, line) in refusals {
        let (status, body) = upload(&base, chat, &cookie, name, bytes).await;
        assert_eq!(status, want, "{name}: {body}");
        assert_eq!(body["error"], line, "{name}");
    }

    // The site narrows the kinds and the size.
    store
        .set_option(OPT_ATTACHMENT_TYPES, "PDF", None)
        .await
        .unwrap();
    store
        .set_option(OPT_ATTACHMENT_MB, "1", None)
        .await
        .unwrap();
    let (status, body) = upload(&base, chat, &cookie, "notes.txt", b"hi".to_vec()).await;
    assert_eq!(status, 415);
    assert_eq!(
        body["error"],
        "\u{201c}notes.txt\u{201d} is not a type of file we accept. Send a PDF file, or an image."
    );
    let mut big = pdf();
    big.resize(1024 * 1024 + 1, b' ');
    let (status, body) = upload(&base, chat, &cookie, "big.pdf", big).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(
        body["error"],
        "\u{201c}big.pdf\u{201d} is larger than 1 MB; please send a smaller file."
    );
    let config: Value = http()
        .get(format!("{base}/api/config"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["file_extensions"], json!(["pdf"]));
    assert_eq!(config["file_bytes"], 1024 * 1024);
    assert!(
        store
            .set_option(OPT_ATTACHMENT_TYPES, "PDF,EXE", None)
            .await
            .is_err()
    );
    server.stop().await;
}

#[tokio::test]
async fn the_chat_s_limit_holds_under_concurrent_uploads_and_a_stalled_one_times_out() {
    let (_db, store) = fresh().await;
    demo_with_available(&store, &[]).await;
    let config = Config {
        messages_per_minute: 3,
        body_timeout: Duration::from_secs(1),
        ..Config::default()
    };
    let server = InProcess::start(&store, config).await;
    let base = server.base.clone();
    let (_, chat, cookie) = world(&store, &base).await;
    // The first message ("Hi") counts: two more fit in the minute.
    let uploads = (0..6).map(|i| {
        let (base, cookie) = (base.clone(), cookie.clone());
        async move {
            upload(&base, chat, &cookie, &format!("n{i}.txt"), b"x".to_vec())
                .await
                .0
        }
    });
    let statuses = futures::future::join_all(uploads).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        4,
        "{statuses:?}"
    );

    // Headers, a few bytes, then nothing: stopped with 408 after the body timeout.
    let addr = base.trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/chats/{chat}/files HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\
         X-File-Name: slow.txt\r\nContent-Length: 1000\r\n\r\nabc"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut answer))
        .await
        .expect("an answer within the timeout")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("The upload took too long"), "{answer}");
    server.stop().await;
}

#[tokio::test]
async fn downloads_are_attachments_for_the_chat_s_agent_and_the_console_saves_the_bytes() {
    let (_db, store) = fresh().await;
    demo_with_available(&store, &[]).await;
    let server = InProcess::start(&store, Config::default()).await;
    let base = server.base.clone();
    let (ada, chat, cookie) = world(&store, &base).await;
    let bytes = pdf();
    let (status, body) = upload(&base, chat, &cookie, "Q3 \"report\"; x.pdf", bytes.clone()).await;
    assert_eq!(status, 201, "{body}");
    let message = body["id"].as_i64().unwrap();

    let token = http()
        .post(format!("{base}/api/agent/session"))
        .json(&json!({"email": "ada@example.com", "password": PASSWORD, "device": "test"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .expect("token")
        .to_string();
    let r = http()
        .get(format!("{base}/api/agent/files/{message}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"Q3 _report__ x.pdf\""
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().to_vec(), bytes);
    // No session, or another agent's: refused.
    let r = http()
        .get(format!("{base}/api/agent/files/{message}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let support = store.find_queue(Some("Support")).await.unwrap().0;
    store
        .add_user(&NewUser {
            name: "Bo Other".into(),
            email: "bo@example.com".into(),
            role: Role::Agent,
            max_chats: 3,
            queues: vec![support],
            password: InitialPassword::Given(Password::new(PASSWORD)),
        })
        .await
        .unwrap();
    let other = http()
        .post(format!("{base}/api/agent/session"))
        .json(&json!({"email": "bo@example.com", "password": PASSWORD, "device": "test"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = http()
        .get(format!("{base}/api/agent/files/{message}"))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The customer's page cannot fetch it back either: there is no such route for them.
    let r = http()
        .get(format!("{base}/api/chats/{chat}/files/{message}"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());

    // A team desktop reads it through the server (the client's `message_file`); another
    // agent's desktop is refused.
    use livewindow::data::ConsoleData;
    let url = livewindow::client::Server::new(&base, false, None).unwrap();
    let (remote, _) =
        livewindow::client::sign_in(&url, "ada@example.com", &Password::new(PASSWORD), "t")
            .await
            .expect("signed in");
    assert_eq!(remote.message_file(message).await.unwrap(), bytes);
    let (remote_bo, _) =
        livewindow::client::sign_in(&url, "bo@example.com", &Password::new(PASSWORD), "t")
            .await
            .expect("signed in");
    assert!(matches!(
        remote_bo.message_file(message).await,
        Err(StoreError::Denied(_))
    ));

    // The console's save action (what the dialog's answer leads to), on the agent's desk.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saved.pdf");
    let desk: livewindow::data::Data = std::sync::Arc::new(store.desk(ada));
    let saved = livewindow::ui::files::save_file(desk, message, path.clone())
        .await
        .unwrap();
    assert_eq!(saved, path);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    let bo = store.find_agent("bo@example.com").await.unwrap().id;
    assert_eq!(
        store.agents_file(bo, message).await.unwrap_err(),
        StoreError::NotYours
    );
    let not_his: livewindow::data::Data = std::sync::Arc::new(store.desk(bo));
    let e = livewindow::ui::files::save_file(not_his, message, dir.path().join("x.pdf"))
        .await
        .unwrap_err();
    assert!(
        e.to_string().starts_with("The file could not be read"),
        "{e}"
    );
    assert!(!dir.path().join("x.pdf").exists());
    server.stop().await;
}

/// The agent's console shows the customer's file in the transcript with its name, size and
/// a Save button (asking where: the dialog, which answers nothing in a test).
#[tokio::test]
async fn the_transcript_shows_the_file_with_a_save_button() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    let server = InProcess::start(&store, Config::default()).await;
    let base = server.base.clone();
    let dir = tempfile::tempdir().unwrap();
    let mut h = ui::Harness::open(&store, maria, dir.path().into()).await;
    let (chat, cookie) = start_chat(&base, "Ana Lima", "ana.lima@example.com", "Hi").await;
    h.pump().await;
    h.click("Accept (Alt+A)").await;
    h.click("Verify and Continue").await;
    let (status, body) = upload(&base, chat, &cookie, "invoice.pdf", pdf()).await;
    assert_eq!(status, 201, "{body}");
    h.pump().await;
    assert!(h.shows("File: invoice.pdf (77 bytes)"), "the file's line");
    h.snapshot("customer_file.png");
    h.click("Save file\u{2026}").await;
    h.pump().await;
    assert!(h.console.chat(chat).is_some());
    server.stop().await;
}
