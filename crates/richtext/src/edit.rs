//! Text editing: insert, delete, Enter, copy and paste.

use super::document::{Document, MAX_BLOCKS, MAX_CHARS, normalize_block};
use super::model::{Block, BlockStyle, Marks, Position, Run, Selection, TextBlock};
use super::runs;
use std::sync::Arc;

type Blocks = Vec<Arc<Block>>;

impl Document {
    /// Types `text` over the selection (replacing it) with the marks of the text before the
    /// caret; a link is continued only strictly inside it. `'\n'` is a line break inside the
    /// block (Shift+Enter); use [`Document::split_block`] for Enter. Consecutive typing is one
    /// undo step until a new word starts or the caret moves. Returns the caret after the text.
    pub fn insert_text(&mut self, at: impl Into<Selection>, text: &str) -> Position {
        self.insert_impl(at.into(), text, None)
    }

    /// Like [`Document::insert_text`], with explicit marks (e.g. bold switched on at the caret
    /// before typing). The link in `marks` is kept only if it is already a valid [`super::Link`].
    pub fn insert_styled(
        &mut self,
        at: impl Into<Selection>,
        text: &str,
        marks: &Marks,
    ) -> Position {
        self.insert_impl(at.into(), text, Some(marks))
    }

    fn insert_impl(&mut self, sel: Selection, text: &str, marks: Option<&Marks>) -> Position {
        let sel = self.clamp_selection(sel);
        let text = runs::clean_text(text);
        if text.is_empty() {
            return if sel.is_collapsed() {
                sel.focus
            } else {
                self.delete(sel)
            };
        }
        let (start, _) = sel.range();
        let in_text = matches!(&*self.blocks[start.block], Block::Text(_));
        if sel.is_collapsed() && in_text && self.history.continues_typing(start, &text) {
            let end = insert_at(&mut self.blocks, start, &text, marks);
            self.history.typed(end, &text);
            return end;
        }
        let end = self
            .edit(sel, |blocks| {
                let p = delete_range(blocks, sel.range());
                Selection::caret(insert_at(blocks, p, &text, marks))
            })
            .focus;
        if sel.is_collapsed() && in_text {
            self.history.typed(end, &text);
        }
        end
    }

    /// Deletes the selection; returns the caret.
    pub fn delete(&mut self, sel: Selection) -> Position {
        let sel = self.clamp_selection(sel);
        if sel.is_collapsed() {
            return sel.focus;
        }
        self.edit(sel, |blocks| {
            Selection::caret(delete_range(blocks, sel.range()))
        })
        .focus
    }

    /// Enter: replaces the selection and splits the block at the caret. In an empty list item
    /// it ends the list instead (outdents, or makes a paragraph at level 0). After a heading's
    /// last char the new block is a paragraph. Before or after a table or image it adds an
    /// empty paragraph there. Returns the caret.
    pub fn split_block(&mut self, at: impl Into<Selection>) -> Position {
        let sel = self.clamp_selection(at.into());
        self.edit(sel, |blocks| {
            let p = delete_range(blocks, sel.range());
            Selection::caret(split_at(blocks, p))
        })
        .focus
    }

    /// The selected content as a document of its own (formatting kept), for the clipboard.
    pub fn copy(&self, sel: Selection) -> Document {
        let (s, e) = self.clamp_selection(sel).range();
        Document::from_blocks(copy_range(&self.blocks, s, e))
    }

    /// Pastes `fragment` over the selection. A single text block is inserted inline (into an
    /// empty paragraph it brings its style); several blocks split the block at the caret.
    /// Pasted content beyond [`MAX_CHARS`] or [`MAX_BLOCKS`] is dropped. Returns the caret
    /// after the pasted content.
    pub fn paste(&mut self, at: impl Into<Selection>, fragment: &Document) -> Position {
        let sel = self.clamp_selection(at.into());
        let mut frag: Vec<Block> = fragment.blocks().cloned().collect();
        if fragment.is_empty() {
            return self.delete(sel);
        }
        let room_chars = MAX_CHARS.saturating_sub(self.char_count());
        let room_blocks = MAX_BLOCKS.saturating_sub(self.blocks.len());
        truncate(&mut frag, room_chars, room_blocks);
        if frag.is_empty() {
            return sel.range().0;
        }
        self.edit(sel, |blocks| {
            let p = delete_range(blocks, sel.range());
            Selection::caret(paste_at(blocks, p, frag))
        })
        .focus
    }

    /// Inserts an image (from a file picker or a drop: [`super::Image::from_bytes`]) as a
    /// block at the caret, splitting the text block there. Returns the caret after it.
    pub fn insert_image(&mut self, at: impl Into<Selection>, image: super::Image) -> Position {
        self.paste(at, &Document::from_blocks(vec![Block::Image(image)]))
    }

    /// Pastes plain text: one paragraph per line, taking the style of the block pasted into.
    pub fn paste_text(&mut self, at: impl Into<Selection>, text: &str) -> Position {
        self.paste(at, &Document::from_plain(text))
    }
}

fn text_mut(block: &mut Arc<Block>) -> Option<&mut TextBlock> {
    if !matches!(&**block, Block::Text(_)) {
        return None;
    }
    match Arc::make_mut(block) {
        Block::Text(t) => Some(t),
        _ => None,
    }
}

/// The marks typed text takes at `offset`: those before it, but a link only if the text
/// after the caret has the same link (typing at a link's end does not extend it).
fn typing_marks(runs: &[Run], offset: usize) -> Marks {
    let mut marks = runs::marks_at(runs, offset);
    if marks.link.is_some() {
        let after = runs::slice(runs, offset, offset + 1);
        let inside = offset > 0 && after.first().is_some_and(|r| r.marks.link == marks.link);
        if !inside {
            marks.link = None;
        }
    }
    marks
}

fn insert_at(blocks: &mut Blocks, p: Position, text: &str, marks: Option<&Marks>) -> Position {
    let n = text.chars().count();
    if let Some(t) = text_mut(&mut blocks[p.block]) {
        let m = marks
            .cloned()
            .unwrap_or_else(|| typing_marks(&t.runs, p.offset));
        runs::insert(&mut t.runs, p.offset, text, &m);
        return Position::new(p.block, p.offset + n);
    }
    // Typing before or after a table or image starts a paragraph there.
    let at = if p.offset == 0 { p.block } else { p.block + 1 };
    let runs = vec![Run::new(text, marks.cloned().unwrap_or_default())];
    blocks.insert(
        at,
        Arc::new(Block::Text(TextBlock::new(BlockStyle::Paragraph, runs))),
    );
    Position::new(at, n)
}

/// Deletes `start..end` (clamped); returns the caret.
pub(crate) fn delete_range(blocks: &mut Blocks, (s, e): (Position, Position)) -> Position {
    if s >= e {
        return s;
    }
    if s.block == e.block {
        if let Some(t) = text_mut(&mut blocks[s.block]) {
            runs::delete(&mut t.runs, s.offset, e.offset);
            return s;
        }
        blocks.remove(s.block);
        return caret_near(blocks, s.block);
    }
    // The last block: what remains of it, and whether it goes.
    let (tail, remove_last) = match text_mut(&mut blocks[e.block]) {
        Some(t) => (Some(runs::split_off(&mut t.runs, e.offset)), true),
        None => (None, e.offset > 0),
    };
    let first_is_text = matches!(&*blocks[s.block], Block::Text(_));
    if first_is_text {
        if let Some(t) = text_mut(&mut blocks[s.block]) {
            runs::split_off(&mut t.runs, s.offset);
            if let Some(tail) = tail {
                let at = t.len();
                runs::insert_runs(&mut t.runs, at, tail);
            }
        }
        let end = if remove_last { e.block + 1 } else { e.block };
        blocks.drain(s.block + 1..end);
        return s;
    }
    // The first block is a table or image: kept if the selection starts after it.
    if let Some(tail) = tail {
        let rest = &mut blocks[e.block];
        if let Some(t) = text_mut(rest) {
            t.runs = tail;
        }
    }
    let end = if remove_last && !matches!(&*blocks[e.block], Block::Text(_)) {
        e.block + 1
    } else {
        e.block
    };
    let first = if s.offset == 0 { s.block } else { s.block + 1 };
    blocks.drain(first..end);
    if s.offset == 0 {
        caret_near(blocks, s.block)
    } else {
        Position::new(s.block, 1)
    }
}

/// The caret at `index` after the block there was removed.
fn caret_near(blocks: &mut Blocks, index: usize) -> Position {
    if blocks.is_empty() {
        blocks.push(Arc::new(Block::paragraph("")));
        return Position::new(0, 0);
    }
    if index < blocks.len() {
        Position::new(index, 0)
    } else {
        let last = blocks.len() - 1;
        Position::new(last, blocks[last].len())
    }
}

fn split_at(blocks: &mut Blocks, p: Position) -> Position {
    let Some(t) = text_mut(&mut blocks[p.block]) else {
        let at = if p.offset == 0 { p.block } else { p.block + 1 };
        blocks.insert(at, Arc::new(Block::paragraph("")));
        return Position::new(at, 0);
    };
    if let BlockStyle::ListItem { kind, level } = t.style
        && t.is_empty()
    {
        t.style = match level {
            0 => BlockStyle::Paragraph,
            l => BlockStyle::ListItem { kind, level: l - 1 },
        };
        return p;
    }
    let tail = runs::split_off(&mut t.runs, p.offset);
    let style = match t.style {
        BlockStyle::Heading(_) if tail.is_empty() => BlockStyle::Paragraph,
        s => s,
    };
    blocks.insert(
        p.block + 1,
        Arc::new(Block::Text(TextBlock::new(style, tail))),
    );
    Position::new(p.block + 1, 0)
}

fn copy_range(blocks: &Blocks, s: Position, e: Position) -> Vec<Block> {
    let mut out = Vec::new();
    if s >= e {
        return out;
    }
    for (b, block) in blocks.iter().enumerate().take(e.block + 1).skip(s.block) {
        let from = if b == s.block { s.offset } else { 0 };
        let to = if b == e.block { e.offset } else { block.len() };
        match &**block {
            Block::Text(t) => out.push(Block::Text(TextBlock::new(
                t.style,
                runs::slice(&t.runs, from, to),
            ))),
            other if from == 0 && to >= 1 => out.push(other.clone()),
            _ => {}
        }
    }
    out
}

/// Cuts `frag` to at most `chars` chars and `max_blocks` blocks.
fn truncate(frag: &mut Vec<Block>, mut chars: usize, max_blocks: usize) {
    frag.truncate(max_blocks);
    let mut keep = 0;
    for block in frag.iter_mut() {
        if chars == 0 {
            break;
        }
        keep += 1;
        if let Block::Text(t) = block {
            let n = t.len();
            if n > chars {
                runs::split_off(&mut t.runs, chars);
                chars = 0;
            } else {
                chars -= n;
            }
        }
    }
    frag.truncate(keep);
}

fn paste_at(blocks: &mut Blocks, p: Position, frag: Vec<Block>) -> Position {
    let frag: Vec<Block> = frag
        .into_iter()
        .filter_map(|mut b| normalize_block(&mut b).then_some(b))
        .collect();
    let Some(last_index) = frag.len().checked_sub(1) else {
        return p;
    };
    let (orig_style, orig_empty) = match &*blocks[p.block] {
        Block::Text(t) => (t.style, t.is_empty()),
        _ => {
            // Beside a table or image: the blocks go in whole.
            let at = if p.offset == 0 { p.block } else { p.block + 1 };
            let n = frag.len();
            blocks.splice(at..at, frag.into_iter().map(Arc::new));
            let last = at + n - 1;
            return Position::new(last, blocks[last].len());
        }
    };
    let single = last_index == 0;
    let mut tail = Vec::new();
    let mut tail_used = false;
    let mut idx = p.block;
    let mut caret = p;
    let mut first_atomic = false;
    for (i, block) in frag.into_iter().enumerate() {
        match block {
            Block::Text(ft) if i == 0 => {
                if let Some(t) = text_mut(&mut blocks[p.block]) {
                    if !single {
                        tail = runs::split_off(&mut t.runs, p.offset);
                    }
                    let n = runs::len(&ft.runs);
                    runs::insert_runs(&mut t.runs, p.offset, ft.runs);
                    if orig_empty && orig_style == BlockStyle::Paragraph {
                        t.style = ft.style;
                    }
                    caret = Position::new(p.block, p.offset + n);
                }
                if single {
                    return caret;
                }
            }
            Block::Text(ft) if i == last_index => {
                // The last pasted block takes what followed the caret; a plain paragraph
                // takes the style of the block pasted into, too.
                let n = runs::len(&ft.runs);
                let style = match ft.style {
                    BlockStyle::Paragraph => orig_style,
                    s => s,
                };
                let mut runs = ft.runs;
                runs.append(&mut tail);
                runs::normalize(&mut runs);
                idx += 1;
                blocks.insert(idx, Arc::new(Block::Text(TextBlock::new(style, runs))));
                caret = Position::new(idx, n);
                tail_used = true;
            }
            other => {
                if i == 0 {
                    first_atomic = true;
                    if let Some(t) = text_mut(&mut blocks[p.block]) {
                        tail = runs::split_off(&mut t.runs, p.offset);
                    }
                }
                idx += 1;
                blocks.insert(idx, Arc::new(other));
                caret = Position::new(idx, blocks[idx].len());
            }
        }
    }
    // The fragment ended with a table or image: what followed the caret goes after it.
    if !tail_used && !tail.is_empty() {
        idx += 1;
        blocks.insert(idx, Arc::new(Block::Text(TextBlock::new(orig_style, tail))));
    }
    // A table pasted at the start of a block leaves no empty block before it.
    if first_atomic && p.offset == 0 && blocks[p.block].is_empty() {
        blocks.remove(p.block);
        caret.block -= 1;
    }
    caret
}
