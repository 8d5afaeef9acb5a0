//! Arbitrary bytes as a sequence of editing operations at arbitrary positions: no panic, the
//! HTML of the result imports back to itself, and undoing everything gives back the start.
#![no_main]

use livewindow_richtext as richtext;

use libfuzzer_sys::fuzz_target;
use richtext::{PasteExtras, import};

fuzz_target!(|data: &[u8]| {
    let start = import(
        "<h1>Title</h1><p>Some <b>bold</b> and <i>italic</i> text</p><ul><li>one</li><li>two</li></ul>\
         <table><tr><td>cell</td></tr></table><p>end</p>",
        &PasteExtras::default(),
    );
    let mut doc = start.clone();
    for op in data.chunks_exact(6) {
        if let Ok(op) = <&[u8; 6]>::try_from(op) {
            richtext::edit_op(&mut doc, op);
        }
    }
    let out = doc.to_html();
    let _ = doc.to_plain();
    assert_eq!(import(&out, &PasteExtras::default()).to_html(), out);
    while doc.undo().is_some() {}
    // Undo history holds at most 500 steps; within that, everything is undone.
    if data.len() / 6 < 500 {
        assert_eq!(doc, start, "undoing every step did not restore the start");
    }
});
