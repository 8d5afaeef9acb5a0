//! Message search at scale (issue 18): a million messages of synthetic transcripts, then
//! each kind of search the console's search screen makes, many times with varied words,
//! through `Store::search_messages` as the console calls it (a page of 50, asking 51).

use crate::core::search::MessageQuery;
use crate::store::{Backend, Store};
use anyhow::Result;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

const PAGE: i64 = 50;
const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone, Copy)]
enum Kind {
    Common,
    Rare,
    Prefix,
    Phrase,
    Queue,
    Agent,
    Dates,
    Visible,
}

const KINDS: [Kind; 8] = [
    Kind::Common,
    Kind::Rare,
    Kind::Prefix,
    Kind::Phrase,
    Kind::Queue,
    Kind::Agent,
    Kind::Dates,
    Kind::Visible,
];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Common => "common word",
            Kind::Rare => "rare word",
            Kind::Prefix => "prefix*",
            Kind::Phrase => "\"phrase\"",
            Kind::Queue => "word + queue",
            Kind::Agent => "word + agent",
            Kind::Dates => "word + 30 days",
            Kind::Visible => "visible to agent",
        }
    }
}

/// What the searches are drawn from.
struct Material {
    vocab: Vec<String>,
    /// Texts of random messages, for phrases someone remembers.
    texts: Vec<String>,
    queues: Vec<i64>,
    agents: Vec<i64>,
    now: i64,
}

impl Material {
    /// A word of the vocabulary by rank range (0 the most common).
    fn word(&self, rng: &mut StdRng, ranks: std::ops::Range<usize>) -> String {
        let hi = ranks.end.min(self.vocab.len());
        self.vocab[rng.random_range(ranks.start.min(hi - 1)..hi)].clone()
    }

    fn query(&self, kind: Kind, rng: &mut StdRng) -> MessageQuery {
        // Words an agent would look for with a filter: neither "the" nor a one-off.
        let mid = |rng: &mut StdRng| self.word(rng, 20..400);
        let mut q = MessageQuery::new(String::new());
        q.limit = PAGE;
        match kind {
            Kind::Common => q.text = self.word(rng, 0..60),
            Kind::Rare => q.text = self.word(rng, 1_500..4_000),
            Kind::Prefix => {
                let w = loop {
                    let w = self.word(rng, 40..1_500);
                    if w.chars().all(char::is_alphanumeric) && w.chars().count() >= 4 {
                        break w;
                    }
                };
                let n = rng.random_range(3..w.chars().count());
                q.text = format!("{}*", w.chars().take(n).collect::<String>());
            }
            Kind::Phrase => {
                let text = self
                    .texts
                    .choose(rng)
                    .map_or("order number", String::as_str);
                let words: Vec<&str> = crate::core::search::words(text).map(|(_, w)| w).collect();
                let n = rng.random_range(2..=3).min(words.len());
                let at = rng.random_range(0..=words.len() - n);
                q.text = format!("\"{}\"", words[at..at + n].join(" "));
            }
            Kind::Queue => {
                q.text = mid(rng);
                q.queue_id = self.queues.choose(rng).copied();
            }
            Kind::Agent => {
                q.text = mid(rng);
                q.agent_id = self.agents.choose(rng).copied();
            }
            Kind::Dates => {
                q.text = mid(rng);
                let from = self.now - rng.random_range(30..365) * DAY_MS;
                q.from_ms = Some(from);
                q.to_ms = Some(from + 30 * DAY_MS);
            }
            Kind::Visible => {
                q.text = mid(rng);
                q.visible_to = self.agents.choose(rng).copied();
                q.include_internal = true;
            }
        }
        q
    }
}

pub(super) async fn search_messages(store: &Store, messages: i64, runs: usize) -> Result<()> {
    let t0 = Instant::now();
    store.seed_demo().await?;
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM messages")
        .fetch_one(store.pool())
        .await?;
    if have < messages {
        store.seed_transcripts(messages - have).await?;
    }
    let seeded = t0.elapsed();
    if store.backend() == Backend::Postgres {
        // Statistics and the visibility map, as autovacuum makes them after a bulk load
        // (PostgreSQL 13 on vacuums tables that only grow too). SQLite's planner runs
        // without statistics, as the app leaves it; the search's join order is fixed there.
        sqlx::query("VACUUM ANALYZE").execute(store.pool()).await?;
    }
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM messages")
        .fetch_one(store.pool())
        .await?;
    let max_id: i64 = sqlx::query_scalar("SELECT max(id) FROM messages")
        .fetch_one(store.pool())
        .await?;
    let mut rng = StdRng::seed_from_u64(18);
    let mut texts = Vec::new();
    for _ in 0..500 {
        let id = rng.random_range(1..=max_id);
        let t: Option<String> = sqlx::query_scalar("SELECT body_text FROM messages WHERE id = $1")
            .bind(id)
            .fetch_optional(store.pool())
            .await?;
        texts.extend(t.filter(|t| crate::core::search::words(t).count() >= 3));
    }
    let material = Material {
        vocab: crate::store::corpus_vocabulary(),
        texts,
        queues: sqlx::query_scalar("SELECT id FROM queues ORDER BY id")
            .fetch_all(store.pool())
            .await?,
        agents: sqlx::query_scalar(
            "SELECT id FROM agents WHERE email LIKE 'corpus.agent%' ORDER BY id",
        )
        .fetch_all(store.pool())
        .await?,
        now: store.now_ms().await?,
    };
    println!(
        "message search, {}: {total} messages (seeded in {:.1} s); {runs} runs per kind, \
         a page of {PAGE}",
        store.backend(),
        seeded.as_secs_f64()
    );
    println!(
        "{:<18} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "kind", "p50", "p95", "p99", "max", "hits"
    );
    let mut worst = 0.0f64;
    for kind in KINDS {
        let queries: Vec<MessageQuery> =
            (0..runs).map(|_| material.query(kind, &mut rng)).collect();
        // Warm the caches, as a console in use has them.
        for q in queries.iter().take(20) {
            store.search_messages(q).await?;
        }
        let mut times = Vec::with_capacity(runs);
        let mut hits = 0usize;
        for q in &queries {
            let t = Instant::now();
            hits += store.search_messages(q).await?.hits.len();
            times.push(t.elapsed());
        }
        let [p50, p95, p99, max] = percentiles(&mut times);
        worst = worst.max(p95);
        println!(
            "{:<18} {p50:>6.2} ms {p95:>6.2} ms {p99:>6.2} ms {max:>6.2} ms {:>7.1}",
            kind.name(),
            hits as f64 / runs.max(1) as f64
        );
    }
    println!("worst p95 {worst:.1} ms");
    Ok(())
}

/// p50, p95, p99 (nearest rank) and the max, in ms.
fn percentiles(samples: &mut [Duration]) -> [f64; 4] {
    samples.sort();
    [0.50, 0.95, 0.99, 1.0].map(|p| {
        if samples.is_empty() {
            return 0.0;
        }
        let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
        samples[i].as_secs_f64() * 1000.0
    })
}
