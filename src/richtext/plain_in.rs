//! Plain text into the model, for the plain composer and as the paste fallback.

use super::document::{Document, MAX_BLOCKS, MAX_CHARS};
use super::model::Block;
use super::runs;

/// One paragraph per line (CR LF, CR or LF), text cleaned of control characters, cut at
/// [`MAX_CHARS`] chars and [`MAX_BLOCKS`] lines.
pub fn from_plain(text: &str) -> Document {
    let cleaned = runs::clean_text(text);
    let mut budget = MAX_CHARS;
    let mut blocks = Vec::new();
    for line in cleaned.split('\n').take(MAX_BLOCKS) {
        if budget == 0 {
            break;
        }
        let n = line.chars().count();
        let line = if n > budget {
            &line[..runs::byte_index(line, budget)]
        } else {
            line
        };
        budget -= n.min(budget);
        blocks.push(Block::paragraph(line));
    }
    Document::from_blocks(blocks)
}
