//! Administration through a team's server: [`Admin`] is the administration interface
//! ([`AdminData`]) of an administrator's session (`livewindow login`), each method one
//! [`AdminCommand`] posted to `/api/admin/{name}`; the server decides with `authorize` and
//! answers the value, or the error the store would have given on its own host.

use super::Server;
use super::call::post;
use livewindow_core::account::User;
use livewindow_core::csat::{CsatFilter, CsatReport};
use livewindow_core::reply::StandardReply;
use livewindow_core::supervise::{AuditFilter, AuditRow};
use livewindow_core::{
    Agent, AgentStatus, Chat, Password, QueueInfo, Role, SessionToken, StoreError,
};
use livewindow_data::Reply;
use livewindow_data::admin::{
    ADMIN_PREFIX, Account, AdminCommand, AdminData, ChatFilter, Imported, Membership, NewAccount,
    OptionRow, QueueRef, ReplyDoc, Revoked, Scoped, SessionRow, Switched,
};
use serde::de::DeserializeOwned;

/// An administrator's session on a server. Its `Debug` never shows the token.
#[derive(Clone, Debug)]
pub struct Admin {
    server: Server,
    token: SessionToken,
}

impl Admin {
    /// The session kept by `livewindow login` on `server`.
    pub fn resume(server: Server, token: SessionToken) -> Admin {
        Admin { server, token }
    }

    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Ends the session on the server (`livewindow logout`); one already ended is no error.
    pub async fn sign_out(&self) -> Result<(), StoreError> {
        super::call::end_session(&self.server, &self.token).await
    }

    /// Changes the administrator's own password (a one-time one must be, first).
    pub async fn change_password(
        &self,
        current: &Password,
        new: &Password,
    ) -> Result<(), StoreError> {
        super::call::change_password(&self.server, &self.token, current, new).await
    }

    fn reply<T: DeserializeOwned + Send + 'static>(&self, command: AdminCommand) -> Reply<T> {
        let me = self.clone();
        Box::pin(async move {
            post(&me.server, &me.token, ADMIN_PREFIX, &command)
                .await
                .map_err(StoreError::from)
        })
    }
}

impl AdminData for Admin {
    fn find_queues(&self, names: Vec<String>) -> Reply<Vec<QueueRef>> {
        self.reply(AdminCommand::FindQueues { names })
    }

    fn add_user(&self, new: NewAccount) -> Reply<Account> {
        self.reply(AdminCommand::AddUser { new })
    }

    fn user(&self, who: String) -> Reply<User> {
        self.reply(AdminCommand::User { who })
    }

    fn users(&self) -> Reply<Vec<User>> {
        self.reply(AdminCommand::Users {})
    }

    fn set_password(&self, who: String, password: Option<Password>) -> Reply<Account> {
        self.reply(AdminCommand::SetPassword { who, password })
    }

    fn set_role(&self, who: String, role: Role) -> Reply<User> {
        self.reply(AdminCommand::SetRole { who, role })
    }

    fn set_disabled(&self, who: String, disabled: bool) -> Reply<Switched> {
        self.reply(AdminCommand::SetDisabled { who, disabled })
    }

    fn sessions(&self, who: Option<String>) -> Reply<Vec<SessionRow>> {
        self.reply(AdminCommand::Sessions { who })
    }

    fn revoke_session(&self, id: i64) -> Reply<bool> {
        self.reply(AdminCommand::RevokeSession { id })
    }

    fn revoke_sessions_of(&self, who: String) -> Reply<Revoked> {
        self.reply(AdminCommand::RevokeSessionsOf { who })
    }

    fn agents(&self) -> Reply<Vec<Agent>> {
        self.reply(AdminCommand::Agents {})
    }

    fn set_agent_status(&self, who: String, status: AgentStatus) -> Reply<Agent> {
        self.reply(AdminCommand::SetAgentStatus { who, status })
    }

    fn set_max_chats(&self, who: String, max_chats: i64) -> Reply<Agent> {
        self.reply(AdminCommand::SetMaxChats { who, max_chats })
    }

    fn add_queue(&self, name: String) -> Reply<QueueRef> {
        self.reply(AdminCommand::AddQueue { name })
    }

    fn queues(&self) -> Reply<Vec<QueueInfo>> {
        self.reply(AdminCommand::Queues {})
    }

    fn join_queue(&self, who: String, queue: String) -> Reply<Membership> {
        self.reply(AdminCommand::JoinQueue { who, queue })
    }

    fn leave_queue(&self, who: String, queue: String) -> Reply<Membership> {
        self.reply(AdminCommand::LeaveQueue { who, queue })
    }

    fn add_disposition(&self, name: String) -> Reply<()> {
        self.reply(AdminCommand::AddDisposition { name })
    }

    fn dispositions(&self) -> Reply<Vec<String>> {
        self.reply(AdminCommand::Dispositions {})
    }

    fn remove_disposition(&self, name: String) -> Reply<()> {
        self.reply(AdminCommand::RemoveDisposition { name })
    }

    fn set_option(&self, name: String, value: String, agent: Option<String>) -> Reply<Scoped<()>> {
        self.reply(AdminCommand::SetOption { name, value, agent })
    }

    fn option(&self, name: String, agent: Option<String>) -> Reply<Scoped<Option<String>>> {
        self.reply(AdminCommand::Option { name, agent })
    }

    fn unset_option(&self, name: String, agent: Option<String>) -> Reply<Scoped<bool>> {
        self.reply(AdminCommand::UnsetOption { name, agent })
    }

    fn options(&self) -> Reply<Vec<OptionRow>> {
        self.reply(AdminCommand::Options {})
    }

    fn chats(
        &self,
        queue: Option<String>,
        state: Option<ChatFilter>,
        limit: i64,
    ) -> Reply<Vec<Chat>> {
        self.reply(AdminCommand::Chats {
            queue,
            state,
            limit,
        })
    }

    fn move_chat(&self, chat_id: i64, queue: String) -> Reply<String> {
        self.reply(AdminCommand::MoveChat { chat_id, queue })
    }

    fn supervise_queue(&self, who: String, queue: String, on: bool) -> Reply<Membership> {
        self.reply(AdminCommand::SuperviseQueue { who, queue, on })
    }

    fn audit(&self, filter: AuditFilter) -> Reply<Vec<AuditRow>> {
        self.reply(AdminCommand::Audit { filter })
    }

    fn csat(&self, filter: CsatFilter) -> Reply<CsatReport> {
        self.reply(AdminCommand::Csat { filter })
    }

    fn replies(&self) -> Reply<Vec<StandardReply>> {
        self.reply(AdminCommand::Replies {})
    }

    fn add_reply(&self, doc: ReplyDoc) -> Reply<StandardReply> {
        self.reply(AdminCommand::AddReply { doc })
    }

    fn remove_reply(
        &self,
        which: String,
        queue: Option<String>,
        agent: Option<String>,
    ) -> Reply<StandardReply> {
        self.reply(AdminCommand::RemoveReply {
            which,
            queue,
            agent,
        })
    }

    fn import_replies(&self, docs: Vec<ReplyDoc>) -> Reply<Imported> {
        self.reply(AdminCommand::ImportReplies { docs })
    }
}
