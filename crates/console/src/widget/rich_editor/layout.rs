//! Lays a [`Document`] out for the editor: one cosmic-text paragraph per text block (and per
//! table cell), stacked, and answers what editing asks of a layout: where a position is,
//! which position is under a point, which rectangles a selection covers.
//!
//! Blocks are cached by a hash of their content, so a keystroke re-shapes one block, not the
//! whole document.

mod shape;

use iced::advanced::graphics::text::{Paragraph as Para, cosmic_text, font_system};
use iced::advanced::image::Handle;
use iced::advanced::text::{Alignment, LineHeight, Paragraph as _, Shaping, Span, Text, Wrapping};
use iced::alignment::Vertical;
use iced::{Color, Font, Pixels, Point, Rectangle, Size};
use livewindow_richtext::{Document, Position};
use std::collections::HashMap;

/// Space between blocks.
pub const SPACING: f32 = 6.0;
/// Body text size.
pub const SIZE: f32 = 16.0;
const LINE: f32 = 1.3;
const LIST_STEP: f32 = 20.0;
const MARKER_WIDTH: f32 = 24.0;
/// Height of an image thumbnail.
pub const THUMB_HEIGHT: f32 = 96.0;
const MIN_THUMB: f32 = 28.0;
const CELL_PAD: f32 = 4.0;

/// Underline, strikethrough and code backgrounds, which a paragraph does not draw itself.
pub struct Deco {
    pub bounds: Rectangle,
    pub kind: DecoKind,
    pub color: Option<Color>,
}

#[derive(Clone, Copy, PartialEq)]
pub enum DecoKind {
    Underline,
    Strike,
    Code,
}

pub struct TextBox {
    pub paragraph: Para,
    pub marker: Option<Para>,
    /// Where the text starts (list items are indented).
    pub x: f32,
    pub size: f32,
    /// Byte offset of each hard line (split at `'\n'`) in `text`: cosmic-text's lines.
    line_starts: Vec<usize>,
    text: String,
    pub decos: Vec<Deco>,
}

pub struct CellBox {
    /// Relative to the table's top left.
    pub bounds: Rectangle,
    pub paragraph: Para,
    pub header: bool,
    pub decos: Vec<Deco>,
}

pub enum Content {
    Text(TextBox),
    Table(Vec<CellBox>),
    Image {
        handle: Option<Handle>,
        size: Size,
        /// The placeholder's reason, or an image's alt text when it cannot be shown.
        label: Option<Para>,
    },
}

pub struct BlockBox {
    key: u64,
    pub y: f32,
    pub height: f32,
    pub content: Content,
}

impl BlockBox {
    pub fn bounds(&self, width: f32) -> Rectangle {
        Rectangle::new(Point::new(0.0, self.y), Size::new(width, self.height))
    }

    /// The image box (thumbnail or placeholder) of an image block.
    pub fn image_bounds(&self) -> Option<Rectangle> {
        match &self.content {
            Content::Image { size, .. } => Some(Rectangle::new(Point::new(0.0, self.y), *size)),
            _ => None,
        }
    }
}

#[derive(Default)]
pub struct Layout {
    pub blocks: Vec<BlockBox>,
    pub height: f32,
    pub width: f32,
}

pub fn line_height(size: f32) -> f32 {
    size * LINE
}

fn paragraph(spans: &[Span<'_, (), Font>], width: f32, size: f32) -> Para {
    Para::with_spans(Text {
        content: spans,
        bounds: Size::new(width.max(1.0), f32::INFINITY),
        size: Pixels(size),
        line_height: LineHeight::Relative(LINE),
        font: Font::DEFAULT,
        align_x: Alignment::Default,
        align_y: Vertical::Top,
        shaping: Shaping::Advanced,
        wrapping: Wrapping::WordOrGlyph,
    })
}

/// A plain paragraph (markers, labels, the placeholder).
pub fn plain(text: &str, width: f32, size: f32) -> Para {
    paragraph(&[Span::new(text)], width, size)
}

impl Layout {
    /// Brings the layout up to date with `doc` at `width`, re-shaping only changed blocks.
    pub fn update(&mut self, doc: &Document, width: f32) {
        // Fonts loaded since a block was shaped change its glyphs: the version is in the key.
        let fonts = font_system()
            .read()
            .map(|f| f.version())
            .unwrap_or_default();
        let markers = doc.list_markers();
        let mut old: HashMap<u64, BlockBox> = self.blocks.drain(..).map(|b| (b.key, b)).collect();
        let mut y = 0.0;
        for (i, block) in doc.blocks().enumerate() {
            let marker = markers.get(i).copied().flatten();
            let key = shape::key_of(block, marker, width, fonts);
            let mut b = old.remove(&key).unwrap_or_else(|| {
                let (content, height) = shape::block(block, marker, width);
                BlockBox {
                    key,
                    y: 0.0,
                    height,
                    content,
                }
            });
            b.y = y;
            y += b.height + SPACING;
            self.blocks.push(b);
        }
        self.height = (y - SPACING).max(0.0);
        self.width = width;
    }

    /// The width the content needs (at most the laid-out width): a message bubble shrinks
    /// to it.
    pub fn natural_width(&self) -> f32 {
        self.blocks
            .iter()
            .map(|b| match &b.content {
                Content::Text(t) => t.x + t.paragraph.min_bounds().width,
                Content::Table(cells) => cells
                    .iter()
                    .map(|c| c.bounds.x + c.bounds.width)
                    .fold(0.0, f32::max),
                Content::Image { size, .. } => size.width,
            })
            .fold(0.0, f32::max)
            .min(self.width)
    }

    /// The block at height `y` (the nearest one above a gap; the first or last when outside).
    fn block_at(&self, y: f32) -> usize {
        self.blocks
            .partition_point(|b| b.y <= y)
            .saturating_sub(1)
            .min(self.blocks.len().saturating_sub(1))
    }

    /// The position nearest to `point` (layout coordinates).
    pub fn hit(&self, point: Point) -> Position {
        let i = self.block_at(point.y);
        let Some(b) = self.blocks.get(i) else {
            return Position::default();
        };
        let y = (point.y - b.y).clamp(0.0, (b.height - 1.0).max(0.0));
        match &b.content {
            Content::Text(t) => Position::new(i, t.hit(Point::new(point.x, y))),
            _ => {
                let mid = b.image_bounds().map_or(self.width / 2.0, |r| r.center_x());
                Position::new(i, usize::from(point.x > mid))
            }
        }
    }

    /// The caret's rectangle (layout coordinates) at `p`.
    pub fn caret(&self, p: Position) -> Rectangle {
        let Some(b) = self.blocks.get(p.block) else {
            return Rectangle::new(Point::ORIGIN, Size::new(1.0, line_height(SIZE)));
        };
        match &b.content {
            Content::Text(t) => {
                let r = t.caret(p.offset);
                Rectangle::new(Point::new(r.x, r.y + b.y), r.size())
            }
            _ => {
                let w = b.image_bounds().map_or(self.width, |r| r.width);
                let x = if p.offset == 0 { 0.0 } else { w + 2.0 };
                Rectangle::new(Point::new(x, b.y), Size::new(1.0, b.height))
            }
        }
    }

    /// The rectangles (layout coordinates) that show a selection from `start` to `end`.
    pub fn selection(&self, start: Position, end: Position) -> Vec<Rectangle> {
        let mut out = Vec::new();
        for i in start.block..=end.block.min(self.blocks.len().saturating_sub(1)) {
            let b = &self.blocks[i];
            let from = if i == start.block { start.offset } else { 0 };
            let to = if i == end.block {
                Some(end.offset)
            } else {
                None
            };
            match &b.content {
                Content::Text(t) => {
                    for r in t.selection(from, to) {
                        out.push(Rectangle::new(Point::new(r.x, r.y + b.y), r.size()));
                    }
                }
                _ => {
                    if from == 0 && to.is_none_or(|t| t >= 1) {
                        let r = b.image_bounds().unwrap_or(b.bounds(self.width));
                        out.push(Rectangle::new(
                            Point::new(0.0, b.y),
                            Size::new(r.width, b.height),
                        ));
                    }
                }
            }
        }
        out
    }

    /// Start and end offsets of the visual line holding `p`.
    pub fn line_bounds(&self, p: Position) -> (usize, usize) {
        match self.blocks.get(p.block).map(|b| &b.content) {
            Some(Content::Text(t)) => t.line_bounds(p.offset),
            _ => (0, 1),
        }
    }
}

impl TextBox {
    fn byte(&self, offset: usize) -> usize {
        self.text
            .char_indices()
            .nth(offset)
            .map_or(self.text.len(), |(b, _)| b)
    }

    fn chars(&self, byte: usize) -> usize {
        self.text[..self.text.floor_char_boundary(byte)]
            .chars()
            .count()
    }

    /// (cosmic line, byte index in that line) of a char offset.
    fn cursor(&self, offset: usize) -> cosmic_text::Cursor {
        let byte = self.byte(offset);
        let line = self
            .line_starts
            .partition_point(|&s| s <= byte)
            .saturating_sub(1);
        cosmic_text::Cursor::new(line, byte - self.line_starts[line])
    }

    fn hit(&self, point: Point) -> usize {
        let x = (point.x - self.x).max(0.0);
        match self.paragraph.buffer().hit(x, point.y) {
            Some(c) => {
                let start = self.line_starts.get(c.line).copied().unwrap_or(0);
                self.chars(start + c.index)
            }
            None => 0,
        }
    }

    /// The layout run (visual line) a cursor is drawn on: a cursor at a wrap goes to the start
    /// of the next visual line.
    fn run_of<'a>(
        buffer: &'a cosmic_text::Buffer,
        c: cosmic_text::Cursor,
    ) -> Option<cosmic_text::LayoutRun<'a>> {
        let mut runs = buffer
            .layout_runs()
            .filter(|r| r.line_i == c.line)
            .peekable();
        while let Some(run) = runs.next() {
            let end = run.glyphs.last().map_or(0, |g| g.end);
            if c.index < end || runs.peek().is_none() {
                return Some(run);
            }
        }
        None
    }

    fn caret(&self, offset: usize) -> Rectangle {
        let c = self.cursor(offset);
        let lh = line_height(self.size);
        let buffer = self.paragraph.buffer();
        let Some(run) = Self::run_of(buffer, c) else {
            return Rectangle::new(Point::new(self.x, c.line as f32 * lh), Size::new(1.0, lh));
        };
        let mut x = run.glyphs.first().map_or(0.0, |g| g.x);
        for g in run.glyphs {
            if c.index <= g.start {
                x = g.x;
                break;
            }
            if c.index < g.end {
                let part = (c.index - g.start) as f32 / (g.end - g.start).max(1) as f32;
                x = g.x + g.w * part;
                break;
            }
            x = g.x + g.w;
        }
        Rectangle::new(
            Point::new(self.x + x, run.line_top),
            Size::new(1.0, run.line_height),
        )
    }

    fn selection(&self, from: usize, to: Option<usize>) -> Vec<Rectangle> {
        let start = self.cursor(from);
        let end = match to {
            Some(t) => self.cursor(t),
            None => self.cursor(usize::MAX),
        };
        let mut out = Vec::new();
        let mut last_line = None;
        for run in self.paragraph.buffer().layout_runs() {
            if run.line_i < start.line || run.line_i > end.line {
                continue;
            }
            let r = match run.highlight(start, end) {
                Some((x, w)) => Some((x, w)),
                None if run.glyphs.is_empty() => Some((0.0, 0.0)),
                None => None,
            };
            if let Some((x, w)) = r {
                // Selected line ends and empty lines show a sliver, as editors do.
                let w = if run.line_i < end.line { w + 6.0 } else { w };
                out.push(Rectangle::new(
                    Point::new(self.x + x, run.line_top),
                    Size::new(w, run.line_height),
                ));
                last_line = Some(out.len() - 1);
            }
        }
        if to.is_none()
            && let Some(i) = last_line
        {
            out[i].width += 6.0;
        }
        if out.is_empty() && to.is_none() {
            out.push(Rectangle::new(
                Point::new(self.x, 0.0),
                Size::new(6.0, line_height(self.size)),
            ));
        }
        out
    }

    fn line_bounds(&self, offset: usize) -> (usize, usize) {
        let c = self.cursor(offset);
        let start = self.line_starts[c.line];
        let buffer = self.paragraph.buffer();
        let Some(run) = Self::run_of(buffer, c) else {
            return (self.chars(start), self.chars(start));
        };
        let first = run.glyphs.first().map_or(0, |g| g.start);
        let mut last = run.glyphs.last().map_or(0, |g| g.end);
        let last_in_line = buffer
            .layout_runs()
            .filter(|r| r.line_i == c.line)
            .last()
            .is_some_and(|r| r.line_top == run.line_top);
        // End of a wrapped line: before its trailing space, so the caret stays on the line.
        if !last_in_line && run.text[..last.min(run.text.len())].ends_with(' ') {
            last -= 1;
        }
        (self.chars(start + first), self.chars(start + last))
    }
}

#[cfg(test)]
mod tests {
    use super::Layout;
    use livewindow_richtext::{PasteExtras, Position, Selection, import};

    #[test]
    fn a_block_ending_in_a_line_break_has_its_empty_last_line() {
        let mut doc = import("<p>a<br>b</p><p>next</p>", &PasteExtras::default());
        doc.delete(Selection::new(Position::new(0, 2), Position::new(0, 3)));
        assert_eq!(doc.to_plain(), "a\n\nnext");
        let mut layout = Layout::default();
        layout.update(&doc, 400.0);
        let first = layout.caret(Position::new(0, 0));
        let after_break = layout.caret(Position::new(0, 2));
        let next = layout.caret(Position::new(1, 0));
        // On the second line of the first block, above the next block, which starts lower.
        assert!(after_break.y > first.y, "{after_break:?} {first:?}");
        assert!(
            after_break.y + after_break.height <= next.y,
            "{after_break:?} {next:?}"
        );
        assert_eq!(
            layout.hit(iced::Point::new(2.0, after_break.center_y())),
            Position::new(0, 2)
        );
    }
}
