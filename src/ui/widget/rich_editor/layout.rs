//! Lays a [`Document`] out for the editor: one cosmic-text paragraph per text block (and per
//! table cell), stacked, and answers what editing asks of a layout: where a position is,
//! which position is under a point, which rectangles a selection covers.
//!
//! Blocks are cached by a hash of their content, so a keystroke re-shapes one block, not the
//! whole document.

use crate::richtext::{Block, BlockStyle, Document, Image, ListMarker, Position, Run};
use iced::advanced::graphics::text::{Paragraph as Para, cosmic_text, font_system};
use iced::advanced::image::Handle;
use iced::advanced::text::{Alignment, LineHeight, Paragraph as _, Shaping, Span, Text, Wrapping};
use iced::alignment::Vertical;
use iced::{Color, Font, Pixels, Point, Rectangle, Size};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

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

fn block_size(style: BlockStyle) -> f32 {
    match style {
        BlockStyle::Heading(1) => 24.0,
        BlockStyle::Heading(2) => 20.0,
        BlockStyle::Heading(_) => 18.0,
        _ => SIZE,
    }
}

fn key_of(block: &Block, marker: Option<ListMarker>, width: f32, fonts: impl Hash) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    width.to_bits().hash(&mut h);
    fonts.hash(&mut h);
    marker.map(|m| (m.level, m.number)).hash(&mut h);
    match block {
        Block::Text(t) => {
            0u8.hash(&mut h);
            t.style.hash(&mut h);
            hash_runs(&t.runs, &mut h);
        }
        Block::Table(t) => {
            1u8.hash(&mut h);
            for row in &t.rows {
                row.len().hash(&mut h);
                for c in row {
                    (c.colspan, c.header).hash(&mut h);
                    hash_runs(&c.runs, &mut h);
                }
            }
        }
        Block::Image(Image::Embedded { bytes, .. }) => {
            // The bytes are shared and never change: their address and length name them.
            2u8.hash(&mut h);
            (bytes.as_ptr() as usize, bytes.len()).hash(&mut h);
        }
        Block::Image(Image::Placeholder { reason }) => {
            3u8.hash(&mut h);
            reason.hash(&mut h);
        }
    }
    h.finish()
}

fn hash_runs(runs: &[Run], h: &mut impl Hasher) {
    runs.len().hash(h);
    for r in runs {
        r.text.hash(h);
        r.marks.hash(h);
    }
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

fn decorations(spans: &[Span<'_, (), Font>], p: &Para, runs: &[Run], size: f32) -> Vec<Deco> {
    let mut out = Vec::new();
    for (i, (span, run)) in spans.iter().zip(runs).enumerate() {
        let kinds = [
            (span.underline, DecoKind::Underline),
            (span.strikethrough, DecoKind::Strike),
            (run.marks.code, DecoKind::Code),
        ];
        if kinds.iter().all(|(on, _)| !on) {
            continue;
        }
        let regions = p.span_bounds(i);
        for (on, kind) in kinds {
            if !on {
                continue;
            }
            for r in &regions {
                let bounds = match kind {
                    DecoKind::Code => *r,
                    DecoKind::Underline => Rectangle::new(
                        Point::new(
                            r.x,
                            r.y + size + (line_height(size) - size) / 2.0 - size * 0.08,
                        ),
                        Size::new(r.width, 1.0),
                    ),
                    DecoKind::Strike => Rectangle::new(
                        Point::new(
                            r.x,
                            r.y + (line_height(size) - size) / 2.0 + size / 2.0 + 1.0,
                        ),
                        Size::new(r.width, 1.0),
                    ),
                };
                out.push(Deco {
                    bounds,
                    kind,
                    color: span.color,
                });
            }
        }
    }
    out
}

fn text_box(runs: &[Run], style: BlockStyle, marker: Option<ListMarker>, width: f32) -> TextBox {
    let size = block_size(style);
    let heading = matches!(style, BlockStyle::Heading(_));
    let mut spans: Vec<Span<'_, (), Font>> = runs
        .iter()
        .map(|r| crate::ui::rich::span(r, heading))
        .collect();
    // cosmic-text makes no line after a final line break: a space gives the caret (and a
    // click) that empty last line. It is past the text, so offsets never reach it.
    if let Some(last) = spans.last()
        && last.text.ends_with('\n')
    {
        // Same font and size, so the line is as tall; no run, so no decoration.
        let mut space = last.clone();
        space.text = " ".into();
        spans.push(space);
    }
    let (x, marker) = match (style, marker) {
        (BlockStyle::ListItem { level, .. }, Some(m)) => {
            let indent = LIST_STEP * f32::from(level);
            let label = match m.number {
                Some(n) => format!("{n}."),
                None => crate::ui::rich::bullet(level).to_string(),
            };
            (
                indent + MARKER_WIDTH,
                Some(plain(&label, MARKER_WIDTH, size)),
            )
        }
        _ => (0.0, None),
    };
    let paragraph = paragraph(&spans, width - x, size);
    let decos = decorations(&spans, &paragraph, runs, size);
    let text: String = runs.iter().map(|r| r.text.as_str()).collect();
    let mut line_starts = vec![0];
    line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    TextBox {
        paragraph,
        marker,
        x,
        size,
        line_starts,
        text,
        decos,
    }
}

fn table_cells(table: &crate::richtext::Table, width: f32) -> (Vec<CellBox>, f32) {
    // Place cells on the HTML grid: a cell spanning rows keeps its columns taken below it.
    let mut taken: Vec<Vec<bool>> = Vec::new();
    let mut placed = Vec::new();
    for (r, row) in table.rows.iter().enumerate() {
        let mut col = 0;
        for cell in row {
            while taken
                .get(r)
                .and_then(|t| t.get(col))
                .copied()
                .unwrap_or(false)
            {
                col += 1;
            }
            let cols = cell.colspan.clamp(1, 50) as usize;
            let rows = (cell.rowspan.clamp(1, 50) as usize).min(table.rows.len() - r);
            for rr in r..r + rows {
                if taken.len() <= rr {
                    taken.resize(rr + 1, Vec::new());
                }
                if taken[rr].len() < col + cols {
                    taken[rr].resize(col + cols, false);
                }
                taken[rr][col..col + cols].fill(true);
            }
            placed.push((r, col, cols, rows, cell));
            col += cols;
        }
    }
    let columns = taken.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let col_w = (width / columns as f32).max(24.0);
    let size = SIZE - 1.0;
    let mut row_h = vec![line_height(size) + 2.0 * CELL_PAD; table.rows.len().max(1)];
    let mut cells = Vec::with_capacity(placed.len());
    for &(r, col, cols, rows, cell) in &placed {
        let w = col_w * cols as f32;
        let spans: Vec<Span<'_, (), Font>> = cell
            .runs
            .iter()
            .map(|run| crate::ui::rich::span(run, cell.header))
            .collect();
        let p = paragraph(&spans, w - 2.0 * CELL_PAD, size);
        let decos = decorations(&spans, &p, &cell.runs, size);
        let need = p.min_bounds().height + 2.0 * CELL_PAD;
        if rows == 1 {
            row_h[r] = row_h[r].max(need);
        }
        cells.push((
            r,
            rows,
            need,
            CellBox {
                bounds: Rectangle::new(Point::new(col as f32 * col_w, 0.0), Size::new(w, 0.0)),
                paragraph: p,
                header: cell.header,
                decos,
            },
        ));
    }
    // A cell spanning rows that needs more room than they have grows the last of them.
    for (r, rows, need, _) in &cells {
        let have: f32 = row_h[*r..r + rows].iter().sum();
        if *rows > 1 && have < *need {
            row_h[r + rows - 1] += need - have;
        }
    }
    let mut tops = Vec::with_capacity(row_h.len());
    let mut y = 0.0;
    for h in &row_h {
        tops.push(y);
        y += h;
    }
    let cells = cells
        .into_iter()
        .map(|(r, rows, _, mut c)| {
            c.bounds.y = tops[r];
            c.bounds.height = row_h[r..r + rows].iter().sum();
            c
        })
        .collect();
    (cells, y.max(line_height(SIZE)))
}

fn image_box(image: &Image, width: f32) -> (Content, f32) {
    match image {
        Image::Embedded { bytes, alt, .. } => {
            let dims = image::ImageReader::new(std::io::Cursor::new(&bytes[..]))
                .with_guessed_format()
                .ok()
                .and_then(|r| r.into_dimensions().ok());
            match dims {
                Some((w, h)) if w > 0 && h > 0 => {
                    // Tiny images grow to a size that can be seen and has room for the ×.
                    let height = (h as f32).clamp(MIN_THUMB, THUMB_HEIGHT);
                    let scale = height / h as f32;
                    let size = Size::new((w as f32 * scale).clamp(MIN_THUMB, width), height);
                    let handle = Handle::from_bytes(bytes.to_vec());
                    (
                        Content::Image {
                            handle: Some(handle),
                            size,
                            label: None,
                        },
                        height,
                    )
                }
                _ => label_box(&format!("Image cannot be shown: {alt}"), width),
            }
        }
        Image::Placeholder { reason } => label_box(reason, width),
    }
}

fn label_box(label: &str, width: f32) -> (Content, f32) {
    let p = plain(&format!("[{label}]"), width - 12.0, SIZE - 2.0);
    // Room for the text and the remove button.
    let size = Size::new(
        (p.min_bounds().width + 16.0 + 20.0).min(width),
        p.min_bounds().height + 8.0,
    );
    (
        Content::Image {
            handle: None,
            size,
            label: Some(p),
        },
        size.height,
    )
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
            let key = key_of(block, marker, width, fonts);
            let mut b = old.remove(&key).unwrap_or_else(|| {
                let (content, height) = match block {
                    Block::Text(t) => {
                        let tb = text_box(&t.runs, t.style, marker, width);
                        let h = tb.paragraph.min_bounds().height.max(line_height(tb.size));
                        (Content::Text(tb), h)
                    }
                    Block::Table(t) => {
                        let (cells, h) = table_cells(t, width);
                        (Content::Table(cells), h)
                    }
                    Block::Image(image) => image_box(image, width),
                };
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
    use crate::richtext::{PasteExtras, Position, Selection, import};

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
