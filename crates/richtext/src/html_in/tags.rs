//! Tag tables: dropped, block, list and heading elements, and the marks each tag gives.

use super::convert::Frame;
use super::css::Style;
use super::inline::Space;
use crate::model::Link;

/// Elements dropped with everything inside them.
pub(super) fn dropped(name: &str) -> bool {
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

pub(super) fn is_block(name: &str) -> bool {
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

pub(super) fn is_list(name: &str) -> bool {
    matches!(name, "ul" | "ol" | "dir" | "menu")
}

pub(super) fn heading_level(name: &str) -> Option<u8> {
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

/// The marks and whitespace handling an element gives its content.
pub(super) fn apply_marks(
    frame: &mut Frame,
    name: &str,
    e: &scraper::node::Element,
    style: &Style,
) {
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
