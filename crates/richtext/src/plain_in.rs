//! Plain text into blocks, for the plain composer and as the paste fallback.
//!
//! Builds blocks only; `Document::from_plain` wraps them, so the dependency runs one way
//! (document → plain_in) and the limits come in as arguments.

use super::model::Block;
use super::runs;

/// One paragraph per line (CR LF, CR or LF), text cleaned of control characters, cut at
/// `max_chars` chars and `max_lines` lines.
pub(crate) fn blocks(text: &str, max_chars: usize, max_lines: usize) -> Vec<Block> {
    let cleaned = runs::clean_text(text);
    let mut budget = max_chars;
    let mut blocks = Vec::new();
    for line in cleaned.split('\n').take(max_lines) {
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
    blocks
}
