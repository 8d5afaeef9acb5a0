//! Arbitrary bytes as clipboard HTML and RTF: the importer must not panic, must stay within
//! the document limits, and what it writes must import back to the same HTML.
#![no_main]

use livewindow_richtext as richtext;

use libfuzzer_sys::fuzz_target;
use richtext::{PasteExtras, import};

fuzz_target!(|data: &[u8]| {
    // The first two bytes say where the HTML ends and the RTF begins.
    let (html, rtf) = match data {
        [a, b, rest @ ..] => {
            let split = (usize::from(*a) << 8 | usize::from(*b)).min(rest.len());
            rest.split_at(split)
        }
        _ => (data, &[][..]),
    };
    let html = String::from_utf8_lossy(html);
    let extras = PasteExtras {
        image: None,
        rtf: Some(rtf),
        plain: None,
    };
    let doc = import(&html, &extras);
    assert!(doc.char_count() <= richtext::MAX_CHARS);
    assert!(doc.block_count() <= richtext::MAX_BLOCKS);
    let out = doc.to_html();
    let _ = doc.to_plain();
    let again = import(&out, &PasteExtras::default()).to_html();
    assert_eq!(out, again, "serialize → import → serialize changed the HTML");
});
