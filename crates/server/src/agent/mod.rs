//! The agents' API: what a signed-in desktop does through the server instead of holding a
//! database URL. `POST /api/agent/session` signs in and gives a token; every other route
//! takes it in `Authorization: Bearer` (never in a URL), runs one [`Command`] of the data
//! interface after [`authorize`] allows it, and answers the method's value as JSON or a
//! [`Failure`]. `GET /api/agent/events` is the desk's event feed as a WebSocket.
//! `POST /api/admin/{command}` is administration, for administrators' sessions only.
//!
//! [`Command`]: livewindow_data::wire::Command
//! [`authorize`]: livewindow_core::account::authorize
//! [`Failure`]: livewindow_data::wire::Failure

mod admin;
mod beats;
mod commands;
mod error;
mod events;
mod files;
mod session;
mod watch;

pub use beats::Beats;
pub use error::AgentError;
pub use session::Signed;
pub use watch::Sessions;

use super::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use livewindow_core::limits;

/// The agents' routes, to merge into the server's router.
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/api/agent/session",
            post(session::sign_in)
                .get(session::me)
                .delete(session::sign_out),
        )
        .route("/api/agent/password", post(session::change_password))
        .route(
            "/api/agent/events",
            get(events::events).route_layer(axum::middleware::from_fn_with_state(
                state,
                session::own_desk,
            )),
        )
        .route("/api/admin/{command}", post(admin::command))
        .route("/api/agent/files/{message}", get(files::file))
        .route(
            "/api/agent/{command}",
            // A message with its pictures is the largest body.
            post(commands::command).layer(DefaultBodyLimit::max(
                limits::MESSAGE_HTML_BYTES + 64 * 1024,
            )),
        )
}
