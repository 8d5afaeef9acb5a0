//! `bench team`: N simulated desktops speaking the real agents' API (sign-in, the event
//! WebSocket, a tick every second, accept, send) and M browser-protocol customers (the
//! page's HTTP and live socket) on S `livewindow server` processes on loopback (desktops and
//! customers dealt among them in turn, so most chats cross from one server to the other;
//! with `--bus`, through NATS). The bench's clients run in this process, apart from the
//! servers. Measures the offer shown at a desktop, messages both ways, the database
//! connections the servers hold (they must not grow with N) and each server's memory.

use super::web::{Samples, Server, Times, customer, percentile, spawn_server_with};
use crate::client::Remote;
use crate::core::{AgentStatus, NewMessage, Password, Role, Sender, SessionToken};
use crate::data::{ConsoleData, DeskEvent, FeedItem};
use crate::store::{InitialPassword, NewUser, Store};
use anyhow::{Context, Result, bail};
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "bench desktops only";

/// Connections to the bench's database (0 on SQLite): before the server starts, the bench's
/// own; the rise after that is the server's (its pool and its LISTEN).
async fn pg_connections(store: &Store) -> Result<i64> {
    if !store.url().starts_with("postgres") {
        return Ok(0);
    }
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()",
    )
    .fetch_one(store.pool())
    .await?)
}

/// Transactions committed in the bench's database so far (0 on SQLite).
async fn pg_commits(store: &Store) -> Result<i64> {
    if !store.url().starts_with("postgres") {
        return Ok(0);
    }
    Ok(sqlx::query_scalar(
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
    )
    .fetch_one(store.pool())
    .await?)
}

/// Samples the database's backends every 100 ms for `span`: (samples, backends waiting on
/// the cluster-wide lock a NOTIFYing commit takes, active backends), summed.
async fn notify_waits(store: Store, span: Duration) -> Result<(i64, i64, i64)> {
    let (mut samples, mut waiting, mut active) = (0, 0, 0);
    if !store.url().starts_with("postgres") {
        return Ok((0, 0, 0));
    }
    let until = Instant::now() + span;
    while Instant::now() < until {
        let (w, a): (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'object'), \
                    count(*) FILTER (WHERE state = 'active') - 1 \
             FROM pg_stat_activity WHERE datname = current_database()",
        )
        .fetch_one(store.pool())
        .await?;
        samples += 1;
        waiting += w;
        active += a;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok((samples, waiting, active))
}

async fn sign_in(server: &Server, i: usize, email: &str) -> Result<Remote> {
    let base = format!("http://127.0.0.1:{}", server.1);
    // Each desktop from an address of its own, as on a real floor (the sign-in limit is
    // per address); the server trusts the header for this run.
    let r = reqwest::Client::new()
        .post(format!("{base}/api/agent/session"))
        .header("x-forwarded-for", format!("10.9.{}.{}", i / 250, i % 250 + 1))
        .json(&serde_json::json!({"email": email, "password": PASSWORD, "device": format!("bench {i}")}))
        .send()
        .await?;
    if !r.status().is_success() {
        bail!(
            "desktop {i} cannot sign in: {}",
            r.text().await.unwrap_or_default()
        );
    }
    let answer: crate::data::wire::SignInAnswer = r.json().await?;
    let server = crate::client::Server::new(&base, true, None).map_err(anyhow::Error::msg)?;
    Ok(Remote::resume(
        server,
        SessionToken::new(answer.token),
        answer.agent_id,
    ))
}

struct Marks {
    shown: Times,
    sent: Times,
    replied: Times,
    inbound: Samples,
}

/// One desktop: its feed, a tick a second, every offer accepted, every line answered.
async fn desktop(remote: Remote, i: usize, marks: Arc<Marks>) -> Result<()> {
    let restored = remote.restore().await?;
    // The desk id restoring claimed: heartbeats and status changes carry it.
    let desk = restored.desk.clone();
    if !remote
        .set_status(desk.clone(), AgentStatus::Available)
        .await?
    {
        bail!("desktop {i}: the status did not change");
    }
    let mut feed = remote.events(restored.last_event);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let r = remote.clone();
                let d = desk.clone();
                tokio::spawn(async move { let _ = r.tick(d, false).await; });
            }
            item = feed.next() => match item {
                Some(Ok(FeedItem { event: DeskEvent::Offered(o), .. })) => {
                    if let Ok(mut m) = marks.shown.lock() {
                        m.insert(o.chat_id, Instant::now());
                    }
                    let r = remote.clone();
                    tokio::spawn(async move { let _ = r.accept(o.chat_id).await; });
                }
                Some(Ok(FeedItem { event: DeskEvent::Message(m), .. }))
                    if m.sender == Sender::Customer =>
                {
                    let chat = m.chat_id;
                    if let Some(t0) = marks.sent.lock().ok().and_then(|mut s| s.remove(&chat))
                        && let Ok(mut s) = marks.inbound.lock()
                    {
                        s.push(t0.elapsed());
                    }
                    if let Ok(mut s) = marks.replied.lock() {
                        s.insert(chat, Instant::now());
                    }
                    let r = remote.clone();
                    tokio::spawn(async move {
                        let reply = NewMessage::plain(Sender::Agent, "Agent", None, "ok");
                        // The agent's typing reaches the page before the line.
                        let _ = r.typing(chat).await;
                        let _ = r.send(chat, reply).await;
                    });
                }
                Some(_) => {}
                None => bail!("desktop {i}: the feed ended"),
            },
        }
    }
}

/// How many of each a run has.
pub(super) struct Size {
    pub desktops: usize,
    pub customers: usize,
    pub servers: usize,
}

/// Each server's memory, in MB.
fn rss_mb(servers: &[Server]) -> String {
    servers
        .iter()
        .map(|s| format!("{:.1}", s.rss_kb() as f64 / 1024.0))
        .collect::<Vec<_>>()
        .join(" + ")
}

fn total_kb(servers: &[Server]) -> u64 {
    servers.iter().map(Server::rss_kb).sum()
}

pub(super) async fn team(
    store: &Store,
    size: Size,
    bus: Option<&str>,
    every: f64,
    seconds: u64,
) -> Result<()> {
    let Size {
        desktops,
        customers,
        servers: n_servers,
    } = size;
    if !(1..=2000).contains(&desktops)
        || !(1..=5000).contains(&customers)
        || !(1..=8).contains(&n_servers)
        || seconds > 600
    {
        bail!("--desktops 1..2000, --customers 1..5000, --servers 1..8, --seconds up to 600");
    }
    let queue = store.add_queue("Team").await?;
    let per_desk = (customers.div_ceil(desktops) + 1) as i64;
    let made = Instant::now();
    let mut emails = Vec::new();
    for i in 0..desktops {
        let email = format!("desk{i}@bench.example.com");
        store
            .add_user(&NewUser {
                name: format!("Desk {i}"),
                email: email.clone(),
                role: Role::Agent,
                max_chats: per_desk.min(crate::core::limits::MAX_CHATS),
                queues: vec![queue],
                password: InitialPassword::Given(Password::new(PASSWORD)),
            })
            .await?;
        emails.push(email);
    }
    println!(
        "{desktops} users made in {:.1} s",
        made.elapsed().as_secs_f64()
    );
    let baseline = pg_connections(store).await?;
    let big = "100000";
    let mut extra = vec![
        "--trust-forwarded",
        "--sockets-per-address",
        big,
        "--max-connections",
        big,
    ];
    if let Some(bus) = bus {
        extra.extend(["--bus", bus]);
    }
    let mut servers = Vec::new();
    for _ in 0..n_servers {
        servers.push(spawn_server_with(store.url(), &extra).await?);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle = total_kb(&servers);
    let marks = Arc::new(Marks {
        shown: Times::default(),
        sent: Times::default(),
        replied: Times::default(),
        inbound: Samples::default(),
    });
    let signing = Instant::now();
    let mut tasks = Vec::new();
    let gate = Arc::new(tokio::sync::Semaphore::new(8));
    let mut remotes = Vec::new();
    for (i, email) in emails.iter().enumerate() {
        let _permit = gate.acquire().await?;
        let server = &servers[i % n_servers];
        remotes.push(sign_in(server, i, email).await.context("sign in")?);
    }
    println!(
        "{desktops} desktops signed in in {:.1} s",
        signing.elapsed().as_secs_f64()
    );
    for (i, remote) in remotes.into_iter().enumerate() {
        let marks = marks.clone();
        tasks.push(tokio::spawn(async move {
            if let Err(e) = desktop(remote, i, marks).await {
                tracing::warn!("bench desktop {i}: {e}");
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let rss_desks = total_kb(&servers);
    let conns_desks = pg_connections(store).await? - baseline;

    // The customers, as in `bench web`, with the time each asked.
    let asked: Times = Arc::default();
    let outbound: Samples = Arc::default();
    let every_d = Duration::from_secs_f64(every);
    let connected = Arc::new(tokio::sync::Barrier::new(customers + 1));
    let until = Instant::now() + Duration::from_secs(seconds) + Duration::from_secs(180);
    let cgate = Arc::new(tokio::sync::Semaphore::new(32));
    let start = Instant::now();
    for i in 0..customers {
        let (asked, sent, replied, outbound, connected, cgate) = (
            asked.clone(),
            marks.sent.clone(),
            marks.replied.clone(),
            outbound.clone(),
            connected.clone(),
            cgate.clone(),
        );
        let port = servers[i % n_servers].1;
        tasks.push(tokio::spawn(async move {
            if let Err(e) = customer(
                port,
                i,
                Some(asked),
                every_d,
                until,
                sent,
                replied,
                outbound,
                connected,
                cgate,
            )
            .await
            {
                tracing::warn!("bench customer {i}: {e}");
            }
        }));
    }
    // A saturated server may never let them all in: say so and report what was measured.
    if tokio::time::timeout(Duration::from_secs(90), connected.wait())
        .await
        .is_err()
    {
        let shown = marks.shown.lock().map(|m| m.len()).unwrap_or(0);
        let asked_n = asked.lock().map(|m| m.len()).unwrap_or(0);
        let mut offers = paired(&asked, &marks.shown);
        println!(
            "SATURATED: not all {customers} customers connected in 90 s ({asked_n} chats started, {shown} offers shown; offer median {:.0} ms, p99 {:.0} ms); database connections held by the servers: {}; server memory {:.1} MB with the desktops ({:.1} KB per desktop)",
            percentile(&mut offers, 0.5),
            percentile(&mut offers, 0.99),
            pg_connections(store).await? - baseline,
            rss_desks as f64 / 1024.0,
            rss_desks.saturating_sub(rss_idle) as f64 / desktops as f64,
        );
        println!("{}", offer_parts(store, &asked, &marks.shown).await?);
        for t in &tasks {
            t.abort();
        }
        return Ok(());
    }
    println!(
        "{customers} customers connected in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut offers = paired(&asked, &marks.shown);
    if let Ok(mut s) = marks.inbound.lock() {
        s.clear();
    }
    if let Ok(mut s) = outbound.lock() {
        s.clear();
    }
    let commits_before = pg_commits(store).await?;
    let waits = tokio::spawn(notify_waits(store.clone(), Duration::from_secs(seconds)));
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let commits = (pg_commits(store).await? - commits_before) as f64 / seconds as f64;
    let (samples, waiting, active) = waits.await??;
    let rss_each = rss_mb(&servers);
    let conns_all = pg_connections(store).await? - baseline;
    let mut inb = marks.inbound.lock().map(|s| s.clone()).unwrap_or_default();
    let mut outb = outbound.lock().map(|s| s.clone()).unwrap_or_default();
    for t in &tasks {
        t.abort();
    }
    println!(
        "backend {} · {n_servers} server process(es){} · {desktops} desktops · {customers} customers, a line each every {every:.1} s, {seconds} s measured",
        store.backend(),
        if bus.is_some() { " on a NATS bus" } else { "" }
    );
    println!(
        "offer shown at a desktop: {} offers, median {:.1} ms, p99 {:.1} ms",
        offers.len(),
        percentile(&mut offers, 0.5),
        percentile(&mut offers, 0.99)
    );
    println!("{}", offer_parts(store, &asked, &marks.shown).await?);
    println!(
        "customer → desktop: {} lines, median {:.1} ms, p99 {:.1} ms",
        inb.len(),
        percentile(&mut inb, 0.5),
        percentile(&mut inb, 0.99)
    );
    println!(
        "desktop → customer: {} lines, median {:.1} ms, p99 {:.1} ms",
        outb.len(),
        percentile(&mut outb, 0.5),
        percentile(&mut outb, 0.99)
    );
    println!(
        "database connections held by the servers: {conns_desks} with the desktops, {conns_all} with the customers too"
    );
    if samples > 0 {
        println!(
            "database: {commits:.0} commits a second; of {samples} samples of its backends, \
             {:.2} on average were active and {:.3} waiting on the notification lock",
            active as f64 / samples as f64,
            waiting as f64 / samples as f64,
        );
    }
    println!(
        "server memory: {:.1} MB idle, {:.1} MB with the desktops ({:.1} KB per desktop), {rss_each} MB with the customers too",
        rss_idle as f64 / 1024.0,
        rss_desks as f64 / 1024.0,
        rss_desks.saturating_sub(rss_idle) as f64 / desktops as f64,
    );
    // The three figures the issue asks for, in a form a script can read.
    let worse = percentile(&mut inb, 0.99).max(percentile(&mut outb, 0.99));
    println!("offer p99 {:.0} ms", percentile(&mut offers, 0.99));
    println!("message p99 {worse:.0} ms");
    println!("postgres connections {conns_all}");
    drop(servers);
    Ok(())
}

/// Where the offers' time went, chat by chat: the customer's request to the chat's row,
/// the row to its first offer's commit (routing), that commit to a desktop showing it (the
/// feed). On the database's clock and this machine's, which agree on loopback.
async fn offer_parts(store: &Store, asked: &Times, shown: &Times) -> Result<String> {
    let rows: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT c.id, c.created_ms, \
         (SELECT min(o.offered_ms) FROM chat_offers o WHERE o.chat_id = c.id) FROM chats c",
    )
    .fetch_all(store.pool())
    .await?;
    let asked = asked.lock().map(|m| m.clone()).unwrap_or_default();
    let shown = shown.lock().map(|m| m.clone()).unwrap_or_default();
    let now = Instant::now();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    let wall = |t: &Instant| now_ms - now.saturating_duration_since(*t).as_millis() as i64;
    let span = |from: i64, to: i64| Duration::from_millis(to.saturating_sub(from).max(0) as u64);
    let (mut request, mut routing, mut feed) = (Vec::new(), Vec::new(), Vec::new());
    for (chat, created, offered) in rows {
        let (Some(a), Some(s), Some(o)) = (asked.get(&chat), shown.get(&chat), offered) else {
            continue;
        };
        request.push(span(wall(a), created));
        routing.push(span(created, o));
        feed.push(span(o, wall(s)));
    }
    let part = |v: &mut Vec<Duration>| {
        format!("{:.0} / {:.0} ms", percentile(v, 0.5), percentile(v, 0.99))
    };
    Ok(format!(
        "offers' time, median / p99: request → chat {}, chat → offer committed {}, committed → shown {}",
        part(&mut request),
        part(&mut routing),
        part(&mut feed)
    ))
}

/// Offer latencies: when each chat was asked for, to when a desktop showed its offer.
fn paired(asked: &Times, shown: &Times) -> Vec<Duration> {
    let asked: HashMap<i64, Instant> = asked.lock().map(|m| m.clone()).unwrap_or_default();
    let shown = shown.lock().map(|m| m.clone()).unwrap_or_default();
    shown
        .iter()
        .filter_map(|(chat, at)| Some(at.saturating_duration_since(*asked.get(chat)?)))
        .collect()
}
