//! `bench web`: N browser-like customers on real `livewindow server` processes (this binary,
//! on loopback ports), each with its live WebSocket, sending a message every few seconds;
//! agents on the store who accept every chat and answer every line. Measures delivery
//! page → agent's event feed and agent → page, and the servers' memory per connection.
//! Traffic goes only to 127.0.0.1, bounded in count and time.

use crate::core::{AgentStatus, EventKind, NewMessage, Sender};
use crate::store::Store;
use anyhow::{Context, Result, bail};
use futures::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub(super) type Times = Arc<Mutex<HashMap<i64, Instant>>>;
pub(super) type Samples = Arc<Mutex<Vec<Duration>>>;

pub(super) struct Server(pub(super) Child, pub(super) u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Server {
    pub(super) fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.0.id()));
        status
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|n| n.parse().ok())
            })
            .unwrap_or(0)
    }
}

async fn spawn_server(url: &str) -> Result<Server> {
    spawn_server_with(url, &[]).await
}

/// `livewindow server` on a free loopback port with these extra flags, once it is ready.
pub(super) async fn spawn_server_with(url: &str, extra: &[&str]) -> Result<Server> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    // LIVEWINDOW_BENCH_SERVER runs another build's server under the same load (the code
    // before a change, in the same run of the machine).
    let binary = match std::env::var_os("LIVEWINDOW_BENCH_SERVER") {
        Some(other) => std::path::PathBuf::from(other),
        None => std::env::current_exe()?,
    };
    let child = Command::new(binary)
        .args(["server", "--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--chats-per-hour",
            "1000000",
            "--messages-per-minute",
            "1000",
        ])
        .args(extra)
        .env("LIVEWINDOW_DATABASE_URL", url)
        .env("LIVEWINDOW_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()?;
    let server = Server(child, port);
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(r) = http
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
            && r.status().is_success()
        {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("the server on port {port} did not become ready")
}

pub(super) fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i].as_secs_f64() * 1000.0
}

/// The agents' side: one feed for all of them. Accepts every offer; answers every customer
/// line, recording when the answer was sent.
async fn agents(
    store: Store,
    n: usize,
    sent: Times,
    replied: Times,
    inbound: Samples,
) -> Result<()> {
    let queue = store.add_queue("Web").await?;
    for i in 0..n {
        let a = store
            .add_agent(
                &format!("Agent {i}"),
                &format!("a{i}@bench.example.com"),
                50,
            )
            .await?;
        store.join_queue(a.id, queue).await?;
        store.set_agent_status(a.id, AgentStatus::Available).await?;
    }
    let after = store.last_event_id().await?;
    let work = Arc::new(tokio::sync::Semaphore::new(16));
    tokio::spawn(async move {
        let mut events = store.subscribe(after);
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            let event = tokio::select! {
                e = events.next() => e,
                _ = tick.tick() => {
                    for a in store.agents().await.unwrap_or_default() {
                        let _ = store.heartbeat(a.id).await;
                    }
                    continue;
                }
            };
            let Some(Ok(event)) = event else { continue };
            let (Some(chat), store, work) = (event.chat_id, store.clone(), work.clone()) else {
                continue;
            };
            match event.kind {
                EventKind::ChatOffered => {
                    if let Some(agent) = event.agent_id {
                        tokio::spawn(async move {
                            let _permit = work.acquire().await;
                            let _ = store.accept(chat, agent).await;
                        });
                    }
                }
                EventKind::Message if event.agent_id.is_none() => {
                    let Some(t0) = sent.lock().ok().and_then(|mut m| m.remove(&chat)) else {
                        continue;
                    };
                    if let Ok(mut s) = inbound.lock() {
                        s.push(t0.elapsed());
                    }
                    let replied = replied.clone();
                    tokio::spawn(async move {
                        let _permit = work.acquire().await;
                        let Ok(c) = store.chat(chat).await else {
                            return;
                        };
                        let reply = NewMessage::plain(Sender::Agent, "Agent", c.agent_id, "ok");
                        if let Ok(mut m) = replied.lock() {
                            m.insert(chat, Instant::now());
                        }
                        let _ = store.send_message(chat, &reply).await;
                    });
                }
                _ => {}
            }
        }
    });
    Ok(())
}

/// One customer: starts a chat, keeps its socket, sends a line every `every` until `until`.
#[allow(clippy::too_many_arguments)]
pub(super) async fn customer(
    port: u16,
    i: usize,
    asked: Option<Times>,
    every: Duration,
    until: Instant,
    sent: Times,
    replied: Times,
    outbound: Samples,
    connected: Arc<tokio::sync::Barrier>,
    gate: Arc<tokio::sync::Semaphore>,
) -> Result<()> {
    // Customers arrive a few dozen at a time, not all in the same millisecond.
    let permit = gate.acquire_owned().await?;
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let asked_at = Instant::now();
    // Each from an address of its own, as customers are (a server started with
    // --trust-forwarded takes it): from one, every start would queue behind the one
    // address's start limit.
    let r = http
        .post(format!("{base}/api/chats"))
        .header("x-forwarded-for", format!("10.8.{}.{}", i / 250, i % 250 + 1))
        .json(&serde_json::json!({"name": format!("Customer {i}"), "email": format!("c{i}@bench.example.com")}))
        .send()
        .await?;
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .context("no cookie")?
        .to_string();
    let started: serde_json::Value = r.json().await?;
    let chat = started["chat"]["chat_id"].as_i64().context("no chat id")?;
    if let Some(asked) = &asked
        && let Ok(mut m) = asked.lock()
    {
        m.insert(chat, asked_at);
    }
    let mut req = format!("ws://127.0.0.1:{port}/api/chats/{chat}/live").into_client_request()?;
    req.headers_mut().insert("cookie", cookie.parse()?);
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await?;
    drop(permit);
    connected.wait().await;
    // Spread the customers over the interval.
    tokio::time::sleep(every.mul_f64((i % 97) as f64 / 97.0)).await;
    let mut next = Instant::now();
    let mut seq = 0;
    while Instant::now() < until {
        let sleep = tokio::time::sleep_until(next.into());
        tokio::select! {
            _ = sleep => {
                next += every;
                seq += 1;
                if let Ok(mut m) = sent.lock() {
                    m.insert(chat, Instant::now());
                }
                // As the page does: typing shown while the line is written, and the
                // heartbeat that keeps the chat from counting as abandoned.
                for frame in [r#"{"type":"typing"}"#, r#"{"type":"heartbeat"}"#] {
                    let _ = ws.send(Ws::Text(frame.into())).await;
                }
                let _ = http
                    .post(format!("{base}/api/chats/{chat}/messages"))
                    .header("cookie", &cookie)
                    .json(&serde_json::json!({"client_id": format!("b{seq}"), "text": "hello"}))
                    .send()
                    .await;
            }
            frame = ws.next() => {
                let Some(Ok(Ws::Text(text))) = frame else { continue };
                if text.contains("\"sender\":\"agent\"")
                    && let Some(t0) = replied.lock().ok().and_then(|mut m| m.remove(&chat))
                    && let Ok(mut s) = outbound.lock()
                {
                    s.push(t0.elapsed());
                }
            }
        }
    }
    let _ = ws.send(Ws::Close(None)).await;
    Ok(())
}

pub(super) async fn web(
    store: &Store,
    customers: usize,
    servers: usize,
    every: f64,
    seconds: u64,
) -> Result<()> {
    if !(1..=5000).contains(&customers) || !(1..=4).contains(&servers) || seconds > 600 {
        bail!("--customers 1..5000, --servers 1..4, --seconds up to 600");
    }
    let (sent, replied): (Times, Times) = Default::default();
    let (inbound, outbound): (Samples, Samples) = Default::default();
    agents(
        store.clone(),
        customers.div_ceil(50),
        sent.clone(),
        replied.clone(),
        inbound.clone(),
    )
    .await?;
    let mut procs = Vec::new();
    for _ in 0..servers {
        procs.push(spawn_server(store.url()).await?);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before: u64 = procs.iter().map(Server::rss_kb).sum();
    let every = Duration::from_secs_f64(every);
    let connected = Arc::new(tokio::sync::Barrier::new(customers + 1));
    let until = Instant::now() + Duration::from_secs(seconds) + Duration::from_secs(120);
    let start = Instant::now();
    let mut tasks = Vec::new();
    let gate = Arc::new(tokio::sync::Semaphore::new(32));
    for i in 0..customers {
        let port = procs[i % servers].1;
        let (sent, replied, outbound, connected, gate) = (
            sent.clone(),
            replied.clone(),
            outbound.clone(),
            connected.clone(),
            gate.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let r = customer(
                port, i, None, every, until, sent, replied, outbound, connected, gate,
            )
            .await;
            if let Err(e) = &r {
                tracing::warn!("bench customer {i}: {e}");
            }
            r
        }));
    }
    connected.wait().await;
    println!(
        "{customers} customers connected in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after: u64 = procs.iter().map(Server::rss_kb).sum();
    if let Ok(mut s) = inbound.lock() {
        s.clear();
    }
    if let Ok(mut s) = outbound.lock() {
        s.clear();
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let mut inb = inbound.lock().map(|s| s.clone()).unwrap_or_default();
    let mut outb = outbound.lock().map(|s| s.clone()).unwrap_or_default();
    for t in &tasks {
        t.abort();
    }
    println!(
        "backend {} · {servers} server process(es) · {customers} customers, one line each every {:.1} s, {seconds} s measured",
        store.backend(),
        every.as_secs_f64()
    );
    println!(
        "page → agent feed: {} lines, median {:.1} ms, p99 {:.1} ms",
        inb.len(),
        percentile(&mut inb, 0.5),
        percentile(&mut inb, 0.99)
    );
    println!(
        "agent → page:      {} lines, median {:.1} ms, p99 {:.1} ms",
        outb.len(),
        percentile(&mut outb, 0.5),
        percentile(&mut outb, 0.99)
    );
    println!(
        "server memory: {:.1} MB idle, {:.1} MB with the sockets: {:.1} KB per connection",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        rss_after.saturating_sub(rss_before) as f64 / customers as f64
    );
    Ok(())
}
