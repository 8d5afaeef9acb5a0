//! Live Window: a desktop console in which customer-service agents take customer chats.
//!
//! The layers are crates (see `docs/ARCHITECTURE.md`): `core` (rules, no IO), `richtext`,
//! `data` (the console's interface), `store` (the database), `server` (axum) and `ui` (the
//! iced console). This crate wires them into one binary, with the customer side
//! (`channel`), the commands (`cli`), a team's desktop (`team`) and the load runs
//! (`bench`); it re-exports the layers
//! under their short names for those and for the tests.

pub mod bench;
pub mod channel;
pub mod cli;
pub mod team;

pub use livewindow_client as client;
pub use livewindow_console as ui;
pub use livewindow_core as core;
pub use livewindow_data as data;
pub use livewindow_richtext as richtext;
pub use livewindow_server as server;
pub use livewindow_store as store;

pub use store::Store;
