//! `GET /api/agent/files/{message}`: a customer's file, for the agent whose chat it is in
//! ([`authorize`] decides, as for reading the chat), as a download (`files::download`).

use super::{AgentError, Signed};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use livewindow_core::StoreError;
use livewindow_core::account::{Act, authorize};

pub async fn file(
    State(state): State<AppState>,
    signed: Signed,
    Path(message_id): Path<i64>,
) -> Result<Response, AgentError> {
    let caller = signed.caller();
    // A message without a file, or none at all, is refused like another agent's: ids are
    // not probed.
    let found = state.store.message_file(message_id).await;
    let parties = match &found {
        Ok((chat_id, _, _)) => state.store.chat_parties(*chat_id).await?,
        Err(StoreError::NotFound(_)) => None,
        Err(e) => return Err(e.clone().into()),
    }
    .unwrap_or_default();
    if let Err(denied) = authorize(&caller, &Act::ReadChat(parties)) {
        tracing::info!(agent_id = caller.agent_id, message_id, %denied, "file refused");
        return Err(StoreError::Denied(denied).into());
    }
    let (_, info, bytes) = found?;
    Ok(crate::files::download(&info.name, info.kind, bytes))
}
