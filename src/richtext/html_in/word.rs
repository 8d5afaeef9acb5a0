//! Word specifics: downlevel-conditional comments, list markers and kinds, heading classes.

use super::convert::Converter;
use crate::richtext::model::ListKind;
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

impl Converter<'_, '_> {
    pub(super) fn comment(&mut self, data: &str, node: ego_tree::NodeRef<'_, Node>) {
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

    /// Bullet or number for a Word list paragraph: the `@list` rule if the stylesheet has one
    /// (no number format there means decimal), else the marker text Word wrote.
    pub(super) fn word_list_kind(&self, list: &str, level: u8) -> ListKind {
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
}
