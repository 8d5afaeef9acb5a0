//! The desk's events from the server: a WebSocket (the token in its upgrade's
//! `Authorization` header, never in the URL) that resumes after the last event id held,
//! on whatever server process answers. A dropped connection is one `Unavailable` item
//! (the console shows that it is reconnecting) and a new connection after a pause; a
//! session that ended is one `SignedOut` item and the end of the stream.

use super::Remote;
use futures::stream::{BoxStream, StreamExt};
use livewindow_core::StoreError;
use livewindow_data::FeedItem;
use livewindow_data::wire::{API_PREFIX, FailureKind};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// The server's close code for a session that ended; its reason is the `FailureKind`.
const SIGNED_OUT: u16 = 4401;
const FIRST_PAUSE: Duration = Duration::from_millis(250);
const LONGEST_PAUSE: Duration = Duration::from_secs(5);

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Follow {
    remote: Remote,
    after: i64,
    socket: Option<Socket>,
    pause: Duration,
    /// An outage already said: one `Unavailable` per outage, not one per retry.
    told: bool,
    done: bool,
}

pub fn events(remote: Remote, after: i64) -> BoxStream<'static, Result<FeedItem, StoreError>> {
    let start = Follow {
        remote,
        after,
        socket: None,
        pause: FIRST_PAUSE,
        told: false,
        done: false,
    };
    futures::stream::unfold(start, |mut f| async move {
        if f.done {
            return None;
        }
        let item = f.next().await;
        Some((item, f))
    })
    .boxed()
}

fn ws_url(remote: &Remote, after: i64) -> String {
    let base = remote.server.url.as_str().trim_end_matches('/');
    let base = base
        .strip_prefix("https://")
        .map(|r| format!("wss://{r}"))
        .or_else(|| base.strip_prefix("http://").map(|r| format!("ws://{r}")))
        .unwrap_or_else(|| base.to_string());
    format!("{base}{API_PREFIX}/events?after={after}")
}

/// Why the stream stops or pauses.
enum Drop {
    SignedOut(StoreError),
    Lost(String),
}

impl Follow {
    async fn connect(&self) -> Result<Socket, Drop> {
        let mut request = ws_url(&self.remote, self.after)
            .into_client_request()
            .map_err(|e| Drop::Lost(e.to_string()))?;
        let bearer = HeaderValue::from_str(&format!("Bearer {}", self.remote.token.expose()))
            .map_err(|e| Drop::Lost(e.to_string()))?;
        request.headers_mut().insert("authorization", bearer);
        let tls = tokio_tungstenite::Connector::Rustls(self.remote.server.tls.clone());
        let connected =
            tokio_tungstenite::connect_async_tls_with_config(request, None, true, Some(tls));
        match connected.await {
            Ok((socket, _)) => Ok(socket),
            Err(tokio_tungstenite::tungstenite::Error::Http(r)) if r.status() == 401 => {
                let why = r
                    .body()
                    .as_deref()
                    .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
                    .and_then(|v| serde_json::from_value(v["session"].clone()).ok())
                    .flatten();
                Err(Drop::SignedOut(StoreError::SignedOut { why }))
            }
            Err(e) => Err(Drop::Lost(e.to_string())),
        }
    }

    /// The next frame of an open socket: an event, or why the socket ended.
    async fn read(socket: &mut Socket) -> Result<FeedItem, Drop> {
        loop {
            match socket.next().await {
                Some(Ok(Ws::Text(text))) => {
                    if let Ok(item) = serde_json::from_str::<FeedItem>(&text) {
                        return Ok(item);
                    }
                    // A frame of a newer server: skipped.
                }
                Some(Ok(Ws::Close(Some(frame)))) if frame.code == CloseCode::from(SIGNED_OUT) => {
                    let why = match serde_json::from_str::<FailureKind>(&frame.reason) {
                        Ok(FailureKind::Session(why)) => why,
                        _ => None,
                    };
                    return Err(Drop::SignedOut(StoreError::SignedOut { why }));
                }
                Some(Ok(Ws::Close(_))) | None => return Err(Drop::Lost("closed".into())),
                Some(Err(e)) => return Err(Drop::Lost(e.to_string())),
                Some(Ok(_)) => {}
            }
        }
    }

    async fn next(&mut self) -> Result<FeedItem, StoreError> {
        loop {
            let step = match self.socket.as_mut() {
                Some(socket) => Self::read(socket).await,
                None => match self.connect().await {
                    Ok(socket) => {
                        self.socket = Some(socket);
                        self.pause = FIRST_PAUSE;
                        self.told = false;
                        continue;
                    }
                    Err(e) => Err(e),
                },
            };
            match step {
                Ok(item) => {
                    self.after = self.after.max(item.id);
                    return Ok(item);
                }
                Err(Drop::SignedOut(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(Drop::Lost(why)) => {
                    self.socket = None;
                    let pause = self.pause;
                    self.pause = (self.pause * 2).min(LONGEST_PAUSE);
                    if !self.told {
                        self.told = true;
                        tracing::info!(%why, "event feed lost; reconnecting");
                        tokio::time::sleep(pause).await;
                        return Err(StoreError::Unavailable(format!(
                            "the server cannot be reached: {why}"
                        )));
                    }
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }
}
