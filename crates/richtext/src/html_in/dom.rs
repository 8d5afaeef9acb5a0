//! HTML to a DOM with html5ever, into scraper's tree, with the nesting depth capped.
//!
//! html5ever's tree builder scans its stack of open elements on most start tags, so
//! 1.6 million nested `<div>`s in 8 MB would take hours. A token filter between the tokenizer
//! and the tree builder drops start tags once the insertion point is [`MAX_DEPTH`] deep (their
//! text is kept). The depth is tracked by a tree sink that wraps scraper's.

use ego_tree::NodeId;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{
    ElementFlags, NodeOrText, QuirksMode, TreeBuilder, TreeBuilderOpts, TreeSink,
};
use html5ever::{Attribute, QualName, TokenizerResult};
use scraper::{Html, HtmlTreeSink};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

/// Deepest element nesting kept. Real documents stay below 40.
pub(super) const MAX_DEPTH: u32 = 200;

/// Parses a whole document.
pub(super) fn parse(html: &str) -> Html {
    let sink = DepthSink {
        inner: HtmlTreeSink::new(Html::new_document()),
        depth: RefCell::new(HashMap::new()),
        current: Cell::new(0),
        annotation_xml: RefCell::new(HashSet::new()),
    };
    let opts = TreeBuilderOpts {
        drop_doctype: true,
        ..TreeBuilderOpts::default()
    };
    let tokenizer = Tokenizer::new(
        Gate {
            tree: TreeBuilder::new(sink, opts),
        },
        TokenizerOpts::default(),
    );
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // The tokenizer pauses after each </script> for a script engine we do not have.
    while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
    tokenizer.end();
    tokenizer.sink.tree.sink.inner.finish()
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "image"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "basefont"
            | "bgsound"
            | "frame"
    )
}

/// Elements whose content the tokenizer reads as text: they must reach the tree builder, or
/// their content (a script's, a style sheet's) would be read as markup and shown.
fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "plaintext"
    )
}

struct Gate {
    tree: TreeBuilder<NodeId, DepthSink>,
}

impl TokenSink for Gate {
    type Handle = NodeId;

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<NodeId> {
        if let Token::TagToken(tag) = &token
            && tag.kind == TagKind::StartTag
            && !tag.self_closing
            && !is_void(&tag.name)
            && !is_raw_text(&tag.name)
            && self.tree.sink.current.get() >= MAX_DEPTH
        {
            return TokenSinkResult::Continue;
        }
        self.tree.process_token(token, line)
    }

    fn end(&self) {
        self.tree.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.tree
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// scraper's sink, plus the depth of every element and an estimate of the current
/// insertion depth (set when an element is inserted or popped).
struct DepthSink {
    inner: HtmlTreeSink,
    depth: RefCell<HashMap<NodeId, u32>>,
    current: Cell<u32>,
    /// MathML annotation-xml elements holding HTML: their content stays inside them (scraper's
    /// sink does not track this, and without it such content would break out into the body).
    annotation_xml: RefCell<HashSet<NodeId>>,
}

impl DepthSink {
    fn depth_of(&self, node: &NodeId) -> u32 {
        self.depth.borrow().get(node).copied().unwrap_or(0)
    }

    /// Records `node` at `depth`; an element that stays open becomes the insertion point.
    fn placed(&self, node: &NodeOrText<NodeId>, depth: u32) {
        let NodeOrText::AppendNode(id) = node else {
            return;
        };
        let open_element = self
            .inner
            .0
            .borrow()
            .tree
            .get(*id)
            .and_then(|n| n.value().as_element().map(|e| !is_void(e.name())))
            .unwrap_or(false);
        if open_element {
            self.depth.borrow_mut().insert(*id, depth);
            self.current.set(depth);
        }
    }

    fn has_parent(&self, node: &NodeId) -> bool {
        self.inner
            .0
            .borrow()
            .tree
            .get(*node)
            .is_some_and(|n| n.parent().is_some())
    }
}

impl TreeSink for DepthSink {
    type Handle = NodeId;
    type Output = Html;
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Html {
        self.inner.finish()
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg);
    }

    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        let integration_point = flags.mathml_annotation_xml_integration_point;
        let id = self.inner.create_element(name, attrs, flags);
        if integration_point {
            self.annotation_xml.borrow_mut().insert(id);
        }
        id
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &NodeId) -> bool {
        self.annotation_xml.borrow().contains(handle)
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.placed(&child, self.depth_of(parent) + 1);
        self.inner.append(parent, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        // Routed through our own methods so the depth is recorded.
        if self.has_parent(element) {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, name: StrTendril, public: StrTendril, system: StrTendril) {
        self.inner.append_doctype_to_document(name, public, system);
    }

    fn pop(&self, node: &NodeId) {
        self.current.set(self.depth_of(node).saturating_sub(1));
        self.inner.pop(node);
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        self.placed(&new_node, self.depth_of(sibling));
        self.inner.append_before_sibling(sibling, new_node);
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs);
    }

    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent);
    }
}
