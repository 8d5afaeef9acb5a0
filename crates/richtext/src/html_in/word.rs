//! Word specifics: downlevel-conditional comments, list markers and kinds, heading classes.

use super::convert::Converter;
use super::css::Style;
use super::inline::Space;
use crate::Numbering;
use crate::model::{BlockStyle, ListKind};
use scraper::Node;

/// Word's heading paragraph classes: MsoTitle, MsoSubtitle, MsoHeading7…
pub(super) fn heading_class(class: &str) -> Option<u8> {
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

/// The Word list an element is in (`mso-list: l0 level2 …`), with its level 0-based.
pub(super) fn word_list(style: &Style) -> Option<(String, u8)> {
    let (list, level) = style.list.clone()?;
    Some((
        list,
        level.saturating_sub(1).min(BlockStyle::MAX_LIST_LEVEL),
    ))
}

/// Most bytes of VML comments parsed in one paste (Word writes one or two KB per picture), so
/// a flood of such comments costs no more than parsing this much HTML.
pub(super) const MAX_VML_BYTES: usize = 1024 * 1024;
/// What each parsed VML comment costs at least, so many tiny ones are bounded too.
const VML_PARSE_COST: usize = 1024;
/// Most pictures taken from one VML comment.
const MAX_VML_PICTURES: usize = 16;

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// True when Word's `<![if !vml]>` fallback (an `<img>` of the same picture) follows the VML
/// comment `node`: then the `<img>` is the picture, and the VML is skipped so it is not taken
/// twice.
fn has_img_fallback(node: ego_tree::NodeRef<'_, Node>) -> bool {
    node.next_siblings()
        .find(|n| !n.value().as_text().is_some_and(|t| t.trim().is_empty()))
        .and_then(|n| {
            n.value()
                .as_comment()
                .map(|c| starts_with_ci(c.trim(), "[if !vml]"))
        })
        .unwrap_or(false)
}

/// The `(src, alt)` of each `<v:imagedata>` in the text of a VML comment. The text is markup
/// html5ever reads like any other (depth-capped by `dom`); its alt is the enclosing
/// `<v:shape alt>`, else the image's `o:title`.
fn vml_pictures(text: &str) -> Vec<(String, String)> {
    let dom = super::dom::parse(text);
    let mut out = Vec::new();
    for node in dom.tree.root().descendants() {
        let Some(e) = node.value().as_element() else {
            continue;
        };
        if e.name() != "v:imagedata" {
            continue;
        }
        let shape_alt = node.ancestors().find_map(|a| {
            a.value()
                .as_element()
                .filter(|s| s.name() == "v:shape")
                .and_then(|s| s.attr("alt"))
        });
        let alt = shape_alt.or(e.attr("o:title")).unwrap_or("");
        out.push((e.attr("src").unwrap_or("").to_string(), alt.to_string()));
        if out.len() >= MAX_VML_PICTURES {
            break;
        }
    }
    out
}

impl Converter<'_, '_> {
    pub(super) fn comment(&mut self, data: &str, node: ego_tree::NodeRef<'_, Node>) {
        let data = data.trim();
        if starts_with_ci(data, "[if !support") {
            // Word's downlevel markup: list markers, duplicate line breaks, empty-cell
            // fillers. The rendering Word means follows outside the conditional.
            if let Some(parent) = node.parent() {
                self.marker = Some(parent.id());
            }
        } else if data.eq_ignore_ascii_case("[endif]") {
            self.end_marker();
        } else if starts_with_ci(data, "[if gte vml")
            && self.inside
            && self.marker.is_none()
            && !has_img_fallback(node)
        {
            self.vml(data);
        }
    }

    /// A picture Word wrote only as VML (`<!--[if gte vml 1]>…<v:imagedata src=…>…-->`, which
    /// html5ever keeps as one comment): its bytes come from the clipboard like an `<img>`'s
    /// (the RTF picture in order), else it is a placeholder. Nothing is fetched.
    fn vml(&mut self, data: &str) {
        if self.vml_budget == 0
            || !data
                .as_bytes()
                .windows(9)
                .any(|w| w.eq_ignore_ascii_case(b"imagedata"))
        {
            return;
        }
        let text = &data[..data.floor_char_boundary(self.vml_budget)];
        self.vml_budget = self
            .vml_budget
            .saturating_sub(text.len().max(VML_PARSE_COST));
        for (src, alt) in vml_pictures(text) {
            self.image(&src, &alt);
        }
    }

    /// A `<v:shape>` standing in the body itself (not inside a VML comment), as some Word
    /// clipboards have it with no `<img>`: its `<v:imagedata>` takes its bytes from the
    /// clipboard like an `<img>` (the RTF picture in order), else it is a placeholder.
    /// Skipped when Word's `<![if !vml]>` `<img>` follows the shape: that is the picture.
    pub(super) fn bare_vml(&mut self, shape: ego_tree::NodeRef<'_, Node>) {
        if !self.inside || self.marker.is_some() || has_img_fallback(shape) {
            return;
        }
        let shape_alt = shape.value().as_element().and_then(|s| s.attr("alt"));
        let pictures = shape
            .descendants()
            .filter_map(|n| n.value().as_element())
            .filter(|e| e.name() == "v:imagedata")
            .take(MAX_VML_PICTURES);
        for e in pictures {
            let alt = shape_alt.or(e.attr("o:title")).unwrap_or("");
            self.image(e.attr("src").unwrap_or(""), alt);
        }
    }

    /// The list marker ends (`[endif]`, or the `mso-list:Ignore` element closes).
    pub(super) fn end_marker(&mut self) {
        if self.marker.take().is_some() {
            self.number_heading();
        }
    }

    /// A heading in a Word list ("1. Introduction", numbered by the heading styles) keeps its
    /// number as text at its start. The model has no numbered headings, and a list item
    /// would lose the heading's look and renumber from 1 after every paragraph between
    /// headings; text shows the customer exactly the numbers Word showed, "1.2" included.
    fn number_heading(&mut self) {
        let Some(p) = &self.pending else { return };
        let Some((list, level)) = p.word_list.clone() else {
            return;
        };
        if !matches!(p.style, BlockStyle::Heading(_)) || p.inline.has_content() {
            return;
        }
        let marker = self.marker_text.trim();
        if marker.is_empty() {
            return;
        }
        // A bullet glyph is in a symbol font (Symbol's "·", Wingdings' "§"): shown as "•".
        let number = match self.word_list_kind(&list, level) {
            ListKind::Bulleted => "•".to_string(),
            ListKind::Ordered { .. } => marker.to_string(),
        };
        let marks = self.marks();
        let budget = self.chars_left;
        if let Some(p) = &mut self.pending {
            let n = p
                .inline
                .push_text(&format!("{number} "), &marks, Space::Collapse, budget);
            self.chars_left = self.chars_left.saturating_sub(n);
        }
    }

    /// Bullet or number for a Word list paragraph: the `@list` rule if the stylesheet has one
    /// (no number format there means decimal), else the marker text Word wrote.
    /// The numbering ("a.", "iv.") comes from the rule's `mso-level-number-format`, else
    /// from the marker Word wrote.
    pub(super) fn word_list_kind(&self, list: &str, level: u8) -> ListKind {
        let marker = self.marker_text.trim_matches(|c: char| c.is_whitespace());
        // A marker is a number only when it ends like one ("a." or "iv)"), not a word.
        let typed = Some(marker)
            .filter(|m| m.ends_with(['.', ')']))
            .and_then(Numbering::parse_marker);
        if let Some(rule) = self.sheet.list_level(list, level + 1) {
            return if rule.bullet {
                ListKind::Bulleted
            } else {
                ListKind::Ordered {
                    start: rule.start.unwrap_or(1),
                    numbering: rule.numbering.or(typed.map(|(n, _)| n)).unwrap_or_default(),
                }
            };
        }
        let digits: String = marker.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(start) = digits.parse::<u32>() {
            return ListKind::decimal(start);
        }
        match typed {
            Some((numbering, start)) => ListKind::Ordered { start, numbering },
            None => ListKind::Bulleted,
        }
    }
}
