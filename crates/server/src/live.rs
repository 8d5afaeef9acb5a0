//! The live channel: one WebSocket per open chat page. On connect it sends the messages
//! after the id the page already holds (`?after=`), a window at a time and each window
//! written before the next is read, pictures by reference; then the chat's state, then
//! every change as the hub hands it over. The page sends typing and heartbeats. A socket
//! that falls behind (its events pile up, or a frame is not taken within
//! [`limits::SOCKET_SEND_SECS`]), or a server going down, tells the page to reconnect; the
//! page then resyncs by message id, on this process or another. Sockets per chat and per
//! address are capped.

use super::AppState;
use super::auth::{self, ChatAccess};
use super::error::ApiError;
use super::hub::{Tap, TooMany};
use super::view::{ChatView, MessageView, chat_view};
use axum::extract::ws::{CloseFrame, Message as Ws, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use livewindow_core::{Event, EventKind, limits};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;

/// Customer typing events are written at most this often per chat (the page debounces too).
const TYPING_EVERY: Duration = Duration::from_secs(2);
/// Heartbeats are taken at most this often per socket (and written in batches: seen.rs).
const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);
/// Keeps idle connections open through proxies that close silent ones.
const PING_EVERY: Duration = Duration::from_secs(25);

pub async fn live(
    State(state): State<AppState>,
    access: ChatAccess,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    ws: WebSocketUpgrade,
) -> Response {
    if state.hub.is_shutting_down() {
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "This server is restarting.",
        )
        .into_response();
    }
    let address = auth::client_addr(&headers, Some(peer), state.config.trust_forwarded);
    let tap = match state.hub.try_tap(
        access.chat_id,
        &address,
        state.config.sockets_per_chat,
        state.config.sockets_per_address,
    ) {
        Ok(tap) => tap,
        Err(why) => {
            let what = match why {
                TooMany::Chat => "This chat is open in too many windows",
                TooMany::Address => "Too many chats are open from your network",
            };
            tracing::info!(chat_id = access.chat_id, ?why, "socket refused");
            return ApiError::too_many(
                format!("{what}. Close some and try again in a minute."),
                30_000,
            )
            .into_response();
        }
    };
    let after = super::query::query_after(query.as_deref());
    // Frames from the page are tiny; what we may have waiting to write is capped too.
    ws.max_message_size(4096)
        .max_frame_size(4096)
        .max_write_buffer_size(limits::SOCKET_QUEUE_BYTES)
        .on_upgrade(move |socket| run(state, access.chat_id, after, socket, tap))
}

/// The customer is typing: an event at most every [`TYPING_EVERY`] per chat.
pub async fn customer_typing(state: &AppState, chat_id: i64) -> livewindow_store::Result<()> {
    let now = Instant::now();
    {
        let Ok(mut seen) = state.typing.lock() else {
            return Ok(());
        };
        if seen
            .get(&chat_id)
            .is_some_and(|t| now.duration_since(*t) < TYPING_EVERY)
        {
            return Ok(());
        }
        if seen.len() > 10_000 {
            seen.retain(|_, t| now.duration_since(*t) < TYPING_EVERY);
        }
        seen.insert(chat_id, now);
    }
    state.store.typing(chat_id, None).await
}

#[derive(Deserialize)]
struct ClientFrame {
    #[serde(rename = "type")]
    kind: String,
}

struct Socket {
    state: AppState,
    chat_id: i64,
    ws: WebSocket,
    /// The newest message id the page holds.
    last_sent: i64,
    view: Option<ChatView>,
}

impl Socket {
    /// Writes one frame; a page that does not take it in time is cut (it resumes).
    async fn send_ws(&mut self, frame: Ws) -> Result<(), ()> {
        let wait = Duration::from_secs(limits::SOCKET_SEND_SECS);
        match tokio::time::timeout(wait, self.ws.send(frame)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(()),
            Err(_) => {
                tracing::info!(chat_id = self.chat_id, "socket too slow: cut");
                Err(())
            }
        }
    }

    async fn send(&mut self, value: serde_json::Value) -> Result<(), ()> {
        self.send_ws(Ws::Text(value.to_string().into())).await
    }

    /// Sends the messages the page lacks: everything after the last id it holds, a window
    /// at a time, each written before the next is read.
    async fn catch_up(&mut self) -> Result<(), ()> {
        loop {
            let messages = super::history::window(&self.state, self.chat_id, self.last_sent)
                .await
                .map_err(|e| tracing::warn!(chat_id = self.chat_id, error = %e, "resync"))?;
            let full = messages.len() >= limits::PAGE_WINDOW;
            for m in messages {
                self.send_line(m).await?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    async fn send_line(&mut self, m: MessageView) -> Result<(), ()> {
        self.last_sent = self.last_sent.max(m.id);
        self.send(json!({"type": "message", "message": m})).await
    }

    /// A line's event. The chat's lines come one after another (each send locks the chat),
    /// and every one after the catch-up comes as an event in order: a line this process
    /// wrote goes out from memory, with no read; any other, by the catch-up.
    async fn on_line(&mut self, id: Option<i64>) -> Result<(), ()> {
        let Some(id) = id else {
            return self.catch_up().await;
        };
        if id <= self.last_sent {
            return Ok(());
        }
        let kept = self.state.store.kept_message(id);
        match kept.filter(|m| m.chat_id == self.chat_id) {
            Some(m) if m.internal => {
                self.last_sent = id;
                Ok(())
            }
            Some(m) => {
                self.send_line(super::history::page_view(m.as_ref().clone()))
                    .await
            }
            None => self.catch_up().await,
        }
    }

    /// Sends the chat's state when it changed.
    async fn refresh(&mut self) -> Result<(), ()> {
        let view = chat_view(&self.state.store, self.chat_id)
            .await
            .map_err(|e| tracing::warn!(chat_id = self.chat_id, error = %e, "chat state"))?;
        if self.view.as_ref() != Some(&view) {
            self.send(json!({"type": "state", "chat": &view})).await?;
            self.view = Some(view);
        }
        Ok(())
    }

    async fn on_event(&mut self, event: &Event) -> Result<(), ()> {
        match event.kind {
            EventKind::Message => self.on_line(event.message_id).await,
            EventKind::Typing => match event.agent_id {
                Some(_) => {
                    let name = self
                        .view
                        .as_ref()
                        .and_then(|v| v.agent_name.clone())
                        .unwrap_or_else(|| "Your agent".into());
                    self.send(json!({"type": "typing", "name": name})).await
                }
                None => Ok(()),
            },
            EventKind::ContactVerified | EventKind::AgentStatus => Ok(()),
            _ => self.refresh().await,
        }
    }

    async fn close(&mut self, code: u16, why: &'static str) {
        if self.send(json!({"type": "reconnect"})).await.is_ok() {
            let _ = self
                .send_ws(Ws::Close(Some(CloseFrame {
                    code,
                    reason: why.into(),
                })))
                .await;
        }
    }
}

async fn run(state: AppState, chat_id: i64, after: i64, ws: WebSocket, mut tap: Tap) {
    // Tapped before the catch-up read (at the upgrade), so nothing committed in between is
    // missed; what arrives twice is skipped by id.
    let mut queues = state.hub.queue_changes();
    let mut shutdown = state.hub.shutting_down();
    let mut s = Socket {
        state: state.clone(),
        chat_id,
        ws,
        last_sent: after.max(0),
        view: None,
    };
    state.seen.beat(chat_id);
    if s.catch_up().await.is_err() || s.refresh().await.is_err() {
        s.close(1011, "try again").await;
        return;
    }
    let mut stale = false;
    let mut coalesce = tokio::time::interval(Duration::from_secs(1));
    let mut ping = tokio::time::interval(PING_EVERY);
    let mut last_heartbeat = Instant::now();
    loop {
        let waiting = s.view.as_ref().is_some_and(|v| v.state == "waiting");
        let queue_id = s.view.as_ref().map_or(0, |v| v.queue_id);
        let step = tokio::select! {
            event = tap.rx.recv() => match event {
                Some(event) => s.on_event(&event).await,
                None => {
                    // The hub cut this socket off as too slow: the page resyncs.
                    s.close(1013, "reconnect").await;
                    return;
                }
            },
            q = queues.recv(), if waiting => {
                match q {
                    Ok(q) if q == queue_id => stale = true,
                    Err(RecvError::Lagged(_)) => stale = true,
                    _ => {}
                }
                Ok(())
            }
            _ = coalesce.tick(), if stale => {
                stale = false;
                s.refresh().await
            }
            _ = ping.tick() => s.send_ws(Ws::Ping(Default::default())).await,
            msg = s.ws.recv() => match msg {
                Some(Ok(Ws::Text(text))) => {
                    let kind = serde_json::from_str::<ClientFrame>(&text).map(|f| f.kind);
                    match kind.as_deref() {
                        Ok("typing") => {
                            let _ = customer_typing(&state, chat_id).await;
                        }
                        Ok("heartbeat") if last_heartbeat.elapsed() >= HEARTBEAT_EVERY => {
                            last_heartbeat = Instant::now();
                            state.seen.beat(chat_id);
                        }
                        _ => {}
                    }
                    Ok(())
                }
                Some(Ok(Ws::Close(_))) | None | Some(Err(_)) => Err(()),
                Some(Ok(_)) => Ok(()),
            },
            _ = shutdown.changed() => {
                s.close(1012, "server restarting").await;
                return;
            }
        };
        if step.is_err() {
            return;
        }
    }
}
