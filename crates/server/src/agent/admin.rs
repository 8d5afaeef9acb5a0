//! `POST /api/admin/{command}`: one method of the administration interface
//! ([`AdminData`]), for a signed-in administrator: what `livewindow user …`, `session …`,
//! `queue …` and the other admin commands do with `--server`. [`authorize`] decides, as for
//! every action: any other role gets a 403 with its line, before the body is even read.

use super::commands::{json, parse};
use super::{AgentError, Signed};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use livewindow_core::StoreError;
use livewindow_core::account::{Act, authorize};
use livewindow_data::admin::{AdminCommand, AdminData};

pub async fn command(
    State(state): State<AppState>,
    signed: Signed,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, AgentError> {
    let caller = signed.caller();
    if let Err(denied) = authorize(&caller, &Act::Administer) {
        tracing::info!(agent_id = caller.agent_id, command = %name, %denied, "refused");
        return Err(StoreError::Denied(denied).into());
    }
    let command: AdminCommand = parse(&name, &body).map_err(AgentError::request)?;
    // Who changed what, by command name (never its fields: a password may be one).
    tracing::info!(agent_id = caller.agent_id, command = %name, "administration");
    run(&state.store, command).await
}

async fn run(admin: &dyn AdminData, command: AdminCommand) -> Result<Response, AgentError> {
    use AdminCommand as C;
    Ok(match command {
        C::FindQueues { names } => json(admin.find_queues(names).await?),
        C::AddUser { new } => json(admin.add_user(new).await?),
        C::User { who } => json(admin.user(who).await?),
        C::Users {} => json(admin.users().await?),
        C::SetPassword { who, password } => json(admin.set_password(who, password).await?),
        C::SetRole { who, role } => json(admin.set_role(who, role).await?),
        C::SetDisabled { who, disabled } => json(admin.set_disabled(who, disabled).await?),
        C::Sessions { who } => json(admin.sessions(who).await?),
        C::RevokeSession { id } => json(admin.revoke_session(id).await?),
        C::RevokeSessionsOf { who } => json(admin.revoke_sessions_of(who).await?),
        C::Agents {} => json(admin.agents().await?),
        C::SetAgentStatus { who, status } => json(admin.set_agent_status(who, status).await?),
        C::SetMaxChats { who, max_chats } => json(admin.set_max_chats(who, max_chats).await?),
        C::AddQueue { name } => json(admin.add_queue(name).await?),
        C::Queues {} => json(admin.queues().await?),
        C::JoinQueue { who, queue } => json(admin.join_queue(who, queue).await?),
        C::LeaveQueue { who, queue } => json(admin.leave_queue(who, queue).await?),
        C::AddDisposition { name } => json(admin.add_disposition(name).await?),
        C::Dispositions {} => json(admin.dispositions().await?),
        C::RemoveDisposition { name } => json(admin.remove_disposition(name).await?),
        C::SetOption { name, value, agent } => json(admin.set_option(name, value, agent).await?),
        C::Option { name, agent } => json(admin.option(name, agent).await?),
        C::UnsetOption { name, agent } => json(admin.unset_option(name, agent).await?),
        C::Options {} => json(admin.options().await?),
        C::Chats {
            queue,
            state,
            limit,
        } => json(admin.chats(queue, state, limit).await?),
        C::MoveChat { chat_id, queue } => json(admin.move_chat(chat_id, queue).await?),
        C::SuperviseQueue { who, queue, on } => json(admin.supervise_queue(who, queue, on).await?),
        C::Audit { filter } => json(admin.audit(filter).await?),
        C::Csat { filter } => json(admin.csat(filter).await?),
        C::Replies {} => json(admin.replies().await?),
        C::AddReply { doc } => json(admin.add_reply(doc).await?),
        C::RemoveReply {
            which,
            queue,
            agent,
        } => json(admin.remove_reply(which, queue, agent).await?),
        C::ImportReplies { docs } => json(admin.import_replies(docs).await?),
    })
}
