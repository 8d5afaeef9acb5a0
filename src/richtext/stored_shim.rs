//! TEMPORARY until the richtext branch lands: a stand-in for `Document::from_stored_html`.
use super::Document;

impl Document {
    pub fn from_stored_html(html: &str) -> Document {
        super::import(html, &super::PasteExtras::default())
    }
}
