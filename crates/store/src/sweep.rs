//! The rules counted in minutes, run by whichever process routes (every desktop, customer
//! and server, every few seconds): an agent's desktop silent past the absent window is set
//! Offline and their chats go back to their queues; a customer's client silent past theirs
//! leaves; a request waiting past the discard time ends politely; a wrap-up past its
//! maximum completes. Each change is one transaction; racing processes skip what another
//! already took.

use super::{NewEvent, Result, Store};
use livewindow_core::options::{self, number};
use livewindow_core::{EndReason, EventKind, OfferOutcome, TransferKind};
use sqlx::Row;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How often one store handle runs the sweep from `tick`.
const EVERY: Duration = Duration::from_secs(5);

/// The polite last line of a request nobody took in time.
pub const DISCARD_LINE: &str =
    "We're sorry: no agent could take your chat in time. Please try again later.";
/// What the customer reads when their agent's desktop went silent.
pub const ABSENT_LINE: &str = "Your agent was disconnected; you are next in line.";

/// The thresholds in force, in ms (0: the rule is off).
struct Windows {
    agent_absent: i64,
    customer_absent: i64,
    discard: i64,
    wrapup: i64,
}

impl Store {
    /// Runs the sweep if this handle has not in the last few seconds.
    pub(super) async fn sweep_if_due(&self) -> Result<()> {
        let due = {
            let mut last = self
                .last_sweep
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let due = last.is_none_or(|t| t.elapsed() >= EVERY);
            if due {
                *last = Some(Instant::now());
            }
            due
        };
        if due {
            self.sweep().await?;
        }
        Ok(())
    }

    /// Applies every presence and queue rule once. Returns how many chats or agents it
    /// changed.
    pub async fn sweep(&self) -> Result<usize> {
        let w = self.windows().await?;
        let mut changed = 0;
        changed += self.requeue_absent_agents(w.agent_absent).await?;
        changed += self
            .end_chats(
                "SELECT id FROM chats WHERE state <> 'ended' AND customer_seen_ms < $1",
                w.customer_absent,
                |state, _| EndReason::when_ended(state, livewindow_core::Sender::Customer),
                None,
            )
            .await?;
        if w.discard > 0 {
            changed += self
                .end_chats(
                    "SELECT id FROM chats WHERE state IN ('queued', 'offered') \
                     AND accepted_ms IS NULL AND created_ms < $1",
                    w.discard,
                    |state, _| {
                        matches!(
                            state,
                            livewindow_core::ChatState::Queued
                                | livewindow_core::ChatState::Offered
                        )
                        .then_some(EndReason::NoAgent)
                    },
                    Some(DISCARD_LINE),
                )
                .await?;
        }
        if w.wrapup > 0 {
            changed += self.close_overdue_wrapups(w.wrapup).await?;
        }
        self.prune_rate_keys().await?;
        if changed > 0 {
            self.route().await?;
        }
        Ok(changed)
    }

    async fn windows(&self) -> Result<Windows> {
        let rows = sqlx::query("SELECT name, value FROM profile_options WHERE agent_id = 0")
            .fetch_all(self.pool())
            .await?;
        let mut site = HashMap::new();
        for r in &rows {
            site.insert(
                r.try_get::<String, _>("name")?,
                r.try_get::<String, _>("value")?,
            );
        }
        let n = |name: &str| number(name, site.get(name).map(String::as_str)) * 1000;
        let interval = n(options::OPT_ABSENT_INTERVAL);
        Ok(Windows {
            agent_absent: interval * n(options::OPT_AGENT_ABSENT_RETRIES) / 1000,
            customer_absent: interval * n(options::OPT_ENDUSER_ABSENT_RETRIES) / 1000,
            discard: n(options::OPT_QUEUED_DISCARD),
            wrapup: n(options::OPT_WRAPUP_MAX),
        })
    }

    /// The database's clock minus `window` ms.
    async fn before(&self, window: i64) -> Result<i64> {
        Ok(self.now_ms().await? - window)
    }

    /// Ends each chat the query finds (its one parameter: the cutoff time), in a
    /// transaction of its own.
    async fn end_chats(
        &self,
        query: &'static str,
        window: i64,
        reason_for: impl Fn(livewindow_core::ChatState, Option<i64>) -> Option<EndReason> + Copy,
        line: Option<&str>,
    ) -> Result<usize> {
        let cutoff = self.before(window).await?;
        let ids: Vec<i64> = sqlx::query_scalar(query)
            .bind(cutoff)
            .fetch_all(self.pool())
            .await?;
        let mut ended = 0;
        for id in ids {
            let mut w = self.write().await?;
            // Checked again inside the transaction: a heartbeat may have come meanwhile.
            let still: Option<i64> =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("{query} AND id = $2")))
                    .bind(cutoff)
                    .bind(id)
                    .fetch_optional(&mut *w.tx)
                    .await?;
            if still.is_some() && self.end_in(&mut w, id, reason_for, line).await?.is_some() {
                ended += 1;
            }
            w.commit().await?;
        }
        Ok(ended)
    }

    /// Agents whose desktop has been silent past the window: Offline, their chats back to
    /// their queues in their original place in time, offers made to them taken back.
    async fn requeue_absent_agents(&self, window: i64) -> Result<usize> {
        let cutoff = self.before(window).await?;
        let agents: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM agents WHERE status <> 'offline' AND last_seen_ms < $1",
        )
        .bind(cutoff)
        .fetch_all(self.pool())
        .await?;
        let mut changed = 0;
        for agent in agents {
            let mut w = self.write().await?;
            let n = sqlx::query(self.sql(
                "UPDATE agents SET status = 'offline', status_ms = NOW_MS \
                 WHERE id = $1 AND status <> 'offline' AND last_seen_ms < $2",
            ))
            .bind(agent)
            .bind(cutoff)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
            if n == 0 {
                // Another process got here first, or the desktop spoke meanwhile.
                continue;
            }
            let now: i64 = sqlx::query_scalar(self.sql("SELECT NOW_MS"))
                .fetch_one(&mut *w.tx)
                .await?;
            let chats = sqlx::query(self.sql(
                "SELECT id, queue_id, offered_agent_id FROM chats \
                 WHERE agent_id = $1 AND state = 'active' ORDER BY id LOCK_WAIT",
            ))
            .bind(agent)
            .fetch_all(&mut *w.tx)
            .await?;
            for c in &chats {
                let (chat, queue): (i64, i64) = (c.try_get("id")?, c.try_get("queue_id")?);
                if let Some(to) = c.try_get::<Option<i64>, _>("offered_agent_id")? {
                    self.decide_offer(&mut w, chat, to, OfferOutcome::Withdrawn, None, now)
                        .await?;
                }
                sqlx::query(
                    "UPDATE chats SET state = 'queued', agent_id = NULL, offered_agent_id = NULL, \
                     offer_deadline_ms = NULL WHERE id = $1",
                )
                .bind(chat)
                .execute(&mut *w.tx)
                .await?;
                self.record_transfer(
                    &mut w,
                    chat,
                    TransferKind::Absent,
                    Some(agent),
                    queue,
                    queue,
                    None,
                    "",
                    now,
                )
                .await?;
                self.system_line(&mut w, chat, queue, ABSENT_LINE).await?;
                w.emit(
                    EventKind::ChatTransferred,
                    NewEvent::chat(chat, queue).by(Some(agent)),
                )
                .await?;
                changed += 1;
            }
            // Offers waiting for this agent go to someone else.
            let offers = sqlx::query(self.sql(
                "SELECT id, queue_id FROM chats c WHERE offered_agent_id = $1 \
                 AND state IN ('offered', 'active') ORDER BY id LOCK_WAIT",
            ))
            .bind(agent)
            .fetch_all(&mut *w.tx)
            .await?;
            for o in &offers {
                self.expire_in(&mut w, o.try_get("id")?, agent, o.try_get("queue_id")?, now)
                    .await?;
            }
            w.commit_with(EventKind::AgentStatus, NewEvent::agent(agent))
                .await?;
            changed += 1;
            tracing::info!(
                "agent {agent} silent for over {} s: set Offline, {} chats back to their queues",
                window / 1000,
                chats.len()
            );
        }
        Ok(changed)
    }

    /// Wrap-ups past the maximum time are completed for their agent.
    async fn close_overdue_wrapups(&self, window: i64) -> Result<usize> {
        let cutoff = self.before(window).await?;
        let chats: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT id, queue_id, agent_id FROM chats WHERE state = 'ended' \
             AND wrapped_ms IS NULL AND agent_id IS NOT NULL AND ended_ms < $1",
        )
        .bind(cutoff)
        .fetch_all(self.pool())
        .await?;
        let mut closed = 0;
        for (chat, queue, agent) in chats {
            if self.close_wrapup(chat, agent, queue, None, "").await? {
                closed += 1;
            }
        }
        Ok(closed)
    }
}
