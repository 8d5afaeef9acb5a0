//! Synthetic transcripts for search load tests (`livewindow seed --messages N`, `livewindow
//! bench search-messages`): ended chats spread over queues, agents, contacts and the last
//! year, their messages made of a few thousand words drawn by Zipf's law (a handful very
//! common, most rare), as real text is, so search figures are honest.

mod words;

use crate::{Backend, Result, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Queues the transcripts are spread over (the demo's two, and more).
const QUEUES: &[&str] = &[
    "Support",
    "Billing",
    "Returns",
    "Shipping",
    "Technical",
    "Sales",
    "Warranty",
    "Accounts",
];
/// Agents the transcripts are spread over.
pub const CORPUS_AGENTS: usize = 40;
/// How far back the transcripts go.
const SPAN_MS: i64 = 365 * 86_400_000;
/// Messages per transaction: big enough that commits cost nothing, small enough that
/// SQLite's other readers are not locked out for long.
const PER_TRANSACTION: usize = 50_000;
/// Rows per INSERT (10 parameters each: under both databases' limits).
const PER_STATEMENT: usize = 500;

/// What `seed_transcripts` added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranscriptSeed {
    pub chats: i64,
    pub messages: i64,
}

/// The vocabulary, most common first: real words, then made-up rare ones.
pub fn vocabulary() -> Vec<String> {
    let mut v: Vec<String> = words::COMMON.iter().map(|w| w.to_string()).collect();
    let s = words::SYLLABLES;
    let n = s.len();
    // Two and three syllables: 900 + 27,000 candidates, as many taken as make 4,000.
    let made = (0..n * n * n).map(|i| {
        if i < n * n {
            format!("{}{}", s[i / n], s[i % n])
        } else {
            let j = i - n * n;
            format!("{}{}{}", s[j / (n * n)], s[(j / n) % n], s[j % n])
        }
    });
    let room = 4_000usize.saturating_sub(v.len());
    v.extend(made.take(room));
    v
}

/// Draws word ranks by Zipf's law (s = 1): rank r with weight 1/(r+1).
pub struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize) -> Self {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|r| {
                total += 1.0 / (r as f64 + 1.0);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    pub fn sample(&self, rng: &mut StdRng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        self.cumulative
            .partition_point(|c| *c < x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

/// One message's text: 3 to 24 words, sometimes with an order or error code, which makes
/// rare words of its own.
fn sentence(rng: &mut StdRng, vocab: &[String], zipf: &Zipf) -> String {
    let n = rng.random_range(3..=24);
    let mut words: Vec<String> = (0..n).map(|_| vocab[zipf.sample(rng)].clone()).collect();
    match rng.random_range(0..20) {
        0 => words.extend([
            "order".into(),
            "number".into(),
            format!("A{}", rng.random_range(10_000..99_999)),
        ]),
        1 => words.extend([
            "error".into(),
            "code".into(),
            format!("E{}", rng.random_range(10..99)),
        ]),
        2 => words.extend([
            "tracking".into(),
            "number".into(),
            format!("TRK-{}", rng.random_range(100_000..999_999)),
        ]),
        _ => {}
    }
    let mut text = words.join(" ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text.push(if rng.random_range(0..4) == 0 {
        '?'
    } else {
        '.'
    });
    text
}

struct ChatRow {
    queue: i64,
    /// Indexes into the corpus's agents.
    agent: usize,
    /// A second agent who wrote in the chat before it was transferred to `agent`.
    first_agent: Option<usize>,
    contact: Option<i64>,
    customer: String,
    email: String,
    created: i64,
    messages: usize,
}

impl Store {
    /// Adds `n` messages in ended chats of 4 to 28 messages, spread over eight queues,
    /// [`CORPUS_AGENTS`] agents and the demo's contacts, dated over the last year (or since
    /// the newest message already there, so ids and dates keep the same order), in batches
    /// of a few hundred rows and transactions of [`PER_TRANSACTION`] messages. Run
    /// `seed_demo` first. No events: nothing here is "new".
    pub async fn seed_transcripts(&self, n: i64) -> Result<TranscriptSeed> {
        let mut rng = StdRng::seed_from_u64(18);
        let vocab = vocabulary();
        let zipf = Zipf::new(vocab.len());
        let now = self.now_ms().await?;
        let newest: Option<i64> = sqlx::query_scalar("SELECT max(created_ms) FROM messages")
            .fetch_one(self.pool())
            .await?;
        let start = (now - SPAN_MS).max(newest.map_or(i64::MIN, |t| t + 1));
        let queues = self.corpus_queues(now).await?;
        let agents = self.corpus_agents(now).await?;
        let contacts: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, first_name || ' ' || last_name FROM contacts ORDER BY id LIMIT 5000",
        )
        .fetch_all(self.pool())
        .await?;
        let step = ((now - start) / n.max(1)).max(1);
        let mut seed = TranscriptSeed::default();
        let mut made = 0i64;
        while made < n {
            let mut w = self.write().await?;
            if self.backend == Backend::Sqlite {
                // The FTS index takes most of the pages: see seed_contacts_in_accounts.
                sqlx::query("PRAGMA cache_size = -524288")
                    .execute(&mut *w.tx)
                    .await?;
            }
            let mut in_tx = 0usize;
            while in_tx < PER_TRANSACTION && made < n {
                // Chats until this statement's share of messages.
                let mut chats = Vec::new();
                let mut count = 0usize;
                while count < PER_STATEMENT * 4 && made + (count as i64) < n {
                    let k = (rng.random_range(4..=28usize)).min((n - made) as usize - count);
                    let serial = seed.chats + chats.len() as i64;
                    let contact = contacts.get(rng.random_range(0..contacts.len().max(1)));
                    let customer =
                        contact.map_or_else(|| format!("Customer {serial}"), |c| c.1.clone());
                    chats.push(ChatRow {
                        queue: queues[rng.random_range(0..queues.len())],
                        agent: rng.random_range(0..agents.len()),
                        first_agent: (rng.random_range(0..10) == 0)
                            .then(|| rng.random_range(0..agents.len())),
                        contact: contact.map(|c| c.0),
                        email: format!("seed{serial}.{}@example.net", made + count as i64),
                        customer,
                        created: start + (made + count as i64) * step,
                        messages: k,
                    });
                    count += k;
                }
                let ids = insert_chats(&mut w, &chats, &agents, step).await?;
                let mut rows = Vec::with_capacity(count);
                for (chat, id) in chats.iter().zip(&ids) {
                    for i in 0..chat.messages {
                        let from_customer = i % 2 == 0;
                        let first_half = i < chat.messages / 2;
                        let agent = match chat.first_agent {
                            Some(a) if first_half => a,
                            _ => chat.agent,
                        };
                        // A transfer's note, private to agents, where the chat changed hands.
                        let internal = chat.first_agent.is_some() && i == chat.messages / 2;
                        let text = if internal {
                            format!("Transfer note: {}", sentence(&mut rng, &vocab, &zipf))
                        } else {
                            sentence(&mut rng, &vocab, &zipf)
                        };
                        rows.push(MessageRow {
                            chat: *id,
                            client_id: format!("corpus-{id}-{i}"),
                            customer: from_customer && !internal,
                            sender_name: if from_customer && !internal {
                                chat.customer.clone()
                            } else {
                                agents[agent].1.clone()
                            },
                            agent: (!from_customer || internal).then_some(agents[agent].0),
                            text,
                            internal,
                            created: chat.created + i as i64 * step,
                        });
                    }
                }
                for part in rows.chunks(PER_STATEMENT) {
                    insert_messages(&mut w, part).await?;
                }
                seed.chats += chats.len() as i64;
                seed.messages += rows.len() as i64;
                made += rows.len() as i64;
                in_tx += rows.len();
            }
            if self.backend == Backend::Sqlite {
                sqlx::query("PRAGMA cache_size = -2000")
                    .execute(&mut *w.tx)
                    .await?;
            }
            w.commit().await?;
        }
        Ok(seed)
    }

    /// The corpus's queues, made if missing.
    async fn corpus_queues(&self, now: i64) -> Result<Vec<i64>> {
        let mut ids = Vec::new();
        for name in QUEUES {
            sqlx::query(
                "INSERT INTO queues (name, created_ms) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .bind(*name)
            .bind(now)
            .execute(self.pool())
            .await?;
            let id: i64 = sqlx::query_scalar("SELECT id FROM queues WHERE name = $1")
                .bind(*name)
                .fetch_one(self.pool())
                .await?;
            ids.push(id);
        }
        Ok(ids)
    }

    /// The corpus's agents ("Corpus Agent 7", offline, no sign-in), made if missing: id
    /// and name.
    async fn corpus_agents(&self, now: i64) -> Result<Vec<(i64, String)>> {
        let mut ids = Vec::new();
        for k in 1..=CORPUS_AGENTS {
            sqlx::query(
                "INSERT INTO agents (name, email, max_chats, created_ms) VALUES ($1, $2, 4, $3) \
                 ON CONFLICT (email) DO NOTHING",
            )
            .bind(format!("Corpus Agent {k}"))
            .bind(format!("corpus.agent{k}@example.net"))
            .bind(now)
            .execute(self.pool())
            .await?;
            let id: i64 = sqlx::query_scalar("SELECT id FROM agents WHERE email = $1")
                .bind(format!("corpus.agent{k}@example.net"))
                .fetch_one(self.pool())
                .await?;
            ids.push((id, format!("Corpus Agent {k}")));
        }
        Ok(ids)
    }
}

struct MessageRow {
    chat: i64,
    client_id: String,
    customer: bool,
    sender_name: String,
    agent: Option<i64>,
    text: String,
    internal: bool,
    created: i64,
}

/// Inserts ended chats; their ids in the same order (matched by their unique emails).
async fn insert_chats(
    w: &mut crate::WriteTx,
    chats: &[ChatRow],
    agents: &[(i64, String)],
    step: i64,
) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(chats.len());
    for part in chats.chunks(PER_STATEMENT) {
        let mut values = Vec::new();
        for i in 0..part.len() {
            let b = i * 7;
            values.push(format!(
                "(${}, ${}, ${}, ${}, 'ended', ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 6,
                b + 6,
                b + 7,
                b + 7,
                b + 6
            ));
        }
        let sql = format!(
            "INSERT INTO chats (queue_id, customer_name, customer_email, contact_id, state, \
             agent_id, created_ms, queued_ms, accepted_ms, ended_ms, wrapped_ms, customer_seen_ms) \
             VALUES {} RETURNING id, customer_email",
            values.join(", ")
        );
        let mut q = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
        for c in part {
            q = q
                .bind(c.queue)
                .bind(c.customer.clone())
                .bind(c.email.clone())
                .bind(c.contact)
                .bind(agents[c.agent].0)
                .bind(c.created)
                .bind(c.created + c.messages as i64 * step);
        }
        let returned: std::collections::HashMap<String, i64> = q
            .fetch_all(&mut *w.tx)
            .await?
            .into_iter()
            .map(|(id, email)| (email, id))
            .collect();
        for c in part {
            ids.push(returned.get(&c.email).copied().ok_or_else(|| {
                crate::StoreError::Database("a seeded chat did not come back".into())
            })?);
        }
    }
    Ok(ids)
}

async fn insert_messages(w: &mut crate::WriteTx, rows: &[MessageRow]) -> Result<()> {
    let mut values = Vec::with_capacity(rows.len());
    for i in 0..rows.len() {
        let b = i * 9;
        values.push(format!(
            "(${}, ${}, ${}, ${}, ${}, 'plain', ${}, ${}, ${}, ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6,
            b + 7,
            b + 8,
            b + 9
        ));
    }
    let sql = format!(
        "INSERT INTO messages (chat_id, client_id, sender, sender_name, agent_id, format, \
         body_html, body_text, internal, created_ms) VALUES {}",
        values.join(", ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for r in rows {
        q = q
            .bind(r.chat)
            .bind(r.client_id.clone())
            .bind(if r.customer { "customer" } else { "agent" })
            .bind(r.sender_name.clone())
            .bind(r.agent)
            .bind(livewindow_richtext::plain_to_html(&r.text))
            .bind(r.text.clone())
            .bind(i64::from(r.internal))
            .bind(r.created);
    }
    q.execute(&mut *w.tx).await?;
    Ok(())
}
