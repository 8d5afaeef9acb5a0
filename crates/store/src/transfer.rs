//! Transfers: an agent sends an active chat to a queue (it waits there in its original place
//! in time) or offers it to another agent (the first keeps it until it is accepted); a
//! supervisor moves a chat to a queue. Each is one transaction with its lines for the
//! customer and the next agent.

use super::routing::{LOAD, OfferFrom};
use super::{NewEvent, Result, Store, StoreError, WriteTx};
use livewindow_core::transfer::{self, ChatHold};
use livewindow_core::{
    AgentLoad, AgentStatus, EventKind, NewMessage, OfferOutcome, QueueStat, Sender, TransferAnswer,
    TransferKind, TransferTarget,
};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

impl Store {
    /// Where `agent_id` can send a chat: every queue with what waits and who is free in it,
    /// and the other agents with their availability and room.
    pub async fn transfer_targets(
        &self,
        agent_id: i64,
    ) -> Result<(Vec<QueueStat>, Vec<AgentLoad>)> {
        let queues = self.queue_stats(None).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.name, a.status, a.max_chats - {LOAD} AS free FROM agents a \
             WHERE a.id <> $1 ORDER BY a.name, a.id"
        )))
        .bind(agent_id)
        .fetch_all(self.pool())
        .await?;
        let agents = rows
            .iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                Ok(AgentLoad {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    status: AgentStatus::parse(&status).unwrap_or(AgentStatus::Offline),
                    free: r.try_get::<i64, _>("free")?.max(0),
                })
            })
            .collect::<Result<_>>()?;
        Ok((queues, agents))
    }

    /// Queues at a glance: every queue, or those `agent_id` works.
    pub async fn queue_stats(&self, agent_id: Option<i64>) -> Result<Vec<QueueStat>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT q.id, q.name, \
               (SELECT count(*) FROM chats c WHERE c.queue_id = q.id \
                  AND c.state IN ('queued', 'offered')) AS waiting, \
               (SELECT min(c.queued_ms) FROM chats c WHERE c.queue_id = q.id \
                  AND c.state IN ('queued', 'offered')) AS oldest, \
               (SELECT count(*) FROM agent_queues aq JOIN agents a ON a.id = aq.agent_id \
                  WHERE aq.queue_id = q.id AND a.status = 'available' \
                  AND a.max_chats > {LOAD}) AS available \
             FROM queues q \
             WHERE $1 = 0 OR q.id IN (SELECT queue_id FROM agent_queues WHERE agent_id = $1) \
             ORDER BY q.name"
        )))
        .bind(agent_id.unwrap_or(0))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(QueueStat {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    waiting: r.try_get("waiting")?,
                    oldest_ms: r.try_get("oldest")?,
                    available: r.try_get("available")?,
                })
            })
            .collect()
    }

    /// Every queue's figures, and which queues each agent works: what a process's desks
    /// share (see desks.rs), two reads however many desks there are.
    pub(crate) async fn queue_figures(
        &self,
    ) -> Result<(Vec<QueueStat>, HashMap<i64, HashSet<i64>>)> {
        let all = self.queue_stats(None).await?;
        let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT agent_id, queue_id FROM agent_queues")
            .fetch_all(self.pool())
            .await?;
        let mut members: HashMap<i64, HashSet<i64>> = HashMap::new();
        for (agent, queue) in rows {
            members.entry(agent).or_default().insert(queue);
        }
        Ok((all, members))
    }

    /// An agent transfers their active chat: to a queue, where it waits ahead of chats that
    /// arrived after it and is not offered back to them while another agent can take it; or
    /// to an agent, who is offered it while the first keeps it. `note` is for the next
    /// agent only.
    pub async fn transfer(
        &self,
        chat_id: i64,
        agent_id: i64,
        target: TransferTarget,
        note: &str,
    ) -> Result<()> {
        let note =
            livewindow_core::validate::note(note, livewindow_core::limits::TRANSFER_NOTE_CHARS)?;
        let mut w = self.write().await?;
        let (chat, from_queue, now) = self.lock_chat(&mut w, chat_id).await?;
        transfer::may_transfer(chat, agent_id)?;
        let agent_name: String = sqlx::query_scalar("SELECT name FROM agents WHERE id = $1")
            .bind(agent_id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no agent with id {agent_id}")))?;
        match target {
            TransferTarget::Queue(queue_id) => {
                let queue = self.queue_name(&mut w, queue_id).await?;
                sqlx::query(
                    "UPDATE chats SET state = 'queued', agent_id = NULL, queue_id = $1 WHERE id = $2",
                )
                .bind(queue_id)
                .bind(chat_id)
                .execute(&mut *w.tx)
                .await?;
                self.record_transfer(
                    &mut w,
                    chat_id,
                    TransferKind::Queue,
                    Some(agent_id),
                    from_queue,
                    queue_id,
                    None,
                    &note,
                    now,
                )
                .await?;
                self.note_line(&mut w, chat_id, queue_id, agent_id, &agent_name, &note)
                    .await?;
                self.system_line(
                    &mut w,
                    chat_id,
                    queue_id,
                    &format!(
                        "You are being transferred to {queue}. Please wait for the next agent."
                    ),
                )
                .await?;
                w.commit_with(
                    EventKind::ChatTransferred,
                    NewEvent::chat(chat_id, queue_id).by(Some(agent_id)),
                )
                .await?;
                self.route().await?;
            }
            TransferTarget::Agent(to) => {
                // The target's row is locked before their load is counted, as routing does,
                // so a routing offer in the same instant cannot take the same last slot. Two
                // statements: on PostgreSQL a count in the locking statement would be read
                // from the snapshot taken before waiting for the lock.
                let target = self.target_in(&mut w, to).await?;
                transfer::may_offer_to(&target, agent_id)?;
                super::routing::make_offer(&mut w, chat_id, to, now, OfferFrom::Transfer).await?;
                self.record_transfer(
                    &mut w,
                    chat_id,
                    TransferKind::Agent,
                    Some(agent_id),
                    from_queue,
                    from_queue,
                    Some(to),
                    &note,
                    now,
                )
                .await?;
                self.note_line(&mut w, chat_id, from_queue, agent_id, &agent_name, &note)
                    .await?;
                w.commit_with(
                    EventKind::ChatOffered,
                    NewEvent::chat(chat_id, from_queue).by(Some(to)),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// A supervisor moves a waiting or active chat to a queue (`livewindow chat transfer`).
    pub async fn supervisor_transfer(&self, chat_id: i64, queue_id: i64) -> Result<String> {
        let mut w = self.write().await?;
        let (chat, from_queue, now) = self.lock_chat(&mut w, chat_id).await?;
        transfer::may_move(chat)?;
        let queue = self
            .supervisor_move_in(&mut w, chat_id, chat, from_queue, queue_id, now)
            .await?;
        w.commit().await?;
        self.route().await?;
        Ok(queue)
    }

    /// [`Store::supervisor_transfer`] inside the caller's transaction, the chat's row locked
    /// (a supervisor's move from the board, with its audit row). Gives the queue's name; the
    /// caller routes after committing.
    pub(super) async fn supervisor_move_in(
        &self,
        w: &mut WriteTx,
        chat_id: i64,
        chat: ChatHold,
        from_queue: i64,
        queue_id: i64,
        now: i64,
    ) -> Result<String> {
        let (owner, offered) = (chat.owner, chat.pending);
        let queue = self.queue_name(w, queue_id).await?;
        if let Some(offered) = offered {
            self.decide_offer(w, chat_id, offered, OfferOutcome::Withdrawn, None, now)
                .await?;
        }
        sqlx::query(
            "UPDATE chats SET state = 'queued', agent_id = NULL, offered_agent_id = NULL, \
             offer_deadline_ms = NULL, queue_id = $1 WHERE id = $2",
        )
        .bind(queue_id)
        .bind(chat_id)
        .execute(&mut *w.tx)
        .await?;
        self.record_transfer(
            w,
            chat_id,
            TransferKind::Supervisor,
            owner,
            from_queue,
            queue_id,
            None,
            "",
            now,
        )
        .await?;
        self.system_line(
            w,
            chat_id,
            queue_id,
            &format!("You are being transferred to {queue}. Please wait for the next agent."),
        )
        .await?;
        w.emit(
            EventKind::ChatTransferred,
            NewEvent::chat(chat_id, queue_id).by(owner),
        )
        .await?;
        Ok(queue)
    }

    /// The colleague a chat may be offered to, read with their row locked before their load
    /// is counted, as routing does, so a routing offer in the same instant cannot take the
    /// same last slot. Two statements: on PostgreSQL a count in the locking statement would
    /// be read from the snapshot taken before waiting for the lock.
    pub(super) async fn target_in(&self, w: &mut WriteTx, to: i64) -> Result<transfer::Target> {
        sqlx::query(self.sql("SELECT id FROM agents WHERE id = $1 LOCK_WAIT"))
            .bind(to)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no agent with id {to}")))?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.name, a.status, a.max_chats - {LOAD} AS free FROM agents a \
             WHERE a.id = $1"
        )))
        .bind(to)
        .fetch_one(&mut *w.tx)
        .await?;
        let status: String = row.try_get("status")?;
        Ok(transfer::Target {
            id: to,
            name: row.try_get("name")?,
            status: AgentStatus::parse(&status).unwrap_or(AgentStatus::Offline),
            free: row.try_get("free")?,
        })
    }

    /// The answer to the latest transfer of a chat offered to an agent.
    pub async fn transfer_answer(&self, chat_id: i64) -> Result<Option<TransferAnswer>> {
        let row = sqlx::query(
            "SELECT a.name, t.outcome, t.reason FROM chat_transfers t \
             JOIN agents a ON a.id = t.to_agent_id \
             WHERE t.chat_id = $1 AND t.kind = 'agent' ORDER BY t.id DESC LIMIT 1",
        )
        .bind(chat_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            let outcome: Option<String> = r.try_get("outcome")?;
            Ok(TransferAnswer {
                to_agent: r.try_get("name")?,
                outcome: match outcome.as_deref() {
                    Some("accepted") => Some(OfferOutcome::Accepted),
                    Some("declined") => Some(OfferOutcome::Declined),
                    Some("expired") => Some(OfferOutcome::Expired),
                    Some("withdrawn") => Some(OfferOutcome::Withdrawn),
                    _ => None,
                },
                reason: r.try_get("reason")?,
            })
        })
        .transpose()
    }

    /// Locks a chat's row and reads what the transfer rules need, its queue and the clock:
    /// the one read of the chat in a transfer's transaction.
    async fn lock_chat(&self, w: &mut WriteTx, chat_id: i64) -> Result<(ChatHold, i64, i64)> {
        let row = sqlx::query(self.sql(
            "SELECT state, agent_id, offered_agent_id, queue_id, NOW_MS AS now FROM chats \
             WHERE id = $1 LOCK_WAIT",
        ))
        .bind(chat_id)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no chat {chat_id}")))?;
        let chat = ChatHold {
            state: super::chats::state_of(&row)?,
            owner: row.try_get("agent_id")?,
            pending: row.try_get("offered_agent_id")?,
        };
        Ok((chat, row.try_get("queue_id")?, row.try_get("now")?))
    }

    async fn queue_name(&self, w: &mut WriteTx, queue_id: i64) -> Result<String> {
        sqlx::query_scalar("SELECT name FROM queues WHERE id = $1")
            .bind(queue_id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no queue with id {queue_id}")))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn record_transfer(
        &self,
        w: &mut WriteTx,
        chat_id: i64,
        kind: TransferKind,
        from_agent: Option<i64>,
        from_queue: i64,
        to_queue: i64,
        to_agent: Option<i64>,
        note: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO chat_transfers (chat_id, kind, from_agent_id, from_queue_id, to_queue_id, \
             to_agent_id, note, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(chat_id)
        .bind(kind.as_str())
        .bind(from_agent)
        .bind(from_queue)
        .bind(to_queue)
        .bind(to_agent)
        .bind(note)
        .bind(now)
        .execute(&mut *w.tx)
        .await
        .map_err(super::chats::no_queue(to_queue))?;
        Ok(())
    }

    /// The transfer's note, as a line in the transcript that only agents see.
    async fn note_line(
        &self,
        w: &mut WriteTx,
        chat_id: i64,
        queue_id: i64,
        agent_id: i64,
        agent_name: &str,
        note: &str,
    ) -> Result<()> {
        if note.is_empty() {
            return Ok(());
        }
        let mut m = NewMessage::plain(Sender::Agent, agent_name, Some(agent_id), note);
        m.internal = true;
        let id = self.insert_message(w, chat_id, &m).await?;
        w.emit(
            EventKind::Message,
            NewEvent::chat(chat_id, queue_id)
                .by(Some(agent_id))
                .message(id),
        )
        .await?;
        Ok(())
    }
}
