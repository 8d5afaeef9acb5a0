//! The plain-text fallback of a document.

use super::document::{Document, list_layout};
use super::model::{Block, Image};

impl Document {
    /// The document as plain text (without empty blocks at its start and end): one line per block, list items as "• " or "1. " indented
    /// two spaces per level, table rows as tab-separated cells, images as "[image: alt]".
    pub fn to_plain(&self) -> String {
        let blocks = self.content();
        let markers = list_layout(blocks.iter().map(|b| &**b));
        let mut lines: Vec<String> = Vec::with_capacity(blocks.len());
        for (block, marker) in blocks.iter().map(|b| &**b).zip(markers) {
            match block {
                Block::Text(t) => match marker {
                    Some(m) => {
                        let indent = "  ".repeat(usize::from(m.level));
                        let bullet = match m.label() {
                            Some(label) => format!("{label} "),
                            None => "• ".to_string(),
                        };
                        // Lines after a line break line up with the item's text.
                        let hang = format!("\n{indent}{}", " ".repeat(bullet.chars().count()));
                        lines.push(format!("{indent}{bullet}{}", t.text().replace('\n', &hang)));
                    }
                    None => lines.push(t.text()),
                },
                Block::Table(table) => {
                    for row in &table.rows {
                        let cells: Vec<String> =
                            row.iter().map(|c| c.text().replace('\n', " ")).collect();
                        lines.push(cells.join("\t"));
                    }
                }
                Block::Image(Image::Embedded { alt, .. }) if alt.is_empty() => {
                    lines.push("[image]".to_string());
                }
                Block::Image(Image::Embedded { alt, .. }) => lines.push(format!("[image: {alt}]")),
                Block::Image(Image::Placeholder { reason }) => lines.push(format!("[{reason}]")),
            }
        }
        lines.join("\n")
    }
}
