//! Chats from the customer's side: asking for one, reading them, ending, transferring,
//! verifying the contact.

use super::error::is_foreign_key_violation;
use super::{NewEvent, Result, Store, StoreError, WriteTx};
use livewindow_core::{Chat, ChatState, EndReason, EventKind, NewMessage, OfferOutcome, Sender};
use livewindow_data::admin::ChatFilter;
use sqlx::Row;
use sqlx::any::AnyRow;

/// How a chat ended ([`Store::end_in`]).
pub(super) struct Ended {
    pub reason: EndReason,
    /// An offer of the chat was withdrawn: its agent has room again.
    pub offer_withdrawn: bool,
}

const CHAT_COLUMNS: &str = "c.id, c.queue_id, q.name AS queue_name, c.customer_name, c.customer_email, \
     c.contact_id, c.state, c.end_reason, c.agent_id, a.name AS agent_name, c.created_ms, \
     c.accepted_ms, c.ended_ms, c.wrapped_ms, c.disposition, c.verified_by_site";

/// Chats with their queue and agent names; callers append WHERE and ORDER BY.
pub(super) fn chat_select() -> String {
    format!(
        "SELECT {CHAT_COLUMNS} FROM chats c JOIN queues q ON q.id = c.queue_id \
         LEFT JOIN agents a ON a.id = c.agent_id"
    )
}

/// A row's `state` column as the core type.
pub(super) fn state_of(row: &AnyRow) -> Result<ChatState> {
    let state: String = row.try_get("state")?;
    ChatState::parse(&state)
        .ok_or_else(|| StoreError::Database(format!("unknown chat state {state:?}")))
}

pub(super) fn chat_from_row(row: &AnyRow) -> Result<Chat> {
    let end_reason: Option<String> = row.try_get("end_reason")?;
    Ok(Chat {
        id: row.try_get("id")?,
        queue_id: row.try_get("queue_id")?,
        queue_name: row.try_get("queue_name")?,
        customer_name: row.try_get("customer_name")?,
        customer_email: row.try_get("customer_email")?,
        contact_id: row.try_get("contact_id")?,
        state: state_of(row)?,
        end_reason: end_reason.as_deref().and_then(EndReason::parse),
        agent_id: row.try_get("agent_id")?,
        agent_name: row.try_get("agent_name")?,
        created_ms: row.try_get("created_ms")?,
        accepted_ms: row.try_get("accepted_ms")?,
        ended_ms: row.try_get("ended_ms")?,
        wrapped_ms: row.try_get("wrapped_ms")?,
        disposition: row.try_get("disposition")?,
        verified_by_site: row.try_get::<i64, _>("verified_by_site")? != 0,
    })
}

pub(super) fn no_queue(queue_id: i64) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| {
        if is_foreign_key_violation(&e) {
            StoreError::NotFound(format!("no queue with id {queue_id}"))
        } else {
            e.into()
        }
    }
}

impl Store {
    /// A customer asks for a chat. The request, its first message and its event are one
    /// transaction; routing runs right after. Returns the chat id.
    pub async fn enqueue(
        &self,
        customer_name: &str,
        customer_email: &str,
        queue_id: i64,
        first_message: Option<&str>,
    ) -> Result<i64> {
        let (name, email) = livewindow_core::validate::customer(customer_name, customer_email)?;
        let first = first_message.map(str::trim).filter(|m| !m.is_empty());
        let mut w = self.write().await?;
        let chat_id: i64 = sqlx::query_scalar(self.sql(
            "INSERT INTO chats (queue_id, customer_name, customer_email, state, created_ms, \
             queued_ms, customer_seen_ms) \
             VALUES ($1, $2, $3, 'queued', NOW_MS, NOW_MS, NOW_MS) RETURNING id",
        ))
        .bind(queue_id)
        .bind(&name)
        .bind(&email)
        .fetch_one(&mut *w.tx)
        .await
        .map_err(no_queue(queue_id))?;
        let message_id = match first {
            Some(text) => {
                let m = NewMessage::plain(Sender::Customer, &name, None, text);
                Some(self.insert_message(&mut w, chat_id, &m).await?)
            }
            None => None,
        };
        self.commit_request(w, chat_id, queue_id, message_id)
            .await?;
        Ok(chat_id)
    }

    /// Commits the transaction that requested a chat (with its first message, if any): their
    /// events, and the chat's offer when no chat waits ahead of it ([`Store::offer_new`]);
    /// if it was not offered, routing runs after the commit.
    pub(super) async fn commit_request(
        &self,
        mut w: WriteTx,
        chat_id: i64,
        queue_id: i64,
        message_id: Option<i64>,
    ) -> Result<()> {
        w.emit(EventKind::ChatQueued, NewEvent::chat(chat_id, queue_id))
            .await?;
        if let Some(message_id) = message_id {
            w.emit(
                EventKind::Message,
                NewEvent::chat(chat_id, queue_id).message(message_id),
            )
            .await?;
        }
        let offered = self.offer_new(&mut w, chat_id, queue_id).await?;
        w.commit().await?;
        if !offered {
            self.route().await?;
        }
        Ok(())
    }

    /// The customer's client says it is still there (the customer-absent rule ends chats
    /// whose client went silent).
    pub async fn customer_heartbeat(&self, chat_id: i64) -> Result<()> {
        self.customers_seen(&[chat_id]).await
    }

    /// Many customers' heartbeats, gathered by a server over a second or two: one
    /// statement per 500 chats, not one a heartbeat.
    pub async fn customers_seen(&self, chat_ids: &[i64]) -> Result<()> {
        for chunk in chat_ids.chunks(500) {
            let ids = super::placeholders(chunk.len());
            let update = format!(
                "UPDATE chats SET customer_seen_ms = NOW_MS WHERE id IN ({ids}) AND state <> 'ended'"
            );
            let mut q = sqlx::query(self.sql(&update));
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(self.pool()).await?;
        }
        Ok(())
    }

    pub async fn chat(&self, id: i64) -> Result<Chat> {
        let sql = format!("{} WHERE c.id = $1", chat_select());
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no chat {id}")))?;
        chat_from_row(&row)
    }

    /// Who a chat is with now, for the server's `authorize`; `None` when there is no such
    /// chat.
    pub async fn chat_parties(&self, id: i64) -> Result<Option<livewindow_core::ChatParties>> {
        let row = sqlx::query("SELECT agent_id, offered_agent_id FROM chats WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            Ok(livewindow_core::ChatParties {
                agent_id: row.try_get("agent_id")?,
                offered_agent_id: row.try_get("offered_agent_id")?,
            })
        })
        .transpose()
    }

    /// The agent's chats: active ones and those in wrap-up, in the order they were
    /// accepted.
    pub async fn active_chats(&self, agent_id: i64) -> Result<Vec<Chat>> {
        let sql = format!(
            "{} WHERE c.agent_id = $1 AND (c.state = 'active' \
               OR (c.state = 'ended' AND c.wrapped_ms IS NULL)) \
             ORDER BY c.accepted_ms, c.id",
            chat_select()
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(agent_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(chat_from_row).collect()
    }

    /// The newest chats, for supervisors: per queue and state when given.
    pub async fn list_chats(
        &self,
        queue_id: Option<i64>,
        state: Option<ChatFilter>,
        limit: i64,
    ) -> Result<Vec<Chat>> {
        let state_sql = match state {
            None => "1 = 1",
            Some(ChatFilter::State(ChatState::Queued)) => "c.state = 'queued'",
            Some(ChatFilter::State(ChatState::Offered)) => "c.state = 'offered'",
            Some(ChatFilter::State(ChatState::Active)) => "c.state = 'active'",
            Some(ChatFilter::State(ChatState::Ended)) => "c.state = 'ended'",
            Some(ChatFilter::WrapUp) => {
                "c.state = 'ended' AND c.agent_id IS NOT NULL AND c.wrapped_ms IS NULL"
            }
        };
        let sql = format!(
            "{} WHERE ($1 = 0 OR c.queue_id = $1) AND {state_sql} ORDER BY c.id DESC LIMIT $2",
            chat_select()
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(queue_id.unwrap_or(0))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(chat_from_row).collect()
    }

    /// Chats waiting for an agent (queued or offered), per queue id or all.
    pub async fn waiting_count(&self, queue_id: Option<i64>) -> Result<i64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM chats WHERE state IN ('queued', 'offered') \
             AND ($1 = 0 OR queue_id = $1)",
        )
        .bind(queue_id.unwrap_or(0))
        .fetch_one(self.pool())
        .await?;
        Ok(n)
    }

    /// How many chats have ended, in all.
    pub async fn ended_count(&self) -> Result<i64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM chats WHERE state = 'ended'")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// 1 when the chat is next in its queue; `None` when it is no longer waiting.
    pub async fn queue_position(&self, chat_id: i64) -> Result<Option<i64>> {
        // One query: the customer's terminal asks this on every event of its queue.
        let position: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT CASE WHEN c.state IN ('queued', 'offered') THEN 1 + ( \
                 SELECT count(*) FROM chats o WHERE o.queue_id = c.queue_id \
                 AND o.state IN ('queued', 'offered') \
                 AND (o.queued_ms < c.queued_ms OR (o.queued_ms = c.queued_ms AND o.id < c.id))) END \
             FROM chats c WHERE c.id = $1",
        )
        .bind(chat_id)
        .fetch_optional(self.pool())
        .await?;
        position.ok_or_else(|| StoreError::NotFound(format!("no chat {chat_id}")))
    }

    /// The customer (or the system) ends a chat. A customer who leaves before an agent
    /// accepted makes it `abandoned` (and withdraws a pending offer); a chat an agent had
    /// goes into their wrap-up. Ending an ended chat is a no-op.
    pub async fn end_chat(&self, chat_id: i64, by: Sender) -> Result<Option<EndReason>> {
        if by == Sender::Agent {
            return Err(StoreError::invalid(
                "an agent ends a chat with end_chat_as, which checks it is theirs",
            ));
        }
        let mut w = self.write().await?;
        let ended = self
            .end_in(
                &mut w,
                chat_id,
                |state, _| EndReason::when_ended(state, by),
                None,
            )
            .await?;
        w.commit().await?;
        match ended {
            Some(ended) => Ok(Some(self.after_end(ended).await?)),
            None => Ok(None),
        }
    }

    /// The agent ends their active chat: it goes into their wrap-up. A chat that is no
    /// longer theirs (a transfer was accepted meanwhile) is left alone, with a clear error.
    pub async fn end_chat_as(&self, chat_id: i64, agent_id: i64) -> Result<EndReason> {
        let mut w = self.write().await?;
        let mut not_theirs = false;
        let reason = self
            .end_in(
                &mut w,
                chat_id,
                |state, owner| {
                    not_theirs = state == ChatState::Active && owner != Some(agent_id);
                    if not_theirs {
                        None
                    } else {
                        EndReason::when_ended(state, Sender::Agent)
                    }
                },
                None,
            )
            .await?;
        w.commit().await?;
        match reason {
            Some(ended) => self.after_end(ended).await,
            None if not_theirs => Err(StoreError::NotYours),
            None => Err(StoreError::Ended),
        }
    }

    /// After a chat's end is committed: an agent whose offer of it was withdrawn has room
    /// again, for routing to fill. The agent of an active chat keeps its slot in wrap-up.
    async fn after_end(&self, ended: Ended) -> Result<EndReason> {
        if ended.offer_withdrawn {
            self.route().await?;
        }
        Ok(ended.reason)
    }

    /// Ends a chat inside a transaction, for the reason `reason_for` gives its state (none:
    /// leave it), with a last system line for the customer if `line` is given. A chat
    /// that had an agent stays theirs in wrap-up; one that had none is closed at once.
    pub(super) async fn end_in(
        &self,
        w: &mut WriteTx,
        chat_id: i64,
        reason_for: impl FnOnce(ChatState, Option<i64>) -> Option<EndReason>,
        line: Option<&str>,
    ) -> Result<Option<Ended>> {
        let row = sqlx::query(self.sql(
            "SELECT state, agent_id, offered_agent_id, queue_id, NOW_MS AS now FROM chats WHERE id = $1 LOCK_WAIT",
        ))
        .bind(chat_id)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no chat {chat_id}")))?;
        let state = state_of(&row)?;
        let agent_id: Option<i64> = row.try_get("agent_id")?;
        let offered: Option<i64> = row.try_get("offered_agent_id")?;
        let queue_id: i64 = row.try_get("queue_id")?;
        let now: i64 = row.try_get("now")?;
        let Some(reason) = reason_for(state, agent_id) else {
            return Ok(None);
        };
        if let Some(offered) = offered {
            self.decide_offer(w, chat_id, offered, OfferOutcome::Withdrawn, None, now)
                .await?;
        }
        if let Some(text) = line {
            self.system_line(w, chat_id, queue_id, text).await?;
        }
        // The agent of an active chat keeps it in wrap-up; a waiting chat has no agent
        // (a queued chat's agent_id was cleared when it was transferred or requeued).
        let owner = agent_id.filter(|_| state == ChatState::Active);
        sqlx::query(
            "UPDATE chats SET state = 'ended', end_reason = $1, ended_ms = $2, \
             offered_agent_id = NULL, offer_deadline_ms = NULL, agent_id = $3, \
             wrapped_ms = CASE WHEN $3 IS NULL THEN $2 ELSE NULL END WHERE id = $4",
        )
        .bind(reason.as_str())
        .bind(now)
        .bind(owner)
        .bind(chat_id)
        .execute(&mut *w.tx)
        .await?;
        w.emit(
            EventKind::ChatEnded,
            NewEvent::chat(chat_id, queue_id).by(owner.or(offered)),
        )
        .await?;
        Ok(Some(Ended {
            reason,
            offer_withdrawn: offered.is_some(),
        }))
    }

    /// A line from the system to the customer (and the agent), in the transcript.
    pub(super) async fn system_line(
        &self,
        w: &mut WriteTx,
        chat_id: i64,
        queue_id: i64,
        text: &str,
    ) -> Result<i64> {
        let m = NewMessage::plain(Sender::System, "Live Window", None, text);
        let id = self.insert_message(w, chat_id, &m).await?;
        w.emit(
            EventKind::Message,
            NewEvent::chat(chat_id, queue_id).message(id),
        )
        .await?;
        Ok(id)
    }

    /// Records the contact the agent verified for this chat.
    pub async fn verify_contact(&self, chat_id: i64, agent_id: i64, contact_id: i64) -> Result<()> {
        let mut w = self.write().await?;
        let changed = sqlx::query(
            "UPDATE chats SET contact_id = $1 WHERE id = $2 AND agent_id = $3 AND state = 'active'",
        )
        .bind(contact_id)
        .bind(chat_id)
        .bind(agent_id)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::invalid(
                "only your own active chat can be verified",
            ));
        }
        w.commit_with(
            EventKind::ContactVerified,
            NewEvent {
                chat_id: Some(chat_id),
                agent_id: Some(agent_id),
                ..Default::default()
            },
        )
        .await
    }
}
