//! Clipboard HTML into the model: Word, Excel, Google Docs, LibreOffice, browsers, and
//! whatever else a hostile page puts on the clipboard.
//!
//! Safety comes from construction: the model holds only text, marks, validated links and
//! sniffed image bytes, and the HTML output is written from the model alone. Bounds: input
//! cut at [`MAX_HTML_BYTES`], nesting capped while parsing (`dom`), no recursion anywhere,
//! output capped at the document limits.

mod blocks;
mod cf_html;
mod convert;
mod css;
mod dom;
mod images;
mod inline;
mod rtf;
mod table;
mod tags;
mod word;

use super::document::Document;
use super::model::{Block, Image};
use convert::Bound;
use scraper::{Html, Node};

/// Most clipboard HTML read; the rest is ignored. Large enough for a 10 MB image as a data:
/// URI (13.4 MB of base64).
pub const MAX_HTML_BYTES: usize = 16 * 1024 * 1024;
/// Most RTF read for pictures.
pub const MAX_RTF_BYTES: usize = 32 * 1024 * 1024;

/// The clipboard's other flavours, which a paste of HTML may need.
#[derive(Clone, Copy, Debug, Default)]
pub struct PasteExtras<'a> {
    /// The image flavour (e.g. image/png): the bytes of the first `<img>` whose source cannot
    /// be read (file:, blob:, http…).
    pub image: Option<&'a [u8]>,
    /// The RTF flavour: its `\pngblip`/`\jpegblip` pictures fill such images in order.
    pub rtf: Option<&'a [u8]>,
    /// The plain-text flavour: the document when the HTML yields nothing.
    pub plain: Option<&'a str>,
}

/// Parses clipboard HTML (with or without a CF_HTML header) into a document. Never fails:
/// when the HTML yields nothing, the plain text is used, else the image, else an empty
/// document.
pub fn import(html: &str, extras: &PasteExtras<'_>) -> Document {
    let html = &html[..html.floor_char_boundary(MAX_HTML_BYTES)];
    let prepared = cf_html::prepare(html);
    let dom = dom::parse(&prepared);
    drop(prepared);
    let mut sheet = css::StyleSheet::default();
    for css in style_texts(&dom) {
        sheet.add(&css);
    }
    let pictures = extras
        .rtf
        .map(|r| rtf::pictures(&r[..r.len().min(MAX_RTF_BYTES)]))
        .unwrap_or_default();
    let mut images = images::ImageSource::new(extras.image, pictures);
    let (start, end) = fragment_bounds(&dom);
    let blocks = convert::convert(&dom, &sheet, &mut images, start, end);
    drop(dom);
    if blocks.iter().any(has_content) {
        return Document::from_blocks_levelled(blocks);
    }
    if let Some(plain) = extras.plain.filter(|p| !p.trim().is_empty()) {
        return Document::from_plain(plain);
    }
    if let Some(image) = extras.image.and_then(|b| Image::from_bytes(b, "")) {
        return Document::from_blocks(vec![Block::Image(image)]);
    }
    Document::new()
}

impl Document {
    /// The document a stored message's HTML shows, for the transcript: the inverse of
    /// [`Document::to_html`] (and it reads [`super::plain_to_html`]'s output too).
    ///
    /// For HTML `to_html()` wrote, the result renders the same `to_html()` and the same
    /// `list_markers()` as the document that wrote it. Anything else (an older format, a row
    /// edited by hand, a hostile client) is read like a paste: by the same bounded,
    /// sanitizing importer, so whatever the input, the result holds only what the model
    /// can hold.
    ///
    /// It simply delegates to [`import`] with no clipboard extras. It is a function of its
    /// own so the transcript says what it means and does not depend on paste behaviour by
    /// accident. Delegating is safe because the clipboard heuristics are inert on our
    /// subset: `to_html()` writes no CF_HTML header (its output starts with a tag, never
    /// "Version:"), no comments (so no fragment markers or Word conditionals), no classes,
    /// no `mso-` styles, and its text is escaped so it cannot pass for any of them. With no
    /// extras, no clipboard image or RTF picture fills an image: an `<img>` that is not a
    /// valid embedded data: URI becomes a placeholder, and nothing is ever fetched.
    pub fn from_stored_html(html: &str) -> Document {
        import(html, &PasteExtras::default())
    }
}

fn has_content(b: &Block) -> bool {
    match b {
        Block::Text(t) => !t.is_empty(),
        Block::Table(_) | Block::Image(_) => true,
    }
}

/// The text of every `<style>` element, in document order.
fn style_texts(dom: &Html) -> Vec<String> {
    dom.tree
        .root()
        .descendants()
        .filter(|n| n.value().as_element().is_some_and(|e| e.name() == "style"))
        .map(|n| {
            n.children()
                .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                .collect()
        })
        .collect()
}

/// The copied part: between the first StartFragment comment and the first EndFragment
/// comment after it. A fragment that starts or ends inside a table (as Excel's do, between
/// `<table>` and the first `<tr>`) takes the whole outermost table around it.
fn fragment_bounds(dom: &Html) -> (Bound, Bound) {
    let is_comment = |n: &ego_tree::NodeRef<'_, Node>, name: &str| {
        n.value()
            .as_comment()
            .is_some_and(|c| c.trim().eq_ignore_ascii_case(name))
    };
    let mut nodes = dom.tree.root().descendants();
    let Some(start) = nodes.by_ref().find(|n| is_comment(n, cf_html::START)) else {
        return (Bound::Edge, Bound::Edge);
    };
    let end = nodes.find(|n| is_comment(n, cf_html::END));
    let outer_table = |n: &ego_tree::NodeRef<'_, Node>| {
        n.ancestors()
            .filter(|a| a.value().as_element().is_some_and(|e| e.name() == "table"))
            .last()
            .map(|t| t.id())
    };
    let start_bound = match outer_table(&start) {
        Some(t) => Bound::Open(t),
        None => Bound::Open(start.id()),
    };
    let end_bound = match end {
        Some(e) => match outer_table(&e) {
            Some(t) => Bound::Close(t),
            None => Bound::Open(e.id()),
        },
        None => Bound::Edge,
    };
    (start_bound, end_bound)
}
