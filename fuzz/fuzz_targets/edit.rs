//! Arbitrary bytes as a sequence of editing operations at arbitrary positions: no panic, the
//! HTML of the result imports back to itself, and undoing everything gives back the start.
#![no_main]

use livewindow_richtext as richtext;

use libfuzzer_sys::fuzz_target;
use richtext::{
    BlockStyle, Document, ListKind, Mark, PasteExtras, Position, Rgb, Selection, import,
};

fn pos(b: &[u8]) -> Position {
    Position::new(usize::from(b[0] % 8), usize::from(b[1] % 24))
}

fuzz_target!(|data: &[u8]| {
    let start = import(
        "<h1>Title</h1><p>Some <b>bold</b> and <i>italic</i> text</p><ul><li>one</li><li>two</li></ul>\
         <table><tr><td>cell</td></tr></table><p>end</p>",
        &PasteExtras::default(),
    );
    let mut doc = start.clone();
    let texts = ["a", " ", "xy z", "\n", "é€😀", ""];
    for op in data.chunks_exact(6) {
        let sel = Selection::new(pos(&op[1..3]), pos(&op[3..5]));
        let arg = op[5];
        match op[0] % 14 {
            0 => {
                doc.insert_text(sel, texts[usize::from(arg) % texts.len()]);
            }
            1 => {
                doc.delete(sel);
            }
            2 => {
                doc.split_block(sel);
            }
            3 => {
                let mark = [Mark::Bold, Mark::Italic, Mark::Underline, Mark::Strike, Mark::Code]
                    [usize::from(arg) % 5];
                doc.toggle_mark(sel, mark);
            }
            4 => doc.set_colour(sel, (arg % 2 == 0).then_some(Rgb::new(arg, 0, 1))),
            5 => {
                let _ = doc.set_link(sel, (arg % 2 == 0).then_some("https://example.com/"));
            }
            6 => doc.clear_formatting(sel),
            7 => {
                let style = match arg % 4 {
                    0 => BlockStyle::Paragraph,
                    1 => BlockStyle::Heading(arg % 5),
                    2 => BlockStyle::ListItem {
                        kind: ListKind::Bulleted,
                        level: arg % 10,
                    },
                    _ => BlockStyle::ListItem {
                        kind: ListKind::Ordered { start: u32::from(arg) },
                        level: arg % 10,
                    },
                };
                doc.set_block_style(sel, style);
            }
            8 => {
                doc.indent(sel);
            }
            9 => {
                doc.outdent(sel);
            }
            10 => {
                let frag = doc.copy(sel);
                doc.paste(Selection::caret(pos(&op[3..5])), &frag);
            }
            11 => {
                doc.undo();
            }
            12 => {
                doc.redo();
            }
            _ => {
                let _ = doc.marks_at(sel.focus);
                let _ = doc.marks_in(sel);
            }
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
