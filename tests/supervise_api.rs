//! Supervisors through a real server (SQLite, or PostgreSQL with `TEST_DATABASE_URL`): who
//! may monitor, whisper, join and move (an agent gets a 403 with its line, a supervisor is
//! refused outside their queues, an administrator may everywhere), and a whisper never
//! reaching the customer's page: not its history, not its live socket, not the transcript
//! it downloads; what a supervisor says after joining reaching all three.

mod common;
mod server_support;

use common::fresh;
use livewindow::Store;
use livewindow::core::supervise::Supervision;
use livewindow::core::{AgentStatus, NewMessage, Password, Role, Sender, TransferTarget};
use livewindow::data::wire::Command;
use livewindow::server::Config;
use livewindow::store::{InitialPassword, NewUser};
use serde_json::{Value, json};
use server_support::{InProcess, http, open_live, start_chat};

const PASSWORD: &str = "correct horse battery staple";

async fn user(store: &Store, name: &str, email: &str, role: Role, queues: Vec<i64>) -> i64 {
    let (user, _) = store
        .add_user(&NewUser {
            name: name.into(),
            email: email.into(),
            role,
            max_chats: 3,
            queues,
            password: InitialPassword::Given(Password::new(PASSWORD)),
        })
        .await
        .expect("user");
    user.agent.id
}

async fn token(base: &str, email: &str) -> String {
    let r: Value = http()
        .post(format!("{base}/api/agent/session"))
        .json(&json!({"email": email, "password": PASSWORD, "device": "test"}))
        .send()
        .await
        .expect("sign in")
        .json()
        .await
        .expect("answer");
    r["token"].as_str().expect("a token").to_string()
}

async fn post(base: &str, token: &str, c: &Command) -> (u16, Value) {
    let (name, body) = c.split().expect("command");
    let r = http()
        .post(format!("{base}/api/agent/{name}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn act(a: Supervision) -> Command {
    Command::Supervise { act: a }
}

async fn page_text(base: &str, chat: i64, cookie: &str, path: &str) -> String {
    http()
        .get(format!("{base}/api/chats/{chat}/{path}"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text")
}

#[tokio::test]
async fn supervising_is_authorized_on_the_server_and_whispers_never_reach_the_page() {
    let (_db, store) = fresh().await;
    let support = store.add_queue("Support").await.unwrap();
    let billing = store.add_queue("Billing").await.unwrap();
    let maria = user(
        &store,
        "Maria Santos",
        "maria@example.com",
        Role::Agent,
        vec![support],
    )
    .await;
    let sam = user(
        &store,
        "Sam Lee",
        "sam@example.com",
        Role::Supervisor,
        vec![],
    )
    .await;
    let pat = user(
        &store,
        "Pat Kim",
        "pat@example.com",
        Role::Supervisor,
        vec![],
    )
    .await;
    user(&store, "Ada Root", "ada@example.com", Role::Admin, vec![]).await;
    store.set_supervised(sam, support, true).await.unwrap();
    store.set_supervised(pat, billing, true).await.unwrap();
    store
        .set_agent_status(maria, AgentStatus::Available)
        .await
        .unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let base = server.base.clone();

    let (chat, cookie) = start_chat(&base, "Ana Lima", "ana@example.com", "My kettle hums").await;
    store.accept(chat, maria).await.unwrap();
    let mut live = open_live(&base, chat, &cookie, 0)
        .await
        .expect("live socket");
    let (t_maria, t_sam, t_pat, t_ada) = (
        token(&base, "maria@example.com").await,
        token(&base, "sam@example.com").await,
        token(&base, "pat@example.com").await,
        token(&base, "ada@example.com").await,
    );

    // Restore tells each who may open the board.
    for (t, supervises) in [(&t_maria, false), (&t_sam, true), (&t_ada, true)] {
        let (status, restored) = post(&base, t, &Command::Restore {}).await;
        assert_eq!(status, 200);
        assert_eq!(restored["supervises"], supervises);
    }

    let monitor = Command::Monitor {
        chat_id: chat,
        newest: 20,
    };
    let whisper = |text: &str| {
        act(Supervision::Whisper {
            chat_id: chat,
            text: text.into(),
        })
    };
    // An agent: refused with its line, whatever they try.
    for c in [
        monitor.clone(),
        whisper("hi"),
        act(Supervision::Join { chat_id: chat }),
        act(Supervision::SetStatus {
            agent_id: maria,
            status: AgentStatus::Offline,
        }),
    ] {
        let (status, body) = post(&base, &t_maria, &c).await;
        assert_eq!(status, 403, "{c:?}: {body}");
        assert_eq!(body["error"], "Only a supervisor may do this.", "{body}");
        assert_eq!(body["store"]["denied"], "supervisors_only");
    }
    // A supervisor of another queue: refused, even to move it into their own.
    for c in [
        monitor.clone(),
        whisper("hi"),
        act(Supervision::Move {
            chat_id: chat,
            target: TransferTarget::Queue(billing),
        }),
        act(Supervision::SetStatus {
            agent_id: maria,
            status: AgentStatus::Away,
        }),
    ] {
        let (status, body) = post(&base, &t_pat, &c).await;
        assert_eq!(status, 403, "{c:?}: {body}");
        assert_eq!(body["error"], "You do not supervise this queue.", "{body}");
        assert_eq!(body["store"]["denied"], "not_your_queue");
    }
    // Sam may not move it out of his queues either.
    let (status, _) = post(
        &base,
        &t_sam,
        &act(Supervision::Move {
            chat_id: chat,
            target: TransferTarget::Queue(billing),
        }),
    )
    .await;
    assert_eq!(status, 403);
    // A chat that does not exist is refused like one outside the queues.
    let (status, _) = post(
        &base,
        &t_pat,
        &Command::Monitor {
            chat_id: 999_999,
            newest: 5,
        },
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        store.audit(&Default::default()).await.unwrap().is_empty(),
        "nothing refused was done"
    );

    // Sam monitors and whispers; Maria answers privately.
    let (status, opened) = post(&base, &t_sam, &monitor).await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(opened["chat"]["id"], chat);
    let (status, _) = post(&base, &t_sam, &whisper("Offer the refund")).await;
    assert_eq!(status, 200);
    let private = NewMessage {
        internal: true,
        ..NewMessage::plain(Sender::Agent, "x", None, "Refund offered")
    };
    let (status, _) = post(
        &base,
        &t_maria,
        &Command::Send {
            chat_id: chat,
            message: private,
        },
    )
    .await;
    assert_eq!(status, 200);
    // The agent's help call goes through the same server; an admin may dismiss it.
    assert_eq!(
        post(&base, &t_maria, &Command::AskHelp { chat_id: chat })
            .await
            .0,
        200
    );
    assert_eq!(
        post(&base, &t_sam, &Command::AskHelp { chat_id: chat })
            .await
            .0,
        403
    );
    assert_eq!(
        post(&base, &t_ada, &act(Supervision::Dismiss { chat_id: chat }))
            .await
            .0,
        200
    );

    // Join, say, leave: those the page shows.
    assert_eq!(
        post(&base, &t_sam, &act(Supervision::Join { chat_id: chat }))
            .await
            .0,
        200
    );
    let say = act(Supervision::Say {
        chat_id: chat,
        message: NewMessage::plain(Sender::Customer, "Mallory", Some(maria), "Sam here, sorry"),
    });
    assert_eq!(post(&base, &t_sam, &say).await.0, 200);
    // Every frame the page was sent since it opened, until Sam's line and a little after.
    let mut frames = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !frames.contains("Sam here, sorry") {
        let m = tokio::time::timeout_at(deadline, futures::StreamExt::next(&mut live))
            .await
            .expect("Sam's line on the page's socket within 5 s")
            .expect("the socket stays open")
            .expect("a frame");
        frames.push_str(&m.to_string());
    }
    while let Ok(Some(Ok(m))) = tokio::time::timeout(
        std::time::Duration::from_millis(500),
        futures::StreamExt::next(&mut live),
    )
    .await
    {
        frames.push_str(&m.to_string());
    }
    assert!(
        frames.contains("Sam Lee (supervisor) joined the chat"),
        "{frames}"
    );
    assert!(frames.contains(r#""name":"Sam Lee""#), "{frames}");
    let history = page_text(&base, chat, &cookie, "messages").await;
    let after = page_text(&base, chat, &cookie, "messages?after=0").await;
    let transcript = page_text(&base, chat, &cookie, "transcript").await;
    for hidden in [
        "Offer the refund",
        "Refund offered",
        "is monitoring this chat",
    ] {
        for (what, text) in [
            ("history", &history),
            ("history after", &after),
            ("transcript", &transcript),
            ("socket", &frames),
        ] {
            assert!(
                !text.contains(hidden),
                "{hidden:?} reached the page's {what}: {text}"
            );
        }
    }
    for shown in ["Sam here, sorry", "Sam Lee (supervisor) joined the chat"] {
        assert!(history.contains(shown), "{shown} missing from the history");
        assert!(
            transcript.contains(shown),
            "{shown} missing from the transcript"
        );
    }
    server.stop().await;
}
