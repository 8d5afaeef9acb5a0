//! The store as the administration interface ([`AdminData`]): what `livewindow user …`,
//! `session …`, `agent …`, `queue …`, `disposition …`, `option …` and `chat …` do on the
//! server's host, and what the server does for them through `/api/admin`. Each method finds
//! what the administrator named, then makes one change.

use super::{InitialPassword, NewUser, Result, Store, StoreError};
use livewindow_core::account::User;
use livewindow_core::csat::{CsatFilter, CsatReport};
use livewindow_core::reply::{ReplyDraft, ReplyScope, StandardReply};
use livewindow_core::supervise::{AuditFilter, AuditRow};
use livewindow_core::{Agent, AgentStatus, Chat, Password, QueueInfo, Role};
use livewindow_data::Reply;
use livewindow_data::admin::{
    Account, AdminData, ChatFilter, Imported, Membership, NewAccount, OptionRow, QueueRef,
    ReplyDoc, Revoked, Scoped, SessionRow, Switched,
};
use std::future::Future;

impl Store {
    /// Runs `f` on a clone of the store, as a [`Reply`].
    fn admin<T, F>(&self, f: impl FnOnce(Store) -> F) -> Reply<T>
    where
        F: Future<Output = Result<T>> + Send + 'static,
    {
        Box::pin(f(self.clone()))
    }

    async fn queue_ref(&self, name: &str) -> Result<QueueRef> {
        let (id, name) = self.find_queue(Some(name)).await?;
        Ok(QueueRef { id, name })
    }

    /// The scope a reply's queue or agent names (neither: the site; both: refused).
    async fn reply_scope(&self, queue: Option<&str>, agent: Option<&str>) -> Result<ReplyScope> {
        match (queue, agent) {
            (Some(_), Some(_)) => Err(StoreError::invalid(
                "a reply is for a queue or for one agent, not both",
            )),
            (Some(q), None) => Ok(ReplyScope::Queue(self.find_queue(Some(q)).await?.0)),
            (None, Some(a)) => Ok(ReplyScope::Agent(self.find_agent(a).await?.id)),
            (None, None) => Ok(ReplyScope::Site),
        }
    }

    async fn reply_draft(&self, doc: ReplyDoc) -> Result<ReplyDraft> {
        Ok(ReplyDraft {
            scope: self
                .reply_scope(doc.queue.as_deref(), doc.agent.as_deref())
                .await?,
            name: doc.name,
            shortcut: doc.shortcut,
            folder: doc.folder,
            body_text: doc.text,
            body_html: doc.html,
        })
    }

    /// The agent named for an option, if one is.
    async fn option_agent(&self, agent: Option<&str>) -> Result<Option<Agent>> {
        match agent {
            Some(who) => Ok(Some(self.find_agent(who).await?)),
            None => Ok(None),
        }
    }
}

impl AdminData for Store {
    fn find_queues(&self, names: Vec<String>) -> Reply<Vec<QueueRef>> {
        self.admin(|s| async move {
            let mut queues = Vec::with_capacity(names.len());
            for name in &names {
                queues.push(s.queue_ref(name).await?);
            }
            Ok(queues)
        })
    }

    fn add_user(&self, new: NewAccount) -> Reply<Account> {
        self.admin(|s| async move {
            let (user, one_time_password) = s
                .add_user(&NewUser {
                    name: new.name,
                    email: new.email,
                    role: new.role,
                    max_chats: new.max_chats,
                    queues: new.queues,
                    password: match new.password {
                        Some(p) => InitialPassword::Given(p),
                        None => InitialPassword::OneTime,
                    },
                })
                .await?;
            Ok(Account {
                user,
                one_time_password,
            })
        })
    }

    fn user(&self, who: String) -> Reply<User> {
        self.admin(|s| async move { s.find_user(&who).await })
    }

    fn users(&self) -> Reply<Vec<User>> {
        self.admin(|s| async move { s.users().await })
    }

    fn set_password(&self, who: String, password: Option<Password>) -> Reply<Account> {
        self.admin(|s| async move {
            let user = s.find_user(&who).await?;
            let one_time_password = match password {
                Some(p) => {
                    s.set_password(user.agent.id, &p).await?;
                    None
                }
                None => Some(s.reset_password(user.agent.id).await?),
            };
            Ok(Account {
                user: s.user(user.agent.id).await?,
                one_time_password,
            })
        })
    }

    fn set_role(&self, who: String, role: Role) -> Reply<User> {
        self.admin(|s| async move {
            let user = s.find_user(&who).await?;
            s.set_role(user.agent.id, role).await?;
            s.user(user.agent.id).await
        })
    }

    fn set_disabled(&self, who: String, disabled: bool) -> Reply<Switched> {
        self.admin(|s| async move {
            let user = s.find_user(&who).await?;
            let changed = s.set_disabled(user.agent.id, disabled).await?;
            Ok(Switched {
                user: s.user(user.agent.id).await?,
                changed,
            })
        })
    }

    fn sessions(&self, who: Option<String>) -> Reply<Vec<SessionRow>> {
        self.admin(|s| async move {
            let agent = match who {
                Some(who) => Some(s.find_user(&who).await?.agent.id),
                None => None,
            };
            s.list_sessions(agent).await
        })
    }

    fn revoke_session(&self, id: i64) -> Reply<bool> {
        self.admin(|s| async move { s.revoke_session(id).await })
    }

    fn revoke_sessions_of(&self, who: String) -> Reply<Revoked> {
        self.admin(|s| async move {
            let user = s.find_user(&who).await?;
            let count = s.revoke_sessions_of(user.agent.id).await?;
            Ok(Revoked { user, count })
        })
    }

    fn agents(&self) -> Reply<Vec<Agent>> {
        self.admin(|s| async move { s.agents().await })
    }

    fn set_agent_status(&self, who: String, status: AgentStatus) -> Reply<Agent> {
        self.admin(|s| async move {
            let agent = s.find_agent(&who).await?;
            s.set_agent_status(agent.id, status).await?;
            s.agent(agent.id).await
        })
    }

    fn set_max_chats(&self, who: String, max_chats: i64) -> Reply<Agent> {
        self.admin(|s| async move {
            let agent = s.find_agent(&who).await?;
            s.set_max_chats(agent.id, max_chats).await?;
            s.agent(agent.id).await
        })
    }

    fn add_queue(&self, name: String) -> Reply<QueueRef> {
        self.admin(|s| async move {
            let id = s.add_queue(&name).await?;
            Ok(QueueRef {
                id,
                name: name.trim().to_string(),
            })
        })
    }

    fn queues(&self) -> Reply<Vec<QueueInfo>> {
        self.admin(|s| async move { s.queues().await })
    }

    fn join_queue(&self, who: String, queue: String) -> Reply<Membership> {
        self.admin(|s| async move {
            let agent = s.find_agent(&who).await?;
            let queue = s.queue_ref(&queue).await?;
            s.join_queue(agent.id, queue.id).await?;
            Ok(Membership {
                agent,
                queue,
                changed: true,
            })
        })
    }

    fn leave_queue(&self, who: String, queue: String) -> Reply<Membership> {
        self.admin(|s| async move {
            let agent = s.find_agent(&who).await?;
            let queue = s.queue_ref(&queue).await?;
            let changed = s.leave_queue(agent.id, queue.id).await?;
            Ok(Membership {
                agent,
                queue,
                changed,
            })
        })
    }

    fn add_disposition(&self, name: String) -> Reply<()> {
        self.admin(|s| async move { s.add_disposition(&name).await })
    }

    fn dispositions(&self) -> Reply<Vec<String>> {
        self.admin(|s| async move { s.dispositions().await })
    }

    fn remove_disposition(&self, name: String) -> Reply<()> {
        self.admin(|s| async move { s.remove_disposition(&name).await })
    }

    fn set_option(&self, name: String, value: String, agent: Option<String>) -> Reply<Scoped<()>> {
        self.admin(|s| async move {
            let agent = s.option_agent(agent.as_deref()).await?;
            s.set_option(&name, &value, agent.as_ref().map(|a| a.id))
                .await?;
            Ok(Scoped { agent, outcome: () })
        })
    }

    fn option(&self, name: String, agent: Option<String>) -> Reply<Scoped<Option<String>>> {
        self.admin(|s| async move {
            let agent = s.option_agent(agent.as_deref()).await?;
            livewindow_core::check_option_name(&name)?;
            let outcome = s.option(&name, agent.as_ref().map(|a| a.id)).await?;
            Ok(Scoped { agent, outcome })
        })
    }

    fn unset_option(&self, name: String, agent: Option<String>) -> Reply<Scoped<bool>> {
        self.admin(|s| async move {
            let agent = s.option_agent(agent.as_deref()).await?;
            let outcome = s.unset_option(&name, agent.as_ref().map(|a| a.id)).await?;
            Ok(Scoped { agent, outcome })
        })
    }

    fn options(&self) -> Reply<Vec<OptionRow>> {
        self.admin(|s| async move {
            let rows = s.options().await?;
            Ok(rows
                .into_iter()
                .map(|(name, email, value)| OptionRow { name, email, value })
                .collect())
        })
    }

    fn chats(
        &self,
        queue: Option<String>,
        state: Option<ChatFilter>,
        limit: i64,
    ) -> Reply<Vec<Chat>> {
        self.admin(|s| async move {
            if !(1..=10_000).contains(&limit) {
                return Err(StoreError::invalid(
                    "--limit must be between 1 and 10000".to_string(),
                ));
            }
            let queue = match queue {
                Some(q) => Some(s.queue_ref(&q).await?.id),
                None => None,
            };
            s.list_chats(queue, state, limit).await
        })
    }

    fn move_chat(&self, chat_id: i64, queue: String) -> Reply<String> {
        self.admin(|s| async move {
            let queue = s.queue_ref(&queue).await?;
            s.supervisor_transfer(chat_id, queue.id).await
        })
    }

    fn supervise_queue(&self, who: String, queue: String, on: bool) -> Reply<Membership> {
        self.admin(move |s| async move {
            let user = s.find_user(&who).await?;
            if on && user.role != Role::Supervisor {
                return Err(StoreError::invalid(match user.role {
                    Role::Admin => format!(
                        "{} is an administrator and supervises every queue already",
                        user.agent.name
                    ),
                    _ => format!(
                        "{} is an agent: make them a supervisor first (livewindow user role {} supervisor)",
                        user.agent.name, user.agent.email
                    ),
                }));
            }
            let queue = s.queue_ref(&queue).await?;
            let changed = s.set_supervised(user.agent.id, queue.id, on).await?;
            Ok(Membership {
                agent: user.agent,
                queue,
                changed,
            })
        })
    }

    fn audit(&self, filter: AuditFilter) -> Reply<Vec<AuditRow>> {
        self.admin(|s| async move { s.audit(&filter).await })
    }

    fn csat(&self, filter: CsatFilter) -> Reply<CsatReport> {
        self.admin(|s| async move { s.csat_report(&filter).await })
    }

    fn replies(&self) -> Reply<Vec<StandardReply>> {
        self.admin(|s| async move { s.replies().await })
    }

    fn add_reply(&self, doc: ReplyDoc) -> Reply<StandardReply> {
        self.admin(|s| async move {
            let draft = s.reply_draft(doc).await?;
            s.add_reply(&draft).await
        })
    }

    fn remove_reply(
        &self,
        which: String,
        queue: Option<String>,
        agent: Option<String>,
    ) -> Reply<StandardReply> {
        self.admin(|s| async move {
            let scope = match (&queue, &agent) {
                (None, None) => None,
                _ => Some(s.reply_scope(queue.as_deref(), agent.as_deref()).await?),
            };
            let key = livewindow_core::validate::clean_line(&which);
            let key = key.trim();
            let found: Vec<StandardReply> = s
                .replies()
                .await?
                .into_iter()
                .filter(|r| scope.is_none_or(|sc| r.scope == sc))
                .filter(|r| {
                    r.name.eq_ignore_ascii_case(key)
                        || r.shortcut == key.trim_start_matches('/').to_lowercase()
                })
                .collect();
            match found.as_slice() {
                [] => Err(StoreError::NotFound(format!(
                    "no standard reply named {key:?} or with that shortcut; `livewindow reply list` shows them"
                ))),
                [one] => {
                    s.remove_reply(one.id).await?;
                    Ok(one.clone())
                }
                many => Err(StoreError::invalid(format!(
                    "{} replies match {key:?} ({}): name the scope with --queue or --agent",
                    many.len(),
                    many.iter()
                        .map(|r| match &r.scope_name {
                            Some(n) => format!("{} {n}", r.scope.kind()),
                            None => r.scope.kind().to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            }
        })
    }

    fn import_replies(&self, docs: Vec<ReplyDoc>) -> Reply<Imported> {
        self.admin(|s| async move {
            let mut drafts = Vec::with_capacity(docs.len());
            for doc in docs {
                drafts.push(s.reply_draft(doc).await?);
            }
            let (added, replaced) = s.import_replies(&drafts).await?;
            Ok(Imported { added, replaced })
        })
    }
}
