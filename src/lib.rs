//! Live Window: a desktop console in which customer-service agents take customer chats.
//!
//! `core` holds the domain rules, `store` the database (SQLite or PostgreSQL, the one
//! coordinator between desktops), `channel` the customer side, `ui` the iced console.

pub mod bench;
pub mod channel;
pub mod cli;
pub mod core;
pub mod data;
pub mod richtext;
pub mod server;
pub mod store;
pub mod ui;

pub use store::Store;
