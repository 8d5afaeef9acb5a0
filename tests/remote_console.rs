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
    let url = client::server_url(&server.base, false).expect("a loopback server");

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
    let nobody = client::server_url("http://127.0.0.1:9", false).unwrap();
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
