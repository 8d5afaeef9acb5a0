//! The value types of the document model: blocks, runs, marks, positions.

use crate::numbering::Numbering;
use std::fmt;
use std::sync::Arc;

/// A text colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Rgb {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Rgb {
    pub const fn new(r: u8, g: u8, b: u8) -> Self {
        Rgb { r, g, b }
    }

    /// Black and near-black greys: the default text colour. Every page and Office document
    /// writes one on every run, so the model keeps none of them (a run with one has no colour),
    /// and an import does not paint all text "black".
    pub fn is_default_text(self) -> bool {
        let hi = self.r.max(self.g).max(self.b);
        let lo = self.r.min(self.g).min(self.b);
        hi <= 0x40 && hi - lo <= 0x10
    }

    /// `#rrggbb`, as the HTML output writes it.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// A link target that is known to be safe: `http`, `https` or `mailto` only.
///
/// The only way to make one is [`Link::parse`], so the model can never hold a
/// `javascript:` or `data:` link, whoever builds the [`Marks`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Link(Arc<str>);

impl Link {
    /// Longest href kept; longer ones are refused rather than cut (a cut URL is a wrong URL).
    pub const MAX_LEN: usize = 2048;

    /// Parses and normalizes `href`; `None` unless it is an absolute http, https or mailto URL.
    pub fn parse(href: &str) -> Option<Link> {
        let href = href.trim();
        if href.is_empty() || href.len() > Self::MAX_LEN {
            return None;
        }
        // The URL parser strips tabs and newlines inside the scheme ("java\tscript:"), so the
        // scheme check below sees what a browser would.
        let url = url::Url::parse(href).ok()?;
        match url.scheme() {
            "http" | "https" if url.host_str().is_some_and(|h| !h.is_empty()) => {}
            "mailto" if !url.path().is_empty() => {}
            _ => return None,
        }
        let s = url.as_str();
        (s.len() <= Self::MAX_LEN).then(|| Link(Arc::from(s)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Link({:?})", &*self.0)
    }
}

/// The formatting of a run of text. Normalized runs carry no near-black colour (see
/// [`Rgb::is_default_text`]) and no underline or colour on a link.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Marks {
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    pub strike: bool,
    pub code: bool,
    pub colour: Option<Rgb>,
    pub link: Option<Link>,
}

impl Marks {
    pub fn has(&self, mark: Mark) -> bool {
        match mark {
            Mark::Bold => self.bold,
            Mark::Italic => self.italic,
            Mark::Underline => self.underline,
            Mark::Strike => self.strike,
            Mark::Code => self.code,
        }
    }

    pub fn set(&mut self, mark: Mark, on: bool) {
        match mark {
            Mark::Bold => self.bold = on,
            Mark::Italic => self.italic = on,
            Mark::Underline => self.underline = on,
            Mark::Strike => self.strike = on,
            Mark::Code => self.code = on,
        }
    }

    pub fn is_plain(&self) -> bool {
        *self == Marks::default()
    }
}

/// The on/off marks a toolbar toggles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mark {
    Bold,
    Italic,
    Underline,
    Strike,
    Code,
}

/// Text with one set of marks. In a normalized block no run is empty and no two neighbours
/// have equal marks. `'\n'` inside a run is a line break within the block (`<br>`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Run {
    pub text: String,
    pub marks: Marks,
}

impl Run {
    pub fn new(text: impl Into<String>, marks: Marks) -> Self {
        Run {
            text: text.into(),
            marks,
        }
    }

    pub fn plain(text: impl Into<String>) -> Self {
        Run::new(text, Marks::default())
    }
}

/// Bulleted, or numbered from `start` in one of the numberings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListKind {
    Bulleted,
    /// An ordered item continues the list before it at its level when their `start` and
    /// numbering are equal; a different one begins a new list there.
    Ordered {
        start: u32,
        numbering: Numbering,
    },
}

impl ListKind {
    /// Numbered 1, 2, 3… from `start`.
    pub fn decimal(start: u32) -> Self {
        ListKind::Ordered {
            start,
            numbering: Numbering::Decimal,
        }
    }

    pub fn is_ordered(self) -> bool {
        matches!(self, ListKind::Ordered { .. })
    }
}

/// What a text block is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum BlockStyle {
    #[default]
    Paragraph,
    /// Level 1 to 3.
    Heading(u8),
    /// `level` 0 to 8 (0 is the outermost).
    ListItem { kind: ListKind, level: u8 },
}

impl BlockStyle {
    pub const MAX_LIST_LEVEL: u8 = 8;

    /// The same style with its numbers in range.
    pub fn clamped(self) -> Self {
        match self {
            BlockStyle::Paragraph => BlockStyle::Paragraph,
            BlockStyle::Heading(n) => BlockStyle::Heading(n.clamp(1, 3)),
            BlockStyle::ListItem { kind, level } => BlockStyle::ListItem {
                kind,
                level: level.min(Self::MAX_LIST_LEVEL),
            },
        }
    }
}

/// A paragraph, heading or list item: a style and its runs.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TextBlock {
    pub style: BlockStyle,
    pub runs: Vec<Run>,
}

impl TextBlock {
    pub fn new(style: BlockStyle, runs: Vec<Run>) -> Self {
        TextBlock { style, runs }
    }

    /// Length in chars (Unicode scalar values), the unit of [`Position::offset`].
    pub fn len(&self) -> usize {
        self.runs.iter().map(|r| r.text.chars().count()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.runs.iter().all(|r| r.text.is_empty())
    }

    /// The block's text without marks.
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// One table cell. `colspan` and `rowspan` are at least 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub runs: Vec<Run>,
    pub colspan: u32,
    pub rowspan: u32,
    /// A header cell (`<th>`).
    pub header: bool,
}

impl Cell {
    /// Largest span kept; HTML allows more, a chat message needs no more.
    pub const MAX_SPAN: u32 = 1000;

    pub fn new(runs: Vec<Run>) -> Self {
        Cell {
            runs,
            colspan: 1,
            rowspan: 1,
            header: false,
        }
    }

    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// A table: rows of cells, as in HTML (a cell spanning rows is written once, in its first row).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
}

/// The embedded image formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageMime {
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl ImageMime {
    pub fn as_str(self) -> &'static str {
        match self {
            ImageMime::Png => "image/png",
            ImageMime::Jpeg => "image/jpeg",
            ImageMime::Gif => "image/gif",
            ImageMime::Webp => "image/webp",
        }
    }

    /// The format the bytes' signature says, if it is one of ours.
    pub fn sniff(bytes: &[u8]) -> Option<ImageMime> {
        match image::guess_format(bytes).ok()? {
            image::ImageFormat::Png => Some(ImageMime::Png),
            image::ImageFormat::Jpeg => Some(ImageMime::Jpeg),
            image::ImageFormat::Gif => Some(ImageMime::Gif),
            image::ImageFormat::WebP => Some(ImageMime::Webp),
            _ => None,
        }
    }
}

/// An image block: the bytes, or a placeholder saying why there are none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Image {
    Embedded {
        /// Shared, so copies (undo history, clipboard fragments) do not copy megabytes.
        bytes: Arc<[u8]>,
        mime: ImageMime,
        alt: String,
        /// Where the picture links to (an image inside `<a href>`): written as
        /// `<a href><img></a>`, checked like every [`Link`]. `None` from
        /// [`Image::from_bytes`].
        link: Option<Link>,
    },
    /// Shown as its `reason`, e.g. "Image not available: clip_image001.png". (The importer
    /// gives a linked picture it has no bytes for as a paragraph of that text, with the link.)
    Placeholder { reason: String },
}

impl Image {
    /// Largest image accepted, in bytes.
    pub const MAX_BYTES: usize = livewindow_core::limits::IMAGE_BYTES;

    /// An embedded image if `bytes` really are PNG, JPEG, GIF or WebP and not too large.
    pub fn from_bytes(bytes: &[u8], alt: &str) -> Option<Image> {
        if bytes.len() > Self::MAX_BYTES {
            return None;
        }
        let mime = ImageMime::sniff(bytes)?;
        Some(Image::Embedded {
            bytes: Arc::from(bytes),
            mime,
            alt: alt.to_string(),
            link: None,
        })
    }

    /// "Image not available: NAME".
    pub fn unavailable(name: &str) -> Image {
        Image::Placeholder {
            reason: format!("Image not available: {name}"),
        }
    }
}

/// A block of the document. Tables and images are atomic: the caret is before (offset 0) or
/// after (offset 1) them, and they are deleted, copied and pasted whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Text(TextBlock),
    Table(Table),
    Image(Image),
}

impl Block {
    pub fn paragraph(text: &str) -> Block {
        Block::Text(TextBlock::new(
            BlockStyle::Paragraph,
            if text.is_empty() {
                Vec::new()
            } else {
                vec![Run::plain(text)]
            },
        ))
    }

    /// Length in positions: the char count of a text block, 1 for a table or an image.
    pub fn len(&self) -> usize {
        match self {
            Block::Text(t) => t.len(),
            Block::Table(_) | Block::Image(_) => 1,
        }
    }

    /// True for an empty text block (tables and images are never empty).
    pub fn is_empty(&self) -> bool {
        matches!(self, Block::Text(t) if t.is_empty())
    }

    pub fn as_text(&self) -> Option<&TextBlock> {
        match self {
            Block::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// A caret position: a block index and a char offset within the block (for a table or an
/// image, 0 is before it and 1 after it). Offsets count Unicode scalar values (`char`s), like
/// iced's `Hit::CharOffset`; moving by grapheme is the widget's business.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub block: usize,
    pub offset: usize,
}

impl Position {
    pub const fn new(block: usize, offset: usize) -> Self {
        Position { block, offset }
    }
}

/// A selection: where it started (`anchor`) and where the caret is (`focus`). Either order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Selection {
    pub anchor: Position,
    pub focus: Position,
}

impl Selection {
    pub const fn new(anchor: Position, focus: Position) -> Self {
        Selection { anchor, focus }
    }

    pub const fn caret(at: Position) -> Self {
        Selection {
            anchor: at,
            focus: at,
        }
    }

    /// (start, end) in document order.
    pub fn range(&self) -> (Position, Position) {
        if self.anchor <= self.focus {
            (self.anchor, self.focus)
        } else {
            (self.focus, self.anchor)
        }
    }

    pub fn is_collapsed(&self) -> bool {
        self.anchor == self.focus
    }
}

impl From<Position> for Selection {
    fn from(p: Position) -> Self {
        Selection::caret(p)
    }
}
