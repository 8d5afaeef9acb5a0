//! The website's identity check through HTTP against a real server and store (SQLite, or
//! Postgres with TEST_DATABASE_URL): the signature covers exactly what is stored (after
//! invisible characters are removed), the email case-folded as the CRM matches it, the name
//! and the time; forged, replayed and stale signatures verify nothing.

mod common;
mod server_support;

use common::{demo_with_available, fresh};
use livewindow::Store;
use livewindow::server::{Config, auth};
use serde_json::{Value, json};
use server_support::InProcess;

const SECRET: &str = "a-long-site-secret-0123456789";

fn config() -> Config {
    Config {
        site_secret: Some(SECRET.into()),
        chats_per_hour: 1000,
        ..Config::default()
    }
}

fn sign(email: &str, name: &str, signed_at: i64) -> String {
    auth::sign_identity(
        SECRET,
        &auth::Identity {
            email,
            name,
            signed_at,
        },
    )
}

/// Starts a chat with `body`; gives its id and whether the store marked it verified.
async fn start(store: &Store, base: &str, body: Value) -> (i64, bool) {
    let r = server_support::http()
        .post(format!("{base}/api/chats"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{body}");
    let v: Value = r.json().await.unwrap();
    let chat = v["chat"]["chat_id"].as_i64().unwrap();
    (chat, store.chat(chat).await.unwrap().verified_by_site)
}

async fn now_s(store: &Store) -> i64 {
    store.now_ms().await.unwrap() / 1000
}

#[tokio::test]
async fn a_signature_over_a_zero_width_email_verifies_nothing() {
    let (_scratch, store) = fresh().await;
    demo_with_available(&store, &["maria.santos@example.com"]).await;
    let server = InProcess::start(&store, config()).await;
    let now = now_s(&store).await;
    // The website signed an address with a zero-width space in it: another address.
    let sneaky = "ana.lima\u{200B}@example.com";
    let (chat, verified) = start(
        &store,
        &server.base,
        json!({"name": "Ana Lima", "email": sneaky, "signed_at": now,
               "signature": sign(sneaky, "Ana Lima", now)}),
    )
    .await;
    let stored = store.chat(chat).await.unwrap();
    assert_eq!(stored.customer_email, "ana.lima@example.com", "cleaned");
    assert!(
        !verified,
        "a signature over {sneaky:?} must not vouch for {:?}",
        stored.customer_email
    );
    // The same for a name with an invisible character.
    let (_, verified) = start(
        &store,
        &server.base,
        json!({"name": "Ana\u{200B} Lima", "email": "ana.lima@example.com", "signed_at": now,
               "signature": sign("ana.lima@example.com", "Ana\u{200B} Lima", now)}),
    )
    .await;
    assert!(!verified, "the name is checked as stored");
    // Signed over the stored strings: verified.
    let (_, verified) = start(
        &store,
        &server.base,
        json!({"name": "Ana\u{200B} Lima", "email": sneaky, "signed_at": now,
               "signature": sign("ana.lima@example.com", "Ana Lima", now)}),
    )
    .await;
    assert!(verified, "the cleaned strings are what is signed");
    server.stop().await;
}

#[tokio::test]
async fn the_email_is_case_folded_and_the_name_and_time_are_covered() {
    let (_scratch, store) = fresh().await;
    demo_with_available(&store, &["maria.santos@example.com"]).await;
    let server = InProcess::start(&store, config()).await;
    let base = &server.base;
    let now = now_s(&store).await;
    let signed = |email: &str, name: &str, at: i64, sig: String| json!({"name": name, "email": email, "signed_at": at, "signature": sig});
    let good = sign("Ana.Lima@Example.COM", "Ana Lima", now);

    // The website wrote the address in capitals; the customer's form has it in lower case.
    let (_, v) = start(
        &store,
        base,
        signed("ana.lima@example.com", "Ana Lima", now, good.clone()),
    )
    .await;
    assert!(v, "case-folded as the CRM matches");
    // Someone else's name with Ana's signature.
    let (_, v) = start(
        &store,
        base,
        signed("ana.lima@example.com", "Eve Lima", now, good.clone()),
    )
    .await;
    assert!(!v, "the name is covered");
    // Another address with Ana's signature.
    let (_, v) = start(
        &store,
        base,
        signed("eve@example.com", "Ana Lima", now, good.clone()),
    )
    .await;
    assert!(!v, "the email is covered");
    // The same signature with another time.
    let (_, v) = start(
        &store,
        base,
        signed("ana.lima@example.com", "Ana Lima", now - 1, good.clone()),
    )
    .await;
    assert!(!v, "the time is covered");
    // No time at all (the old email-only form).
    let (_, v) = start(
        &store,
        base,
        json!({"name": "Ana Lima", "email": "ana.lima@example.com", "signature": good}),
    )
    .await;
    assert!(!v, "a signature without its time verifies nothing");
    server.stop().await;
}

#[tokio::test]
async fn forged_stale_and_future_signatures_verify_nothing() {
    let (_scratch, store) = fresh().await;
    demo_with_available(&store, &["maria.santos@example.com"]).await;
    let config = Config {
        identity_max_age_s: 60,
        ..config()
    };
    let server = InProcess::start(&store, config).await;
    let base = &server.base;
    let now = now_s(&store).await;
    let email = "ana.lima@example.com";
    let body = |at: i64, sig: String| json!({"name": "Ana Lima", "email": email, "signed_at": at, "signature": sig});
    let other_secret = auth::sign_identity(
        "another-secret-of-enough-length",
        &auth::Identity {
            email,
            name: "Ana Lima",
            signed_at: now,
        },
    );
    let mut flipped = sign(email, "Ana Lima", now).into_bytes();
    flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
    let cases = [
        ("signed with another secret", body(now, other_secret)),
        (
            "one digit changed",
            body(now, String::from_utf8(flipped).unwrap()),
        ),
        ("not hex", body(now, "zz-not-hex".into())),
        ("empty", body(now, String::new())),
        ("random", body(now, "ab".repeat(32))),
        (
            "older than --identity-max-age",
            body(now - 61, sign(email, "Ana Lima", now - 61)),
        ),
        (
            "from the future",
            body(now + 3600, sign(email, "Ana Lima", now + 3600)),
        ),
        (
            "the largest time",
            body(i64::MAX, sign(email, "Ana Lima", i64::MAX)),
        ),
        (
            "the smallest time",
            body(i64::MIN, sign(email, "Ana Lima", i64::MIN)),
        ),
    ];
    for (what, body) in cases {
        let (_, v) = start(&store, base, body).await;
        assert!(!v, "{what}: must not be verified");
    }
    // Junk in the time field is a bad request, not a crash.
    let r = server_support::http()
        .post(format!("{base}/api/chats"))
        .json(&json!({"name": "Ana", "email": email, "signed_at": "soon", "signature": "00"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Within the window: verified.
    let (_, v) = start(
        &store,
        base,
        body(now - 30, sign(email, "Ana Lima", now - 30)),
    )
    .await;
    assert!(v, "a fresh signature verifies");
    server.stop().await;
}
