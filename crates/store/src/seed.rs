//! Believable demo data, and bulk synthetic contacts for load tests.

use super::{Backend, Result, Store};

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

pub const FIRST_NAMES: &[&str] = &[
    "Ana", "Bruno", "Carla", "Daniel", "Elena", "Felipe", "Grace", "Hugo", "Ines", "Jonas",
    "Karin", "Lucas", "Marta", "Nikolai", "Olivia", "Pedro", "Quinn", "Rosa", "Samuel", "Tessa",
    "Umar", "Vera", "Walter", "Ximena", "Yusuf", "Zoe", "Aiko", "Ben", "Chloe", "Dmitri", "Emma",
    "Farah", "Gustav", "Hannah", "Ivan", "Julia", "Kofi", "Lena", "Mateo", "Nadia",
];
pub const LAST_NAMES: &[&str] = &[
    "Lima",
    "Okafor",
    "Schmidt",
    "Tanaka",
    "Rossi",
    "Novak",
    "Haddad",
    "Johansson",
    "Garcia",
    "Kowalski",
    "Dubois",
    "Silva",
    "Murphy",
    "Nguyen",
    "Petrov",
    "Costa",
    "Fischer",
    "Moreau",
    "Ahmed",
    "Larsen",
    "Kim",
    "Oliveira",
    "Brown",
    "Yilmaz",
    "Ferreira",
    "Jensen",
    "Popescu",
    "Mendes",
    "Walsh",
    "Hoffmann",
    "Ito",
    "Bianchi",
    "Svensson",
    "Cohen",
    "Ramos",
    "Weber",
    "Santos",
    "Chen",
    "Patel",
    "Martin",
];
const COMPANY_A: &[&str] = &[
    "Northwind",
    "Bluewater",
    "Redwood",
    "Summit",
    "Cobalt",
    "Harbor",
    "Evergreen",
    "Granite",
    "Silverline",
    "Meridian",
    "Atlas",
    "Lakeside",
    "Orion",
    "Pioneer",
    "Sterling",
    "Vertex",
];
const COMPANY_B: &[&str] = &[
    "Logistics",
    "Dental Group",
    "Manufacturing",
    "Foods",
    "Clinics",
    "Engineering",
    "Retail",
    "Hotels",
    "Labs",
    "Energy",
];
const INDUSTRIES: &[&str] = &[
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Hospitality",
    "Logistics",
    "Energy",
    "Food",
];
const CITIES: &[&str] = &[
    "Lisbon", "Austin", "Toronto", "Leeds", "Munich", "Osaka", "Porto", "Denver", "Lyon", "Cork",
];
const PRODUCTS: &[&str] = &[
    "AquaPure 300 Water Filter",
    "ThermoMax Boiler X2",
    "CoolAir Split AC 12k",
    "PrintPro 4200",
    "SecureCam HD",
    "SolarEdge Inverter 5kW",
    "LiftMaster Dock Leveler",
    "FreshKeep Freezer 700L",
];
const SUBJECTS: &[&str] = &[
    "Annual maintenance",
    "Unit not powering on",
    "Replace filter cartridge",
    "Error code E42",
    "Noisy operation",
    "Firmware update",
    "Leak under unit",
    "Install at new site",
    "Calibration check",
    "Warranty inspection",
];
const STATUSES: &[&str] = &["open", "open", "in progress", "scheduled", "closed"];
const PRIORITIES: &[&str] = &["low", "normal", "normal", "high", "urgent"];

/// The demo's agents: (name, email, max chats, queues).
pub const DEMO_AGENTS: &[(&str, &str, i64, &[&str])] = &[
    (
        "Maria Santos",
        "maria.santos@example.com",
        4,
        &["Support", "Billing"],
    ),
    ("James Chen", "james.chen@example.com", 3, &["Support"]),
    (
        "Priya Patel",
        "priya.patel@example.com",
        3,
        &["Billing", "Support"],
    ),
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedSummary {
    pub already_seeded: bool,
    pub accounts: i64,
    pub contacts: i64,
    pub assets: i64,
    pub work_orders: i64,
    pub queues: i64,
    pub agents: i64,
}

impl Store {
    /// Creates the demo data in one transaction. Running it again changes nothing.
    pub async fn seed_demo(&self) -> Result<SeedSummary> {
        let mut w = self.write().await?;
        let present: Option<i64> = sqlx::query_scalar("SELECT id FROM agents WHERE email = $1")
            .bind(DEMO_AGENTS[0].1)
            .fetch_optional(&mut *w.tx)
            .await?;
        if present.is_some() {
            return Ok(SeedSummary {
                already_seeded: true,
                ..Default::default()
            });
        }
        let now: i64 = sqlx::query_scalar(self.sql("SELECT NOW_MS"))
            .fetch_one(&mut *w.tx)
            .await?;
        let mut rng = StdRng::seed_from_u64(20261124);
        let mut s = SeedSummary::default();

        let mut queue_ids = Vec::new();
        for name in ["Support", "Billing"] {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM queues WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *w.tx)
                .await?;
            let id = match id {
                Some(id) => id,
                None => {
                    s.queues += 1;
                    sqlx::query_scalar(
                        "INSERT INTO queues (name, created_ms) VALUES ($1, $2) RETURNING id",
                    )
                    .bind(name)
                    .bind(now)
                    .fetch_one(&mut *w.tx)
                    .await?
                }
            };
            queue_ids.push((name, id));
        }
        for (name, email, max, queues) in DEMO_AGENTS {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO agents (name, email, max_chats, created_ms) VALUES ($1, $2, $3, $4) \
                 RETURNING id",
            )
            .bind(*name)
            .bind(*email)
            .bind(*max)
            .bind(now)
            .fetch_one(&mut *w.tx)
            .await?;
            s.agents += 1;
            for (qname, qid) in &queue_ids {
                if queues.contains(qname) {
                    sqlx::query("INSERT INTO agent_queues (agent_id, queue_id) VALUES ($1, $2)")
                        .bind(id)
                        .bind(*qid)
                        .execute(&mut *w.tx)
                        .await?;
                }
            }
        }
        for (name, value) in [
            (livewindow_core::OPT_CKEDITOR, "Y"),
            (livewindow_core::OPT_OFFER_TIMEOUT, "30"),
        ] {
            sqlx::query(
                "INSERT INTO profile_options (name, agent_id, value, updated_ms) VALUES ($1, 0, $2, $3) \
                 ON CONFLICT (name, agent_id) DO NOTHING",
            )
            .bind(name)
            .bind(value)
            .bind(now)
            .execute(&mut *w.tx)
            .await?;
        }

        let mut accounts = Vec::new();
        for i in 0..60 {
            let name = format!(
                "{} {}",
                COMPANY_A[i % COMPANY_A.len()],
                COMPANY_B[(i / COMPANY_A.len() + i) % COMPANY_B.len()]
            );
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO accounts (number, name, industry, phone, city, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(format!("ACC-{:05}", 10001 + i))
            .bind(&name)
            .bind(*INDUSTRIES.choose(&mut rng).unwrap_or(&"Retail"))
            .bind(format!(
                "+1-555-{:07}",
                rng.random_range(1_000_000..9_999_999)
            ))
            .bind(*CITIES.choose(&mut rng).unwrap_or(&"Lisbon"))
            .bind(now)
            .fetch_one(&mut *w.tx)
            .await?;
            accounts.push(id);
        }
        s.accounts = accounts.len() as i64;

        // Contacts: the first ones are the demo's simulated customers, so verification finds them.
        let mut contacts = Vec::new();
        for i in 0..320 {
            let first = FIRST_NAMES[i % FIRST_NAMES.len()];
            let last = LAST_NAMES[(i * 7 + i / FIRST_NAMES.len()) % LAST_NAMES.len()];
            let account = accounts[i % accounts.len()];
            let email = format!(
                "{}.{}{}@example.com",
                first.to_lowercase(),
                last.to_lowercase(),
                if i < FIRST_NAMES.len() {
                    String::new()
                } else {
                    i.to_string()
                }
            );
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO contacts (account_id, first_name, last_name, email, phone, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(account)
            .bind(first)
            .bind(last)
            .bind(email)
            .bind(format!("+1-555-{:07}", rng.random_range(1_000_000..9_999_999)))
            .bind(now)
            .fetch_one(&mut *w.tx)
            .await?;
            contacts.push((id, account));
        }
        s.contacts = contacts.len() as i64;

        let mut assets = Vec::new();
        for i in 0..220 {
            let (contact, account) = contacts[(i * 3) % contacts.len()];
            let product = PRODUCTS[i % PRODUCTS.len()];
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO assets (account_id, contact_id, product, serial, status, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(account)
            .bind(contact)
            .bind(product)
            .bind(format!(
                "SN-{}-{:06}",
                &product[..2].to_uppercase(),
                100000 + i * 37
            ))
            .bind(if i % 9 == 0 { "retired" } else { "active" })
            .bind(now)
            .fetch_one(&mut *w.tx)
            .await?;
            assets.push((id, contact, account));
        }
        s.assets = assets.len() as i64;

        for i in 0..220 {
            let (asset, contact, account) = assets[(i * 5) % assets.len()];
            let opened = now - rng.random_range(1..90) * 86_400_000;
            sqlx::query(
                "INSERT INTO work_orders (number, account_id, contact_id, asset_id, subject, status, \
                 priority, opened_ms, due_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(format!("WO-{:06}", 200001 + i))
            .bind(account)
            .bind(contact)
            .bind(asset)
            .bind(*SUBJECTS.choose(&mut rng).unwrap_or(&"Annual maintenance"))
            .bind(*STATUSES.choose(&mut rng).unwrap_or(&"open"))
            .bind(*PRIORITIES.choose(&mut rng).unwrap_or(&"normal"))
            .bind(opened)
            .bind(opened + rng.random_range(3..30) * 86_400_000)
            .bind(now)
            .execute(&mut *w.tx)
            .await?;
        }
        s.work_orders = 220;
        w.commit().await?;
        Ok(s)
    }

    /// Bulk-loads `n` synthetic contacts with one INSERT … SELECT over a generated series,
    /// so the rows never cross the wire. Returns how many were added.
    pub async fn seed_contacts(&self, n: i64) -> Result<i64> {
        self.seed_contacts_in_accounts(n, 0).await
    }

    /// As [`Store::seed_contacts`], and first `accounts` synthetic accounts ("Northwind
    /// Logistics 17", …) that the new contacts are spread over, round robin; with 0, the
    /// contacts have no account. For load tests of account-name search.
    #[doc(hidden)]
    pub async fn seed_contacts_in_accounts(&self, n: i64, accounts: i64) -> Result<i64> {
        if n <= 0 {
            return Ok(0);
        }
        let firsts = values_list(FIRST_NAMES);
        let lasts = values_list(LAST_NAMES);
        let (nf, nl) = (FIRST_NAMES.len(), LAST_NAMES.len());
        let mut w = self.write().await?;
        if self.backend == Backend::Sqlite {
            // The rows land in each index at random places: with SQLite's default 2 MB
            // page cache that is a read and a spill per row and index. 512 MB for this
            // load (pages are only taken as needed), the default again after it.
            sqlx::query("PRAGMA cache_size = -524288")
                .execute(&mut *w.tx)
                .await?;
        }
        let offset: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts")
            .fetch_one(&mut *w.tx)
            .await?;
        // Bulk accounts are numbered BULK-<k>; the contacts find theirs by that number.
        let account_base: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
            .fetch_one(&mut *w.tx)
            .await?;
        if accounts > 0 {
            let (na, nb) = (COMPANY_A.len(), COMPANY_B.len());
            let series = self.series_cte("$1");
            let sql = format!(
                "{series}, a(k, name) AS (VALUES {}), b(k, name) AS (VALUES {}) \
                 INSERT INTO accounts (number, name, industry, city, updated_ms) \
                 SELECT 'BULK-' || CAST(n.i + $2 AS TEXT), \
                        a.name || ' ' || b.name || ' ' || CAST(n.i + $2 AS TEXT), '', '', NOW_MS \
                 FROM n JOIN a ON a.k = n.i % {na} JOIN b ON b.k = (n.i / {na}) % {nb}",
                values_list(COMPANY_A),
                values_list(COMPANY_B)
            );
            sqlx::query(self.sql(&sql))
                .bind(accounts)
                .bind(account_base)
                .execute(&mut *w.tx)
                .await?;
        }
        let account = if accounts > 0 {
            "(SELECT id FROM accounts WHERE number = 'BULK-' || CAST($3 + n.i % $4 AS TEXT))"
        } else {
            "CAST(NULL AS BIGINT)"
        };
        let series = self.series_cte("$1");
        let sql = format!(
            "{series}, f(k, name) AS (VALUES {firsts}), l(k, name) AS (VALUES {lasts}) \
             INSERT INTO contacts (account_id, first_name, last_name, email, phone, updated_ms) \
             SELECT {account}, f.name, l.name, \
                    lower(f.name) || '.' || lower(l.name) || '.' || CAST(n.i + $2 AS TEXT) || '@example.net', \
                    '+1-555-' || CAST(1000000 + (n.i * 7919) % 9000000 AS TEXT), NOW_MS \
             FROM n JOIN f ON f.k = n.i % {nf} JOIN l ON l.k = (n.i / {nf}) % {nl}"
        );
        let mut q = sqlx::query(self.sql(&sql)).bind(n).bind(offset);
        if accounts > 0 {
            q = q.bind(account_base).bind(accounts);
        }
        let added = q.execute(&mut *w.tx).await?.rows_affected();
        if self.backend == Backend::Sqlite {
            // Back to the default before the connection returns to the pool.
            sqlx::query("PRAGMA cache_size = -2000")
                .execute(&mut *w.tx)
                .await?;
        }
        w.commit().await?;
        Ok(added as i64)
    }
}

impl Store {
    /// `WITH n(i) AS (…)`: the integers 0 ‥ count-1 (count is the bind parameter named),
    /// for bulk INSERT … SELECT that never sends rows over the wire.
    fn series_cte(&self, count: &str) -> String {
        match self.backend {
            Backend::Sqlite => format!(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {count})"
            ),
            Backend::Postgres => format!("WITH n(i) AS (SELECT generate_series(0, {count} - 1))"),
        }
    }
}

fn values_list(names: &[&str]) -> String {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("({i}, '{}')", n.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Appends `n` synthetic messages to a chat in one statement, alternating customer and
    /// agent, for load tests of long transcripts. No events: nothing is "new".
    #[doc(hidden)]
    pub async fn seed_messages(&self, chat_id: i64, n: i64) -> Result<u64> {
        let series = self.series_cte("$2");
        let sql = format!(
            "{series} INSERT INTO messages (chat_id, client_id, sender, sender_name, body_html, body_text, created_ms) \
             SELECT $1, 'seed-' || CAST($1 AS TEXT) || '-' || CAST(n.i AS TEXT), \
                    CASE WHEN n.i % 2 = 0 THEN 'customer' ELSE 'agent' END, \
                    CASE WHEN n.i % 2 = 0 THEN 'Customer' ELSE 'Agent' END, \
                    '<p>Message ' || CAST(n.i AS TEXT) || ': the unit was serviced last spring and now shows an error.</p>', \
                    'Message ' || CAST(n.i AS TEXT) || ': the unit was serviced last spring and now shows an error.', \
                    NOW_MS - 3600000 + n.i FROM n"
        );
        let mut w = self.write().await?;
        let r = sqlx::query(self.sql(&sql))
            .bind(chat_id)
            .bind(n)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(r.rows_affected())
    }
}
