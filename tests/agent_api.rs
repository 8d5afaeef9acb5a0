//! The agents' API through a real server on a real database (SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`): signing in, the permission matrix (every command × every role ×
//! the caller's own chat, an offer to them, someone else's chat and offer, a chat that does
//! not exist), no token, and a revoked session's event socket closing within 2 s.

mod common;
mod server_support;

use common::fresh;
use futures::StreamExt;
use livewindow::Store;
use livewindow::core::crm::{ContactDraft, Draft, RecordEdit, RecordKind};
use livewindow::core::{AgentStatus, NewMessage, Password, Role, Sender, TransferTarget};
use livewindow::data::wire::Command;
use livewindow::server::Config;
use livewindow::store::{InitialPassword, NewUser};
use serde_json::{Value, json};
use server_support::InProcess;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const PASSWORD: &str = "correct horse battery staple";

struct World {
    store: Store,
    queue: i64,
    contact: i64,
}

async fn user(store: &Store, email: &str, role: Role, max_chats: i64, queue: i64) -> i64 {
    let (user, _) = store
        .add_user(&NewUser {
            name: email.split('@').next().unwrap_or("x").to_string(),
            email: email.to_string(),
            role,
            max_chats,
            queues: vec![queue],
            password: InitialPassword::Given(Password::new(PASSWORD)),
        })
        .await
        .expect("user");
    user.agent.id
}

/// A chat offered by routing to whichever agent is available with room.
async fn offered(w: &World, to: i64) -> i64 {
    let chat = w
        .store
        .enqueue("Ana Lima", "ana.lima@example.com", w.queue, Some("Hello"))
        .await
        .expect("enqueue");
    let parties = w.store.chat_parties(chat).await.unwrap().unwrap();
    assert_eq!(
        parties.offered_agent_id,
        Some(to),
        "chat {chat} offered to {to}"
    );
    chat
}

async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    http.post(format!("{base}/api/agent/session"))
        .json(&json!({"email": email, "password": password, "device": "test laptop"}))
        .send()
        .await
        .expect("sign in")
}

async fn post(
    http: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    c: &Command,
) -> (u16, Value) {
    let (name, body) = c.split().expect("command");
    let mut r = http.post(format!("{base}/api/agent/{name}")).json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn message(text: &str) -> NewMessage {
    // Whoever the body claims to be, the server sends as the session's agent.
    NewMessage::plain(Sender::Customer, "Mallory", Some(1), text)
}

/// Every command, on chat `chat`, in an order where none undoes what a later one needs.
fn commands(w: &World, chat: i64) -> Vec<Command> {
    vec![
        Command::OpenChat {
            chat_id: chat,
            newest: 20,
        },
        Command::EarlierMessages {
            chat_id: chat,
            before: i64::MAX,
            limit: 20,
        },
        Command::Typing { chat_id: chat },
        Command::Send {
            chat_id: chat,
            message: message("hello from the matrix"),
        },
        Command::Verify {
            chat_id: chat,
            contact_id: w.contact,
        },
        Command::EndChat { chat_id: chat },
        Command::WrapUp {
            chat_id: chat,
            disposition: "Resolved".into(),
            note: String::new(),
        },
        Command::Transfer {
            chat_id: chat,
            target: TransferTarget::Queue(w.queue),
            note: String::new(),
        },
    ]
}

/// Commands that touch no chat: open to every signed-in user.
fn desk_and_crm(w: &World) -> Vec<Command> {
    let draft = ContactDraft {
        first_name: "Matrix".into(),
        last_name: "Test".into(),
        email: format!("matrix.{}@example.com", w.contact),
        phone: String::new(),
        account_id: None,
    };
    vec![
        Command::Restore {},
        Command::Tick {
            desk: "desk-matrix".into(),
            measure: false,
        },
        Command::TransferTargets {},
        Command::SearchContacts {
            query: "Lima".into(),
            limit: 5,
        },
        Command::SearchAccounts {
            query: "a".into(),
            limit: 5,
        },
        Command::MatchContact {
            email: "ana.lima@example.com".into(),
            name: "Ana Lima".into(),
        },
        Command::ScreenPop {
            contact_id: w.contact,
        },
        Command::Record {
            kind: RecordKind::Contact,
            id: w.contact,
        },
        Command::SaveRecord {
            edit: RecordEdit {
                id: None,
                version: 0,
                draft: Draft::Contact(draft.clone()),
            },
        },
        Command::CreateContact {
            draft: ContactDraft {
                email: format!("other.{}", draft.email),
                ..draft
            },
        },
    ]
}

fn refused(status: u16, body: &Value, what: &str) {
    assert_eq!(status, 403, "{what}: {body}");
    assert!(body["store"]["denied"].is_string(), "{what}: {body}");
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{what}"
    );
}

fn let_through(status: u16, body: &Value, what: &str) {
    assert!(
        status != 401 && status != 403 && status < 500,
        "{what}: {status} {body}"
    );
}

#[tokio::test]
async fn every_command_for_every_role_on_own_and_others_chats() {
    let (_scratch, store) = fresh().await;
    store.seed_demo().await.expect("seed");
    let queue = store.add_queue("Matrix").await.expect("queue");
    let other = user(&store, "other@example.com", Role::Agent, 20, queue).await;
    let contact = store
        .create_contact(
            &ContactDraft {
                first_name: "Ana".into(),
                last_name: "Lima".into(),
                email: "ana.lima@example.com".into(),
                phone: String::new(),
                account_id: None,
            },
            other,
        )
        .await
        .expect("contact")
        .id;
    let w = World {
        store: store.clone(),
        queue,
        contact,
    };
    let server = InProcess::start(&store, Config::default()).await;
    let base = server.base.clone();
    let http = server_support::http();

    for (n, role) in Role::ALL.into_iter().enumerate() {
        let email = format!("caller{n}@example.com");
        let me = user(&store, &email, role, 3, queue).await;
        // Only the caller is available: three offers to them, one accepted.
        store
            .set_agent_status(other, AgentStatus::Offline)
            .await
            .unwrap();
        store
            .set_agent_status(me, AgentStatus::Available)
            .await
            .unwrap();
        let mine = offered(&w, me).await;
        store.accept(mine, me).await.expect("accept");
        let offer_to_accept = offered(&w, me).await;
        let offer_to_decline = offered(&w, me).await;
        // The caller is full: the next go to the other agent.
        store
            .set_agent_status(other, AgentStatus::Available)
            .await
            .unwrap();
        let theirs = offered(&w, other).await;
        store.accept(theirs, other).await.expect("accept");
        let offered_to_other = offered(&w, other).await;

        let r = sign_in(&http, &base, &email, "wrong password").await;
        assert_eq!(r.status(), 401, "{role}: a wrong password");
        let r = sign_in(&http, &base, &email, PASSWORD).await;
        assert_eq!(r.status(), 201, "{role}: sign in");
        let answer: Value = r.json().await.unwrap();
        assert_eq!(answer["role"], role.as_str());
        let token = answer["token"].as_str().expect("token").to_string();
        let t = Some(token.as_str());

        for c in desk_and_crm(&w) {
            let (status, body) = post(&http, &base, t, &c).await;
            let_through(status, &body, &format!("{role} {c:?}"));
            if let Command::CreateContact { .. } = c {
                // The edit is recorded as the session's agent's, with its time.
                let id = body["id"].as_i64().expect("the new contact's id");
                let edits = store.record_edits(RecordKind::Contact, id).await.unwrap();
                assert_eq!(edits.len(), 1, "{edits:?}");
                assert_eq!(
                    (edits[0].agent_id, edits[0].action.as_str()),
                    (me, "create")
                );
                assert!(edits[0].at_ms > 0);
            }
            let (status, _) = post(&http, &base, None, &c).await;
            assert_eq!(status, 401, "{role} {c:?} without a token");
        }
        // Someone else's chat, an offer to someone else, a chat that does not exist: every
        // chat command refused before it runs.
        for chat in [theirs, offered_to_other, 999_999_999] {
            let mut all = commands(&w, chat);
            all.push(Command::Accept { chat_id: chat });
            all.push(Command::Decline {
                chat_id: chat,
                reason: None,
            });
            for c in all {
                let (status, body) = post(&http, &base, t, &c).await;
                refused(status, &body, &format!("{role} {c:?}"));
            }
        }
        let parties = store.chat_parties(theirs).await.unwrap().unwrap();
        assert_eq!(
            parties.agent_id,
            Some(other),
            "the refused commands changed nothing"
        );

        // An offer to the caller: readable, not yet workable; then answered.
        for c in commands(&w, offer_to_accept) {
            let (status, body) = post(&http, &base, t, &c).await;
            let reading = matches!(
                c,
                Command::OpenChat { .. } | Command::EarlierMessages { .. }
            );
            if reading {
                let_through(status, &body, &format!("{role} {c:?} on an offer"));
            } else {
                refused(status, &body, &format!("{role} {c:?} on an offer"));
            }
        }
        let decline = Command::Decline {
            chat_id: offer_to_decline,
            reason: Some("busy".into()),
        };
        let (status, body) = post(&http, &base, t, &decline).await;
        assert_eq!(status, 200, "{role} declines an offer to them: {body}");
        let accept = Command::Accept {
            chat_id: offer_to_accept,
        };
        let (status, body) = post(&http, &base, t, &accept).await;
        assert_eq!(status, 200, "{role} accepts an offer to them: {body}");
        assert_eq!(body["agent_id"], me);

        // The caller's own chat: every command runs (a later one may find it ended).
        for c in [
            Command::Accept { chat_id: mine },
            Command::Decline {
                chat_id: mine,
                reason: None,
            },
        ] {
            let (status, body) = post(&http, &base, t, &c).await;
            refused(status, &body, &format!("{role} {c:?} on their own chat"));
        }
        for c in commands(&w, mine) {
            let (status, body) = post(&http, &base, t, &c).await;
            let_through(status, &body, &format!("{role} {c:?} on their own chat"));
        }
        let sent = store.messages_page(mine, None, 50).await.unwrap().0;
        let m = sent
            .iter()
            .find(|m| m.body_text == "hello from the matrix")
            .expect("sent");
        assert_eq!(
            (m.sender, m.sender_name.as_str()),
            (Sender::Agent, format!("caller{n}").as_str()),
            "sent as the session's agent, not as the body said"
        );
        store
            .set_agent_status(me, AgentStatus::Offline)
            .await
            .unwrap();
    }
    server.stop().await;
}

#[tokio::test]
async fn a_revoked_session_is_refused_and_its_socket_closes_within_two_seconds() {
    let (_scratch, store) = fresh().await;
    let queue = store.add_queue("Revoke").await.expect("queue");
    let me = user(&store, "ana@example.com", Role::Agent, 3, queue).await;
    let server = InProcess::start(&store, Config::default()).await;
    let base = server.base.clone();
    let http = server_support::http();
    let r = sign_in(&http, &base, "ana@example.com", PASSWORD).await;
    let token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _) = post(&http, &base, Some(&token), &Command::Restore {}).await;
    assert_eq!(status, 200);

    let mut request = format!("{}/api/agent/events?after=0", base.replace("http", "ws"))
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("events");
    // The socket without the header is refused at the upgrade.
    let bare = format!("{}/api/agent/events", base.replace("http", "ws"));
    assert!(tokio_tungstenite::connect_async(bare).await.is_err());

    let session = store.list_sessions(Some(me)).await.unwrap()[0].id;
    let revoked_at = Instant::now();
    assert!(store.revoke_session(session).await.unwrap());
    let closed = tokio::time::timeout(Duration::from_secs(3), async {
        while let Some(frame) = socket.next().await {
            if let Ok(tokio_tungstenite::tungstenite::Message::Close(Some(f))) = frame {
                return Some((u16::from(f.code), f.reason.to_string()));
            }
        }
        None
    })
    .await
    .expect("the socket closes")
    .expect("with a close frame");
    assert!(
        revoked_at.elapsed() < Duration::from_secs(2),
        "{:?}",
        revoked_at.elapsed()
    );
    assert_eq!(closed.0, 4401);
    assert_eq!(closed.1, r#"{"session":"revoked"}"#);

    let (status, body) = post(&http, &base, Some(&token), &Command::Restore {}).await;
    assert_eq!(status, 401);
    assert_eq!(body["session"], "revoked", "{body}");
    server.stop().await;
}

/// Heartbeats through the server are answered from what it knows and written together: a
/// second desktop of the same agent takes the desk over, and the first one's next
/// heartbeat says so; the second's is alive, and reaches the database within a few seconds.
#[tokio::test]
async fn a_desktop_taken_over_learns_it_at_its_next_heartbeat() {
    let (_scratch, store) = fresh().await;
    let queue = store.add_queue("Beats").await.expect("queue");
    let me = user(&store, "ana@example.com", Role::Agent, 3, queue).await;
    let server = InProcess::start(&store, Config::default()).await;
    let base = server.base.clone();
    let http = server_support::http();
    let mut desks = Vec::new();
    for _ in 0..2 {
        let r = sign_in(&http, &base, "ana@example.com", PASSWORD).await;
        let token = r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string();
        let (status, restored) = post(&http, &base, Some(&token), &Command::Restore {}).await;
        assert_eq!(status, 200);
        let desk = restored["desk"].as_str().unwrap().to_string();
        // A heartbeat of each, so the server knows the agent.
        let tick = Command::Tick {
            desk: desk.clone(),
            measure: false,
        };
        post(&http, &base, Some(&token), &tick).await;
        desks.push((token, tick));
    }
    let (status, first) = post(&http, &base, Some(&desks[0].0), &desks[0].1).await;
    assert_eq!(status, 200);
    assert_eq!(
        first,
        json!("Superseded"),
        "the first desktop was taken over"
    );
    let (_, second) = post(&http, &base, Some(&desks[1].0), &desks[1].1).await;
    assert!(second["Alive"].is_object(), "{second}");

    let seen = || async {
        sqlx::query_scalar::<_, i64>("SELECT last_seen_ms FROM agents WHERE id = $1")
            .bind(me)
            .fetch_one(store.pool())
            .await
            .unwrap()
    };
    let before = seen().await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    post(&http, &base, Some(&desks[1].0), &desks[1].1).await;
    let start = Instant::now();
    while seen().await == before {
        assert!(start.elapsed() < Duration::from_secs(5), "never written");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.stop().await;
}
