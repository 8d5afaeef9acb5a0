//! Formatting: marks over a selection, block styles, list indentation.

use super::document::Document;
use super::model::{Block, BlockStyle, Link, Mark, Marks, Position, Rgb, Run, Selection};
use super::runs;
use std::sync::Arc;

/// A link that is not an absolute http, https or mailto URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("only http, https and mailto links are allowed")]
pub struct InvalidLink;

/// Calls `f` with the runs and char range of each text block in `s..e`, and with every cell of
/// each table the range covers whole.
fn each_range(
    blocks: &[Arc<Block>],
    s: Position,
    e: Position,
    mut f: impl FnMut(&[Run], usize, usize),
) {
    for (b, block) in blocks.iter().enumerate().take(e.block + 1).skip(s.block) {
        let from = if b == s.block { s.offset } else { 0 };
        let to = if b == e.block { e.offset } else { block.len() };
        if from >= to {
            continue;
        }
        match &**block {
            Block::Text(t) => f(&t.runs, from, to),
            Block::Table(t) => {
                for cell in t.rows.iter().flatten() {
                    f(&cell.runs, 0, runs::len(&cell.runs));
                }
            }
            Block::Image(_) => {}
        }
    }
}

/// The mutable twin of [`each_range`]; blocks outside the range are not copied.
fn each_range_mut(
    blocks: &mut [Arc<Block>],
    s: Position,
    e: Position,
    mut f: impl FnMut(&mut Vec<Run>, usize, usize),
) {
    for (b, block) in blocks
        .iter_mut()
        .enumerate()
        .take(e.block + 1)
        .skip(s.block)
    {
        let from = if b == s.block { s.offset } else { 0 };
        let to = if b == e.block { e.offset } else { block.len() };
        if from >= to || matches!(&**block, Block::Image(_)) {
            continue;
        }
        match Arc::make_mut(block) {
            Block::Text(t) => f(&mut t.runs, from, to),
            Block::Table(t) => {
                for cell in t.rows.iter_mut().flatten() {
                    let n = runs::len(&cell.runs);
                    f(&mut cell.runs, 0, n);
                }
            }
            Block::Image(_) => {}
        }
    }
}

impl Document {
    /// The marks at the caret, for the toolbar: those of the char before it (of the first
    /// char at the start of a block).
    pub fn marks_at(&self, p: Position) -> Marks {
        let p = self.clamp(p);
        match &*self.blocks[p.block] {
            Block::Text(t) => runs::marks_at(&t.runs, p.offset),
            _ => Marks::default(),
        }
    }

    /// The marks the whole selection shares: a mark is on if every selected char has it, the
    /// colour and link are set if every char has the same one. At a caret, [`Document::marks_at`].
    pub fn marks_in(&self, sel: Selection) -> Marks {
        let sel = self.clamp_selection(sel);
        if sel.is_collapsed() {
            return self.marks_at(sel.focus);
        }
        let (s, e) = sel.range();
        let mut common: Option<Marks> = None;
        each_range(&self.blocks, s, e, |r, a, b| {
            runs::each_in(r, a, b, |m| match &mut common {
                None => common = Some(m.clone()),
                Some(c) => {
                    c.bold &= m.bold;
                    c.italic &= m.italic;
                    c.underline &= m.underline;
                    c.strike &= m.strike;
                    c.code &= m.code;
                    if c.colour != m.colour {
                        c.colour = None;
                    }
                    if c.link != m.link {
                        c.link = None;
                    }
                }
            })
        });
        common.unwrap_or_default()
    }

    /// Bold, italic…: on for the whole selection unless every selected char already has it,
    /// then off. Returns the new state. At a caret nothing changes and the result is the
    /// state the widget should use for the next typed text (the opposite of `marks_at`).
    pub fn toggle_mark(&mut self, sel: Selection, mark: Mark) -> bool {
        let sel = self.clamp_selection(sel);
        if sel.is_collapsed() {
            return !self.marks_at(sel.focus).has(mark);
        }
        let on = !self.marks_in(sel).has(mark);
        let (s, e) = sel.range();
        self.edit(sel, |blocks| {
            each_range_mut(blocks, s, e, |r, a, b| {
                runs::apply(r, a, b, |m| m.set(mark, on))
            });
            sel
        });
        on
    }

    /// Sets (or with `None` removes) the text colour of the selection.
    pub fn set_colour(&mut self, sel: Selection, colour: Option<Rgb>) {
        self.map_marks(sel, |m| m.colour = colour);
    }

    /// Makes the selection a link to `href`, or with `None` removes links from it.
    pub fn set_link(&mut self, sel: Selection, href: Option<&str>) -> Result<(), InvalidLink> {
        let link = match href {
            Some(h) => Some(Link::parse(h).ok_or(InvalidLink)?),
            None => None,
        };
        self.map_marks(sel, |m| m.link = link.clone());
        Ok(())
    }

    /// Removes bold, italic, underline, strike, code and colour; links and block styles stay.
    pub fn clear_formatting(&mut self, sel: Selection) {
        self.map_marks(sel, |m| {
            *m = Marks {
                link: m.link.take(),
                ..Marks::default()
            }
        });
    }

    fn map_marks(&mut self, sel: Selection, f: impl Fn(&mut Marks)) {
        let sel = self.clamp_selection(sel);
        if sel.is_collapsed() {
            return;
        }
        let (s, e) = sel.range();
        self.edit(sel, |blocks| {
            each_range_mut(blocks, s, e, |r, a, b| runs::apply(r, a, b, &f));
            sel
        });
    }

    /// Makes every text block the selection touches a paragraph, heading or list item. A list
    /// item made a list item of the other kind keeps its level.
    pub fn set_block_style(&mut self, sel: Selection, style: BlockStyle) {
        let sel = self.clamp_selection(sel);
        let (s, e) = sel.range();
        let style = style.clamped();
        self.edit(sel, |blocks| {
            for block in &mut blocks[s.block..=e.block] {
                let Block::Text(t) = &**block else { continue };
                let new = match (t.style, style) {
                    (BlockStyle::ListItem { level, .. }, BlockStyle::ListItem { kind, .. }) => {
                        BlockStyle::ListItem { kind, level }
                    }
                    (_, s) => s,
                };
                if new != t.style
                    && let Block::Text(t) = Arc::make_mut(block)
                {
                    t.style = new;
                }
            }
            sel
        });
    }

    /// Tab: list items in the selection go one level deeper, but never more than one level
    /// deeper than the list item before them. Returns false if nothing changed (e.g. not in a
    /// list, so the widget may do something else with Tab).
    pub fn indent(&mut self, sel: Selection) -> bool {
        self.relevel(sel, true)
    }

    /// Shift+Tab: list items in the selection go one level up (level 0 stays).
    pub fn outdent(&mut self, sel: Selection) -> bool {
        self.relevel(sel, false)
    }

    fn relevel(&mut self, sel: Selection, deeper: bool) -> bool {
        let sel = self.clamp_selection(sel);
        let (s, e) = sel.range();
        let before = self.blocks.clone();
        self.edit(sel, |blocks| {
            for b in s.block..=e.block {
                let Block::Text(t) = &*blocks[b] else {
                    continue;
                };
                let BlockStyle::ListItem { kind, level } = t.style else {
                    continue;
                };
                let prev_level = match b.checked_sub(1).map(|p| &*blocks[p]) {
                    Some(Block::Text(p)) => match p.style {
                        BlockStyle::ListItem { level, .. } => Some(level),
                        _ => None,
                    },
                    _ => None,
                };
                let new = if deeper {
                    match prev_level {
                        Some(p) if p >= level && level < BlockStyle::MAX_LIST_LEVEL => level + 1,
                        _ => continue,
                    }
                } else {
                    match level.checked_sub(1) {
                        Some(l) => l,
                        None => continue,
                    }
                };
                if let Block::Text(t) = Arc::make_mut(&mut blocks[b]) {
                    t.style = BlockStyle::ListItem { kind, level: new };
                }
            }
            sel
        });
        before.len() != self.blocks.len()
            || before
                .iter()
                .zip(&self.blocks)
                .any(|(a, b)| !Arc::ptr_eq(a, b))
    }
}
