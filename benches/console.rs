//! The console under load: 20 active chats of 2,000 messages each. Measures `view` + layout
//! (what every frame does) when switching chats and per composer keystroke, with the
//! software renderer's text shaping. Run: `cargo bench --bench console`
//! (TEST_DATABASE_URL selects Postgres for the store; the figures are the UI's).

use iced::advanced::renderer::Headless;
use iced::{Font, Pixels, Size, Task};
use iced_runtime::user_interface::{Cache, UserInterface};
use livewindow::Store;
use livewindow::core::AgentStatus;
use livewindow::store::scratch::Scratch;
use livewindow::ui::console::{Console, Message};
use livewindow::ui::interaction;
use livewindow::ui::{composer, widget::rich_editor};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CHATS: usize = 20;
const MESSAGES: i64 = 2_000;

async fn settle(console: &mut Console, task: Task<Message>) {
    use futures::StreamExt;
    let mut queue = vec![task];
    while let Some(task) = queue.pop() {
        let Some(mut stream) = iced_runtime::task::into_stream(task) else {
            continue;
        };
        while let Some(action) = stream.next().await {
            if let iced_runtime::Action::Output(m) = action {
                queue.push(console.update(m));
            }
        }
    }
}

fn stats(name: &str, mut v: Vec<Duration>) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: median {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} samples)",
        ms(v[v.len() / 2]),
        ms(v[(v.len() * 95) / 100]),
        ms(v[v.len() - 1]),
        v.len()
    );
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// Offer shown: a console (its own store handle, like a desktop) follows the event feed;
/// customers ask from another handle every 100 ms; each card's first view records the time
/// since the request on the database's clock.
async fn offer_shown(store: &Store, queue: i64) {
    use futures::StreamExt;
    const N: usize = 40;
    let james = store.find_agent("James Chen").await.expect("agent");
    store.set_max_chats(james.id, 50).await.expect("max");
    store
        .set_agent_status(james.id, AgentStatus::Available)
        .await
        .expect("status");
    let desktop = Store::open(store.url()).await.expect("open");
    let restored = desktop.restore(james.id).await.expect("restore");
    let mut events = desktop.desk_feed(james.id, restored.last_event, false);
    let (mut console, task) = Console::new(Arc::new(desktop.desk(james.id)), restored, None);
    settle(&mut console, task).await;
    let mut renderer = iced::Renderer::new(
        Font::with_name("Fira Sans"),
        Pixels(16.0),
        Some("tiny-skia"),
    )
    .await
    .expect("renderer");
    let mut cache = Cache::default();
    let customers = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut asked = Vec::new();
            for i in 0..N {
                asked.push(
                    store
                        .enqueue(
                            &format!("Shown {i}"),
                            &format!("shown{i}@example.com"),
                            queue,
                            Some("hello"),
                        )
                        .await
                        .expect("enqueue"),
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            asked
        })
    };
    let mut shown = Vec::new();
    let end = Instant::now() + Duration::from_secs(60);
    while shown.len() < N && Instant::now() < end {
        let Ok(Some(Ok(event))) = tokio::time::timeout(Duration::from_secs(5), events.next()).await
        else {
            continue;
        };
        let task = console.update(Message::Event(Ok(event)));
        settle(&mut console, task).await;
        let ui = UserInterface::build(
            console.view(),
            Size::new(1280.0, 800.0),
            cache,
            &mut renderer,
        );
        cache = ui.into_cache();
        shown = console
            .offers()
            .cards()
            .iter()
            .filter_map(|c| c.shown_after_ms())
            .collect();
    }
    let asked = customers.await.expect("customers");
    let mut v: Vec<Duration> = shown
        .into_iter()
        .map(|ms| Duration::from_millis(ms.max(0) as u64))
        .collect();
    if v.is_empty() {
        println!("offer shown: no card was shown");
        return;
    }
    v.sort();
    stats(
        &format!(
            "offer shown, request -> card in the console's view ({})",
            store.backend()
        ),
        v,
    );
    store
        .set_agent_status(james.id, AgentStatus::Offline)
        .await
        .expect("status");
    // Those customers leave, so the next phase starts with no offers pending.
    for chat in asked {
        store
            .end_chat(chat, livewindow::core::Sender::Customer)
            .await
            .expect("end");
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("console: bench");
        return;
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let server = std::env::var("TEST_DATABASE_URL").ok();
        let scratch = Scratch::new(server.as_deref())
            .await
            .expect("scratch database");
        let store = Store::open(&scratch.url).await.expect("open");
        store.seed_demo().await.expect("seed");
        let agent = store.find_agent("Maria Santos").await.expect("agent");
        store.set_max_chats(agent.id, 25).await.expect("max");
        let (queue, _) = store.find_queue(Some("Support")).await.expect("queue");
        offer_shown(&store, queue).await;
        store
            .set_agent_status(agent.id, AgentStatus::Available)
            .await
            .expect("status");
        let t = Instant::now();
        for i in 0..CHATS {
            let chat = store
                .enqueue(
                    &format!("Customer {i}"),
                    &format!("c{i}@example.com"),
                    queue,
                    None,
                )
                .await
                .expect("enqueue");
            store.accept(chat, agent.id).await.expect("accept");
            store.seed_messages(chat, MESSAGES).await.expect("messages");
        }
        println!(
            "backend {}; seeded {CHATS} chats x {MESSAGES} messages in {:.1} s",
            store.backend(),
            t.elapsed().as_secs_f64()
        );
        let rss_before = rss_mb();

        let restored = store.restore(agent.id).await.expect("restore");
        let t = Instant::now();
        let (mut console, task) = Console::new(Arc::new(store.desk(agent.id)), restored, None);
        settle(&mut console, task).await;
        println!(
            "console restored with {} chats in {:.0} ms",
            console.chats().len(),
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
        let ids: Vec<i64> = console.chats().iter().map(|c| c.chat().id).collect();

        // Warm up: every chat laid out once (a real app has laid them out when shown).
        for id in &ids {
            let _ = console.update(Message::Select(*id));
            let ui = UserInterface::build(console.view(), size, cache, &mut renderer);
            cache = ui.into_cache();
        }
        let mut switch = Vec::new();
        for round in 0..5 {
            for (k, id) in ids.iter().enumerate() {
                let target = ids[(k + round + 1) % ids.len()];
                let _ = id;
                let t = Instant::now();
                let _ = console.update(Message::Select(target));
                let ui = UserInterface::build(console.view(), size, cache, &mut renderer);
                cache = ui.into_cache();
                switch.push(t.elapsed());
            }
        }
        stats("switch chats (update + view + layout)", switch);

        let id = ids[0];
        let _ = console.update(Message::Select(id));
        let mut keys = Vec::new();
        for i in 0..300 {
            let c = (b'a' + (i % 26) as u8) as char;
            let t = Instant::now();
            let _ = console.update(Message::Chat(
                id,
                interaction::Message::Composer(composer::Message::Editor(
                    rich_editor::Action::Insert(c.to_string()),
                )),
            ));
            let ui = UserInterface::build(console.view(), size, cache, &mut renderer);
            cache = ui.into_cache();
            keys.push(t.elapsed());
        }
        stats("keystroke in the composer (update + view + layout)", keys);
        println!(
            "RSS of this process: {:.0} MB before the console, {:.0} MB after",
            rss_before,
            rss_mb()
        );
    });
}
