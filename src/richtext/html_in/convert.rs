//! The DOM walk that maps clipboard HTML onto the model.
//!
//! One pass in document order over ego_tree's open/close edges, with an explicit stack of
//! frames (no recursion, so no depth can overflow the stack). Text goes to the pending text
//! block or to the open table cell; block elements end blocks; inside a list item, heading or
//! cell, inner block boundaries become line breaks.

use super::css::{Style, StyleSheet};
use super::images::ImageSource;
use super::inline::{Inline, Space};
use crate::richtext::document::{MAX_BLOCKS, MAX_CHARS};
use crate::richtext::model::{
    Block, BlockStyle, Cell, Image, Link, ListKind, Marks, Table, TextBlock,
};
use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// Most table cells kept from one paste.
const MAX_CELLS: usize = 50_000;

/// Where the copied part begins and ends (see `cf_html`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Bound {
    /// From the start / to the end of the document.
    Edge,
    /// At this node's opening.
    Open(NodeId),
    /// Just after this node's closing.
    Close(NodeId),
}

/// Elements dropped with everything inside them.
fn dropped(name: &str) -> bool {
    matches!(
        name,
        "head"
            | "title"
            | "meta"
            | "link"
            | "base"
            | "script"
            | "style"
            | "template"
            | "noscript"
            | "noembed"
            | "noframes"
            | "iframe"
            | "frame"
            | "frameset"
            | "object"
            | "embed"
            | "applet"
            | "param"
            | "form"
            | "input"
            | "button"
            | "select"
            | "option"
            | "optgroup"
            | "datalist"
            | "textarea"
            | "canvas"
            | "video"
            | "audio"
            | "source"
            | "track"
            | "map"
            | "area"
            | "dialog"
            | "xml"
            | "o:p"
    ) || name.starts_with("v:")
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "dd"
            | "details"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "legend"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "ul"
            | "body"
            | "html"
    )
}

fn is_list(name: &str) -> bool {
    matches!(name, "ul" | "ol" | "dir" | "menu")
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// Word's heading paragraph classes: MsoTitle, MsoSubtitle, MsoHeading7…
fn heading_class(class: &str) -> Option<u8> {
    let c = class.to_ascii_lowercase();
    match c.as_str() {
        "msotitle" => Some(1),
        "msosubtitle" => Some(2),
        _ => c
            .strip_prefix("msoheading")?
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=9).contains(n)),
    }
}

/// What an open element is, for what its closing does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Inline,
    Block,
    List,
    Item,
    Heading,
    Table,
    Row,
    Cell,
    Caption,
}

#[derive(Debug)]
struct Frame {
    node: NodeId,
    tag: Tag,
    marks: Marks,
    space: Space,
    /// ul/ol elements open here, this one included.
    lists: u8,
    /// For ul/ol: the kind of its items.
    list_kind: Option<ListKind>,
    /// The style of text directly inside, if this element decides it (li, h1, Word list p).
    style: Option<BlockStyle>,
}

/// The text block being filled.
struct Pending {
    style: BlockStyle,
    inline: Inline,
    /// Made by an element (`<p>`, `<li>`…): kept even if empty, as an empty line.
    explicit: bool,
    /// The list item or heading it belongs to.
    owner: Option<NodeId>,
    /// Word list paragraph: (list, level) whose kind the stylesheet or the marker decides.
    word_list: Option<(String, u8)>,
}

struct CellBuilder {
    inline: Inline,
    colspan: u32,
    rowspan: u32,
    header: bool,
}

struct TableBuilder {
    node: NodeId,
    keep: bool,
    rows: Vec<Vec<Cell>>,
    row: Option<Vec<Cell>>,
    cell: Option<CellBuilder>,
    /// Tables nested inside a cell are flattened into its text.
    nested: u32,
    caption: bool,
}

pub(super) struct Converter<'s, 'i> {
    sheet: &'s StyleSheet,
    images: &'s mut ImageSource<'i>,
    out: Vec<Block>,
    pending: Option<Pending>,
    frames: Vec<Frame>,
    table: Option<TableBuilder>,
    inside: bool,
    /// A dropped element: everything until its close is ignored.
    skip: Option<NodeId>,
    /// Inside Word's `<![if !supportLists]>…<![endif]>` (or a `mso-list:Ignore` span): text
    /// is the list marker, not content. Ends at `[endif]` or when this node closes.
    marker: Option<NodeId>,
    marker_text: String,
    chars_left: usize,
    cells_left: usize,
}

pub(super) fn convert(
    dom: &Html,
    sheet: &StyleSheet,
    images: &mut ImageSource<'_>,
    start: Bound,
    end: Bound,
) -> Vec<Block> {
    let mut c = Converter {
        sheet,
        images,
        out: Vec::new(),
        pending: None,
        frames: Vec::new(),
        table: None,
        inside: start == Bound::Edge,
        skip: None,
        marker: None,
        marker_text: String::new(),
        chars_left: MAX_CHARS,
        cells_left: MAX_CELLS,
    };
    for edge in dom.tree.root().traverse() {
        if c.chars_left == 0 || c.out.len() >= MAX_BLOCKS {
            // Nothing more can be added: stop walking a huge document.
            break;
        }
        match edge {
            Edge::Open(node) => {
                if start == Bound::Open(node.id()) {
                    c.inside = true;
                }
                if end == Bound::Open(node.id()) {
                    c.inside = false;
                }
                c.open(node);
            }
            Edge::Close(node) => {
                c.close(node.id());
                if end == Bound::Close(node.id()) {
                    c.inside = false;
                }
            }
        }
    }
    c.flush();
    c.finish_table();
    let mut out = c.out;
    // Blank lines at the very start and end are layout, not content.
    while out.first().is_some_and(is_blank) {
        out.remove(0);
    }
    while out.last().is_some_and(is_blank) {
        out.pop();
    }
    out
}

fn is_blank(b: &Block) -> bool {
    b.is_empty()
}

impl Converter<'_, '_> {
    fn top(&self) -> Option<&Frame> {
        self.frames.last()
    }

    fn open(&mut self, node: ego_tree::NodeRef<'_, Node>) {
        if self.skip.is_some() {
            return;
        }
        match node.value() {
            Node::Text(t) => self.text(&t.text),
            Node::Comment(c) => self.comment(&c.comment, node),
            Node::Element(e) => self.element(node.id(), e),
            _ => {}
        }
    }

    fn comment(&mut self, data: &str, node: ego_tree::NodeRef<'_, Node>) {
        let data = data.trim();
        if data
            .get(..12)
            .is_some_and(|s| s.eq_ignore_ascii_case("[if !support"))
        {
            // Word's downlevel markup: list markers, duplicate line breaks, empty-cell
            // fillers. The rendering Word means follows outside the conditional.
            if let Some(parent) = node.parent() {
                self.marker = Some(parent.id());
            }
        } else if data.eq_ignore_ascii_case("[endif]") {
            self.marker = None;
        }
    }

    fn close(&mut self, id: NodeId) {
        if let Some(s) = self.skip {
            if s == id {
                self.skip = None;
            }
            return;
        }
        if self.marker == Some(id) {
            self.marker = None;
        }
        if self.top().is_none_or(|f| f.node != id) {
            return;
        }
        if let Some(frame) = self.frames.pop() {
            self.close_element(frame);
        }
    }

    fn element(&mut self, id: NodeId, e: &scraper::node::Element) {
        let name = e.name();
        if e.name.ns != html5ever::ns!(html) || dropped(name) {
            // SVG and MathML too: their text is not the document's.
            self.skip = Some(id);
            return;
        }
        let mut style = self.sheet.for_element(name, e.classes());
        if let Some(inline) = e.attr("style") {
            style.merge(&super::css::parse_inline(inline));
        }
        if heading_level(name).is_some()
            || e.classes().any(|c| heading_class(c).is_some())
            || (style.heading.is_some() && matches!(name, "p" | "div"))
        {
            // A heading's own font weight is how headings look, not bold text.
            style.bold = None;
        }
        if style.hidden {
            self.skip = Some(id);
            return;
        }
        if style.list_ignore && self.marker.is_none() {
            self.marker = Some(id);
        }
        if self.marker.is_some() {
            return;
        }
        match name {
            "br" => {
                let marks = self.marks();
                if let Some(target) = self.target(false) {
                    target.push_break(&marks);
                }
                // A line break alone between blocks is an empty line.
                if let Some(p) = &mut self.pending
                    && self.table.as_ref().is_none_or(|t| t.caption)
                {
                    p.explicit = true;
                }
                return;
            }
            "img" | "image" => {
                let src = e.attr("src").unwrap_or("");
                let alt = e.attr("alt").unwrap_or("");
                self.image(src, alt);
                return;
            }
            "hr" => {
                self.block_boundary();
                return;
            }
            _ => {}
        }
        let parent = self.top();
        let mut frame = Frame {
            node: id,
            tag: Tag::Inline,
            marks: parent.map(|f| f.marks.clone()).unwrap_or_default(),
            space: parent.map_or(Space::Collapse, |f| f.space),
            lists: parent.map_or(0, |f| f.lists),
            list_kind: None,
            style: None,
        };
        apply_marks(&mut frame, name, e, &style);
        match name {
            "table" => self.open_table(&mut frame),
            "tr" => self.open_row(&mut frame),
            "td" | "th" => self.open_cell(&mut frame, name == "th", e),
            "caption" => {
                frame.tag = Tag::Caption;
                if let Some(t) = &mut self.table
                    && t.nested == 0
                {
                    t.caption = true;
                }
            }
            _ if is_list(name) => {
                frame.tag = Tag::List;
                frame.lists = frame.lists.saturating_add(1);
                frame.list_kind = Some(if name == "ol" {
                    let start = e
                        .attr("start")
                        .and_then(|s| s.trim().parse::<u32>().ok())
                        .unwrap_or(1);
                    ListKind::Ordered { start }
                } else {
                    ListKind::Bulleted
                });
                self.block_boundary();
            }
            "li" => {
                frame.tag = Tag::Item;
                let kind = self
                    .frames
                    .iter()
                    .rev()
                    .find_map(|f| f.list_kind)
                    .unwrap_or(ListKind::Bulleted);
                let level = frame
                    .lists
                    .saturating_sub(1)
                    .min(BlockStyle::MAX_LIST_LEVEL);
                frame.style = Some(BlockStyle::ListItem { kind, level });
                self.start_block(id, frame.style, true, None);
            }
            _ if heading_level(name).is_some() => {
                frame.tag = Tag::Heading;
                frame.style = heading_level(name).map(BlockStyle::Heading);
                self.start_block(id, frame.style, true, None);
            }
            _ if is_block(name) => {
                frame.tag = Tag::Block;
                let heading = e
                    .classes()
                    .find_map(heading_class)
                    .or(style.heading.filter(|_| name == "p" || name == "div"));
                let word_list = style.list.clone().filter(|_| name == "p" || name == "div");
                if let Some(h) = heading {
                    frame.tag = Tag::Heading;
                    frame.style = Some(BlockStyle::Heading(h));
                    self.start_block(id, frame.style, true, None);
                } else if let Some((list, level)) = word_list {
                    let level = level.saturating_sub(1).min(BlockStyle::MAX_LIST_LEVEL);
                    frame.tag = Tag::Item;
                    frame.style = Some(BlockStyle::ListItem {
                        kind: ListKind::Bulleted,
                        level,
                    });
                    self.start_block(id, frame.style, true, Some((list, level)));
                } else if name == "p" {
                    self.start_block(id, None, true, None);
                } else {
                    self.block_boundary();
                }
            }
            _ => {}
        }
        self.frames.push(frame);
    }

    fn close_element(&mut self, frame: Frame) {
        match frame.tag {
            Tag::Inline => {}
            Tag::Table => self.close_table(frame.node),
            Tag::Row => self.close_row(),
            Tag::Cell => self.close_cell(),
            Tag::Caption => {
                if let Some(t) = &mut self.table
                    && t.nested == 0
                {
                    t.caption = false;
                    self.flush();
                }
            }
            Tag::Item | Tag::Heading => {
                if self.cell_open() {
                    self.soft_break_cell();
                } else if self
                    .pending
                    .as_ref()
                    .is_some_and(|p| p.owner == Some(frame.node))
                {
                    self.flush();
                } else {
                    self.block_boundary();
                }
            }
            Tag::Block | Tag::List => self.block_boundary(),
        }
    }

    /// The marks of text here.
    fn marks(&self) -> Marks {
        self.top().map(|f| f.marks.clone()).unwrap_or_default()
    }

    fn cell_open(&self) -> bool {
        self.table
            .as_ref()
            .is_some_and(|t| t.cell.is_some() && !t.caption)
    }

    fn soft_break_cell(&mut self) {
        if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            cell.inline.soft_break();
        }
    }

    /// The nearest open list item or heading.
    fn soft_owner(&self) -> Option<NodeId> {
        self.frames
            .iter()
            .rev()
            .find(|f| matches!(f.tag, Tag::Item | Tag::Heading))
            .map(|f| f.node)
    }

    /// A block element opens or closes: in a cell or a list item's own block it is a line
    /// break, elsewhere it ends the pending block.
    fn block_boundary(&mut self) {
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
    fn start_block(
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
    fn context_style(&self) -> BlockStyle {
        self.frames
            .iter()
            .rev()
            .find_map(|f| f.style)
            .unwrap_or(BlockStyle::Paragraph)
    }

    /// Where text goes now, creating the pending block if needed (not for whitespace).
    fn target(&mut self, whitespace_only: bool) -> Option<&mut Inline> {
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

    fn text(&mut self, text: &str) {
        if self.marker.is_some() {
            if self.marker_text.len() < 64 {
                self.marker_text.extend(text.chars().take(64));
            }
            return;
        }
        let (marks, space) = match self.top() {
            Some(f) => (f.marks.clone(), f.space),
            None => (Marks::default(), Space::Collapse),
        };
        let whitespace_only =
            space == Space::Collapse && text.chars().all(|c| c.is_ascii_whitespace());
        let budget = self.chars_left;
        if budget == 0 {
            return;
        }
        if let Some(target) = self.target(whitespace_only) {
            let n = target.push_text(text, &marks, space, budget);
            self.chars_left = self.chars_left.saturating_sub(n);
        }
    }

    fn image(&mut self, src: &str, alt: &str) {
        if !self.inside {
            return;
        }
        let image = self.images.resolve(src, alt);
        if self.table.as_ref().is_some_and(|t| !t.caption) {
            // A cell holds text only: the image is named there.
            let label = match &image {
                Image::Embedded { alt, .. } if !alt.is_empty() => format!("[image: {alt}]"),
                Image::Embedded { .. } => "[image]".to_string(),
                Image::Placeholder { reason } => format!("[{reason}]"),
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
        self.push_block(Block::Image(image));
    }

    fn push_block(&mut self, block: Block) {
        if self.out.len() < MAX_BLOCKS {
            self.out.push(block);
        }
    }

    /// Ends the pending block.
    fn flush(&mut self) {
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

    /// Bullet or number for a Word list paragraph: the `@list` rule if the stylesheet has one
    /// (no number format there means decimal), else the marker text Word wrote.
    fn word_list_kind(&self, list: &str, level: u8) -> ListKind {
        if let Some(rule) = self.sheet.list_level(list, level + 1) {
            return if rule.bullet {
                ListKind::Bulleted
            } else {
                ListKind::Ordered {
                    start: rule.start.unwrap_or(1),
                }
            };
        }
        let marker = self.marker_text.trim_matches(|c: char| c.is_whitespace());
        let digits: String = marker.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(start) = digits.parse::<u32>() {
            return ListKind::Ordered { start };
        }
        let letters = marker.trim_end_matches(['.', ')']);
        if !letters.is_empty()
            && letters.len() <= 4
            && letters.len() < marker.len()
            && letters.chars().all(|c| c.is_ascii_alphabetic())
        {
            return ListKind::Ordered { start: 1 };
        }
        ListKind::Bulleted
    }

    fn open_table(&mut self, frame: &mut Frame) {
        frame.tag = Tag::Table;
        if let Some(t) = &mut self.table {
            t.nested += 1;
            if let Some(c) = &mut t.cell {
                c.inline.soft_break();
            }
            return;
        }
        self.flush();
        self.table = Some(TableBuilder {
            node: frame.node,
            keep: self.inside,
            rows: Vec::new(),
            row: None,
            cell: None,
            nested: 0,
            caption: false,
        });
    }

    fn close_table(&mut self, node: NodeId) {
        match &mut self.table {
            Some(t) if t.node != node => {
                t.nested = t.nested.saturating_sub(1);
                if let Some(c) = &mut t.cell {
                    c.inline.soft_break();
                }
            }
            Some(_) => self.finish_table(),
            None => {}
        }
    }

    fn finish_table(&mut self) {
        self.close_row();
        let Some(t) = self.table.take() else { return };
        let has_text = t.rows.iter().flatten().any(|c| !c.runs.is_empty());
        if t.keep && has_text {
            self.push_block(Block::Table(Table { rows: t.rows }));
        }
    }

    fn open_row(&mut self, frame: &mut Frame) {
        frame.tag = Tag::Row;
        let Some(t) = &mut self.table else { return };
        if t.nested > 0 {
            if let Some(c) = &mut t.cell {
                c.inline.soft_break();
            }
            return;
        }
        self.close_row();
        if let Some(t) = &mut self.table {
            t.row = Some(Vec::new());
        }
    }

    fn close_row(&mut self) {
        self.close_cell();
        let Some(t) = &mut self.table else { return };
        if t.nested > 0 {
            if let Some(c) = &mut t.cell {
                c.inline.soft_break();
            }
            return;
        }
        if let Some(row) = t.row.take()
            && !row.is_empty()
        {
            t.rows.push(row);
        }
    }

    fn open_cell(&mut self, frame: &mut Frame, header: bool, e: &scraper::node::Element) {
        frame.tag = Tag::Cell;
        let Some(t) = &mut self.table else { return };
        if t.nested > 0 {
            if let Some(c) = &mut t.cell {
                c.inline.soft_space();
            }
            return;
        }
        self.close_cell();
        if self.cells_left == 0 {
            return;
        }
        self.cells_left -= 1;
        let span = |name: &str| {
            e.attr(name)
                .and_then(|v| v.trim().parse::<u32>().ok())
                .unwrap_or(1)
                .clamp(1, Cell::MAX_SPAN)
        };
        if let Some(t) = &mut self.table {
            t.row.get_or_insert_with(Vec::new);
            t.cell = Some(CellBuilder {
                inline: Inline::new(),
                colspan: span("colspan"),
                rowspan: span("rowspan"),
                header,
            });
        }
    }

    fn close_cell(&mut self) {
        let Some(t) = &mut self.table else { return };
        if t.nested > 0 {
            if let Some(c) = &mut t.cell {
                c.inline.soft_space();
            }
            return;
        }
        if let Some(c) = t.cell.take() {
            let cell = Cell {
                runs: c.inline.finish(),
                colspan: c.colspan,
                rowspan: c.rowspan,
                header: c.header,
            };
            t.row.get_or_insert_with(Vec::new).push(cell);
        }
    }
}

/// The marks and whitespace handling an element gives its content.
fn apply_marks(frame: &mut Frame, name: &str, e: &scraper::node::Element, style: &Style) {
    let m = &mut frame.marks;
    match name {
        "b" | "strong" => m.bold = true,
        "i" | "em" | "cite" | "dfn" | "var" => m.italic = true,
        "u" | "ins" => m.underline = true,
        "s" | "strike" | "del" => m.strike = true,
        "code" | "kbd" | "samp" | "tt" => m.code = true,
        "pre" | "xmp" | "listing" => {
            m.code = true;
            frame.space = Space::Preserve;
        }
        "a" => {
            if let Some(link) = e.attr("href").and_then(Link::parse) {
                m.link = Some(link);
            }
        }
        "font" => {
            if let Some(c) = e.attr("color") {
                let s = super::css::parse_inline(&format!("color:{c}"));
                if let Some(c) = s.colour {
                    m.colour = c;
                }
            }
        }
        _ => {}
    }
    if let Some(v) = style.bold {
        m.bold = v;
    }
    if let Some(v) = style.italic {
        m.italic = v;
    }
    if let Some(v) = style.underline {
        m.underline = v;
    }
    if let Some(v) = style.strike {
        m.strike = v;
    }
    if let Some(c) = style.colour {
        m.colour = c;
    }
    match style.preserve {
        Some(true) => frame.space = Space::Preserve,
        Some(false) => frame.space = Space::Collapse,
        None => {}
    }
    if style.spacerun || style.tab {
        frame.space = Space::Literal;
    }
}
