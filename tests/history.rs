//! The customer's earlier conversations and message search as the console asks for them,
//! on a real store (SQLite, or PostgreSQL with `TEST_DATABASE_URL`) and through a real
//! server: a contact's chats newest first and paged, the same email's before verification,
//! who may open an earlier chat (and see its private lines), and what a search shows whom.

mod common;
mod server_support;

use common::fresh;
use livewindow::Store;
use livewindow::core::crm::ContactDraft;
use livewindow::core::history::{HistoryOf, HistoryQuery};
use livewindow::core::search::MessageQuery;
use livewindow::core::supervise::Supervision;
use livewindow::core::{AgentStatus, NewMessage, Password, Role, Sender, StoreError};
use livewindow::data::ConsoleData;
use livewindow::data::wire::Command;
use livewindow::server::Config;
use livewindow::store::{InitialPassword, NewUser};
use serde_json::{Value, json};
use server_support::{InProcess, http};

const PASSWORD: &str = "correct horse battery staple";

async fn user(store: &Store, name: &str, email: &str, role: Role, queues: Vec<i64>) -> i64 {
    let (user, _) = store
        .add_user(&NewUser {
            name: name.into(),
            email: email.into(),
            role,
            max_chats: 10,
            queues,
            password: InitialPassword::Given(Password::new(PASSWORD)),
        })
        .await
        .expect("user");
    user.agent.id
}

/// A chat from `email` in `queue` taken by `agent` (the only one Available while it is
/// offered): the customer's line, the agent's answer, and (with `end`) ended and wrapped up
/// as Resolved.
async fn chat(store: &Store, queue: i64, agent: i64, email: &str, line: &str, end: bool) -> i64 {
    let status = |s| store.set_agent_status(agent, s);
    status(AgentStatus::Available).await.expect("status");
    let id = store
        .enqueue("Ana Lima", email, queue, Some(line))
        .await
        .expect("enqueue");
    store.accept(id, agent).await.expect("accept");
    status(AgentStatus::Away).await.expect("status");
    let name = store.agent(agent).await.expect("agent").name;
    store
        .send_message(
            id,
            &NewMessage::plain(Sender::Agent, &name, Some(agent), "Happy to help"),
        )
        .await
        .expect("answer");
    if end {
        store.end_chat_as(id, agent).await.expect("end");
        store
            .wrap_up(id, agent, "Resolved", "")
            .await
            .expect("wrap up");
    }
    id
}

struct Centre {
    store: Store,
    support: i64,
    billing: i64,
    maria: i64,
    james: i64,
    sam: i64,
    ana: i64,
}

async fn centre(store: Store) -> Centre {
    let support = store.add_queue("Support").await.expect("queue");
    let billing = store.add_queue("Billing").await.expect("queue");
    let maria = user(
        &store,
        "Maria Santos",
        "maria@example.com",
        Role::Agent,
        vec![support, billing],
    )
    .await;
    let james = user(
        &store,
        "James Chen",
        "james@example.com",
        Role::Agent,
        vec![support, billing],
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
    store
        .set_supervised(sam, billing, true)
        .await
        .expect("supervise");
    let ana = store
        .create_contact(
            &ContactDraft {
                first_name: "Ana".into(),
                last_name: "Lima".into(),
                email: "ana.lima@example.com".into(),
                phone: String::new(),
                account_id: None,
            },
            maria,
        )
        .await
        .expect("contact")
        .id;
    Centre {
        store,
        support,
        billing,
        maria,
        james,
        sam,
        ana,
    }
}

#[tokio::test]
async fn a_contacts_earlier_chats_newest_first_paged_and_by_email_before_verification() {
    let (_db, store) = fresh().await;
    let c = centre(store).await;
    let s = &c.store;
    let mut verified = Vec::new();
    for (i, line) in ["kettle hums", "kettle leaks", "kettle sparks"]
        .iter()
        .enumerate()
    {
        let agent = if i % 2 == 0 { c.maria } else { c.james };
        let id = chat(s, c.support, agent, "ana.lima@example.com", line, false).await;
        s.verify_contact(id, agent, c.ana).await.expect("verify");
        s.end_chat_as(id, agent).await.expect("end");
        s.wrap_up(id, agent, "Resolved", "").await.expect("wrap up");
        verified.push(id);
    }
    // Not verified, and with the email in other capitals: only the email's list has it.
    let unverified = chat(
        s,
        c.billing,
        c.james,
        "Ana.Lima@Example.com",
        "toaster",
        true,
    )
    .await;
    // Someone else altogether.
    chat(s, c.support, c.maria, "bob@example.com", "kettle", true).await;
    // Ana again, now, with Maria.
    let now = chat(
        s,
        c.support,
        c.maria,
        "ana.lima@example.com",
        "hello again",
        false,
    )
    .await;

    let first = s
        .history(&HistoryQuery {
            limit: 2,
            ..HistoryQuery::first(HistoryOf::Contact(c.ana), Some(now))
        })
        .await
        .expect("history");
    let ids: Vec<i64> = first.chats.iter().map(|p| p.chat_id).collect();
    assert_eq!(
        ids,
        vec![verified[2], verified[1]],
        "newest first, two a page"
    );
    assert!(first.more);
    assert_eq!(first.chats[0].first_line, "kettle sparks");
    assert_eq!(first.chats[0].queue_name, "Support");
    assert_eq!(first.chats[0].agent_name.as_deref(), Some("Maria Santos"));
    assert_eq!(first.chats[0].disposition.as_deref(), Some("Resolved"));
    assert_eq!(first.chats[1].agent_name.as_deref(), Some("James Chen"));
    let q = HistoryQuery {
        limit: 2,
        ..HistoryQuery::first(HistoryOf::Contact(c.ana), Some(now))
    };
    let second = s.history(&q.after(ids[1])).await.expect("page two");
    assert_eq!(
        second.chats.iter().map(|p| p.chat_id).collect::<Vec<_>>(),
        vec![verified[0]]
    );
    assert!(!second.more);

    let by_email = s
        .history(&HistoryQuery::first(HistoryOf::SameEmailAs(now), Some(now)))
        .await
        .expect("by email");
    let ids: Vec<i64> = by_email.chats.iter().map(|p| p.chat_id).collect();
    assert_eq!(
        ids,
        vec![unverified, verified[2], verified[1], verified[0]],
        "every ended chat from the email, whatever its capitals, not the current one"
    );

    // The customer's answer to "How did we do?" shows in the list.
    let rating = livewindow::core::csat::Rating::new(4, Some("Quick")).expect("a rating");
    s.rate_chat(verified[1], &rating).await.expect("rated");
    let page = s
        .history(&HistoryQuery::first(HistoryOf::Contact(c.ana), None))
        .await
        .expect("history");
    let rated: Vec<(i64, Option<i16>)> = page.chats.iter().map(|p| (p.chat_id, p.rating)).collect();
    assert!(
        rated.contains(&(verified[1], Some(4))) && rated.contains(&(verified[0], None)),
        "{rated:?}"
    );

    let bad = s
        .history(&HistoryQuery {
            limit: 0,
            ..HistoryQuery::first(HistoryOf::Contact(c.ana), None)
        })
        .await;
    assert!(matches!(bad, Err(StoreError::Rule { .. })), "{bad:?}");
}

#[tokio::test]
async fn who_may_open_an_earlier_chat_and_see_its_private_lines() {
    let (_db, store) = fresh().await;
    let c = centre(store).await;
    let s = &c.store;
    // James's Billing chat with Ana, not verified, with a supervisor's whisper in it.
    let theirs = chat(
        s,
        c.billing,
        c.james,
        "ana.lima@example.com",
        "double charge",
        false,
    )
    .await;
    s.supervise(
        c.sam,
        &Supervision::Whisper {
            chat_id: theirs,
            text: "offer the refund".into(),
        },
    )
    .await
    .expect("whisper");
    s.end_chat_as(theirs, c.james).await.expect("end");

    let maria = s.past_access(c.maria, theirs, false).await.expect("access");
    assert!(
        !maria.may_read(),
        "not hers, not verified, no chat of Ana's open"
    );
    let james = s.past_access(c.james, theirs, false).await.expect("access");
    assert!(james.may_read() && james.shows_private());
    let sam = s.past_access(c.sam, theirs, false).await.expect("access");
    assert!(
        sam.may_read() && sam.shows_private(),
        "he supervises Billing"
    );

    // Ana comes back and Maria takes her: the same email opens it, without the whisper.
    let now = chat(
        s,
        c.support,
        c.maria,
        "ANA.LIMA@example.com",
        "me again",
        false,
    )
    .await;
    let maria = s.past_access(c.maria, theirs, false).await.expect("access");
    assert!(maria.may_read() && !maria.shows_private());
    let desk = s.served_desk(c.maria);
    let seen = desk.past_chat(theirs, 100).await.expect("past chat");
    let lines: Vec<&str> = seen.messages.iter().map(|m| m.body_text.as_str()).collect();
    assert!(lines.contains(&"double charge"), "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("refund")), "{lines:?}");
    let james_sees = s
        .served_desk(c.james)
        .past_chat(theirs, 100)
        .await
        .expect("past chat");
    assert!(
        james_sees
            .messages
            .iter()
            .any(|m| m.body_text == "offer the refund")
    );

    // Verified to Ana, it is part of her records: any agent may read it.
    s.end_chat_as(now, c.maria).await.expect("end");
    s.wrap_up(now, c.maria, "Resolved", "")
        .await
        .expect("wrap up");
    let other = chat(s, c.support, c.james, "bob@example.com", "hi", false).await;
    s.verify_contact(other, c.james, c.ana)
        .await
        .expect("verify");
    let maria_on_other = s.past_access(c.maria, other, false).await.expect("access");
    assert!(maria_on_other.may_read() && !maria_on_other.shows_private());
    assert!(
        !s.past_access(c.maria, 999_999, false)
            .await
            .expect("access")
            .may_read()
    );
}

#[tokio::test]
async fn a_search_shows_each_agent_what_they_may_see_and_never_a_whisper() {
    let (_db, store) = fresh().await;
    let c = centre(store).await;
    let s = &c.store;
    let marias = chat(
        s,
        c.support,
        c.maria,
        "ana@example.com",
        "my invoice is wrong",
        true,
    )
    .await;
    let maria_billing = chat(
        s,
        c.billing,
        c.maria,
        "carl@example.com",
        "an invoice copy",
        true,
    )
    .await;
    let james_billing = chat(
        s,
        c.billing,
        c.james,
        "bob@example.com",
        "invoice twice",
        false,
    )
    .await;
    s.supervise(
        c.sam,
        &Supervision::Whisper {
            chat_id: james_billing,
            text: "invoice credit is fine".into(),
        },
    )
    .await
    .expect("whisper");
    let found = |agent: i64, queue: Option<i64>| {
        let q = MessageQuery {
            queue_id: queue,
            ..MessageQuery::new("invoice")
        };
        let served = s.served_desk(agent);
        async move {
            let hits = served.search_messages(q).await.expect("search");
            let mut chats: Vec<i64> = hits.hits.iter().map(|h| h.chat_id).collect();
            chats.sort();
            chats.dedup();
            (chats, hits.hits.iter().any(|h| h.internal))
        }
    };
    assert_eq!(
        found(c.maria, None).await,
        (vec![marias, maria_billing], false)
    );
    assert_eq!(found(c.james, None).await, (vec![james_billing], false));
    // Sam took part only in the chat he whispered in (his whisper is never a hit); filtering
    // by Billing, which he supervises, shows all of it, and Support none.
    assert_eq!(found(c.sam, None).await, (vec![james_billing], false));
    assert_eq!(
        found(c.sam, Some(c.billing)).await,
        (vec![maria_billing, james_billing], false)
    );
    assert_eq!(found(c.sam, Some(c.support)).await, (vec![], false));
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

#[tokio::test]
async fn the_server_authorizes_history_and_earlier_chats() {
    let (_db, store) = fresh().await;
    let c = centre(store).await;
    let s = &c.store;
    let james_chat = chat(
        s,
        c.billing,
        c.james,
        "ana.lima@example.com",
        "double charge",
        true,
    )
    .await;
    let maria_bob = chat(s, c.support, c.maria, "bob@example.com", "hello", false).await;
    let server = InProcess::start(s, Config::default()).await;
    let base = server.base.clone();
    let (maria, james) = (
        token(&base, "maria@example.com").await,
        token(&base, "james@example.com").await,
    );

    // Maria may not open James's unverified chat with Ana, nor list Ana's email through
    // a chat that is not hers.
    let (status, body) = post(
        &base,
        &maria,
        &Command::PastChat {
            chat_id: james_chat,
            newest: 50,
        },
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"], "This chat is not yours.", "{body}");
    assert_eq!(body["store"]["denied"], "not_your_chat");
    let (status, _) = post(
        &base,
        &maria,
        &Command::History {
            query: HistoryQuery::first(HistoryOf::SameEmailAs(james_chat), None),
        },
    )
    .await;
    assert_eq!(status, 403);
    // James may; and Maria may list Bob's earlier chats through her own chat with him.
    let (status, body) = post(
        &base,
        &james,
        &Command::PastChat {
            chat_id: james_chat,
            newest: 50,
        },
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["chat"]["first_line"], "double charge");
    let (status, body) = post(
        &base,
        &maria,
        &Command::History {
            query: HistoryQuery::first(HistoryOf::SameEmailAs(maria_bob), Some(maria_bob)),
        },
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["chats"], json!([]));

    // A search through the server is the desk's: Maria finds nothing of James's.
    let (status, body) = post(
        &base,
        &maria,
        &Command::SearchMessages {
            query: MessageQuery::new("charge"),
        },
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["hits"], json!([]));
    // Even when she claims to see everything: the server decides who sees what.
    let (status, body) = post(
        &base,
        &maria,
        &Command::SearchMessages {
            query: MessageQuery {
                visible_to: None,
                include_internal: true,
                ..MessageQuery::new("charge")
            },
        },
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["hits"], json!([]));
    let (status, body) = post(
        &base,
        &james,
        &Command::SearchMessages {
            query: MessageQuery::new("charge"),
        },
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["hits"][0]["chat_id"], json!(james_chat));
}
