//! The DOM walk that maps clipboard HTML onto the model.
//!
//! One pass in document order over ego_tree's open/close edges, with an explicit stack of
//! frames (no recursion, so no depth can overflow the stack). Text goes to the pending text
//! block or to the open table cell; block elements end blocks; inside a list item, heading or
//! cell, inner block boundaries become line breaks.

use super::blocks::Pending;
use super::css::StyleSheet;
use super::images::ImageSource;
use super::inline::Space;
use super::table::{MAX_CELLS, TableBuilder};
use super::tags::{apply_marks, dropped, heading_level, is_block, is_list};
use super::word::{heading_class, word_list};
use crate::document::{MAX_BLOCKS, MAX_CHARS};
use crate::model::{Block, BlockStyle, ListKind, Marks};
use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

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

/// What an open element is, for what its closing does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tag {
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
pub(super) struct Frame {
    pub(super) node: NodeId,
    pub(super) tag: Tag,
    pub(super) marks: Marks,
    pub(super) space: Space,
    /// ul/ol elements open here, this one included.
    pub(super) lists: u8,
    /// For ul/ol: the kind of its items.
    pub(super) list_kind: Option<ListKind>,
    /// The style of text directly inside, if this element decides it (li, h1, Word list p).
    pub(super) style: Option<BlockStyle>,
}

pub(super) struct Converter<'s, 'i> {
    pub(super) sheet: &'s StyleSheet,
    pub(super) images: &'s mut ImageSource<'i>,
    pub(super) out: Vec<Block>,
    pub(super) pending: Option<Pending>,
    pub(super) frames: Vec<Frame>,
    pub(super) table: Option<TableBuilder>,
    pub(super) inside: bool,
    /// A dropped element: everything until its close is ignored.
    pub(super) skip: Option<NodeId>,
    /// Inside Word's `<![if !supportLists]>…<![endif]>` (or a `mso-list:Ignore` span): text
    /// is the list marker, not content. Ends at `[endif]` or when this node closes.
    pub(super) marker: Option<NodeId>,
    pub(super) marker_text: String,
    pub(super) chars_left: usize,
    pub(super) cells_left: usize,
    /// Bytes of Word's VML comments still to be parsed for pictures (see `word`).
    pub(super) vml_budget: usize,
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
        vml_budget: super::word::MAX_VML_BYTES,
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
    pub(super) fn top(&self) -> Option<&Frame> {
        self.frames.last()
    }

    fn open(&mut self, node: ego_tree::NodeRef<'_, Node>) {
        if self.skip.is_some() {
            return;
        }
        match node.value() {
            Node::Text(t) => self.text(&t.text),
            Node::Comment(c) => self.comment(&c.comment, node),
            Node::Element(e) => {
                if e.name() == "v:shape" {
                    self.bare_vml(node);
                }
                // VML elements themselves are dropped with what they hold.
                self.element(node.id(), e)
            }
            _ => {}
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
            self.end_marker();
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
                    // `type="a"`, else `list-style-type: lower-alpha`.
                    let numbering = e
                        .attr("type")
                        .and_then(crate::Numbering::from_html_type)
                        .or(style.numbering)
                        .unwrap_or_default();
                    ListKind::Ordered { start, numbering }
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
                // In a Word list, a heading's number becomes its text (see `word`).
                self.start_block(id, frame.style, true, word_list(&style));
            }
            _ if is_block(name) => {
                frame.tag = Tag::Block;
                let heading = e
                    .classes()
                    .find_map(heading_class)
                    .or(style.heading.filter(|_| name == "p" || name == "div"));
                let word_list = word_list(&style).filter(|_| name == "p" || name == "div");
                if let Some(h) = heading {
                    frame.tag = Tag::Heading;
                    frame.style = Some(BlockStyle::Heading(h));
                    self.start_block(id, frame.style, true, word_list);
                } else if let Some((list, level)) = word_list {
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
    pub(super) fn marks(&self) -> Marks {
        self.top().map(|f| f.marks.clone()).unwrap_or_default()
    }

    pub(super) fn cell_open(&self) -> bool {
        self.table
            .as_ref()
            .is_some_and(|t| t.cell.is_some() && !t.caption)
    }

    pub(super) fn soft_break_cell(&mut self) {
        if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            cell.inline.soft_break();
        }
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
}
