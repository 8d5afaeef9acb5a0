//! Shaping a block into its box (text, table cells, an image) and the key that caches it.

use super::{
    CELL_PAD, CellBox, Content, Deco, DecoKind, LIST_STEP, MARKER_WIDTH, MIN_THUMB, SIZE,
    THUMB_HEIGHT, TextBox, line_height, paragraph, plain,
};
use iced::advanced::graphics::text::Paragraph as Para;
use iced::advanced::image::Handle;
use iced::advanced::text::{Paragraph as _, Span};
use iced::{Font, Point, Rectangle, Size};
use livewindow_richtext::{Block, BlockStyle, Image, ListMarker, Run};
use std::hash::{Hash, Hasher};

/// The box of a block that is not in the cache, and its height.
pub(super) fn block(block: &Block, marker: Option<ListMarker>, width: f32) -> (Content, f32) {
    match block {
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
    }
}

fn block_size(style: BlockStyle) -> f32 {
    match style {
        BlockStyle::Heading(1) => 24.0,
        BlockStyle::Heading(2) => 20.0,
        BlockStyle::Heading(_) => 18.0,
        _ => SIZE,
    }
}

pub(super) fn key_of(
    block: &Block,
    marker: Option<ListMarker>,
    width: f32,
    fonts: impl Hash,
) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    width.to_bits().hash(&mut h);
    fonts.hash(&mut h);
    marker
        .map(|m| (m.level, m.number, m.numbering))
        .hash(&mut h);
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
    let mut spans: Vec<Span<'_, (), Font>> =
        runs.iter().map(|r| crate::rich::span(r, heading)).collect();
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
            let label = m
                .label()
                .unwrap_or_else(|| crate::rich::bullet(level).to_string());
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

fn table_cells(table: &livewindow_richtext::Table, width: f32) -> (Vec<CellBox>, f32) {
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
            .map(|run| crate::rich::span(run, cell.header))
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
                // The same pixel limit as the server's: a tiny file claiming huge dimensions
                // is never handed to the decoder.
                Some((w, h)) if livewindow_core::limits::check_image_pixels(w, h).is_err() => {
                    label_box(&format!("Image too large to show: {alt}"), width)
                }
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
