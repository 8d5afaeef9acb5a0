//! The bus between server processes (`livewindow server --bus nats://…`): two real servers
//! on one PostgreSQL and Debian's nats-server, a customer on one and the agent on the
//! other, typing and lines both ways, the customer's server killed and started again
//! mid-chat: nothing lost, nothing doubled, typing never written to a table, and the
//! wake-ups and typing seen on the bus itself. On SQLite the flag is refused in one line.

mod common;
mod server_support;

use common::{fresh, one_line_error};
use futures::StreamExt;
use livewindow::client;
use livewindow::core::{AgentStatus, NewMessage, Password, Role, Sender};
use livewindow::data::{ConsoleData, DeskEvent, FeedItem};
use livewindow::store::{Backend, InitialPassword, NewUser};
use serde_json::{Value, json};
use server_support::{Process, Socket, free_port, http, open_live, start_chat};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PASSWORD: &str = "a bus between two servers";

/// Debian's nats-server on a port of its own; killed when dropped.
struct Nats {
    child: Child,
    url: String,
}

impl Drop for Nats {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn nats() -> Nats {
    let port = free_port();
    let binary = ["/usr/sbin/nats-server", "/usr/bin/nats-server"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or("nats-server");
    let child = Command::new(binary)
        .args(["-a", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("nats-server is needed (apt install nats-server): {e}"));
    // Killed and waited for on drop, whatever happens next.
    let nats = Nats {
        child,
        url: format!("nats://127.0.0.1:{port}"),
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return nats;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nats-server did not listen on {port}");
}

/// The next desk event that `pick` takes, within 10 s.
async fn desk_event<T>(
    feed: &mut (impl futures::Stream<Item = Result<FeedItem, livewindow::core::StoreError>> + Unpin),
    what: &str,
    mut pick: impl FnMut(&DeskEvent) -> Option<T>,
) -> T {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match feed.next().await {
                Some(Ok(item)) => {
                    if let Some(t) = pick(&item.event) {
                        return t;
                    }
                }
                Some(Err(e)) => println!("feed: {e}"),
                None => panic!("the desk's feed ended"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {what} at the desk within 10 s"))
}

/// The customer's page: frames read in the background, message ids and texts kept in order
/// of arrival (so a line delivered twice shows twice), typing counted.
#[derive(Default)]
struct Page {
    lines: Mutex<Vec<(i64, String)>>,
    typing: Mutex<usize>,
}

impl Page {
    fn has(&self, text: &str) -> bool {
        self.lines.lock().unwrap().iter().any(|(_, t)| t == text)
    }
}

/// A customer's line in `chat`, as the desk shows it.
fn customer_line(chat: i64) -> impl FnMut(&DeskEvent) -> Option<(i64, String)> {
    move |e| match e {
        DeskEvent::Message(m) if m.sender == Sender::Customer && m.chat_id == chat => {
            Some((m.id, m.body_text.clone()))
        }
        _ => None,
    }
}

fn read_page(page: Arc<Page>, mut socket: Socket) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(Ok(frame)) = socket.next().await {
            let tokio_tungstenite::tungstenite::Message::Text(text) = frame else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            match v["type"].as_str() {
                Some("message") => {
                    let m = &v["message"];
                    if let (Some(id), Some(text)) = (m["id"].as_i64(), m["text"].as_str()) {
                        page.lines.lock().unwrap().push((id, text.to_string()));
                    }
                }
                Some("typing") => *page.typing.lock().unwrap() += 1,
                _ => {}
            }
        }
    })
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 10 s");
}

async fn customer_says(base: &str, chat: i64, cookie: &str, id: &str, text: &str) {
    let r = http()
        .post(format!("{base}/api/chats/{chat}/messages"))
        .header("cookie", cookie)
        .json(&json!({"client_id": id, "text": text}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 201, "{text}");
}

#[tokio::test]
async fn two_servers_on_a_bus_lose_and_double_nothing_across_a_restart() {
    let (scratch, store) = fresh().await;
    if store.backend() == Backend::Sqlite {
        // The bus is for servers on PostgreSQL: refused in one line, before listening.
        let out = Command::new(env!("CARGO_BIN_EXE_livewindow"))
            .args([
                "server",
                "--listen",
                "127.0.0.1:0",
                "--bus",
                "nats://127.0.0.1:1",
            ])
            .env("LIVEWINDOW_DATABASE_URL", &scratch.url)
            .output()
            .expect("run");
        let line = one_line_error(&out);
        assert!(
            line.contains("--bus is for servers on PostgreSQL"),
            "{line}"
        );
        return;
    }
    // No bus where it was said to be: one line, before listening.
    let nowhere = format!("nats://127.0.0.1:{}", free_port());
    let out = Command::new(env!("CARGO_BIN_EXE_livewindow"))
        .args(["server", "--listen", "127.0.0.1:0", "--bus", &nowhere])
        .env("LIVEWINDOW_DATABASE_URL", &scratch.url)
        .output()
        .expect("run");
    let line = one_line_error(&out);
    assert!(
        line.contains(&format!("cannot reach the bus at {nowhere}")),
        "{line}"
    );

    let nats = nats().await;
    let queue = store.add_queue("Bus").await.expect("queue");
    let (user, _) = store
        .add_user(&NewUser {
            name: "Ana Bus".into(),
            email: "ana@bus.example.com".into(),
            role: Role::Agent,
            max_chats: 3,
            queues: vec![queue],
            password: InitialPassword::Given(Password::new(PASSWORD)),
        })
        .await
        .expect("user");
    let agent = user.agent.id;

    // What crosses the bus, seen by a client of our own.
    let watcher = async_nats::connect(nats.url.as_str()).await.expect("nats");
    let mut crossing = watcher.subscribe("livewindow.>").await.expect("subscribe");
    let subjects: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let counted = subjects.clone();
    tokio::spawn(async move {
        while let Some(m) = crossing.next().await {
            let kind = m.subject.rsplit('.').next().unwrap_or_default().to_string();
            *counted.lock().unwrap().entry(kind).or_default() += 1;
        }
    });

    let bus = ["--bus", nats.url.as_str()];
    let port_a = free_port();
    let mut a = Process::spawn(&scratch.url, port_a, &bus).await;
    let b = Process::spawn(&scratch.url, free_port(), &bus).await;

    // The agent on server B.
    let server_b = client::Server::new(&b.base, false, None).expect("server B");
    let (remote, _) = client::sign_in(
        &server_b,
        "ana@bus.example.com",
        &Password::new(PASSWORD),
        "bus test",
    )
    .await
    .expect("sign in");
    let restored = remote.restore().await.expect("restore");
    assert!(
        remote
            .set_status(restored.desk.clone(), AgentStatus::Available)
            .await
            .expect("status")
    );
    let mut feed = remote.events(restored.last_event);

    // The customer on server A.
    let (chat, cookie) =
        start_chat(&a.base, "Rita Moreno", "rita@example.com", "My kettle hums").await;
    let page = Arc::new(Page::default());
    let reader = read_page(
        page.clone(),
        open_live(&a.base, chat, &cookie, 0).await.expect("live"),
    );
    let offered = desk_event(&mut feed, "offer", |e| match e {
        DeskEvent::Offered(o) => Some(o.chat_id),
        _ => None,
    })
    .await;
    assert_eq!(offered, chat);
    remote.accept(chat).await.expect("accept");

    // Typing both ways, across the servers.
    let r = http()
        .post(format!("{}/api/chats/{chat}/typing", a.base))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("typing");
    assert_eq!(r.status(), 204);
    desk_event(&mut feed, "customer typing", |e| match e {
        DeskEvent::CustomerTyping { chat_id } if *chat_id == chat => Some(()),
        _ => None,
    })
    .await;
    remote.typing(chat).await.expect("agent typing");
    wait_until("the agent's typing on the page", || {
        *page.typing.lock().unwrap() > 0
    })
    .await;

    // Lines both ways.
    let mut heard: Vec<(i64, String)> = Vec::new();
    for (n, text) in ["one", "two"].iter().enumerate() {
        customer_says(&a.base, chat, &cookie, &format!("c{n}"), text).await;
        let m = desk_event(&mut feed, text, customer_line(chat)).await;
        heard.push(m);
        let reply = NewMessage::plain(Sender::Agent, "Ana Bus", Some(agent), &format!("re {text}"));
        remote.send(chat, reply).await.expect("reply");
    }
    wait_until("both replies on the page", || {
        page.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, t)| t.starts_with("re "))
            .count()
            == 2
    })
    .await;

    // Server A dies mid-chat; the agent goes on writing; A comes back and the page resumes
    // after the last line it holds.
    a.kill();
    reader.abort();
    let held = page
        .lines
        .lock()
        .unwrap()
        .iter()
        .map(|(id, _)| *id)
        .max()
        .unwrap_or(0);
    let reply = NewMessage::plain(Sender::Agent, "Ana Bus", Some(agent), "re while A was down");
    remote
        .send(chat, reply)
        .await
        .expect("reply while A is down");
    let a2 = Process::spawn(&scratch.url, port_a, &bus).await;
    let reader = read_page(
        page.clone(),
        open_live(&a2.base, chat, &cookie, held)
            .await
            .expect("live again"),
    );
    wait_until("the line sent while A was down", || {
        page.has("re while A was down")
    })
    .await;
    customer_says(&a2.base, chat, &cookie, "c9", "after the restart").await;
    let m = desk_event(&mut feed, "the line after the restart", customer_line(chat)).await;
    heard.push(m);
    let reply = NewMessage::plain(Sender::Agent, "Ana Bus", Some(agent), "re after");
    remote.send(chat, reply).await.expect("reply after");
    wait_until("the last reply on the page", || page.has("re after")).await;
    // Anything doubled would have come by now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    reader.abort();

    let texts: Vec<String> = heard.iter().map(|(_, t)| t.clone()).collect();
    assert_eq!(
        texts,
        ["one", "two", "after the restart"],
        "the desk heard each once"
    );
    let page_lines: Vec<String> = page
        .lines
        .lock()
        .unwrap()
        .iter()
        .map(|(_, t)| t.clone())
        .collect();
    assert_eq!(
        page_lines,
        [
            "My kettle hums",
            "one",
            "re one",
            "two",
            "re two",
            "re while A was down",
            "after the restart",
            "re after"
        ],
        "the page got each line once, in order"
    );
    let stored: Vec<String> = store
        .messages(chat)
        .await
        .expect("transcript")
        .into_iter()
        .map(|m| m.body_text)
        .collect();
    assert_eq!(stored, page_lines, "the transcript holds each line once");

    let typing_rows: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE kind = 'typing'")
        .fetch_one(store.pool())
        .await
        .expect("count");
    assert_eq!(
        typing_rows, 0,
        "typing is never written to the events table"
    );
    let seen = subjects.lock().unwrap().clone();
    assert!(
        seen.get("signals").copied().unwrap_or(0) >= 2,
        "typing crossed the bus: {seen:?}"
    );
    assert!(
        seen.get("events").copied().unwrap_or(0) >= 5,
        "wake-ups crossed the bus: {seen:?}"
    );
    drop((a2, b));
}
