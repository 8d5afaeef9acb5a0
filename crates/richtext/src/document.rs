//! The document: its blocks, their invariants, reading access and list numbering.

use super::history::History;
use super::model::{Block, BlockStyle, Cell, Image, ListKind, Position, Run, Selection, Table};
use super::runs;
use std::sync::Arc;

/// Most chars a document takes from an import or a paste; the rest is dropped.
pub const MAX_CHARS: usize = 1_000_000;
/// Most blocks a document takes from an import or a paste.
pub const MAX_BLOCKS: usize = 50_000;

/// A rich-text document with its undo history. There is always at least one block.
///
/// Equality compares content only, not history.
#[derive(Clone, Debug)]
pub struct Document {
    pub(crate) blocks: Vec<Arc<Block>>,
    pub(crate) history: History,
}

impl PartialEq for Document {
    fn eq(&self, other: &Self) -> bool {
        self.blocks.len() == other.blocks.len()
            && self
                .blocks
                .iter()
                .zip(&other.blocks)
                .all(|(a, b)| Arc::ptr_eq(a, b) || a == b)
    }
}

impl Eq for Document {}

impl Default for Document {
    fn default() -> Self {
        Document::new()
    }
}

/// How a list item is drawn: its nesting level as written (at most one deeper than the item
/// before it, whatever its stored level) and its number if the list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListMarker {
    pub level: u8,
    pub number: Option<u32>,
    /// How the number is written (decimal for a bullet).
    pub numbering: crate::Numbering,
    /// This item begins a new list at its level (HTML opens a new `<ul>`/`<ol>` here).
    pub starts_list: bool,
}

impl ListMarker {
    /// What is drawn before the item: "3.", "c.", "iv.", or `None` for a bullet.
    pub fn label(&self) -> Option<String> {
        self.number.map(|n| format!("{}.", self.numbering.label(n)))
    }
}

impl Document {
    /// One empty paragraph.
    pub fn new() -> Self {
        Document {
            blocks: vec![Arc::new(Block::paragraph(""))],
            history: History::default(),
        }
    }

    /// A document of `blocks`, normalized: runs merged and cleaned, numbers clamped, empty
    /// tables dropped, at least one block. List levels are kept as given (clamped to
    /// [`BlockStyle::MAX_LIST_LEVEL`]) and drawn as [`Document::list_markers`] says; imports
    /// and every edit also store each item's level as drawn.
    pub fn from_blocks(blocks: Vec<Block>) -> Self {
        let mut out: Vec<Arc<Block>> = Vec::with_capacity(blocks.len());
        for mut block in blocks {
            if normalize_block(&mut block) {
                out.push(Arc::new(block));
            }
        }
        if out.is_empty() {
            out.push(Arc::new(Block::paragraph("")));
        }
        Document {
            blocks: out,
            history: History::default(),
        }
    }

    /// [`Document::from_blocks`] with each list item's level set to the level it is drawn
    /// at (see [`level_lists`]): how content from outside enters the model.
    pub(crate) fn from_blocks_levelled(blocks: Vec<Block>) -> Self {
        let mut doc = Document::from_blocks(blocks);
        level_lists(&mut doc.blocks);
        doc
    }

    /// A document holding plain text: one paragraph per line (CR LF, CR or LF), control
    /// characters cleaned, cut at [`MAX_CHARS`] chars and [`MAX_BLOCKS`] lines.
    pub fn from_plain(text: &str) -> Self {
        Document::from_blocks(super::plain_in::blocks(text, MAX_CHARS, MAX_BLOCKS))
    }

    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// The blocks, for rendering.
    pub fn blocks(&self) -> impl ExactSizeIterator<Item = &Block> + '_ {
        self.blocks.iter().map(|b| &**b)
    }

    pub fn block(&self, index: usize) -> Option<&Block> {
        self.blocks.get(index).map(|b| &**b)
    }

    /// True for a document of one empty paragraph.
    pub fn is_empty(&self) -> bool {
        self.blocks.len() == 1
            && matches!(&*self.blocks[0], Block::Text(t) if t.is_empty() && t.style == BlockStyle::Paragraph)
    }

    /// Bytes of the embedded images (what they add to a message, before base64).
    pub fn image_bytes(&self) -> usize {
        self.blocks()
            .map(|b| match b {
                Block::Image(Image::Embedded { bytes, .. }) => bytes.len(),
                _ => 0,
            })
            .sum()
    }

    /// Chars in text blocks and table cells.
    pub fn char_count(&self) -> usize {
        self.blocks.iter().map(|b| block_chars(b)).sum()
    }

    pub fn start(&self) -> Position {
        Position::new(0, 0)
    }

    pub fn end(&self) -> Position {
        let last = self.blocks.len() - 1;
        Position::new(last, self.blocks[last].len())
    }

    /// The selection of the whole document.
    pub fn all(&self) -> Selection {
        Selection::new(self.start(), self.end())
    }

    /// The nearest valid position.
    pub fn clamp(&self, p: Position) -> Position {
        if p.block >= self.blocks.len() {
            return self.end();
        }
        Position::new(p.block, p.offset.min(self.blocks[p.block].len()))
    }

    pub fn clamp_selection(&self, s: Selection) -> Selection {
        Selection::new(self.clamp(s.anchor), self.clamp(s.focus))
    }

    /// The blocks without empty text blocks at the start and end: what is sent.
    pub(crate) fn content(&self) -> &[Arc<Block>] {
        let first = self.blocks.iter().position(|b| !b.is_empty());
        let last = self.blocks.iter().rposition(|b| !b.is_empty());
        match (first, last) {
            (Some(f), Some(l)) => &self.blocks[f..=l],
            _ => &[],
        }
    }

    /// One entry per block: `Some` for list items.
    pub fn list_markers(&self) -> Vec<Option<ListMarker>> {
        list_layout(self.blocks())
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Restores the state before the last step; returns the selection to show.
    pub fn undo(&mut self) -> Option<Selection> {
        self.history.undo(&mut self.blocks)
    }

    pub fn redo(&mut self) -> Option<Selection> {
        self.history.redo(&mut self.blocks)
    }

    /// Ends the current typing step, e.g. when the caret was moved or a pause was long.
    pub fn break_undo_group(&mut self) {
        self.history.break_group();
    }

    /// Runs `f` over the blocks as one undo step (unless nothing changed). `before` is the
    /// selection to restore on undo; `f` returns the selection after the edit.
    pub(crate) fn edit(
        &mut self,
        before: Selection,
        f: impl FnOnce(&mut Vec<Arc<Block>>) -> Selection,
    ) -> Selection {
        let snapshot = self.blocks.clone();
        let after = f(&mut self.blocks);
        if self.blocks.is_empty() {
            self.blocks.push(Arc::new(Block::paragraph("")));
        }
        // Pasting, deleting, restyling or re-indenting can leave an item deeper than the
        // list allows; every edit stores the levels as drawn.
        level_lists(&mut self.blocks);
        let changed = snapshot.len() != self.blocks.len()
            || snapshot
                .iter()
                .zip(&self.blocks)
                .any(|(a, b)| !Arc::ptr_eq(a, b) && a != b);
        if changed {
            self.history.push(snapshot, before, after);
        } else {
            // Nothing happened: no step, and the copies made on write are dropped.
            self.blocks = snapshot;
        }
        after
    }
}

fn block_chars(b: &Block) -> usize {
    match b {
        Block::Text(t) => t.len(),
        Block::Table(t) => t.rows.iter().flatten().map(|c| runs::len(&c.runs)).sum(),
        Block::Image(_) => 0,
    }
}

/// Normalizes `runs` in place: cleaned text, merged, no empties.
pub(crate) fn normalize_runs(list: &mut Vec<Run>) {
    for run in list.iter_mut() {
        if runs::needs_cleaning(&run.text) {
            run.text = runs::clean_text(&run.text);
        }
    }
    runs::normalize(list);
}

/// Normalizes a block; false if it should be dropped (a table without cells).
pub(crate) fn normalize_block(block: &mut Block) -> bool {
    match block {
        Block::Text(t) => {
            t.style = t.style.clamped();
            normalize_runs(&mut t.runs);
            true
        }
        Block::Table(table) => {
            normalize_table(table);
            !table.rows.is_empty()
        }
        Block::Image(Image::Embedded { alt, .. }) => {
            *alt = runs::clean_text(alt).replace('\n', " ");
            true
        }
        Block::Image(Image::Placeholder { reason }) => {
            *reason = runs::clean_text(reason).replace('\n', " ");
            true
        }
    }
}

fn normalize_table(table: &mut Table) {
    for row in &mut table.rows {
        for cell in row.iter_mut() {
            normalize_cell(cell);
        }
    }
    table.rows.retain(|r| !r.is_empty());
}

fn normalize_cell(cell: &mut Cell) {
    normalize_runs(&mut cell.runs);
    cell.colspan = cell.colspan.clamp(1, Cell::MAX_SPAN);
    cell.rowspan = cell.rowspan.clamp(1, Cell::MAX_SPAN);
}

/// Sets each list item's stored level to its drawn level ([`ListMarker::level`]: at most one
/// deeper than the item before it, 0 for a list's first item). HTML can only nest one level
/// at a time, so a skipped level would otherwise be drawn by the composer (which indents by
/// the stored level) deeper than in the sent message. Drawn levels and numbers do not change:
/// the layout of the result is the layout of the input. Only changed blocks are copied.
pub(crate) fn level_lists(blocks: &mut [Arc<Block>]) {
    let markers = list_layout(blocks.iter().map(|b| &**b));
    for (block, marker) in blocks.iter_mut().zip(markers) {
        let Some(drawn) = marker.map(|m| m.level) else {
            continue;
        };
        let stale = matches!(&**block, Block::Text(t)
            if matches!(t.style, BlockStyle::ListItem { level, .. } if level != drawn));
        if stale
            && let Block::Text(t) = Arc::make_mut(block)
            && let BlockStyle::ListItem { kind, .. } = t.style
        {
            t.style = BlockStyle::ListItem { kind, level: drawn };
        }
    }
}

/// List numbering and nesting for a sequence of blocks; see [`ListMarker`].
pub(crate) fn list_layout<'a>(blocks: impl Iterator<Item = &'a Block>) -> Vec<Option<ListMarker>> {
    const LEVELS: usize = BlockStyle::MAX_LIST_LEVEL as usize + 1;
    // Per level: the kind of the list open there and its next number.
    let mut open: [Option<(ListKind, u32)>; LEVELS] = [None; LEVELS];
    let mut prev_level: Option<u8> = None;
    let mut out = Vec::new();
    for block in blocks {
        let Block::Text(t) = block else {
            open = [None; LEVELS];
            prev_level = None;
            out.push(None);
            continue;
        };
        let BlockStyle::ListItem { kind, level } = t.style else {
            open = [None; LEVELS];
            prev_level = None;
            out.push(None);
            continue;
        };
        let level = match prev_level {
            None => 0,
            Some(p) => level.min(p + 1).min(BlockStyle::MAX_LIST_LEVEL),
        };
        let l = usize::from(level);
        for deeper in open.iter_mut().skip(l + 1) {
            *deeper = None;
        }
        // An item numbered as the open list's next ("c." after "b.", pasted as Word wrote
        // each number) goes on in it too.
        let continues = match (open[l], kind) {
            (Some((k, _)), _) if k == kind => true,
            (
                Some((ListKind::Ordered { numbering: was, .. }, next)),
                ListKind::Ordered { start, numbering },
            ) => was == numbering && start == next,
            _ => false,
        };
        if !continues {
            let first = match kind {
                ListKind::Ordered { start, .. } => start,
                ListKind::Bulleted => 0,
            };
            open[l] = Some((kind, first));
        }
        let number = match (&mut open[l], kind) {
            (Some((_, next)), ListKind::Ordered { .. }) => {
                let n = *next;
                *next = next.saturating_add(1);
                Some(n)
            }
            _ => None,
        };
        let numbering = match kind {
            ListKind::Ordered { numbering, .. } => numbering,
            ListKind::Bulleted => crate::Numbering::Decimal,
        };
        out.push(Some(ListMarker {
            level,
            number,
            numbering,
            starts_list: !continues,
        }));
        prev_level = Some(level);
    }
    out
}
