//! The Supervisor tab at a contact centre's size: 1,000 agents, 50 queues, 2,000 chats.
//! 1. Per board event, the tab's update (the change applied) + view + layout, with the
//!    software renderer: what each event costs the supervisor's console.
//! 2. The database's load with 0, 1 and 20 supervisors watching the same traffic (customer
//!    lines and status changes): transactions a second (PostgreSQL's `pg_stat_database`,
//!    PostgreSQL only; SQLite prints the lines sent), to show watching does not multiply it.
//!
//! Run: `cargo bench --bench supervisor` (TEST_DATABASE_URL selects PostgreSQL).

use iced::advanced::renderer::Headless;
use iced::{Font, Pixels, Size};
use iced_runtime::user_interface::{Cache, UserInterface};
use livewindow::Store;
use livewindow::core::supervise::{AgentRow, Board, BoardDelta, ChatRow, Phase, QueueRow};
use livewindow::core::{AgentStatus, NewMessage, Sender};
use livewindow::store::scratch::Scratch;
use livewindow::ui::supervisor::{Message, Supervisor};
use std::time::{Duration, Instant};

const AGENTS: i64 = 1_000;
const QUEUES: i64 = 50;
const CHATS: i64 = 2_000;

fn stats(name: &str, mut v: Vec<Duration>) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: median {:.3} ms, p95 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({} samples)",
        ms(v[v.len() / 2]),
        ms(v[(v.len() * 95) / 100]),
        ms(v[(v.len() * 99) / 100]),
        ms(v[v.len() - 1]),
        v.len()
    );
}

/// A board of the bench's size, as the server would send it first.
fn board(now: i64) -> Board {
    let mut b = Board {
        at_ms: now,
        ..Board::default()
    };
    for q in 1..=QUEUES {
        b.queues.insert(
            q,
            QueueRow {
                id: q,
                name: format!("Queue {q:02}"),
                waiting: 16,
                oldest_ms: Some(now - 95_000),
                offering: 2,
                available: 3,
                answered_hour: 120,
                in_time_hour: 100,
                abandoned_hour: 4,
                late_waiting: 1,
            },
        );
    }
    for a in 1..=AGENTS {
        b.agents.insert(
            a,
            AgentRow {
                id: a,
                name: format!("Agent {a:04}"),
                status: AgentStatus::Available,
                status_ms: now - a * 1000,
                chats: 1,
                wrapups: 0,
                max_chats: 3,
                last_seen_ms: now - 800,
                asking_help: false,
                queues: vec![a % QUEUES + 1],
            },
        );
    }
    for c in 1..=CHATS {
        let active = c % 5 != 0;
        b.chats.insert(c, chat(c, now, active));
    }
    b
}

fn chat(c: i64, now: i64, active: bool) -> ChatRow {
    ChatRow {
        id: c,
        queue_id: c % QUEUES + 1,
        agent_id: active.then_some(c % AGENTS + 1),
        agent: active.then(|| format!("Agent {:04}", c % AGENTS + 1)),
        customer: format!("Customer {c}"),
        phase: if active {
            Phase::Active
        } else {
            Phase::Waiting
        },
        since_ms: now - (c * 37) % 600_000,
        customer_last_ms: Some(now - (c * 13) % 60_000),
        help_ms: None,
    }
}

async fn ui_bench() {
    let now = 1_765_000_000_000;
    let mut tab = Supervisor::new(true);
    let t = Instant::now();
    let _ = tab.update(Message::Board(Board::default().diff(&board(now))));
    println!(
        "first board ({AGENTS} agents, {QUEUES} queues, {CHATS} chats) applied in {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let mut renderer = iced::Renderer::new(
        Font::with_name("Fira Sans"),
        Pixels(16.0),
        Some("tiny-skia"),
    )
    .await
    .expect("renderer");
    let size = Size::new(1280.0, 800.0);
    let mut cache = Cache::default();
    for _ in 0..5 {
        let ui = UserInterface::build(tab.view(now, 1), size, cache, &mut renderer);
        cache = ui.into_cache();
    }
    // Each event: one chat changes (a line from its customer, a new chat, one ends) and
    // its agent's and queue's rows with it, as the server's diff sends them.
    let mut times = Vec::new();
    for i in 0..2_000i64 {
        let id = i % CHATS + 1;
        let mut row = chat(id, now, true);
        row.customer_last_ms = Some(now + i);
        let mut agent = tab.board().agents[&(id % AGENTS + 1)].clone();
        agent.chats = 1 + i % 3;
        let mut queue = tab.board().queues[&(id % QUEUES + 1)].clone();
        queue.waiting = i % 20;
        let delta = BoardDelta {
            at_ms: now + i,
            queues: vec![queue],
            agents: vec![agent],
            chats: vec![row],
            ..BoardDelta::default()
        };
        let t = Instant::now();
        let _ = tab.update(Message::Board(delta));
        let ui = UserInterface::build(tab.view(now + i, 1), size, cache, &mut renderer);
        cache = ui.into_cache();
        times.push(t.elapsed());
    }
    stats("board event (update + view + layout)", times);
}

/// Seeds the centre: queues, agents (each in one queue), chats waiting, then agents made
/// available so routing hands most chats out, all accepted.
async fn seed(store: &Store) -> (Vec<i64>, Vec<i64>) {
    let t = Instant::now();
    let mut queues = Vec::new();
    for q in 0..QUEUES {
        queues.push(
            store
                .add_queue(&format!("Queue {q:02}"))
                .await
                .expect("queue"),
        );
    }
    let mut agents = Vec::new();
    for a in 0..AGENTS {
        let agent = store
            .add_agent(
                &format!("Agent {a:04}"),
                &format!("agent{a}@example.com"),
                2,
            )
            .await
            .expect("agent");
        store
            .join_queue(agent.id, queues[(a % QUEUES) as usize])
            .await
            .expect("join");
        agents.push(agent.id);
    }
    for c in 0..CHATS {
        store
            .enqueue(
                &format!("Customer {c}"),
                &format!("c{c}@example.com"),
                queues[(c % QUEUES) as usize],
                Some("Hello"),
            )
            .await
            .expect("enqueue");
    }
    for a in agents.iter().take(600) {
        store
            .set_agent_status(*a, AgentStatus::Available)
            .await
            .expect("status");
        for o in store.pending_offers(*a).await.expect("offers") {
            let _ = store.accept(o.chat_id, *a).await;
        }
    }
    println!(
        "seeded {QUEUES} queues, {AGENTS} agents, {CHATS} chats in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    (queues, agents)
}

async fn commits(store: &Store) -> Option<i64> {
    if store.backend() != livewindow::store::Backend::Postgres {
        return None;
    }
    sqlx::query_scalar(
        "SELECT (xact_commit + xact_rollback)::bigint FROM pg_stat_database \
         WHERE datname = current_database()",
    )
    .fetch_one(store.pool())
    .await
    .ok()
}

/// The same traffic for `secs` with `n` supervisors' feeds open: the database's
/// transactions a second.
async fn watched(store: &Store, supervisors: &[i64], chats: &[i64], secs: u64) -> f64 {
    let mut feeds = Vec::new();
    let mut boards = Vec::new();
    for s in supervisors {
        let desk = store.served_desk(*s);
        let stream = livewindow::data::ConsoleData::events(&desk, 0);
        feeds.push(stream);
    }
    let readers: Vec<_> = feeds
        .into_iter()
        .map(|mut f| {
            tokio::spawn(async move {
                use futures::StreamExt;
                let mut n = 0u64;
                while let Some(item) = f.next().await {
                    if let Ok(i) = item
                        && matches!(i.event, livewindow::data::DeskEvent::Board(_))
                    {
                        n += 1;
                    }
                }
                n
            })
        })
        .collect();
    boards.extend(readers);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = commits(store).await;
    let start = Instant::now();
    let mut i = 0usize;
    // 50 customer lines a second, spread over the active chats.
    while start.elapsed() < Duration::from_secs(secs) {
        let chat = chats[i % chats.len()];
        let _ = store
            .send_message(
                chat,
                &NewMessage::plain(Sender::Customer, "Customer", None, "still there?"),
            )
            .await;
        i += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let after = commits(store).await;
    for b in &boards {
        b.abort();
    }
    match (before, after) {
        (Some(b), Some(a)) => (a - b) as f64 / elapsed,
        _ => i as f64 / elapsed,
    }
}

async fn db_bench() {
    let server = std::env::var("TEST_DATABASE_URL").ok();
    let scratch = Scratch::new(server.as_deref())
        .await
        .expect("scratch database");
    let store = Store::open(&scratch.url).await.expect("open");
    let (queues, _agents) = seed(&store).await;
    let mut supervisors = Vec::new();
    for s in 0..20 {
        let id = store
            .add_user(&livewindow::store::NewUser {
                name: format!("Supervisor {s:02}"),
                email: format!("sup{s}@example.com"),
                role: livewindow::core::Role::Supervisor,
                max_chats: 0,
                queues: Vec::new(),
                password: livewindow::store::InitialPassword::OneTime,
            })
            .await
            .expect("supervisor")
            .0
            .agent
            .id;
        // Each supervises five queues.
        for q in 0..5 {
            store
                .set_supervised(id, queues[((s * 5 + q) % QUEUES) as usize], true)
                .await
                .expect("supervise");
        }
        supervisors.push(id);
    }
    let board = store.board().await.expect("board");
    let active: Vec<i64> = board
        .chats
        .values()
        .filter(|c| c.phase == Phase::Active)
        .map(|c| c.id)
        .collect();
    let mut reads = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let _ = store.board().await.expect("board");
        reads.push(t.elapsed());
    }
    println!(
        "backend {}; board of {} chats ({} active), {} agents",
        store.backend(),
        board.chats.len(),
        active.len(),
        board.agents.len()
    );
    stats("one board read", reads);
    let unit = if store.backend() == livewindow::store::Backend::Postgres {
        "transactions/s"
    } else {
        "lines/s (SQLite: no transaction counter)"
    };
    for n in [0usize, 1, 20] {
        let rate = watched(&store, &supervisors[..n], &active, 15).await;
        println!("{n:>2} supervisors watching: {rate:.0} {unit} with 50 customer lines/s");
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("supervisor: bench");
        return;
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        ui_bench().await;
        db_bench().await;
    });
}
