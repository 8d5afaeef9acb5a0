//! The fuzz targets' properties (fuzz/fuzz_targets), run as bounded property tests in the
//! normal suite: cargo-fuzz needs a nightly toolchain, so those targets do not run in CI.
//! - import: clipboard HTML and RTF never panic the importer, stay within the document's
//!   limits, and what it writes imports back to the same HTML;
//! - edit: any sequence of editing operations keeps that round trip, and undoing every
//!   step gives back the start.

use livewindow::richtext::{self, MAX_BLOCKS, MAX_CHARS, PasteExtras, import};
use proptest::prelude::*;

/// Pieces of clipboard HTML (Word's, Excel's, a browser's, a hostile page's) and arbitrary
/// text, in any order: mostly malformed, sometimes well formed.
fn clipboard_html() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<b>".to_string()),
        Just("</b>".to_string()),
        Just("<i><u><s>".to_string()),
        Just("<h2>".to_string()),
        Just("<ul><li>".to_string()),
        Just("<ol start=\"3\"><li>".to_string()),
        Just("</li></ul>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("</td><td colspan=\"2\">".to_string()),
        Just("</tr></table>".to_string()),
        Just("<a href=\"https://example.com/?q=1&amp;r\">".to_string()),
        Just("<a href=\"javascript:alert(1)\">".to_string()),
        Just("<img src=\"file:///C:/x.png\" alt=\"x\">".to_string()),
        Just("<img src=\"data:image/png;base64,iVBORw0KGgo=\">".to_string()),
        Just("<p class=MsoListParagraph style='mso-list:l0 level2 lfo1'>".to_string()),
        Just("<span style=\"color:#c00;font-weight:bold\">".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("<!--StartFragment-->".to_string()),
        Just("<br>".to_string()),
        Just("&nbsp;&lt;&#x1F600;&".to_string()),
        "[a-zA-Z0-9 <>/=\"'&;:#\\-]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn import_stays_in_bounds_and_round_trips(
        html in clipboard_html(),
        rtf in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let extras = PasteExtras { image: None, rtf: Some(&rtf), plain: None };
        let doc = import(&html, &extras);
        prop_assert!(doc.char_count() <= MAX_CHARS);
        prop_assert!(doc.block_count() <= MAX_BLOCKS);
        let out = doc.to_html();
        let _ = doc.to_plain();
        prop_assert_eq!(import(&out, &PasteExtras::default()).to_html(), out);
    }

    #[test]
    fn any_bytes_as_html_import_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let html = String::from_utf8_lossy(&bytes);
        let doc = import(&html, &PasteExtras::default());
        let out = doc.to_html();
        prop_assert_eq!(import(&out, &PasteExtras::default()).to_html(), out);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn edits_round_trip_and_undo_to_the_start(ops in proptest::collection::vec(any::<[u8; 6]>(), 0..60)) {
        let start = import(
            "<h1>Title</h1><p>Some <b>bold</b> and <i>italic</i> text</p><ul><li>one</li>\
             <li>two</li></ul><table><tr><td>cell</td></tr></table><p>end</p>",
            &PasteExtras::default(),
        );
        let mut doc = start.clone();
        for op in &ops {
            richtext::edit_op(&mut doc, op);
        }
        let out = doc.to_html();
        let _ = doc.to_plain();
        prop_assert_eq!(import(&out, &PasteExtras::default()).to_html(), out);
        while doc.undo().is_some() {}
        prop_assert_eq!(doc, start, "undoing every step did not restore the start");
    }
}
