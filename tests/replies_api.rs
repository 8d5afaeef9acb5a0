//! Standard replies through the agents' API of a real server on a real database (SQLite, or
//! PostgreSQL with TEST_DATABASE_URL): an agent lists the site's, their queue's and their
//! own replies, adds, edits and removes their own, and is refused (403, one line) the
//! site's, a queue's and another agent's; an administrator may change them all.

mod common;
mod server_support;

use common::fresh;
use livewindow::core::reply::{ReplyDraft, ReplyScope};
use livewindow::core::{Password, Role};
use livewindow::data::wire::Command;
use livewindow::server::Config;
use livewindow::store::{InitialPassword, NewUser, Store};
use serde_json::{Value, json};
use server_support::InProcess;

const PASSWORD: &str = "correct horse battery staple";

async fn user(store: &Store, email: &str, role: Role, queue: i64) -> i64 {
    let (user, _) = store
        .add_user(&NewUser {
            name: "Someone".into(),
            email: email.into(),
            role,
            max_chats: 3,
            queues: vec![queue],
            password: InitialPassword::Given(Password::new(PASSWORD)),
        })
        .await
        .expect("user");
    user.agent.id
}

async fn token(http: &reqwest::Client, base: &str, email: &str) -> String {
    let r: Value = http
        .post(format!("{base}/api/agent/session"))
        .json(&json!({"email": email, "password": PASSWORD, "device": "test"}))
        .send()
        .await
        .expect("sign in")
        .json()
        .await
        .expect("answer");
    r["token"].as_str().expect("token").to_string()
}

async fn post(http: &reqwest::Client, base: &str, token: &str, c: &Command) -> (u16, Value) {
    let (name, body) = c.split().expect("command");
    let r = http
        .post(format!("{base}/api/agent/{name}"))
        .json(&body)
        .bearer_auth(token)
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn draft(name: &str, shortcut: &str, scope: ReplyScope) -> ReplyDraft {
    ReplyDraft {
        name: name.into(),
        shortcut: shortcut.into(),
        folder: None,
        scope,
        body_text: "Hello {{customer.first_name | \"there\"}}".into(),
        body_html: None,
    }
}

#[tokio::test]
async fn agents_change_their_own_replies_through_the_server_and_admins_all() {
    let (_db, store) = fresh().await;
    let support = store.add_queue("Support").await.unwrap();
    let billing = store.add_queue("Billing").await.unwrap();
    let agent = user(&store, "agent@example.com", Role::Agent, support).await;
    let other = user(&store, "other@example.com", Role::Agent, billing).await;
    user(&store, "admin@example.com", Role::Admin, support).await;
    let site = store
        .add_reply(&draft("Site", "site", ReplyScope::Site))
        .await
        .unwrap();
    store
        .add_reply(&draft("Support", "sup", ReplyScope::Queue(support)))
        .await
        .unwrap();
    store
        .add_reply(&draft("Billing", "bill", ReplyScope::Queue(billing)))
        .await
        .unwrap();
    let theirs = store
        .add_reply(&draft("Theirs", "theirs", ReplyScope::Agent(other)))
        .await
        .unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let base = server.base.clone();
    let http = server_support::http();
    let t = token(&http, &base, "agent@example.com").await;

    let (status, body) = post(&http, &base, &t, &Command::Replies {}).await;
    assert_eq!(status, 200, "{body}");
    let mut shortcuts: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["shortcut"].as_str().unwrap())
        .collect();
    shortcuts.sort();
    assert_eq!(shortcuts, ["site", "sup"]);

    let add = Command::AddReply {
        draft: draft("Mine", "mine", ReplyScope::Agent(agent)),
    };
    let (status, body) = post(&http, &base, &t, &add).await;
    assert_eq!(status, 200, "{body}");
    let mine = body["id"].as_i64().unwrap();
    let edit = Command::UpdateReply {
        id: mine,
        draft: draft("Mine", "mine2", ReplyScope::Agent(agent)),
    };
    assert_eq!(post(&http, &base, &t, &edit).await.0, 200);
    assert_eq!(
        post(&http, &base, &t, &Command::ReplyUsed { id: site.id })
            .await
            .0,
        200
    );
    assert_eq!(store.reply(site.id).await.unwrap().uses, 1);

    let refused = [
        Command::AddReply {
            draft: draft("S", "s", ReplyScope::Site),
        },
        Command::AddReply {
            draft: draft("Q", "q", ReplyScope::Queue(support)),
        },
        Command::AddReply {
            draft: draft("O", "o", ReplyScope::Agent(other)),
        },
        Command::UpdateReply {
            id: site.id,
            draft: draft("S", "s", ReplyScope::Site),
        },
        Command::UpdateReply {
            id: mine,
            draft: draft("S", "s", ReplyScope::Site),
        },
        Command::RemoveReply { id: site.id },
        Command::RemoveReply { id: theirs.id },
    ];
    for c in &refused {
        let (status, body) = post(&http, &base, &t, c).await;
        assert_eq!(status, 403, "{c:?}: {body}");
        assert_eq!(body["error"], "Only an administrator may do this.", "{c:?}");
    }
    // Another agent's reply is not counted for this one (they cannot see it).
    let (status, _) = post(&http, &base, &t, &Command::ReplyUsed { id: theirs.id }).await;
    assert_eq!(status, 404);
    assert_eq!(
        post(&http, &base, &t, &Command::RemoveReply { id: mine })
            .await
            .0,
        200
    );

    let a = token(&http, &base, "admin@example.com").await;
    for c in [
        Command::AddReply {
            draft: draft("S", "s", ReplyScope::Site),
        },
        Command::RemoveReply { id: theirs.id },
    ] {
        let (status, body) = post(&http, &base, &a, &c).await;
        assert_eq!(status, 200, "{c:?}: {body}");
    }
    assert_eq!(store.replies().await.unwrap().len(), 4);
    server.stop().await;
}
