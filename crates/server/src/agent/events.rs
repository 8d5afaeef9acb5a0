//! `GET /api/agent/events?after=ID`: the desk's event feed over a WebSocket, for the agent
//! whose Bearer token opened it, resuming after the last event id the desktop holds (on
//! any server process: ids are the database's). The process checks its sockets' sessions
//! together every second, so a revoked or expired session's socket closes within two,
//! saying why.

use super::Signed;
use crate::AppState;
use crate::query::query_after;
use axum::extract::ws::{CloseFrame, Message as Ws, WebSocket, WebSocketUpgrade};
use axum::extract::{RawQuery, State};
use axum::response::Response;
use futures::StreamExt;
use livewindow_data::wire::FailureKind;
use livewindow_data::{ConsoleData, DeskEvent};
use std::time::Duration;

/// Keeps the connection alive through proxies that close silent ones.
const PING_EVERY: Duration = Duration::from_secs(25);
/// A frame the desktop does not take within this is a dead desktop: the socket closes.
const SEND_WITHIN: Duration = Duration::from_secs(10);
/// The close code that says "signed out": the reason is the [`FailureKind`] as JSON.
pub const SIGNED_OUT: u16 = 4401;

pub async fn events(
    State(state): State<AppState>,
    signed: Signed,
    RawQuery(query): RawQuery,
    ws: WebSocketUpgrade,
) -> Response {
    let after = query_after(query.as_deref());
    ws.max_message_size(4096)
        .on_upgrade(move |socket| run(state, signed, after, socket))
}

async fn send(ws: &mut WebSocket, frame: Ws) -> bool {
    matches!(
        tokio::time::timeout(SEND_WITHIN, ws.send(frame)).await,
        Ok(Ok(()))
    )
}

async fn run(state: AppState, signed: Signed, after: i64, mut ws: WebSocket) {
    let me = signed.agent_id();
    let mut feed = state.store.served_desk(me).events(after);
    let mut session = state.sessions.follow(signed.user.session_id);
    let mut ping = tokio::time::interval(PING_EVERY);
    let mut shutdown = state.hub.shutting_down();
    loop {
        tokio::select! {
            item = feed.next() => match item {
                Some(Ok(item)) => {
                    if let DeskEvent::Status(agent) = &item.event {
                        state.beats.status(agent.id, agent.status);
                    }
                    let Ok(text) = serde_json::to_string(&item) else { continue };
                    if !send(&mut ws, Ws::Text(text.into())).await {
                        return;
                    }
                }
                Some(Err(e)) => {
                    tracing::warn!(agent_id = me, error = %e, "agent feed");
                    let _ = send(&mut ws, close(1011, "try again")).await;
                    return;
                }
                None => return,
            },
            _ = session.ended.changed() => {
                let why = session.ended.borrow().clone();
                let why = why.unwrap_or(FailureKind::Session(None));
                let reason = serde_json::to_string(&why).unwrap_or_default();
                tracing::info!(agent_id = me, %reason, "agent socket closed: session ended");
                let _ = send(&mut ws, close(SIGNED_OUT, &reason)).await;
                return;
            }
            _ = ping.tick() => {
                if !send(&mut ws, Ws::Ping(Default::default())).await {
                    return;
                }
            }
            msg = ws.recv() => match msg {
                Some(Ok(Ws::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            _ = shutdown.changed() => {
                let _ = send(&mut ws, close(1012, "server restarting")).await;
                return;
            }
        }
    }
}

fn close(code: u16, reason: &str) -> Ws {
    Ws::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}
