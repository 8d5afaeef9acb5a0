//! The console over the agents' API: a desktop that signs in to `livewindow server` and
//! reaches its data only through it (`livewindow::client::Remote`), on a real database
//! (SQLite, or PostgreSQL with `TEST_DATABASE_URL`).

mod common;
mod server_support;
mod ui;

use common::{demo_with_available, fresh};
use futures::StreamExt;
use livewindow::client::{self, SignInProblem};
use livewindow::core::{ChatState, Password, Sender, SessionEnd, StoreError};
use livewindow::data::wire::SignInRefusal;
use livewindow::data::{ConsoleData, DeskEvent, FeedItem};
use livewindow::server::Config;
use livewindow::ui::console::Message;
use livewindow::ui::interaction;
use server_support::InProcess;
use std::sync::Arc;
use std::time::{Duration, Instant};
use ui::Harness;

const MARIA: &str = "maria.santos@example.com";
const PASSWORD: &str = "correct horse battery staple";

#[tokio::test]
async fn sign_in_take_a_chat_and_be_signed_out_through_the_server() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    store
        .set_password(maria, &Password::new(PASSWORD))
        .await
        .unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let url = client::Server::new(&server.base, false, None).expect("a loopback server");

    // Refusals, each with its own line.
    let wrong = client::sign_in(&url, MARIA, &Password::new("not the password"), "test")
        .await
        .unwrap_err();
    assert!(
        matches!(
            &wrong,
            SignInProblem::Refused {
                refusal: SignInRefusal::BadCredentials,
                ..
            }
        ),
        "{wrong:?}"
    );
    assert_eq!(wrong.to_string(), "The email or the password is not right.");
    let nobody = client::Server::new("http://127.0.0.1:9", false, None).unwrap();
    let down = client::sign_in(&nobody, MARIA, &Password::new(PASSWORD), "test")
        .await
        .unwrap_err();
    assert!(matches!(down, SignInProblem::Unreachable(_)), "{down:?}");

    let (remote, answer) = client::sign_in(&url, MARIA, &Password::new(PASSWORD), "test laptop")
        .await
        .expect("sign in");
    assert_eq!((answer.agent_id, answer.email.as_str()), (maria, MARIA));
    assert!(
        !format!("{remote:?}").contains(&answer.token),
        "no token in Debug"
    );

    // The desk's events arrive over the socket.
    let restored = remote.restore().await.expect("restore");
    let mut feed = remote.events(restored.last_event);
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
    let offered = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match feed.next().await {
                Some(Ok(FeedItem {
                    event: DeskEvent::Offered(o),
                    ..
                })) if o.chat_id == chat => return o,
                Some(Ok(_)) => {}
                other => panic!("the feed gave {other:?}"),
            }
        }
    })
    .await
    .expect("the offer arrives over the socket");
    assert_eq!(offered.customer_name, "Ana Lima");

    // The console, every call through the server: accept, verify, reply.
    let dir = tempfile::tempdir().unwrap();
    let data: livewindow::data::Data = Arc::new(remote.clone());
    let mut h = Harness::open_over(&store, data, dir.path().into()).await;
    h.pump().await;
    assert!(h.shows("Ana Lima"));
    h.click("Accept (Alt+A)").await;
    assert_eq!(store.chat(chat).await.unwrap().state, ChatState::Active);
    h.click("Verify and Continue").await;
    h.focus(&format!("composer-{chat}")).await;
    h.typing("Let me look at your filter.").await;
    h.send(Message::Chat(chat, interaction::Message::Send))
        .await;
    let last = store.messages(chat).await.unwrap().pop().unwrap();
    assert_eq!(last.body_text, "Let me look at your filter.");
    assert_eq!(
        (last.sender, last.sender_name.as_str()),
        (Sender::Agent, "Maria Santos")
    );

    // An administrator ends the session: the socket says so within two seconds, and every
    // call is refused with the same reason.
    let revoked = Instant::now();
    assert_eq!(store.revoke_sessions_of(maria).await.unwrap(), 1);
    let ended = tokio::time::timeout(Duration::from_secs(3), async {
        loop {
            match feed.next().await {
                Some(Err(e)) => return e,
                Some(Ok(_)) => {}
                None => panic!("the feed ended without saying why"),
            }
        }
    })
    .await
    .expect("the feed tells");
    assert!(revoked.elapsed() < Duration::from_secs(2));
    let signed_out = StoreError::SignedOut {
        why: Some(SessionEnd::Revoked),
    };
    assert_eq!(ended, signed_out);
    assert!(feed.next().await.is_none(), "and ends");
    assert_eq!(remote.restore().await.unwrap_err(), signed_out);
    assert_eq!(
        signed_out.to_string(),
        "An administrator ended this session."
    );
    server.stop().await;
}

/// `livewindow server --tls-cert --tls-key`: the desktop signs in over https and follows
/// its desk over wss when it trusts the server's authority (`--server-ca`), and refuses a
/// server whose certificate it cannot trust, saying so. The chat page's cookie is Secure.
#[tokio::test]
async fn a_desktop_reaches_a_tls_server_it_trusts_and_refuses_one_it_does_not() {
    let (db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    store
        .set_password(maria, &Password::new(PASSWORD))
        .await
        .unwrap();
    let tls = server_support::TestTls::make();
    let server =
        server_support::Process::spawn_tls(&db.url, server_support::free_port(), &tls).await;
    assert!(server.base.starts_with("https://localhost:"));

    // Not trusted: the system's authorities do not know the test's.
    let untrusted = client::Server::new(&server.base, false, None).unwrap();
    let refused = client::sign_in(&untrusted, MARIA, &Password::new(PASSWORD), "test")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, SignInProblem::Unreachable(_)),
        "{refused:?}"
    );
    // Plain http to the TLS port is no server.
    let plain = server.base.replace("https://localhost", "http://127.0.0.1");
    let plain = client::Server::new(&plain, false, None).unwrap();
    assert!(
        client::sign_in(&plain, MARIA, &Password::new(PASSWORD), "test")
            .await
            .is_err()
    );

    let trusted = client::Server::new(&server.base, false, Some(&tls.ca)).unwrap();
    let (remote, _) = client::sign_in(&trusted, MARIA, &Password::new(PASSWORD), "test")
        .await
        .expect("sign in over https");
    let restored = remote.restore().await.expect("restore over https");
    let mut feed = remote.events(restored.last_event);
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    let chat = store
        .enqueue("Ana Lima", "ana.lima@example.com", q, Some("Hello"))
        .await
        .unwrap();
    let offered = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(Ok(FeedItem {
                event: DeskEvent::Offered(o),
                ..
            })) = feed.next().await
                && o.chat_id == chat
            {
                return o;
            }
        }
    })
    .await
    .expect("the offer over wss");
    assert_eq!(offered.customer_name, "Ana Lima");

    // The customers' page on the same https port: its cookie is Secure, with HSTS.
    let r = tls
        .client()
        .post(format!("{}/api/chats", server.base))
        .header("origin", &server.base)
        .json(&serde_json::json!({"name": "Bo Chen", "email": "bo@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let (_, set_cookie) = server_support::chat_cookie(&r);
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
    assert!(r.headers().contains_key("strict-transport-security"));
}
