//! Full-text search over transcripts (issue 18): SQLite's FTS5 index `messages_fts`, or
//! PostgreSQL's `messages.body_tsv` with its GIN index (migration
//! `20261208000002_message_search.sql`). The query is built from the parsed words only
//! (`livewindow_core::search`), bound as one parameter, never from the typed text.
//!
//! Newest first is message id order: ids are given in commit order and `created_ms` is the
//! database's clock at insert, so the two agree. Walking the index in id order and stopping
//! after a page keeps a search for a common word as cheap as one for a rare one.

use crate::{Backend, Result, Store};
use livewindow_core::search::{
    MessageHit, MessageHits, MessageQuery, SearchTerms, highlights, line_at,
};
use sqlx::Row;
use sqlx::any::AnyRow;

/// How far the database's clock may have gone back between two inserts for a date range to
/// still find every message (see [`Store::id_bounds`]): a day covers clock corrections and
/// `seed_messages`' back-dated hour.
const CLOCK_SLACK_MS: i64 = 24 * 3_600_000;

#[derive(Clone)]
enum Bind {
    Int(i64),
    Text(String),
}

/// One search as SQL: the statement and its parameters, in order.
#[derive(Default)]
struct Statement {
    sql: String,
    binds: Vec<Bind>,
}

impl Statement {
    /// Adds a parameter and returns its placeholder.
    fn bind(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }

    /// The statement with its parameters bound, `prefix` (an EXPLAIN) before it.
    fn query(
        self,
        prefix: &str,
    ) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(format!("{prefix}{}", self.sql)));
        for b in self.binds {
            query = match b {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        query
    }
}

/// The chats a search's filters keep (contact, queue, agent, what `visible_to` may see).
enum Chats {
    /// No filter on the chat.
    All,
    /// PostgreSQL: few enough to write out in the statement.
    Listed(Vec<i64>),
    /// PostgreSQL: this many, too many to list; the statement asks for them.
    Many(i64),
}

/// What fetching one match found in the GIN index costs (a random heap page, the text
/// tested again), in rows walked in id order: 3 to 7 µs against 0.45 µs at a million
/// messages, when the table is larger than PostgreSQL's buffers.
const FETCHED_PER_WALKED: f64 = 10.0;

/// What a listed chat's probe of `messages_chat` for the bitmap costs, in rows walked: an
/// agent's 1,700 chats took 12 ms before the first match was fetched.
const PROBE_PER_WALKED: f64 = 16.0;

/// Up to this many chats are written out as a list. A queue's 7,900 are better asked for
/// with a subquery: a bitmap of their messages is 7,900 probes of `messages_chat` (142 ms),
/// and with it kept from the index the planner chose plans of up to 550 ms.
const MAX_LISTED: usize = 2_500;

/// The filters on the chat, against chats as `c`.
fn chat_conditions(q: &MessageQuery, st: &mut Statement) -> Vec<String> {
    let eq = [
        ("contact_id", q.contact_id),
        ("queue_id", q.queue_id),
        ("agent_id", q.agent_id),
    ];
    let mut conds = Vec::new();
    for (col, v) in eq {
        if let Some(v) = v {
            let p = st.bind(Bind::Int(v));
            conds.push(format!("c.{col} = {p}"));
        }
    }
    conds
}

/// The chats `agent` may see: those they were the agent of and those they wrote in (a chat
/// they transferred away), as a derived table of `id`s.
fn visible_chats(agent: i64, st: &mut Statement) -> String {
    let p = st.bind(Bind::Int(agent));
    format!(
        "(SELECT id FROM chats WHERE agent_id = {p} UNION SELECT chat_id FROM messages WHERE agent_id = {p})"
    )
}

/// `FROM … WHERE …` of the chats (as `c`) the filters keep, with `visible_to`'s chats
/// joined in; `None` without a filter on the chat.
fn kept_chats(q: &MessageQuery, st: &mut Statement) -> Option<String> {
    let from = match q.visible_to {
        Some(agent) => format!("{} v JOIN chats c ON c.id = v.id", visible_chats(agent, st)),
        None => "chats c".into(),
    };
    let mut conds = chat_conditions(q, st);
    if conds.is_empty() && q.visible_to.is_none() {
        return None;
    }
    conds.push("TRUE".into());
    Some(format!("FROM {from} WHERE {}", conds.join(" AND ")))
}

const COLUMNS: &str = "m.id, m.chat_id, m.created_ms, m.sender, m.sender_name, m.internal, \
     m.body_text, q.name AS queue_name, a.name AS agent_name, c.customer_name";

impl Store {
    /// Messages whose text matches the query's words, prefixes and phrases, within its
    /// filters and what `visible_to` may see, newest first, one page.
    pub async fn search_messages(&self, q: &MessageQuery) -> Result<MessageHits> {
        let terms = q.check()?;
        let Some(st) = self.search_statement(q, &terms).await? else {
            return Ok(MessageHits::default());
        };
        let query = st.query("");
        // Planned for these values each time (an unnamed statement on PostgreSQL): how
        // common a word is decides between walking ids and reading the GIN index, and a
        // generic plan would pick one for all words.
        let rows = query.persistent(false).fetch_all(self.pool()).await?;
        let mut hits = rows
            .iter()
            .map(|r| hit(r, &terms))
            .collect::<Result<Vec<_>>>()?;
        let more = hits.len() as i64 > q.limit;
        hits.truncate(q.limit as usize);
        Ok(MessageHits { hits, more })
    }

    /// The database's plan for a search (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on
    /// PostgreSQL), one line per node, for the tests that fail when it stops using the
    /// full-text index.
    #[doc(hidden)]
    pub async fn explain_message_search(&self, q: &MessageQuery) -> Result<String> {
        let terms = q.check()?;
        let Some(st) = self.search_statement(q, &terms).await? else {
            return Ok(String::new());
        };
        let prefix = match self.backend() {
            Backend::Sqlite => "EXPLAIN QUERY PLAN",
            Backend::Postgres => "EXPLAIN",
        };
        let rows = st
            .query(&format!("{prefix} "))
            .persistent(false)
            .fetch_all(self.pool())
            .await?;
        let mut lines = Vec::new();
        for row in &rows {
            lines.push(match self.backend() {
                Backend::Sqlite => row.try_get::<String, _>("detail")?,
                Backend::Postgres => row.try_get::<String, _>(0)?,
            });
        }
        Ok(lines.join("\n"))
    }

    /// The statement for a search, or `None` when the date range holds no message.
    async fn search_statement(
        &self,
        q: &MessageQuery,
        terms: &SearchTerms,
    ) -> Result<Option<Statement>> {
        let (mut lo, mut hi) = self.id_bounds(q.from_ms, q.to_ms).await?;
        if let Some(before) = q.before {
            hi = Some(hi.map_or(before - 1, |h| h.min(before - 1)));
        }
        lo = lo.filter(|l| *l > 0);
        if let (Some(l), Some(h)) = (lo, hi)
            && l > h
        {
            return Ok(None);
        }
        let mut st = Statement::default();
        let mut filters = Vec::new();
        // The text condition, and where the walk starts.
        let (from, id) = match (self.backend(), q.contact_id) {
            // A contact has a few chats: start from their messages and ask the index about
            // each (one rowid lookup), rather than walk every match of a common word.
            (Backend::Sqlite, Some(_)) => {
                let m = st.bind(Bind::Text(terms.fts5()));
                filters.push(format!(
                    "EXISTS (SELECT 1 FROM messages_fts f WHERE f.messages_fts MATCH {m} \
                     AND f.rowid = m.id)"
                ));
                (
                    "chats c CROSS JOIN messages m ON m.chat_id = c.id".to_string(),
                    "m.id",
                )
            }
            // The index's own order is id order: walked backwards, it stops after a page.
            // CROSS JOIN keeps the index the outer loop.
            (Backend::Sqlite, None) => {
                let m = st.bind(Bind::Text(terms.fts5()));
                filters.push(format!("f.messages_fts MATCH {m}"));
                (
                    "messages_fts f CROSS JOIN messages m ON m.id = f.rowid \
                     CROSS JOIN chats c ON c.id = m.chat_id"
                        .to_string(),
                    "f.rowid",
                )
            }
            (Backend::Postgres, _) => {
                let m = st.bind(Bind::Text(terms.tsquery()));
                filters.push(format!("m.body_tsv @@ to_tsquery('simple', {m})"));
                (String::new(), "m.id")
            }
        };
        if let Some(l) = lo {
            let p = st.bind(Bind::Int(l));
            filters.push(format!("{id} >= {p}"));
        }
        if let Some(h) = hi {
            let p = st.bind(Bind::Int(h));
            filters.push(format!("{id} <= {p}"));
        }
        if !q.include_internal {
            filters.push("m.internal = 0".into());
        }
        let chats = match self.backend() {
            Backend::Postgres => self.listed_chats(q).await?,
            Backend::Sqlite => Chats::All,
        };
        match &chats {
            Chats::Listed(ids) if ids.is_empty() => return Ok(None),
            // Written out (the database's own integers), so the planner knows how many
            // chats pass and can add their messages' bitmap (`messages_chat`) to the
            // words': with an agent's 1,700 chats of 62,000, word + agent went from 72 ms
            // p95 to 27 and visible-to-agent from 105 to 32 (BENCHMARKS.md).
            Chats::Listed(ids) => {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                filters.push(format!(
                    "m.chat_id = ANY('{{{}}}'::bigint[])",
                    list.join(",")
                ));
            }
            Chats::Many(_) => {
                if let Some(kept) = kept_chats(q, &mut st) {
                    filters.push(format!("m.chat_id IN (SELECT c.id {kept})"));
                }
            }
            // SQLite: from a contact's chats the walk is over their messages; otherwise a
            // set built once and looked up per match found, before the chat's row is read.
            Chats::All if q.contact_id.is_some() => filters.extend(chat_conditions(q, &mut st)),
            Chats::All => {
                let conds = chat_conditions(q, &mut st);
                if !conds.is_empty() {
                    filters.push(format!(
                        "m.chat_id IN (SELECT c.id FROM chats c WHERE {})",
                        conds.join(" AND ")
                    ));
                }
                if let Some(agent) = q.visible_to {
                    let v = visible_chats(agent, &mut st);
                    filters.push(format!("m.chat_id IN {v}"));
                }
            }
        }
        if let Some(f) = q.from_ms {
            let p = st.bind(Bind::Int(f));
            filters.push(format!("m.created_ms >= {p}"));
        }
        if let Some(t) = q.to_ms {
            let p = st.bind(Bind::Int(t));
            filters.push(format!("m.created_ms <= {p}"));
        }
        // On PostgreSQL, the order by an expression forbids walking the primary key: the
        // matches are read from the GIN index and sorted (see prefer_gin).
        let order = match self.backend() {
            Backend::Postgres if self.prefer_gin(q, terms, &chats, lo, hi).await? => "m.id + 0",
            _ => "m.id",
        };
        let limit = st.bind(Bind::Int(q.limit + 1));
        let filters = filters.join(" AND ");
        st.sql = match self.backend() {
            Backend::Sqlite => format!(
                "SELECT {COLUMNS} FROM {from} JOIN queues q ON q.id = c.queue_id \
                 LEFT JOIN agents a ON a.id = c.agent_id \
                 WHERE {filters} ORDER BY {id} DESC LIMIT {limit}"
            ),
            // The page is chosen from messages alone, then joined for its names. Planned
            // with the joins, PostgreSQL costs a rare word's GIN read as joining every
            // chat and walks ids instead (150 ms, against 3 ms for the bitmap alone).
            Backend::Postgres => format!(
                "SELECT {COLUMNS} FROM (SELECT m.id, m.chat_id, m.created_ms, m.sender, \
                 m.sender_name, m.internal, m.body_text FROM messages m \
                 WHERE {filters} ORDER BY {order} DESC LIMIT {limit}) m \
                 JOIN chats c ON c.id = m.chat_id JOIN queues q ON q.id = c.queue_id \
                 LEFT JOIN agents a ON a.id = c.agent_id ORDER BY m.id DESC"
            ),
        };
        Ok(Some(st))
    }

    /// PostgreSQL only: whether reading every match from the GIN index (and sorting them)
    /// beats walking ids newest first until a page is found. The planner costs a row's
    /// `@@` as nearly free, so it walks where matches that pass the filters are sparse
    /// (a mid-frequency word for one agent: 100,000 rows, 80 ms, against 20,000 fetched
    /// from the index). Estimated here instead: the words' matches by the planner's
    /// statistics, the filters' share by counting the chats they keep; a fetched match
    /// costs about ten walked rows.
    async fn prefer_gin(
        &self,
        q: &MessageQuery,
        terms: &SearchTerms,
        chats: &Chats,
        lo: Option<i64>,
        hi: Option<i64>,
    ) -> Result<bool> {
        // A prefix's GIN read is costed high and the planner would scan the table instead
        // of it; its walk is fast enough (prefix p95 18.6 ms walked, 34.6 ms forced).
        if terms.terms.iter().any(|t| t.prefix) {
            return Ok(false);
        }
        let (total, max_id, all_chats): (i64, Option<i64>, i64) = sqlx::query_as(
            "SELECT CAST(m.reltuples AS BIGINT), (SELECT max(id) FROM messages), \
             CAST(c.reltuples AS BIGINT) FROM pg_class m, pg_class c \
             WHERE m.oid = 'messages'::regclass AND c.oid = 'chats'::regclass",
        )
        .fetch_one(self.pool())
        .await?;
        let Some(max_id) = max_id else {
            return Ok(false);
        };
        if total <= 0 || all_chats <= 0 {
            // Never analyzed: the planner's guess is as good as ours.
            return Ok(false);
        }
        let plan: Vec<String> = sqlx::query_scalar(
            "EXPLAIN SELECT 1 FROM messages WHERE body_tsv @@ to_tsquery('simple', $1)",
        )
        .bind(terms.tsquery())
        .persistent(false)
        .fetch_all(self.pool())
        .await?;
        let matches = plan.first().and_then(|l| planned_rows(l)).unwrap_or(1) as f64;
        // The share of chats the filters keep.
        let kept = match chats {
            Chats::All => 1.0,
            Chats::Listed(ids) => (ids.len().max(1) as f64 / all_chats as f64).min(1.0),
            Chats::Many(n) => (*n as f64 / all_chats as f64).min(1.0),
        };
        let span = (hi.unwrap_or(max_id) - lo.unwrap_or(0)).clamp(1, max_id.max(1)) as f64;
        let window = (span / max_id.max(1) as f64).min(1.0);
        // The planner counts a phrase's rows as its words' together, adjacent or not: at
        // a million messages a phrase of common words matched 7 to 13 times fewer rows.
        let adjacent = if terms.terms.iter().any(|t| t.words.len() > 1) {
            0.1
        } else {
            1.0
        };
        let density = (matches * adjacent / total as f64 * kept).max(1e-9);
        let walked = ((q.limit + 1) as f64 / density).min(total as f64 * window);
        // With the chats listed, the bitmap read is of the words' matches in those chats
        // only, after a probe of `messages_chat` per chat.
        let (fetched, probes) = match chats {
            Chats::Listed(ids) => (matches * window * kept, ids.len() as f64),
            _ => (matches * window, 0.0),
        };
        // Forced only where the bitmap is surely the planner's other choice: a big table
        // and matches under 5 % of it (otherwise, or on a small table, it may rightly read
        // the whole table instead, and the walk is no worse).
        let big = total >= 100_000 && fetched < total as f64 / 20.0;
        Ok(big && fetched * FETCHED_PER_WALKED + probes * PROBE_PER_WALKED < walked)
    }

    /// PostgreSQL: the chats the query's filters keep, listed when there are at most
    /// [`MAX_LISTED`].
    async fn listed_chats(&self, q: &MessageQuery) -> Result<Chats> {
        let mut st = Statement::default();
        let Some(kept) = kept_chats(q, &mut st) else {
            return Ok(Chats::All);
        };
        let count = Statement {
            sql: format!("SELECT count(*) {kept}"),
            binds: st.binds.clone(),
        };
        let limit = st.bind(Bind::Int(MAX_LISTED as i64 + 1));
        st.sql = format!("SELECT c.id {kept} ORDER BY c.id LIMIT {limit}");
        let ids = st
            .query("")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        if ids.len() <= MAX_LISTED {
            return Ok(Chats::Listed(ids));
        }
        let n: i64 = count.query("").fetch_one(self.pool()).await?.try_get(0)?;
        Ok(Chats::Many(n))
    }

    /// A date range as a range of message ids, so the index walk starts and stops there.
    /// Ids grow with commits and `created_ms` with the clock; as long as the clock never
    /// went back more than [`CLOCK_SLACK_MS`] between two inserts, every message of the
    /// range lies strictly between the newest one written before `from - slack` and the
    /// oldest one written after `to + slack`. The exact `created_ms` test is applied too.
    async fn id_bounds(
        &self,
        from: Option<i64>,
        to: Option<i64>,
    ) -> Result<(Option<i64>, Option<i64>)> {
        let mut lo = None;
        let mut hi = None;
        if let Some(from) = from {
            let before: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM messages WHERE created_ms < $1 ORDER BY created_ms DESC LIMIT 1",
            )
            .bind(from.saturating_sub(CLOCK_SLACK_MS))
            .fetch_optional(self.pool())
            .await?;
            lo = before.map(|id| id + 1);
        }
        if let Some(to) = to {
            let after: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM messages WHERE created_ms > $1 ORDER BY created_ms LIMIT 1",
            )
            .bind(to.saturating_add(CLOCK_SLACK_MS))
            .fetch_optional(self.pool())
            .await?;
            hi = after.map(|id| id - 1);
        }
        Ok((lo, hi))
    }
}

/// The row estimate of a plan line: "Bitmap Heap Scan on … (cost=… rows=762 width=…)".
fn planned_rows(line: &str) -> Option<i64> {
    let at = line.find(" rows=")? + " rows=".len();
    let digits: String = line[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn hit(row: &AnyRow, terms: &SearchTerms) -> Result<MessageHit> {
    let body_text: String = row.try_get("body_text")?;
    let highlights = highlights(terms, &body_text);
    let line = match highlights.first() {
        Some(r) => line_at(&body_text, r.start),
        None => 0..body_text.len(),
    };
    Ok(MessageHit {
        chat_id: row.try_get("chat_id")?,
        message_id: row.try_get("id")?,
        created_ms: row.try_get("created_ms")?,
        sender: row.try_get("sender")?,
        sender_name: row.try_get("sender_name")?,
        queue_name: row.try_get("queue_name")?,
        agent_name: row.try_get("agent_name")?,
        customer_name: row.try_get("customer_name")?,
        internal: row.try_get::<i64, _>("internal")? != 0,
        body_text,
        line,
        highlights,
    })
}
