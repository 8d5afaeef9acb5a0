//! What supervisors do: who supervises which queues, watching a chat (Monitor), whispering to
//! its agent, joining and leaving the conversation, moving a chat, ending it, setting an
//! agent's status, answering an agent's request for help, and the audit of all of it. Each
//! action is one transaction with its audit row. The server decides who may (core's
//! `authorize`); these check only what the chat's state allows.

use super::{NewEvent, Result, Store, StoreError, WriteTx};
use livewindow_core::supervise::{AuditAction, Scope, Supervision};
use livewindow_core::transfer::{self, ChatHold};
use livewindow_core::{
    AgentStatus, ChatState, EventKind, NewMessage, OfferOutcome, Role, Sender, TransferKind,
    TransferTarget, options, validate,
};
use livewindow_data::Monitored;
use sqlx::Row;

/// A chat as a supervisor's action finds it, its row locked.
struct Held {
    hold: ChatHold,
    queue_id: i64,
    help: bool,
    now: i64,
}

impl Store {
    /// The queues `agent_id` sees on the supervisor's board: every queue for an
    /// administrator (and for the one user of a desktop on its own, `solo`), their own for
    /// a supervisor; `None` for an agent.
    pub async fn board_scope(&self, agent_id: i64, solo: bool) -> Result<Option<Scope>> {
        if solo {
            return Ok(Some(Scope::All));
        }
        let role: Option<String> = sqlx::query_scalar("SELECT role FROM agents WHERE id = $1")
            .bind(agent_id)
            .fetch_optional(self.pool())
            .await?;
        let role = role.and_then(|r| r.parse::<Role>().ok());
        Ok(match role {
            Some(Role::Admin) => Some(Scope::All),
            Some(Role::Supervisor) => Some(Scope::Queues(
                self.supervised_queues(agent_id)
                    .await?
                    .into_iter()
                    .collect(),
            )),
            _ => None,
        })
    }

    /// The queues a supervisor was given with `livewindow user supervise`.
    pub async fn supervised_queues(&self, agent_id: i64) -> Result<Vec<i64>> {
        Ok(
            sqlx::query_scalar("SELECT queue_id FROM supervised_queues WHERE agent_id = $1")
                .bind(agent_id)
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// Gives or takes a queue from a supervisor; false when nothing changed.
    pub async fn set_supervised(&self, agent_id: i64, queue_id: i64, on: bool) -> Result<bool> {
        let mut w = self.write().await?;
        let sql = if on {
            "INSERT INTO supervised_queues (agent_id, queue_id) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM supervised_queues WHERE agent_id = $1 AND queue_id = $2"
        };
        let n = sqlx::query(sql)
            .bind(agent_id)
            .bind(queue_id)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        w.commit().await?;
        Ok(n > 0)
    }

    /// Whether `scope` reaches what a supervisor's action touches: the chat's queue, or one
    /// of the agent's queues. The server's fact for `authorize`.
    pub async fn in_scope(&self, scope: &Scope, act: &Supervision) -> Result<bool> {
        if *scope == Scope::All {
            return Ok(true);
        }
        let reached = match act {
            Supervision::SetStatus { agent_id, .. } => {
                let queues: Vec<i64> =
                    sqlx::query_scalar("SELECT queue_id FROM agent_queues WHERE agent_id = $1")
                        .bind(*agent_id)
                        .fetch_all(self.pool())
                        .await?;
                scope.covers_any(&queues)
            }
            _ => {
                self.chat_in_scope(scope, act.chat_id().unwrap_or_default())
                    .await?
            }
        };
        // A move must also land in a queue the supervisor supervises.
        let target_ok = match act {
            Supervision::Move {
                target: TransferTarget::Queue(q),
                ..
            } => scope.covers(*q),
            _ => true,
        };
        Ok(target_ok && reached)
    }

    /// Whether the chat's queue is one `scope` covers (a chat that does not exist is not).
    pub async fn chat_in_scope(&self, scope: &Scope, chat_id: i64) -> Result<bool> {
        let queue: Option<i64> = sqlx::query_scalar("SELECT queue_id FROM chats WHERE id = $1")
            .bind(chat_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(queue.is_some_and(|q| scope.covers(q)))
    }

    /// Starts watching a chat: the supervisor's desk follows it from now on, and its agent
    /// is told when `SVC_CHAT_MONITOR_NOTIFY_AGENT` is Y. Gives what the supervisor opens:
    /// the chat, its newest messages and its contact's screen pop.
    pub async fn monitor(&self, by: i64, chat_id: i64, newest: usize) -> Result<Monitored> {
        let mut w = self.write().await?;
        let held = self.hold(&mut w, chat_id).await?;
        if self
            .watch(&mut w, by, chat_id, held.queue_id, held.now)
            .await?
        {
            self.audit_in(
                &mut w,
                by,
                AuditAction::MonitorStart,
                Some(chat_id),
                None,
                "",
            )
            .await?;
            let notify =
                super::options::option_on(&mut *w.tx, options::OPT_MONITOR_NOTIFY, None).await?;
            if held.hold.owner.is_some()
                && options::yes(options::OPT_MONITOR_NOTIFY, notify.as_deref())
            {
                let name = self.name_in(&mut w, by).await?;
                let line = format!("{name} is monitoring this chat");
                self.private_line(&mut w, chat_id, held.queue_id, Sender::System, None, &line)
                    .await?;
            }
        }
        w.commit().await?;
        let chat = self.chat(chat_id).await?;
        let (messages, earlier) = self.messages_page(chat_id, None, newest).await?;
        let pop = match chat.contact_id {
            Some(contact) => Some(self.screen_pop(contact).await?),
            None => None,
        };
        Ok(Monitored {
            chat,
            messages,
            earlier,
            pop,
        })
    }

    /// A supervisor's action on a chat or an agent, with its audit row, in one transaction.
    pub async fn supervise(&self, by: i64, act: &Supervision) -> Result<()> {
        if let Supervision::Say { chat_id, message } = act {
            let name = self.agent(by).await?.name;
            let m = NewMessage {
                sender: Sender::Agent,
                sender_name: name,
                agent_id: Some(by),
                internal: false,
                ..message.clone()
            };
            return self.send_message(*chat_id, &m).await.map(|_| ());
        }
        let audit = act
            .audit()
            .ok_or_else(|| StoreError::invalid("not a supervisor's action"))?;
        let mut w = self.write().await?;
        let route;
        let (chat, agent, detail) = match act {
            Supervision::SetStatus { agent_id, status } => {
                if !self
                    .change_status_in(&mut w, *agent_id, *status, None)
                    .await?
                {
                    return Err(StoreError::NotFound(format!("no agent with id {agent_id}")));
                }
                route = *status == AgentStatus::Available;
                (None, Some(*agent_id), status.as_str().to_string())
            }
            Supervision::End { chat_id } => {
                let line = "A supervisor ended the chat.";
                let ended = self
                    .end_in(
                        &mut w,
                        *chat_id,
                        |state, _| livewindow_core::EndReason::when_ended(state, Sender::Agent),
                        Some(line),
                    )
                    .await?;
                let Some(ended) = ended else {
                    return Err(StoreError::Ended);
                };
                // As when an agent ends it: only a withdrawn offer gives anyone room.
                route = ended.offer_withdrawn;
                (Some(*chat_id), None, String::new())
            }
            other => {
                let chat_id = other.chat_id().unwrap_or_default();
                let held = self.hold(&mut w, chat_id).await?;
                let detail = self.on_chat(&mut w, by, chat_id, &held, other).await?;
                route = matches!(other, Supervision::Move { .. });
                (Some(chat_id), None, detail)
            }
        };
        self.audit_in(&mut w, by, audit, chat, agent, &detail)
            .await?;
        w.commit().await?;
        if route {
            self.route().await?;
        }
        Ok(())
    }

    /// The actions on a chat whose row `held` locked; gives the audit's detail.
    async fn on_chat(
        &self,
        w: &mut WriteTx,
        by: i64,
        chat_id: i64,
        held: &Held,
        act: &Supervision,
    ) -> Result<String> {
        let queue = held.queue_id;
        let name = self.name_in(w, by).await?;
        match act {
            Supervision::StopMonitor { .. } => {
                if self.watching(w, by, chat_id).await? == Some(true) {
                    self.system_line(w, chat_id, queue, &format!("{name} left the chat"))
                        .await?;
                }
                sqlx::query("DELETE FROM chat_watchers WHERE chat_id = $1 AND agent_id = $2")
                    .bind(chat_id)
                    .bind(by)
                    .execute(&mut *w.tx)
                    .await?;
                w.emit(
                    EventKind::Unwatch,
                    NewEvent::chat(chat_id, queue).by(Some(by)),
                )
                .await?;
                Ok(String::new())
            }
            Supervision::Whisper { text, .. } => {
                active(held)?;
                let text = validate::note(text, livewindow_core::limits::TRANSFER_NOTE_CHARS)?;
                if text.is_empty() {
                    return Err(StoreError::invalid("write the message first"));
                }
                self.watch(w, by, chat_id, queue, held.now).await?;
                self.private_line(w, chat_id, queue, Sender::Agent, Some((by, &name)), &text)
                    .await?;
                self.answer_help(w, by, chat_id, held).await?;
                Ok(text)
            }
            Supervision::Join { .. } => {
                active(held)?;
                self.watch(w, by, chat_id, queue, held.now).await?;
                if self.watching(w, by, chat_id).await? == Some(true) {
                    return Err(StoreError::Conflict("you are already in this chat".into()));
                }
                sqlx::query(
                    "UPDATE chat_watchers SET joined = 1 WHERE chat_id = $1 AND agent_id = $2",
                )
                .bind(chat_id)
                .bind(by)
                .execute(&mut *w.tx)
                .await?;
                let line = format!("{name} (supervisor) joined the chat");
                self.system_line(w, chat_id, queue, &line).await?;
                self.answer_help(w, by, chat_id, held).await?;
                Ok(String::new())
            }
            Supervision::Leave { .. } => {
                if self.watching(w, by, chat_id).await? != Some(true) {
                    return Err(StoreError::invalid("you have not joined this chat"));
                }
                sqlx::query(
                    "UPDATE chat_watchers SET joined = 0 WHERE chat_id = $1 AND agent_id = $2",
                )
                .bind(chat_id)
                .bind(by)
                .execute(&mut *w.tx)
                .await?;
                self.system_line(w, chat_id, queue, &format!("{name} left the chat"))
                    .await?;
                Ok(String::new())
            }
            Supervision::Dismiss { .. } => {
                if !held.help {
                    return Err(StoreError::Conflict(
                        "this chat is not asking for help".into(),
                    ));
                }
                self.answer_help(w, by, chat_id, held).await?;
                Ok(String::new())
            }
            Supervision::Move { target, .. } => {
                self.move_chat(w, by, chat_id, held, target.clone()).await
            }
            Supervision::Say { .. } | Supervision::End { .. } | Supervision::SetStatus { .. } => {
                Err(StoreError::invalid("not an action on a chat"))
            }
        }
    }

    /// Moves a chat for a supervisor: to a queue (back in line, its place kept), to
    /// themselves (they take it over at once), or offered to another agent (its agent keeps
    /// it until they accept, as with the agent's own transfer).
    async fn move_chat(
        &self,
        w: &mut WriteTx,
        by: i64,
        chat_id: i64,
        held: &Held,
        target: TransferTarget,
    ) -> Result<String> {
        transfer::may_move(held.hold)?;
        let (owner, from_queue, now) = (held.hold.owner, held.queue_id, held.now);
        match target {
            TransferTarget::Queue(queue_id) => {
                let queue = self
                    .supervisor_move_in(w, chat_id, held.hold, from_queue, queue_id, now)
                    .await?;
                Ok(format!("to queue {queue}"))
            }
            TransferTarget::Agent(to) => {
                if let Some(offered) = held.hold.pending {
                    self.decide_offer(w, chat_id, offered, OfferOutcome::Withdrawn, None, now)
                        .await?;
                }
                let target = self.target_in(w, to).await?;
                if to == by {
                    // Taking it over: theirs at once, whatever their room.
                    sqlx::query(
                        "UPDATE chats SET state = 'active', agent_id = $1, offered_agent_id = NULL, \
                         offer_deadline_ms = NULL, accepted_ms = COALESCE(accepted_ms, $2) WHERE id = $3",
                    )
                    .bind(by)
                    .bind(now)
                    .bind(chat_id)
                    .execute(&mut *w.tx)
                    .await?;
                    self.record_transfer(
                        w,
                        chat_id,
                        TransferKind::Supervisor,
                        owner,
                        from_queue,
                        from_queue,
                        Some(by),
                        "",
                        now,
                    )
                    .await?;
                    if owner.is_some() {
                        w.emit(
                            EventKind::ChatTransferred,
                            NewEvent::chat(chat_id, from_queue).by(owner),
                        )
                        .await?;
                    }
                    w.emit(
                        EventKind::ChatAccepted,
                        NewEvent::chat(chat_id, from_queue).by(Some(by)),
                    )
                    .await?;
                    return Ok(format!("taken over by {}", target.name));
                }
                transfer::may_offer_to(&target, owner.unwrap_or(by))?;
                let from = match held.hold.state {
                    ChatState::Active => super::routing::OfferFrom::Transfer,
                    _ => {
                        sqlx::query("UPDATE chats SET state = 'queued', offered_agent_id = NULL WHERE id = $1")
                            .bind(chat_id)
                            .execute(&mut *w.tx)
                            .await?;
                        super::routing::OfferFrom::Queue
                    }
                };
                super::routing::make_offer(w, chat_id, to, now, from).await?;
                let kind = if owner.is_some() {
                    TransferKind::Agent
                } else {
                    TransferKind::Supervisor
                };
                self.record_transfer(
                    w,
                    chat_id,
                    kind,
                    owner,
                    from_queue,
                    from_queue,
                    Some(to),
                    "Moved by a supervisor",
                    now,
                )
                .await?;
                if let Some(owner) = owner {
                    let name = self.name_in(w, by).await?;
                    let note = format!("Moved by a supervisor ({name}) to {}", target.name);
                    self.private_line(
                        w,
                        chat_id,
                        from_queue,
                        Sender::Agent,
                        Some((owner, &name)),
                        &note,
                    )
                    .await?;
                }
                w.emit(
                    EventKind::ChatOffered,
                    NewEvent::chat(chat_id, from_queue).by(Some(to)),
                )
                .await?;
                Ok(format!("offered to {}", target.name))
            }
        }
    }

    /// The agent asks the supervisors of the chat's queue for help.
    pub async fn ask_help(&self, agent_id: i64, chat_id: i64) -> Result<()> {
        let mut w = self.write().await?;
        let held = self.hold(&mut w, chat_id).await?;
        if held.hold.owner != Some(agent_id) || held.hold.state != ChatState::Active {
            return Err(StoreError::NotYours);
        }
        if held.help {
            return Err(StoreError::Conflict("help was asked for already".into()));
        }
        sqlx::query("UPDATE chats SET help_ms = $1 WHERE id = $2")
            .bind(held.now)
            .bind(chat_id)
            .execute(&mut *w.tx)
            .await?;
        w.commit_with(
            EventKind::HelpAsked,
            NewEvent::chat(chat_id, held.queue_id).by(Some(agent_id)),
        )
        .await
    }

    /// Locks the chat's row and reads what supervisors' actions need.
    async fn hold(&self, w: &mut WriteTx, chat_id: i64) -> Result<Held> {
        let row = sqlx::query(self.sql(
            "SELECT state, agent_id, offered_agent_id, queue_id, help_ms, NOW_MS AS now \
             FROM chats WHERE id = $1 LOCK_WAIT",
        ))
        .bind(chat_id)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no chat {chat_id}")))?;
        Ok(Held {
            hold: ChatHold {
                state: super::chats::state_of(&row)?,
                owner: row.try_get("agent_id")?,
                pending: row.try_get("offered_agent_id")?,
            },
            queue_id: row.try_get("queue_id")?,
            help: row.try_get::<Option<i64>, _>("help_ms")?.is_some(),
            now: row.try_get("now")?,
        })
    }

    /// Adds the supervisor to the chat's watchers; true when they were not watching.
    async fn watch(
        &self,
        w: &mut WriteTx,
        by: i64,
        chat: i64,
        queue: i64,
        now: i64,
    ) -> Result<bool> {
        let n = sqlx::query(
            "INSERT INTO chat_watchers (chat_id, agent_id, joined, since_ms) VALUES ($1, $2, 0, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(chat)
        .bind(by)
        .bind(now)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if n > 0 {
            w.emit(EventKind::Watch, NewEvent::chat(chat, queue).by(Some(by)))
                .await?;
        }
        Ok(n > 0)
    }

    /// Whether the supervisor watches the chat: `Some(true)` when they joined it.
    async fn watching(&self, w: &mut WriteTx, by: i64, chat: i64) -> Result<Option<bool>> {
        let joined: Option<i64> = sqlx::query_scalar(
            "SELECT joined FROM chat_watchers WHERE chat_id = $1 AND agent_id = $2",
        )
        .bind(chat)
        .bind(by)
        .fetch_optional(&mut *w.tx)
        .await?;
        Ok(joined.map(|j| j != 0))
    }

    /// Clears the chat's request for help, if it has one: the agent is told who took it.
    async fn answer_help(&self, w: &mut WriteTx, by: i64, chat: i64, held: &Held) -> Result<()> {
        if !held.help {
            return Ok(());
        }
        sqlx::query("UPDATE chats SET help_ms = NULL WHERE id = $1")
            .bind(chat)
            .execute(&mut *w.tx)
            .await?;
        w.emit(
            EventKind::HelpAnswered,
            NewEvent::chat(chat, held.queue_id).by(Some(by)),
        )
        .await
    }

    /// A line only agents and supervisors see.
    async fn private_line(
        &self,
        w: &mut WriteTx,
        chat: i64,
        queue: i64,
        sender: Sender,
        agent: Option<(i64, &str)>,
        text: &str,
    ) -> Result<()> {
        let (agent_id, name) = match agent {
            Some((id, name)) => (Some(id), name),
            None => (None, "Live Window"),
        };
        let m = NewMessage {
            internal: true,
            ..NewMessage::plain(sender, name, agent_id, text)
        };
        let id = self.insert_message(w, chat, &m).await?;
        w.emit(
            EventKind::Message,
            NewEvent::chat(chat, queue).by(agent_id).message(id),
        )
        .await
    }

    async fn name_in(&self, w: &mut WriteTx, agent: i64) -> Result<String> {
        sqlx::query_scalar("SELECT name FROM agents WHERE id = $1")
            .bind(agent)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no agent with id {agent}")))
    }
}

/// Whispering and joining need a conversation going on.
fn active(held: &Held) -> Result<()> {
    match held.hold.state {
        ChatState::Active => Ok(()),
        ChatState::Ended => Err(StoreError::Ended),
        _ => Err(StoreError::invalid("the chat has no agent yet")),
    }
}
