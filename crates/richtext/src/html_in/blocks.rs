//! The pending text block: where text goes, where blocks start and end, where images go.

use super::convert::{Converter, Tag};
use super::inline::{Inline, Space};
use crate::document::MAX_BLOCKS;
use crate::model::{Block, BlockStyle, Image, Marks, Run, TextBlock};
use ego_tree::NodeId;

/// The text block being filled.
pub(super) struct Pending {
    pub(super) style: BlockStyle,
    pub(super) inline: Inline,
    /// Made by an element (`<p>`, `<li>`…): kept even if empty, as an empty line.
    pub(super) explicit: bool,
    /// The list item or heading it belongs to.
    pub(super) owner: Option<NodeId>,
    /// Word list paragraph or numbered heading: (list, 0-based level), whose kind the
    /// stylesheet or the marker decides.
    pub(super) word_list: Option<(String, u8)>,
}

impl Converter<'_, '_> {
    /// The nearest open list item or heading.
    pub(super) fn soft_owner(&self) -> Option<NodeId> {
        self.frames
            .iter()
            .rev()
            .find(|f| matches!(f.tag, Tag::Item | Tag::Heading))
            .map(|f| f.node)
    }

    /// A block element opens or closes: in a cell or a list item's own block it is a line
    /// break, elsewhere it ends the pending block.
    pub(super) fn block_boundary(&mut self) {
        if self.cell_open() {
            self.soft_break_cell();
            return;
        }
        let owner = self.soft_owner();
        match &mut self.pending {
            Some(p) if owner.is_some() && p.owner == owner => p.inline.soft_break(),
            _ => self.flush(),
        }
    }

    /// An element that makes a block of its own opens (`style` None: take the context's).
    pub(super) fn start_block(
        &mut self,
        id: NodeId,
        style: Option<BlockStyle>,
        explicit: bool,
        word_list: Option<(String, u8)>,
    ) {
        if self.cell_open() {
            self.soft_break_cell();
            return;
        }
        let owner = self.soft_owner();
        if style.is_none()
            && let Some(p) = &mut self.pending
            && owner.is_some()
            && p.owner == owner
        {
            // A <p> inside a list item: a new line of the same item.
            p.inline.soft_break();
            return;
        }
        self.flush();
        if !self.inside || (self.table.is_some() && !self.table.as_ref().is_some_and(|t| t.caption))
        {
            return;
        }
        let owner = if style.is_some() { Some(id) } else { owner };
        self.marker_text.clear();
        self.pending = Some(Pending {
            style: style.unwrap_or_else(|| self.context_style()),
            inline: Inline::new(),
            explicit,
            owner,
            word_list,
        });
    }

    /// The style of text not in any block element of its own.
    pub(super) fn context_style(&self) -> BlockStyle {
        self.frames
            .iter()
            .rev()
            .find_map(|f| f.style)
            .unwrap_or(BlockStyle::Paragraph)
    }

    /// Where text goes now, creating the pending block if needed (not for whitespace).
    pub(super) fn target(&mut self, whitespace_only: bool) -> Option<&mut Inline> {
        if !self.inside {
            return None;
        }
        if self.table.as_ref().is_some_and(|t| !t.caption) {
            return self
                .table
                .as_mut()
                .and_then(|t| t.cell.as_mut())
                .map(|c| &mut c.inline);
        }
        if self.pending.is_none() {
            if whitespace_only {
                return None;
            }
            self.pending = Some(Pending {
                style: self.context_style(),
                inline: Inline::new(),
                explicit: false,
                owner: self.soft_owner(),
                word_list: None,
            });
        }
        self.pending.as_mut().map(|p| &mut p.inline)
    }

    pub(super) fn push_block(&mut self, block: Block) {
        if self.out.len() < MAX_BLOCKS {
            self.out.push(block);
        }
    }

    /// Ends the pending block.
    pub(super) fn flush(&mut self) {
        let Some(p) = self.pending.take() else { return };
        let runs = p.inline.finish();
        if runs.is_empty() && !p.explicit {
            return;
        }
        let mut style = p.style;
        if let (Some((list, level)), BlockStyle::ListItem { level: l, .. }) = (&p.word_list, style)
        {
            let kind = self.word_list_kind(list, *level);
            style = BlockStyle::ListItem { kind, level: l };
        }
        self.push_block(Block::Text(TextBlock::new(style, runs)));
    }

    /// An `<img>` (or a VML picture): a block of its own, or in a table cell its label.
    pub(super) fn image(&mut self, src: &str, alt: &str) {
        if !self.inside {
            return;
        }
        let link = self.marks().link;
        let block = match self.images.resolve(src, alt) {
            Image::Embedded {
                bytes, mime, alt, ..
            } => Block::Image(Image::Embedded {
                bytes,
                mime,
                alt,
                link,
            }),
            // A placeholder has no link of its own: a linked one is its text, linked.
            Image::Placeholder { reason } if link.is_some() => Block::Text(TextBlock::new(
                BlockStyle::Paragraph,
                vec![Run::new(
                    format!("[{reason}]"),
                    Marks {
                        link,
                        ..Marks::default()
                    },
                )],
            )),
            image => Block::Image(image),
        };
        if self.table.as_ref().is_some_and(|t| !t.caption) {
            // A cell holds text only: the image is named there (with the cell's marks, so
            // with its link).
            let label = match &block {
                Block::Image(Image::Embedded { alt, .. }) if !alt.is_empty() => {
                    format!("[image: {alt}]")
                }
                Block::Image(Image::Embedded { .. }) => "[image]".to_string(),
                Block::Image(Image::Placeholder { reason }) => format!("[{reason}]"),
                Block::Text(t) => t.text(),
                Block::Table(_) => String::new(),
            };
            let marks = self.marks();
            if let Some(cell) = self.target(false) {
                cell.push_text(&label, &marks, Space::Preserve, usize::MAX);
            }
            return;
        }
        // An image inside a paragraph splits it; an empty paragraph around it goes.
        if self
            .pending
            .as_ref()
            .is_some_and(|p| !p.inline.has_content())
        {
            self.pending = None;
        } else {
            self.flush();
        }
        self.push_block(block);
    }
}
