//! Contact search at scale: a seeded million contacts (spread over accounts), then each
//! kind of query the search box gets, many times with varied prefixes, through the
//! store's search as the console calls it. Beside it, the search as it was before issue 11
//! (one statement ORing `lower(col) LIKE 'x%'` over the fields, a full scan) on the same
//! data in the same run.

use crate::store::seed_names::{FIRST_NAMES, LAST_NAMES};
use crate::store::{Backend, Store};
use anyhow::Result;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

/// The console shows 50 and asks for one more, to know whether there are more.
const ASKED: i64 = 51;

#[derive(Debug, Clone, Copy)]
enum Kind {
    FirstName,
    LastName,
    FirstLast,
    Email,
    Phone,
    Account,
}

const KINDS: [Kind; 6] = [
    Kind::FirstName,
    Kind::LastName,
    Kind::FirstLast,
    Kind::Email,
    Kind::Phone,
    Kind::Account,
];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::FirstName => "first name",
            Kind::LastName => "last name",
            Kind::FirstLast => "\"first last\"",
            Kind::Email => "email",
            Kind::Phone => "phone digits",
            Kind::Account => "account name",
        }
    }

    /// A query an agent could type: a prefix of a seeded value, 1 character to all of it.
    fn query(self, rng: &mut StdRng, contacts: i64, account_names: &[String]) -> String {
        let prefix = |rng: &mut StdRng, s: &str| {
            let n = rng.random_range(1..=s.chars().count());
            s.chars().take(n).collect::<String>()
        };
        let first = *FIRST_NAMES.choose(rng).unwrap_or(&"Ana");
        let last = *LAST_NAMES.choose(rng).unwrap_or(&"Lima");
        match self {
            Kind::FirstName => prefix(rng, first).to_lowercase(),
            Kind::LastName => prefix(rng, last),
            Kind::FirstLast => format!("{} {}", first.to_lowercase(), prefix(rng, last)),
            Kind::Email => {
                // The bulk seed's emails: <first>.<last>.<n>@example.net, after the demo's 320.
                let i = rng.random_range(0..contacts.max(1)) as usize;
                let (nf, nl) = (FIRST_NAMES.len(), LAST_NAMES.len());
                let local = format!(
                    "{}.{}.{}",
                    FIRST_NAMES[i % nf].to_lowercase(),
                    LAST_NAMES[(i / nf) % nl].to_lowercase(),
                    i + 320
                );
                prefix(rng, &local)
            }
            Kind::Phone => {
                // The bulk seed's phones: +1-555-<7 digits>.
                let i = rng.random_range(0..contacts.max(1));
                let local = format!("555{}", 1_000_000 + (i * 7919) % 9_000_000);
                match rng.random_range(0..3) {
                    // As the customer reads it out, with the country code: a prefix.
                    0 => format!("+1 {}", prefix(rng, &local)),
                    // The whole number without the country code: its ending.
                    1 => local,
                    // The last four digits.
                    _ => local[local.len() - 4..].to_string(),
                }
            }
            Kind::Account => {
                let name = account_names
                    .choose(rng)
                    .map_or("Northwind", String::as_str);
                prefix(rng, name)
            }
        }
    }
}

pub(super) async fn search(
    store: &Store,
    contacts: i64,
    runs: usize,
    old_runs: usize,
) -> Result<()> {
    let accounts = (contacts / 10).max(1);
    let t0 = Instant::now();
    store.seed_demo().await?;
    store.seed_contacts_in_accounts(contacts, accounts).await?;
    let seeded = t0.elapsed();
    if store.backend() == Backend::Postgres {
        // Statistics, as autovacuum would gather them after a bulk load.
        sqlx::query("ANALYZE").execute(store.pool()).await?;
    }
    let total = store.contact_count().await?;
    let account_names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM accounts ORDER BY random() LIMIT 2000")
            .fetch_all(store.pool())
            .await?;
    println!(
        "contact search, {}: {total} contacts, {accounts} bulk accounts (seeded in {:.1} s); \
         {runs} runs per kind (new), {old_runs} (old); asking for {ASKED}",
        store.backend(),
        seeded.as_secs_f64()
    );
    println!(
        "{:<14} {:>9} {:>9} {:>9} {:>8} | {:>9} {:>9} {:>9}",
        "kind", "new p50", "p95", "p99", "rows", "old p50", "p95", "p99"
    );
    let mut rng = StdRng::seed_from_u64(11);
    for kind in KINDS {
        let queries: Vec<String> = (0..runs.max(old_runs))
            .map(|_| kind.query(&mut rng, contacts, &account_names))
            .collect();
        // Warm the cache and the statement cache first, as a console in use has them.
        for q in queries.iter().take(20) {
            store.search_contacts(q, ASKED).await?;
        }
        let mut new = Vec::with_capacity(runs);
        let mut rows = 0;
        for q in queries.iter().take(runs) {
            let t = Instant::now();
            rows += store.search_contacts(q, ASKED).await?.len();
            new.push(t.elapsed());
        }
        let mut old = Vec::with_capacity(old_runs);
        for q in queries.iter().take(old_runs) {
            let t = Instant::now();
            old_search(store, q, ASKED).await?;
            old.push(t.elapsed());
        }
        let [n50, n95, n99] = percentiles(&mut new);
        let [o50, o95, o99] = percentiles(&mut old);
        println!(
            "{:<14} {n50:>9} {n95:>9} {n99:>9} {:>8.1} | {o50:>9} {o95:>9} {o99:>9}",
            kind.name(),
            rows as f64 / runs.max(1) as f64,
        );
    }
    Ok(())
}

/// p50, p95, p99 in ms (nearest rank), or "—" with no samples.
fn percentiles(samples: &mut [Duration]) -> [String; 3] {
    samples.sort();
    [0.50, 0.95, 0.99].map(|p| {
        if samples.is_empty() {
            return "—".to_string();
        }
        let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
        format!("{:.2} ms", samples[i].as_secs_f64() * 1000.0)
    })
}

/// The search before issue 11, verbatim: every field ORed in one statement.
async fn old_search(store: &Store, query: &str, limit: i64) -> Result<usize> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Ok(0);
    }
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let prefix = format!("{escaped}%");
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let (first, last) = match q.rsplit_once(' ') {
        Some((f, l)) => (f.trim().to_string(), format!("{}%", l.trim())),
        None => (String::new(), String::new()),
    };
    let sql = "SELECT c.id, c.account_id, ac.name AS account_name, c.first_name, c.last_name, \
                c.email, c.phone, c.version FROM contacts c LEFT JOIN accounts ac ON ac.id = c.account_id \
         WHERE lower(c.email) LIKE $1 ESCAPE '\\' \
           OR lower(c.last_name) LIKE $1 ESCAPE '\\' OR lower(c.first_name) LIKE $1 ESCAPE '\\' \
           OR (lower(c.first_name) = $2 AND lower(c.last_name) LIKE $3 ESCAPE '\\') \
           OR ($4 <> '' AND replace(replace(replace(c.phone, '-', ''), ' ', ''), '+', '') LIKE $5) \
           OR lower(ac.name) LIKE $1 ESCAPE '\\' \
         ORDER BY lower(c.last_name), lower(c.first_name), c.id LIMIT $6";
    let rows = sqlx::query(sql)
        .bind(&prefix)
        .bind(&first)
        .bind(&last)
        .bind(&digits)
        .bind(format!("%{digits}%"))
        .bind(limit)
        .fetch_all(store.pool())
        .await?;
    Ok(rows.len())
}
