//! Routing: offering queued chats to agents, and accept / decline / expire.
//!
//! Any desktop (or the customer's own process) may run routing; correctness comes from the
//! database. On SQLite every writer is serialized by `BEGIN IMMEDIATE`. On Postgres a
//! transaction claims a chat with `FOR UPDATE SKIP LOCKED` and locks the chosen agent's row
//! before re-counting their load, so two desktops racing for one chat give one offer and an
//! agent's capacity is never exceeded. Row locks are always taken chat first, then agent.

use super::admin::PRESENCE_TIMEOUT_MS;
use super::{NewEvent, Result, Store, StoreError};
use livewindow_core::{
    AcceptError, ChatState, EventKind, Offer, OfferOutcome, Transfer, TransferKind,
};
use sqlx::Row;

/// An agent's current load (agents aliased `a`): active chats, chats in wrap-up, and pending
/// offers (an offer reserves a slot; a transfer offered to them too, though the chat is
/// still active with the agent who sent it).
pub(super) const LOAD: &str = "((SELECT count(*) FROM chats x WHERE x.agent_id = a.id AND x.state = 'active') \
    + (SELECT count(*) FROM chats w WHERE w.agent_id = a.id AND w.state = 'ended' AND w.wrapped_ms IS NULL) \
    + (SELECT count(*) FROM chats y WHERE y.offered_agent_id = a.id))";

/// An offer's columns, with the chat's latest transfer; callers append WHERE (on `c`, the
/// chat) and ORDER BY.
const OFFER_SELECT: &str = "SELECT c.id, c.offered_agent_id, c.queue_id, q.name AS queue_name, \
       c.queued_ms, c.customer_name, c.customer_email, c.offer_deadline_ms, c.verified_by_site, \
       (SELECT m.body_text FROM messages m WHERE m.chat_id = c.id AND m.sender = 'customer' \
        ORDER BY m.id LIMIT 1) AS first_message, \
       (SELECT max(o.offered_ms) FROM chat_offers o WHERE o.chat_id = c.id AND o.outcome IS NULL) AS offered_ms, \
       t.kind AS transfer_kind, fa.name AS transfer_agent, fq.name AS transfer_queue, \
       t.note AS transfer_note, ct.first_name AS contact_first, ct.last_name AS contact_last \
     FROM chats c JOIN queues q ON q.id = c.queue_id \
     LEFT JOIN chat_transfers t ON t.id = (SELECT max(t2.id) FROM chat_transfers t2 WHERE t2.chat_id = c.id) \
     LEFT JOIN agents fa ON fa.id = t.from_agent_id \
     LEFT JOIN queues fq ON fq.id = t.from_queue_id \
     LEFT JOIN contacts ct ON ct.id = c.contact_id";

/// A chat offered to an agent: by routing (queued → offered), or a transfer from another
/// agent (still active with them).
const OFFERED: &str = "c.offered_agent_id IS NOT NULL AND c.state IN ('offered', 'active')";

enum Step {
    Offered,
    Nothing,
    Retry,
}

/// How many queued chats one routing transaction looks at before it gives up.
const CANDIDATES: usize = 50;

impl Store {
    /// Offers every queued chat that some available agent has room for. Returns how many
    /// offers it made. Safe to call from any number of desktops at once.
    pub async fn route(&self) -> Result<usize> {
        let mut offered = 0;
        let mut retries = 0;
        // A cheap read before each transaction: most calls find nothing to do, and need
        // neither a write lock nor a transaction to learn it.
        let check = candidate_sql(&[], false);
        loop {
            let any = sqlx::query(self.sql(&check))
                .bind(i64::MIN)
                .bind(i64::MIN)
                .fetch_optional(self.pool())
                .await?;
            if any.is_none() {
                return Ok(offered);
            }
            match self.offer_one().await? {
                Step::Offered => {
                    offered += 1;
                    retries = 0;
                }
                Step::Retry if retries < 50 => retries += 1,
                Step::Retry | Step::Nothing => return Ok(offered),
            }
        }
    }

    /// One transaction: the oldest queued chat that an eligible agent has room for is offered
    /// to the agent with the most free capacity (ties: the one offered a chat longest ago).
    async fn offer_one(&self) -> Result<Step> {
        let mut w = self.write().await?;
        let mut after = (i64::MIN, i64::MIN);
        // Queues where no agent could take a chat nobody declined: no later chat of theirs
        // can be offered in this transaction either.
        let mut full: Vec<i64> = Vec::new();
        for _ in 0..CANDIDATES {
            let candidate = sqlx::query(self.sql(&candidate_sql(&full, true)))
                .bind(after.0)
                .bind(after.1)
                .fetch_optional(&mut *w.tx)
                .await?;
            let Some(candidate) = candidate else { break };
            let chat_id: i64 = candidate.try_get("id")?;
            let queue_id: i64 = candidate.try_get("queue_id")?;
            after = (candidate.try_get("queued_ms")?, chat_id);
            let best = sqlx::query(self.sql(&best_agent_sql(false)))
                .bind(queue_id)
                .bind(chat_id)
                .fetch_optional(&mut *w.tx)
                .await?;
            let Some(best) = best else {
                // Nobody declined this chat, so no agent of its queue can take any chat now.
                let declines: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM chat_offers WHERE chat_id = $1 AND outcome = 'declined'",
                )
                .bind(chat_id)
                .fetch_one(&mut *w.tx)
                .await?;
                if declines == 0 {
                    full.push(queue_id);
                }
                continue;
            };
            let agent_id: i64 = best.try_get("id")?;
            if !self
                .place_offer(&mut w, chat_id, queue_id, agent_id)
                .await?
            {
                // Another desktop filled this agent first. Start over rather than lock a
                // second agent while holding this one: two transactions doing that in
                // opposite orders would deadlock.
                return Ok(Step::Retry);
            }
            w.commit().await?;
            return Ok(Step::Offered);
        }
        w.commit().await?;
        Ok(Step::Nothing)
    }

    /// Offers a chat queued in this transaction when no other chat waits in its queue: the
    /// request and its offer in one transaction, not two. False when it did not (no agent
    /// has room, or one is busy with another offer): routing runs after the commit
    /// ([`Store::commit_request`], which emits the chat's own events first).
    pub(super) async fn offer_new(
        &self,
        w: &mut super::WriteTx,
        chat_id: i64,
        queue_id: i64,
    ) -> Result<bool> {
        let best: Option<i64> = sqlx::query_scalar(self.sql(&best_agent_sql(true)))
            .bind(queue_id)
            .bind(chat_id)
            .fetch_optional(&mut *w.tx)
            .await?;
        match best {
            Some(agent_id) => self.place_offer(w, chat_id, queue_id, agent_id).await,
            None => Ok(false),
        }
    }

    /// Offers a claimed chat to an agent whose row this transaction has locked, if they
    /// still have room: the first count may predate another desktop's offer to them. The
    /// count and the clock (the lock may have been a wait) are one statement.
    async fn place_offer(
        &self,
        w: &mut super::WriteTx,
        chat_id: i64,
        queue_id: i64,
        agent_id: i64,
    ) -> Result<bool> {
        let now: Option<i64> = sqlx::query_scalar(self.sql(&format!(
            "UPDATE agents AS a SET last_offer_ms = NOW_MS \
             WHERE a.id = $1 AND a.status = 'available' AND a.max_chats > {LOAD} \
             RETURNING last_offer_ms"
        )))
        .bind(agent_id)
        .fetch_optional(&mut *w.tx)
        .await?;
        let Some(now) = now else { return Ok(false) };
        make_offer(w, chat_id, agent_id, now, OfferFrom::Queue).await?;
        w.emit(
            EventKind::ChatOffered,
            NewEvent::chat(chat_id, queue_id).by(Some(agent_id)),
        )
        .await?;
        Ok(true)
    }

    /// The pending offer of a chat, if it has one.
    pub async fn offer(&self, chat_id: i64) -> Result<Option<Offer>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{OFFER_SELECT} WHERE c.id = $1 AND {OFFERED}"
        )))
        .bind(chat_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| offer_from_row(&row)).transpose()
    }

    /// Every offer now pending for an agent, oldest first.
    pub async fn pending_offers(&self, agent_id: i64) -> Result<Vec<Offer>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{OFFER_SELECT} WHERE {OFFERED} AND c.offered_agent_id = $1 \
             ORDER BY c.offer_deadline_ms"
        )))
        .bind(agent_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(offer_from_row).collect()
    }

    /// Accepts an offer. Exactly one of several racing accepts wins. A transfer offered by
    /// another agent moves the chat to this one (the first agent had kept it until now).
    pub async fn accept(&self, chat_id: i64, agent_id: i64) -> Result<(), AcceptError> {
        let mut w = self.write().await?;
        let row = sqlx::query(self.sql(
            "SELECT state, offered_agent_id, offer_deadline_ms, agent_id, queue_id, NOW_MS AS now \
             FROM chats WHERE id = $1 LOCK_WAIT",
        ))
        .bind(chat_id)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no chat {chat_id}")))?;
        let state = super::chats::state_of(&row)?;
        let offered_to: Option<i64> = row.try_get("offered_agent_id")?;
        let deadline: Option<i64> = row.try_get("offer_deadline_ms")?;
        let queue_id: i64 = row.try_get("queue_id")?;
        let now: i64 = row.try_get("now")?;
        let offered = matches!(state, ChatState::Offered | ChatState::Active);
        if !(offered && offered_to == Some(agent_id)) {
            // Say "expired" when that is what became of this agent's offer, whatever
            // happened to the chat since.
            let last: Option<Option<String>> = sqlx::query_scalar(
                "SELECT outcome FROM chat_offers WHERE chat_id = $1 AND agent_id = $2 \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(chat_id)
            .bind(agent_id)
            .fetch_optional(&mut *w.tx)
            .await?;
            let expired = last.flatten().as_deref() == Some(OfferOutcome::Expired.as_str());
            return Err(match (expired, state) {
                (true, _) => AcceptError::Expired,
                (_, ChatState::Active) => AcceptError::Taken,
                (_, ChatState::Ended) => AcceptError::CustomerLeft,
                _ => AcceptError::NotOffered,
            });
        }
        if deadline.is_some_and(|d| d < now) {
            self.expire_in(&mut w, chat_id, agent_id, queue_id, now)
                .await?;
            w.commit().await?;
            self.route().await?;
            return Err(AcceptError::Expired);
        }
        sqlx::query(
            "UPDATE chats SET state = 'active', agent_id = $1, accepted_ms = $2, \
             offered_agent_id = NULL, offer_deadline_ms = NULL \
             WHERE id = $3 AND offered_agent_id = $1",
        )
        .bind(agent_id)
        .bind(now)
        .bind(chat_id)
        .execute(&mut *w.tx)
        .await?;
        self.decide_offer(&mut w, chat_id, agent_id, OfferOutcome::Accepted, None, now)
            .await?;
        w.commit_with(
            EventKind::ChatAccepted,
            NewEvent::chat(chat_id, queue_id).by(Some(agent_id)),
        )
        .await?;
        Ok(())
    }

    /// Declines an offer. A chat from the queue goes back to it (keeping its place) and is
    /// never offered to this agent again; a transfer from another agent stays with them.
    pub async fn decline(&self, chat_id: i64, agent_id: i64, reason: Option<&str>) -> Result<()> {
        let reason = reason
            .map(livewindow_core::validate::clean_line)
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        let reason = reason.as_deref();
        if let Some(r) = reason {
            livewindow_core::limits::check_chars(
                "reason",
                r,
                livewindow_core::limits::DECLINE_REASON_CHARS,
            )
            .map_err(|e| StoreError::rule_field("reason", e))?;
        }
        let mut w = self.write().await?;
        let row = sqlx::query(self.sql(&format!(
            "SELECT queue_id, NOW_MS AS now FROM chats c \
             WHERE id = $1 AND {OFFERED} AND offered_agent_id = $2 LOCK_WAIT"
        )))
        .bind(chat_id)
        .bind(agent_id)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| {
            StoreError::invalid(
                "this chat is no longer offered to you (it expired or was withdrawn)",
            )
        })?;
        let queue_id: i64 = row.try_get("queue_id")?;
        let now: i64 = row.try_get("now")?;
        withdraw_offer(&mut w, chat_id, agent_id).await?;
        self.decide_offer(
            &mut w,
            chat_id,
            agent_id,
            OfferOutcome::Declined,
            reason,
            now,
        )
        .await?;
        w.commit_with(
            EventKind::OfferDeclined,
            NewEvent::chat(chat_id, queue_id).by(Some(agent_id)),
        )
        .await?;
        self.route().await?;
        Ok(())
    }

    /// Returns every offer whose deadline has passed to the queue, whichever desktop gets
    /// here first, then routes again. Returns how many expired.
    pub async fn expire_offers(&self) -> Result<usize> {
        let due: Option<i64> = sqlx::query_scalar(self.sql(&format!(
            "SELECT id FROM chats c WHERE {OFFERED} AND offer_deadline_ms < NOW_MS LIMIT 1"
        )))
        .fetch_optional(self.pool())
        .await?;
        if due.is_none() {
            return Ok(0);
        }
        let mut w = self.write().await?;
        let now: i64 = sqlx::query_scalar(self.sql("SELECT NOW_MS"))
            .fetch_one(&mut *w.tx)
            .await?;
        let rows = sqlx::query(self.sql(&format!(
            "SELECT id, offered_agent_id, queue_id FROM chats c \
             WHERE {OFFERED} AND offer_deadline_ms < $1 ORDER BY id LOCK_SKIP"
        )))
        .bind(now)
        .fetch_all(&mut *w.tx)
        .await?;
        let mut expired = Vec::new();
        for row in &rows {
            let chat_id: i64 = row.try_get("id")?;
            let agent_id: Option<i64> = row.try_get("offered_agent_id")?;
            let queue_id: i64 = row.try_get("queue_id")?;
            if let Some(agent_id) = agent_id {
                expired.push((chat_id, agent_id, queue_id));
            }
        }
        for &(chat_id, agent_id, queue_id) in &expired {
            self.expire_in(&mut w, chat_id, agent_id, queue_id, now)
                .await?;
        }
        w.commit().await?;
        if !expired.is_empty() {
            self.route().await?;
        }
        Ok(expired.len())
    }

    /// What every desktop runs about once a second: expire overdue offers, apply the
    /// presence and queue rules (every few seconds), then route.
    pub async fn tick(&self) -> Result<()> {
        self.expire_offers().await?;
        self.sweep_if_due().await?;
        self.route().await?;
        Ok(())
    }

    pub(super) async fn expire_in(
        &self,
        w: &mut super::WriteTx,
        chat_id: i64,
        agent_id: i64,
        queue_id: i64,
        now: i64,
    ) -> Result<()> {
        withdraw_offer(w, chat_id, agent_id).await?;
        self.decide_offer(w, chat_id, agent_id, OfferOutcome::Expired, None, now)
            .await?;
        w.emit(
            EventKind::OfferExpired,
            NewEvent::chat(chat_id, queue_id).by(Some(agent_id)),
        )
        .await?;
        Ok(())
    }

    /// Records what became of an offer, and of the transfer it came from: accepting closes
    /// every open transfer of the chat; a refusal closes the one made to this agent.
    pub(crate) async fn decide_offer(
        &self,
        w: &mut super::WriteTx,
        chat_id: i64,
        agent_id: i64,
        outcome: OfferOutcome,
        reason: Option<&str>,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE chat_offers SET outcome = $1, reason = $2, decided_ms = $3 \
             WHERE chat_id = $4 AND agent_id = $5 AND outcome IS NULL",
        )
        .bind(outcome.as_str())
        .bind(reason)
        .bind(now)
        .bind(chat_id)
        .bind(agent_id)
        .execute(&mut *w.tx)
        .await?;
        sqlx::query(
            "UPDATE chat_transfers SET outcome = $1, reason = $2 \
             WHERE chat_id = $3 AND outcome IS NULL AND ($1 = 'accepted' OR to_agent_id = $4)",
        )
        .bind(outcome.as_str())
        .bind(reason)
        .bind(chat_id)
        .bind(agent_id)
        .execute(&mut *w.tx)
        .await?;
        Ok(())
    }
}

/// The oldest queued chat in a queue where some available agent has room, after
/// (`queued_ms`, `id`) = ($1, $2) and outside the queues in `full` (the index
/// `chats_waiting` gives them in order). In a routing transaction (`claim`) it also claims
/// the chat: on Postgres a chat another desktop holds is passed over, so racing desktops do
/// not try the same chats one by one. The agents' load is counted once per agent, not once
/// per chat: the queues with room are a MATERIALIZED CTE, as Postgres otherwise may turn
/// the IN into a semi-join that counts every agent's load again for each queued chat.
fn candidate_sql(full: &[i64], claim: bool) -> String {
    let lock = if claim { "LOCK_SKIP" } else { "" };
    let outside: String = full
        .iter()
        .map(|q| format!(" AND c.queue_id <> {q}"))
        .collect();
    format!(
        "WITH ready AS MATERIALIZED ( \
           SELECT aq.queue_id FROM agent_queues aq JOIN agents a ON a.id = aq.agent_id \
           WHERE a.status = 'available' \
             AND a.last_seen_ms >= NOW_MS - {PRESENCE_TIMEOUT_MS} AND a.max_chats > {LOAD}) \
         SELECT c.id, c.queue_id, c.queued_ms FROM chats c WHERE c.state = 'queued' \
           AND c.queue_id IN (SELECT queue_id FROM ready) \
           AND (c.queued_ms, c.id) > ($1, $2){outside} \
         ORDER BY c.queued_ms, c.id LIMIT 1 {lock}"
    )
}

/// The agent of queue $1 to offer chat $2: the one with the most room (each agent's load
/// counted once, in the CTE), not among those who declined it; agents who transferred it
/// away go last, then those offered it most often, then the one offered a chat longest ago.
/// On Postgres the agent's row is locked, and agents another desktop is offering to are
/// skipped, so desktops never queue behind each other. `fresh`: a chat requested in this
/// transaction ([`Store::offer_new`]), which has no offers or transfers yet, and is offered
/// only when no other chat waits in the queue.
fn best_agent_sql(fresh: bool) -> String {
    let (only, history) = if fresh {
        (
            "AND NOT EXISTS (SELECT 1 FROM chats q WHERE q.queue_id = $1 \
                             AND q.state = 'queued' AND q.id <> $2)",
            "",
        )
    } else {
        (
            "AND NOT EXISTS (SELECT 1 FROM chat_offers o WHERE o.chat_id = $2 \
                             AND o.agent_id = a.id AND o.outcome = 'declined')",
            "CASE WHEN a.id IN (SELECT t.from_agent_id FROM chat_transfers t \
                                WHERE t.chat_id = $2) THEN 1 ELSE 0 END, \
             (SELECT count(*) FROM chat_offers p WHERE p.chat_id = $2 AND p.agent_id = a.id),",
        )
    };
    format!(
        "WITH room AS MATERIALIZED ( \
           SELECT a.id, a.max_chats - {LOAD} AS free FROM agents a \
           JOIN agent_queues aq ON aq.agent_id = a.id \
           WHERE aq.queue_id = $1 AND a.status = 'available' \
             AND a.last_seen_ms >= NOW_MS - {PRESENCE_TIMEOUT_MS}) \
         SELECT a.id FROM agents a JOIN room r ON r.id = a.id \
         WHERE r.free > 0 {only} \
         ORDER BY {history} r.free DESC, a.last_offer_ms, a.id \
         LIMIT 1 LOCK_AGENT"
    )
}

/// Takes an offer back from an agent: a chat from the queue returns to it, a transfer stays
/// with the agent who sent it.
async fn withdraw_offer(w: &mut super::WriteTx, chat_id: i64, agent_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE chats SET state = CASE WHEN state = 'offered' THEN 'queued' ELSE state END, \
         offered_agent_id = NULL, offer_deadline_ms = NULL \
         WHERE id = $1 AND offered_agent_id = $2",
    )
    .bind(chat_id)
    .bind(agent_id)
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}

fn offer_from_row(row: &sqlx::any::AnyRow) -> Result<Offer> {
    Ok(Offer {
        chat_id: row.try_get("id")?,
        agent_id: row
            .try_get::<Option<i64>, _>("offered_agent_id")?
            .unwrap_or(0),
        queue_id: row.try_get("queue_id")?,
        queue_name: row.try_get("queue_name")?,
        customer_name: row.try_get("customer_name")?,
        customer_email: row.try_get("customer_email")?,
        deadline_ms: row
            .try_get::<Option<i64>, _>("offer_deadline_ms")?
            .unwrap_or(0),
        first_message: row.try_get("first_message")?,
        offered_ms: row.try_get::<Option<i64>, _>("offered_ms")?.unwrap_or(0),
        requested_ms: row.try_get("queued_ms")?,
        transfer: transfer_from_row(row)?,
        verified_by_site: row.try_get::<i64, _>("verified_by_site")? != 0,
    })
}

fn transfer_from_row(row: &sqlx::any::AnyRow) -> Result<Option<Transfer>> {
    let kind: Option<String> = row.try_get("transfer_kind")?;
    let Some(kind) = kind.as_deref().and_then(TransferKind::parse) else {
        return Ok(None);
    };
    let first: Option<String> = row.try_get("contact_first")?;
    let last: Option<String> = row.try_get("contact_last")?;
    Ok(Some(Transfer {
        kind,
        from_agent: row.try_get("transfer_agent")?,
        from_queue: row
            .try_get::<Option<String>, _>("transfer_queue")?
            .unwrap_or_default(),
        note: row
            .try_get::<Option<String>, _>("transfer_note")?
            .unwrap_or_default(),
        contact: first.zip(last).map(|(f, l)| format!("{f} {l}")),
    }))
}

/// Where an offer comes from: routing takes the chat from its queue; a transfer to an agent
/// offers it while the first agent keeps it active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OfferFrom {
    Queue,
    Transfer,
}

/// Makes an offer of a chat to an agent inside the caller's transaction: the deadline from
/// the offer timeout in force for that agent, the chat's offered agent and deadline, and the
/// offer's row in `chat_offers`. The one place an offer is made; routing and transfers call it.
pub(super) async fn make_offer(
    w: &mut super::WriteTx,
    chat_id: i64,
    agent_id: i64,
    now: i64,
    from: OfferFrom,
) -> Result<()> {
    let timeout = super::options::offer_timeout_ms_on(&mut *w.tx, Some(agent_id)).await?;
    let deadline = now + timeout;
    let sql = match from {
        OfferFrom::Queue => {
            "UPDATE chats SET state = 'offered', offered_agent_id = $1, offer_deadline_ms = $2 \
             WHERE id = $3 AND state = 'queued'"
        }
        OfferFrom::Transfer => {
            "UPDATE chats SET offered_agent_id = $1, offer_deadline_ms = $2 WHERE id = $3"
        }
    };
    sqlx::query(sql)
        .bind(agent_id)
        .bind(deadline)
        .bind(chat_id)
        .execute(&mut *w.tx)
        .await?;
    sqlx::query(
        "INSERT INTO chat_offers (chat_id, agent_id, offered_ms, deadline_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(chat_id)
    .bind(agent_id)
    .bind(now)
    .bind(deadline)
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}
