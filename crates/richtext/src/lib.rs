//! Rich text: the composer's document model, its HTML and plain-text forms, and the import
//! of clipboard HTML. No iced, no sqlx: the editing widget is a view of this model.
//!
//! # The API
//!
//! **Reading, for rendering.** A [`Document`] is a list of [`Block`]s (never empty):
//! - [`Block::Text`]: a [`TextBlock`] with a [`BlockStyle`] (paragraph, heading 1-3, list
//!   item: bulleted or ordered with a start number, level 0..=8) and [`Run`]s of text with
//!   [`Marks`] (bold, italic, underline, strike, code, colour [`Rgb`], [`Link`]). A `'\n'` in a
//!   run is a line break inside the block.
//! - [`Block::Table`]: rows of [`Cell`]s (runs, colspan, rowspan, header flag).
//! - [`Block::Image`]: embedded bytes (PNG/JPEG/GIF/WebP) with alt text and an optional
//!   [`Link`] (`Image::Embedded { link: Option<Link>, .. }`; a linked picture, written as
//!   `<a href><img></a>`), or a placeholder.
//!
//! `doc.blocks()` iterates them; `doc.list_markers()` gives each list item's drawn level and
//! number (the same ones the HTML and plain text use). A list item is drawn at most one
//! level deeper than the item before it (HTML cannot skip a level); imports, pastes and every
//! edit store each item's level as drawn, so the composer indents exactly as the sent message
//! nests. (`Document::from_blocks` keeps the levels it is given, drawn the same way.)
//!
//! **Positions.** A [`Position`] is a block index and a char offset in that block (tables and
//! images: 0 before, 1 after). A [`Selection`] is an anchor and a focus; a `Position`
//! converts into a collapsed one. Out-of-range positions are clamped, never a panic.
//!
//! **Editing** (each call is one undo step; returns the caret where that makes sense):
//! - `insert_text(at, &str) -> Position`, `insert_styled(at, &str, &Marks) -> Position`
//!   (typing; consecutive typing coalesces into one step per word)
//! - `delete(Selection) -> Position`, `split_block(at) -> Position` (Enter)
//! - `toggle_mark(Selection, Mark) -> bool`, `set_colour(Selection, Option<Rgb>)`,
//!   `set_link(Selection, Option<&str>) -> Result<(), InvalidLink>`,
//!   `clear_formatting(Selection)`
//! - `set_block_style(Selection, BlockStyle)`, `indent(Selection) -> bool` (Tab),
//!   `outdent(Selection) -> bool` (Shift+Tab)
//! - `marks_at(Position) -> Marks` and `marks_in(Selection) -> Marks`, for the toolbar
//! - `undo() -> Option<Selection>`, `redo() -> Option<Selection>`, `can_undo`, `can_redo`,
//!   `break_undo_group()`
//! - `copy(Selection) -> Document`, `paste(at, &Document) -> Position`,
//!   `paste_text(at, &str) -> Position`, `insert_image(at, Image) -> Position`
//!
//! Normalization happens inside every operation: runs with equal marks merge, empty runs go,
//! control characters go (tabs and no-break spaces become spaces), near-black colours count
//! as no colour ([`Rgb::is_default_text`]) and a link's underline and colour are dropped (a
//! link looks like a link). Tables and images are edited as units (deleted, copied, pasted
//! whole); their cells are not editable in place. Imports and pastes stop at [`MAX_CHARS`]
//! and [`MAX_BLOCKS`].
//!
//! **Formats.** `to_html()` writes the sanitized HTML subset (see [`html_out`]), `to_plain()`
//! the plain-text fallback; both leave out empty blocks at the start and end.
//! - [`import`]`(html, &PasteExtras) -> Document` reads clipboard HTML (CF_HTML header or
//!   not, Word, Excel, Google Docs, LibreOffice, browsers; hostile input is safe and bounded).
//! - [`Document::from_stored_html`]`(html: &str) -> Document` reads a stored message's HTML
//!   back for the transcript: what `to_html()` wrote renders the same `to_html()` and
//!   `list_markers()` again; anything else is read like a paste.
//! - [`Document::from_plain`]`(text: &str) -> Document` reads plain text.
//! - [`plain_to_html`]`(text: &str) -> String` is the HTML of a plain message as stored (`<p>`,
//!   escaped text, `<br>` per line break, `</p>`); it and `to_html()` share the crate's one
//!   HTML escaping rule.

mod document;
mod edit;
mod edit_script;
mod format;
mod history;
pub mod html_in;
pub mod html_out;
mod model;
mod numbering;
mod plain_in;
mod plain_out;
mod runs;

pub use document::{Document, ListMarker, MAX_BLOCKS, MAX_CHARS};
pub use edit_script::edit_op;
pub use format::InvalidLink;
pub use html_in::{PasteExtras, import};
pub use html_out::{escape, image_message_html, plain_to_html};
pub use model::{
    Block, BlockStyle, Cell, Image, ImageMime, Link, ListKind, Mark, Marks, Position, Rgb, Run,
    Selection, Table, TextBlock,
};
pub use numbering::Numbering;
