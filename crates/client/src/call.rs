//! One request to a team's server with a session's token: a command posted as its path
//! segment and body (the agents' and the admins' APIs alike), and the answer read back as
//! the value or as the typed error a local store would have given.

use super::Server;
use livewindow_core::{AcceptError, Password, SessionToken, StoreError};
use livewindow_data::wire::{API_PREFIX, Failure, FailureKind, OwnPassword, split_tagged};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What a call failed with before it is an accept's or a store's error.
pub(crate) enum CallError {
    Store(StoreError),
    Accept(AcceptError),
}

impl From<CallError> for StoreError {
    fn from(e: CallError) -> StoreError {
        match e {
            CallError::Store(e) => e,
            CallError::Accept(AcceptError::Store(e)) => e,
            CallError::Accept(e) => StoreError::Conflict(e.to_string()),
        }
    }
}

impl From<CallError> for AcceptError {
    fn from(e: CallError) -> AcceptError {
        match e {
            CallError::Store(e) => AcceptError::Store(e),
            CallError::Accept(e) => e,
        }
    }
}

pub(crate) fn unreachable(why: &str) -> CallError {
    CallError::Store(StoreError::Unavailable(format!(
        "the server cannot be reached: {why}"
    )))
}

pub(crate) fn transport(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "it did not answer in time".into()
    } else if e.is_connect() {
        "nothing answers at that address".into()
    } else {
        e.to_string()
    }
}

/// The address of `name` under `prefix` (`/api/agent`, `/api/admin`) on the server.
pub(crate) fn endpoint(server: &Server, prefix: &str, name: &str) -> String {
    format!(
        "{}{prefix}/{name}",
        server.url.as_str().trim_end_matches('/')
    )
}

/// Posts `command` (externally tagged: its tag is the path's last segment, the rest the
/// body) under `prefix` with the session's token.
pub(crate) async fn post<T: DeserializeOwned, C: Serialize>(
    server: &Server,
    token: &SessionToken,
    prefix: &str,
    command: &C,
) -> Result<T, CallError> {
    let (name, body) =
        split_tagged(command).map_err(|e| CallError::Store(StoreError::invalid(e.to_string())))?;
    let r = server
        .http
        .post(endpoint(server, prefix, &name))
        .bearer_auth(token.expose())
        .json(&body)
        .send()
        .await
        .map_err(|e| unreachable(&transport(&e)))?;
    let status = r.status();
    let bytes = r.bytes().await.map_err(|e| unreachable(&transport(&e)))?;
    if status.is_success() {
        return serde_json::from_slice(&bytes)
            .map_err(|_| unreachable("its answer was not understood"));
    }
    match serde_json::from_slice::<Failure>(&bytes) {
        Ok(f) => Err(match f.kind {
            FailureKind::Store(e) => CallError::Store(e),
            FailureKind::Accept(e) => CallError::Accept(e),
            FailureKind::Session(why) => CallError::Store(StoreError::SignedOut { why }),
            FailureKind::SignIn(_) | FailureKind::Request => {
                CallError::Store(StoreError::invalid(f.error))
            }
        }),
        // A proxy's error page, a server restarting: worth retrying.
        Err(_) => Err(unreachable(&format!("HTTP {status}"))),
    }
}

/// GETs `name` under the agents' API with the session's token: the body's bytes (a file's
/// download), or the typed error the server answered.
pub(crate) async fn get_bytes(
    server: &Server,
    token: &SessionToken,
    name: &str,
) -> Result<Vec<u8>, CallError> {
    let r = server
        .http
        .get(endpoint(server, API_PREFIX, name))
        .bearer_auth(token.expose())
        .send()
        .await
        .map_err(|e| unreachable(&transport(&e)))?;
    let status = r.status();
    let bytes = r.bytes().await.map_err(|e| unreachable(&transport(&e)))?;
    if status.is_success() {
        return Ok(bytes.to_vec());
    }
    Err(match serde_json::from_slice::<Failure>(&bytes) {
        Ok(Failure {
            kind: FailureKind::Store(e),
            ..
        }) => CallError::Store(e),
        Ok(f) => CallError::Store(StoreError::invalid(f.error)),
        Err(_) => unreachable(&format!("HTTP {status}")),
    })
}

/// Ends the session of `token` on the server (`DELETE /api/agent/session`). A session that
/// had already ended is no error: it is over either way.
pub(crate) async fn end_session(server: &Server, token: &SessionToken) -> Result<(), StoreError> {
    let r = server
        .http
        .delete(endpoint(
            server,
            livewindow_data::wire::API_PREFIX,
            "session",
        ))
        .bearer_auth(token.expose())
        .send()
        .await
        .map_err(|e| StoreError::from(unreachable(&transport(&e))))?;
    let status = r.status();
    if status.is_success() || status == reqwest::StatusCode::UNAUTHORIZED {
        Ok(())
    } else {
        Err(StoreError::from(unreachable(&format!("HTTP {status}"))))
    }
}

/// Changes the password of the session's user (`POST /api/agent/password`); a one-time
/// password must be changed so before the session may do anything else. The session goes
/// on; the user's other sessions end. A refused new password is `StoreError::Invalid` with
/// its line.
pub(crate) async fn change_password(
    server: &Server,
    token: &SessionToken,
    current: &Password,
    new: &Password,
) -> Result<(), StoreError> {
    let change = OwnPassword::Password {
        current: current.clone(),
        new: new.clone(),
    };
    post::<(), _>(server, token, API_PREFIX, &change)
        .await
        .map_err(StoreError::from)
}
