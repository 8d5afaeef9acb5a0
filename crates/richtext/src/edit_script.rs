//! Editing operations decoded from bytes, shared by the fuzz target and the property tests
//! so both drive the document the same way.

use super::{BlockStyle, Document, ListKind, Mark, Position, Rgb, Selection};

fn pos(b: &[u8]) -> Position {
    Position::new(usize::from(b[0] % 8), usize::from(b[1] % 24))
}

/// One editing operation from six bytes: what the `edit` fuzz target and the property tests
/// replay, at arbitrary (often out-of-range) positions. Not for the console.
#[doc(hidden)]
pub fn edit_op(doc: &mut Document, op: &[u8; 6]) {
    let sel = Selection::new(pos(&op[1..3]), pos(&op[3..5]));
    let arg = op[5];
    let texts = ["a", " ", "xy z", "\n", "é€😀", ""];
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
            let mark = [
                Mark::Bold,
                Mark::Italic,
                Mark::Underline,
                Mark::Strike,
                Mark::Code,
            ][usize::from(arg) % 5];
            doc.toggle_mark(sel, mark);
        }
        4 => doc.set_colour(sel, arg.is_multiple_of(2).then_some(Rgb::new(arg, 0, 1))),
        5 => {
            let _ = doc.set_link(sel, arg.is_multiple_of(2).then_some("https://example.com/"));
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
                    kind: ListKind::decimal(u32::from(arg)),
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
