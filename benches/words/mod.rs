//! The 5,000-word document with mixed formatting that the keystroke benchmarks type into.
#![allow(dead_code)]

use livewindow::richtext::{Document, PasteExtras, import};

/// 250 paragraphs of 20 words; every few words bold, italic, a link or coloured.
pub fn five_thousand_words() -> Document {
    let mut html = String::new();
    let words = [
        "refund", "order", "customer", "delivery", "invoice", "account", "parcel",
    ];
    for p in 0..250 {
        html.push_str("<p>");
        for w in 0..20 {
            let word = words[(p * 20 + w) % words.len()];
            match w % 7 {
                1 => html.push_str(&format!("<b>{word}</b> ")),
                3 => html.push_str(&format!("<i>{word}</i> ")),
                4 => html.push_str(&format!("<a href=\"https://example.com/{p}\">{word}</a> ")),
                5 => html.push_str(&format!("<span style=\"color:#c00000\">{word}</span> ")),
                _ => html.push_str(&format!("{word} ")),
            }
        }
        html.push_str("</p>\n");
    }
    import(&html, &PasteExtras::default())
}
