//! Widgets of our own.

pub mod rich_editor;
