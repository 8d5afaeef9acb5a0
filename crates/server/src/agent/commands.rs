//! `POST /api/agent/{command}`: one method of the data interface, for the signed-in agent,
//! after [`authorize`] allows it. The agent is the session's, never one the body names; a
//! chat's parties are read from the database, never taken from the request.

use super::{AgentError, Signed};
use crate::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use livewindow_core::StoreError;
use livewindow_core::account::{Act, ChatParties, authorize};
use livewindow_core::history::HistoryOf;
use livewindow_data::wire::{Command, join_tagged};
use livewindow_data::{ConsoleData, Tick};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What a command touches, with the chat's parties loaded when it names a chat. A chat
/// that does not exist has no parties: refused like someone else's, so ids are not probed.
async fn act_of(state: &AppState, me: i64, command: &Command) -> Result<Act, StoreError> {
    let parties = match command.chat_id() {
        Some(id) => state.store.chat_parties(id).await?.unwrap_or(ChatParties {
            agent_id: None,
            offered_agent_id: None,
        }),
        None => ChatParties::default(),
    };
    Ok(match command {
        Command::Restore {}
        | Command::Tick { .. }
        | Command::SetStatus { .. }
        | Command::TransferTargets {} => Act::OwnDesk,
        Command::Accept { .. } | Command::Decline { .. } => Act::AnswerOffer(parties),
        Command::OpenChat { .. } | Command::EarlierMessages { .. } => Act::ReadChat(parties),
        Command::Send { .. }
        | Command::EndChat { .. }
        | Command::WrapUp { .. }
        | Command::Transfer { .. }
        | Command::Typing { .. }
        | Command::Verify { .. }
        | Command::AskHelp { .. } => Act::WorkChat(parties),
        Command::Monitor { chat_id, .. } => Act::Supervise {
            in_scope: match state.store.board_scope(me, false).await? {
                Some(scope) => state.store.chat_in_scope(&scope, *chat_id).await?,
                None => false,
            },
        },
        Command::Supervise { act } => Act::Supervise {
            in_scope: match state.store.board_scope(me, false).await? {
                Some(scope) => state.store.in_scope(&scope, act).await?,
                None => false,
            },
        },
        Command::History { query } => match query.of {
            HistoryOf::SameEmailAs(_) => Act::ReadChat(parties),
            HistoryOf::Contact(_) => Act::Crm,
        },
        Command::PastChat { chat_id, .. } => {
            Act::ReadPast(state.store.past_access(me, *chat_id, false).await?)
        }
        // The desk searches only what its agent may see (`Store::search_as`).
        Command::SearchMessages { .. } => Act::OwnDesk,
        Command::MatchContact { .. }
        | Command::SearchContacts { .. }
        | Command::SearchAccounts { .. }
        | Command::CreateContact { .. }
        | Command::ScreenPop { .. }
        | Command::SaveRecord { .. }
        | Command::Record { .. } => Act::Crm,
        Command::Replies {} | Command::ReplyUsed { .. } => Act::OwnDesk,
        Command::AddReply { draft } => Act::ManageReply {
            own: draft.scope.owned_by(me),
        },
        Command::UpdateReply { id, draft } => Act::ManageReply {
            own: state.store.reply(*id).await?.scope.owned_by(me) && draft.scope.owned_by(me),
        },
        Command::RemoveReply { id } => Act::ManageReply {
            own: state.store.reply(*id).await?.scope.owned_by(me),
        },
    })
}

/// The most messages one read returns (the console asks for far fewer).
const PAGE_MAX: usize = 500;

pub(super) fn json<T: Serialize>(value: T) -> Response {
    Json(value).into_response()
}

/// The command posted to `name` with `body` (empty: no fields), or the line of the 400 that
/// says why not (`AgentError::request`).
pub(super) fn parse<T: DeserializeOwned>(name: &str, body: &Bytes) -> Result<T, &'static str> {
    let body: serde_json::Value = if body.is_empty() {
        serde_json::json!({})
    } else {
        serde_json::from_slice(body).map_err(|_| "the request's body is not JSON")?
    };
    join_tagged(name, body).map_err(|_| "there is no such command, or its fields are wrong")
}

pub async fn command(
    State(state): State<AppState>,
    signed: Signed,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Response, AgentError> {
    let command: Command = parse(&name, &body).map_err(AgentError::request)?;
    let caller = signed.caller();
    let act = act_of(&state, caller.agent_id, &command).await?;
    if let Err(denied) = authorize(&caller, &act) {
        tracing::info!(agent_id = caller.agent_id, command = %name, %denied, "refused");
        return Err(StoreError::Denied(denied).into());
    }
    let name = signed.user.user.agent.name.clone();
    run(&state, caller.agent_id, name, command).await
}

async fn run(
    state: &AppState,
    me: i64,
    my_name: String,
    command: Command,
) -> Result<Response, AgentError> {
    let desk = state.store.served_desk(me);
    Ok(match command {
        Command::Restore {} => {
            let restored = desk.restore().await?;
            let (d, status) = (Some(restored.desk.clone()), restored.agent.status);
            state.beats.learned(me, d, status);
            json(restored)
        }
        // Once a minute a tick also measures the clock and reads the settings; the others
        // are heartbeats, gathered and written together.
        Command::Tick { desk: d, measure } if measure => {
            let tick = desk.tick(d.clone(), measure).await?;
            if let Tick::Alive { status, .. } = &tick {
                state.beats.learned(me, Some(d), *status);
            }
            json(tick)
        }
        Command::Tick { desk: d, .. } => {
            json(match state.beats.beat(&state.store, me, &d).await? {
                Some(status) => Tick::Alive {
                    status,
                    offset_ms: None,
                    settings: None,
                },
                None => Tick::Superseded,
            })
        }
        Command::SetStatus { desk: d, status } => {
            let changed = desk.set_status(d.clone(), status).await?;
            if changed {
                state.beats.learned(me, Some(d), status);
            }
            json(changed)
        }
        Command::Accept { chat_id } => json(desk.accept(chat_id).await?),
        Command::Decline { chat_id, reason } => json(desk.decline(chat_id, reason).await?),
        Command::OpenChat { chat_id, newest } => {
            let chat = state.store.chat(chat_id).await?;
            json(desk.open_chat(chat, newest.min(PAGE_MAX)).await?)
        }
        Command::EarlierMessages {
            chat_id,
            before,
            limit,
        } => json(
            desk.earlier_messages(chat_id, before, limit.min(PAGE_MAX))
                .await?,
        ),
        Command::MatchContact { email, name } => json(desk.match_contact(email, name).await?),
        Command::Send { chat_id, message } => {
            // The customer sees the name of the agent who signed in, whatever the body says
            // (the desk sets the sender and the agent id).
            let message = livewindow_core::NewMessage {
                sender_name: my_name,
                ..message
            };
            json(desk.send(chat_id, message).await?)
        }
        Command::EndChat { chat_id } => json(desk.end_chat(chat_id).await?),
        Command::WrapUp {
            chat_id,
            disposition,
            note,
        } => json(desk.wrap_up(chat_id, disposition, note).await?),
        Command::TransferTargets {} => json(desk.transfer_targets().await?),
        Command::Transfer {
            chat_id,
            target,
            note,
        } => json(desk.transfer(chat_id, target, note).await?),
        Command::Typing { chat_id } => json(desk.typing(chat_id).await?),
        Command::Verify {
            chat_id,
            contact_id,
        } => {
            let contact = state.store.contact(contact_id).await?;
            json(desk.verify(chat_id, contact).await?)
        }
        Command::SearchContacts { query, limit } => {
            json(desk.search_contacts(query, limit.clamp(0, 200)).await?)
        }
        Command::SearchAccounts { query, limit } => {
            json(desk.search_accounts(query, limit.clamp(0, 200)).await?)
        }
        Command::CreateContact { draft } => json(desk.create_contact(draft).await?),
        Command::ScreenPop { contact_id } => json(desk.screen_pop(contact_id).await?),
        Command::SaveRecord { edit } => json(desk.save_record(edit).await?),
        Command::Record { kind, id } => json(desk.record(kind, id).await?),
        Command::Monitor { chat_id, newest } => {
            json(desk.monitor(chat_id, newest.min(PAGE_MAX)).await?)
        }
        Command::Supervise { act } => json(desk.supervise(act).await?),
        Command::AskHelp { chat_id } => json(desk.ask_help(chat_id).await?),
        Command::History { query } => json(desk.history(query).await?),
        Command::PastChat { chat_id, newest } => {
            json(desk.past_chat(chat_id, newest.min(PAGE_MAX)).await?)
        }
        Command::SearchMessages { query } => json(desk.search_messages(query).await?),
        Command::Replies {} => json(desk.replies().await?),
        Command::AddReply { draft } => json(desk.add_reply(draft).await?),
        Command::UpdateReply { id, draft } => json(desk.update_reply(id, draft).await?),
        Command::RemoveReply { id } => json(desk.remove_reply(id).await?),
        Command::ReplyUsed { id } => json(desk.reply_used(id).await?),
    })
}
