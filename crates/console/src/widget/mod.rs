//! Widgets of our own.

pub mod focus;
pub mod rich_editor;
