//! Keys to editor actions: moving by grapheme, word, visual line and page, deleting, and the
//! formatting shortcuts. Pure functions of the document, the selection and the layout.

use super::Action;
use super::layout::{Layout, SPACING};
use iced::Point;
use iced::keyboard::{Key, Modifiers, key};
use livewindow_richtext::{Block, Document, Mark, Position, Selection};
use unicode_segmentation::UnicodeSegmentation;

pub struct Press<'a> {
    pub key: &'a Key,
    pub physical: key::Physical,
    pub modifiers: Modifiers,
    pub text: Option<&'a str>,
}

fn block_text(doc: &Document, block: usize) -> Option<String> {
    doc.block(block).and_then(Block::as_text).map(|t| t.text())
}

fn char_to_byte(text: &str, offset: usize) -> usize {
    text.char_indices()
        .nth(offset)
        .map_or(text.len(), |(b, _)| b)
}

fn byte_to_char(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].chars().count()
}

/// The char offset before or after `offset` by one grapheme or, with `word`, one word.
fn step(text: &str, offset: usize, forward: bool, word: bool) -> usize {
    let at = char_to_byte(text, offset);
    let byte = if word {
        let words = text
            .split_word_bound_indices()
            .filter(|(_, w)| !w.trim().is_empty());
        if forward {
            words
                .map(|(i, w)| i + w.len())
                .find(|&end| end > at)
                .unwrap_or(text.len())
        } else {
            words
                .map(|(i, _)| i)
                .take_while(|&i| i < at)
                .last()
                .unwrap_or(0)
        }
    } else if forward {
        text.grapheme_indices(true)
            .map(|(i, g)| i + g.len())
            .find(|&end| end > at)
            .unwrap_or(text.len())
    } else {
        text.grapheme_indices(true)
            .map(|(i, _)| i)
            .take_while(|&i| i < at)
            .last()
            .unwrap_or(0)
    };
    byte_to_char(text, byte)
}

/// The word around `p` (a double click).
pub fn word_at(doc: &Document, p: Position) -> Selection {
    let Some(text) = block_text(doc, p.block) else {
        return Selection::new(Position::new(p.block, 0), Position::new(p.block, 1));
    };
    let at = char_to_byte(&text, p.offset);
    for (i, w) in text.split_word_bound_indices() {
        if at >= i && at < i + w.len() || at == text.len() && i + w.len() == at {
            return Selection::new(
                Position::new(p.block, byte_to_char(&text, i)),
                Position::new(p.block, byte_to_char(&text, i + w.len())),
            );
        }
    }
    Selection::caret(p)
}

fn block_len(doc: &Document, block: usize) -> usize {
    doc.block(block).map_or(0, Block::len)
}

fn left(doc: &Document, p: Position, word: bool) -> Position {
    if p.offset > 0 {
        let offset = block_text(doc, p.block).map_or(0, |t| step(&t, p.offset, false, word));
        Position::new(p.block, offset)
    } else if p.block > 0 {
        Position::new(p.block - 1, block_len(doc, p.block - 1))
    } else {
        p
    }
}

fn right(doc: &Document, p: Position, word: bool) -> Position {
    let len = block_len(doc, p.block);
    if p.offset < len {
        let offset = block_text(doc, p.block).map_or(1, |t| step(&t, p.offset, true, word));
        Position::new(p.block, offset)
    } else if p.block + 1 < doc.block_count() {
        Position::new(p.block + 1, 0)
    } else {
        p
    }
}

/// Up (`distance` < 0) or down from the caret, aiming at `goal_x`. A point in the gap
/// between blocks counts as the block above's last line, so `SPACING + 1` is one line.
fn vertical(
    layout: &Layout,
    doc: &Document,
    p: Position,
    goal_x: Option<f32>,
    distance: f32,
) -> (Position, f32) {
    let caret = layout.caret(p);
    let x = goal_x.unwrap_or(caret.x);
    let target = if distance < 0.0 {
        if caret.y <= 0.5 {
            return (doc.start(), x);
        }
        caret.y + distance
    } else {
        if caret.y + caret.height >= layout.height - 0.5 {
            return (doc.end(), x);
        }
        caret.y + caret.height + distance
    };
    (layout.hit(Point::new(x, target)), x)
}

fn delete_backward(doc: &Document, sel: Selection, word: bool) -> Option<Action> {
    if !sel.is_collapsed() {
        return Some(Action::Delete(sel));
    }
    let p = sel.focus;
    match doc.block(p.block)? {
        Block::Text(t) if p.offset == 0 => {
            if t.style != livewindow_richtext::BlockStyle::Paragraph {
                return Some(Action::Unstyle(p.block));
            }
            if p.block == 0 {
                return None;
            }
            let prev = p.block - 1;
            Some(Action::Delete(match doc.block(prev)? {
                Block::Text(_) => Selection::new(Position::new(prev, block_len(doc, prev)), p),
                _ => Selection::new(Position::new(prev, 0), Position::new(prev, 1)),
            }))
        }
        Block::Text(_) => Some(Action::Delete(Selection::new(left(doc, p, word), p))),
        _ if p.offset >= 1 => Some(Action::Delete(Selection::new(Position::new(p.block, 0), p))),
        _ if p.block > 0 => Some(Action::Select(Selection::caret(left(doc, p, false)))),
        _ => None,
    }
}

fn delete_forward(doc: &Document, sel: Selection, word: bool) -> Option<Action> {
    if !sel.is_collapsed() {
        return Some(Action::Delete(sel));
    }
    let p = sel.focus;
    let len = block_len(doc, p.block);
    if p.offset < len {
        return Some(Action::Delete(Selection::new(p, right(doc, p, word))));
    }
    let next = p.block + 1;
    match doc.block(next)? {
        Block::Text(_) => Some(Action::Delete(Selection::new(p, Position::new(next, 0)))),
        _ => Some(Action::Delete(Selection::new(
            Position::new(next, 0),
            Position::new(next, 1),
        ))),
    }
}

fn in_list(doc: &Document, start: Position, end: Position) -> bool {
    (start.block..=end.block).any(|i| {
        matches!(doc.block(i), Some(Block::Text(t))
            if matches!(t.style, livewindow_richtext::BlockStyle::ListItem { .. }))
    })
}

/// What a key press means to the editor.
pub enum Outcome {
    /// Do this; the column to keep for the next up/down move.
    Act(Action, Option<f32>),
    /// An editing key with nothing to do at this caret (Backspace at the very start, Tab
    /// outside a list): it passes through, but waits behind an edit that is not in yet.
    Idle,
    /// Not the editor's key (Alt+letter, Ctrl+digit belong to the console).
    Foreign,
}

/// A key the parent took over: the open list's, or Tab to the next placeholder.
fn taken(named: key::Named, m: Modifiers, extras: &super::Extras) -> Option<Action> {
    use super::ListKey;
    use key::Named;
    if m.command() || m.alt() {
        return None;
    }
    if extras.list_open {
        let k = match named {
            Named::ArrowUp => ListKey::Up,
            Named::ArrowDown => ListKey::Down,
            Named::Enter | Named::Tab => ListKey::Choose,
            Named::Escape => ListKey::Close,
            _ => return None,
        };
        return Some(Action::List(k));
    }
    (extras.placeholders && named == Named::Tab)
        .then_some(Action::NextPlaceholder { back: m.shift() })
}

/// What a key press does.
pub fn action(
    doc: &Document,
    selection: Selection,
    layout: &Layout,
    goal_x: Option<f32>,
    page: f32,
    press: Press<'_>,
    extras: &super::Extras,
) -> Outcome {
    let m = press.modifiers;
    let sel = doc.clamp_selection(selection);
    let (start, end) = sel.range();
    let word = m.command() || m.alt();
    let select = |to: Position| {
        if m.shift() {
            Selection::new(sel.anchor, to)
        } else {
            Selection::caret(to)
        }
    };
    let act = |a: Action| Outcome::Act(a, None);
    let moved = |to: Position| act(Action::Select(select(to)));
    let plain = !m.command() && !m.alt();
    if let Key::Named(named) = press.key {
        use key::Named;
        if let Some(a) = taken(*named, m, extras) {
            return act(a);
        }
        return match named {
            Named::Enter => act(Action::Enter {
                shift: m.shift(),
                command: m.command(),
            }),
            Named::Backspace => delete_backward(doc, sel, word).map_or(Outcome::Idle, act),
            Named::Delete => delete_forward(doc, sel, word).map_or(Outcome::Idle, act),
            // Outside lists Tab is left to the rest of the window.
            Named::Tab if plain && !in_list(doc, start, end) => Outcome::Idle,
            Named::Tab if plain => act(if m.shift() {
                Action::Outdent
            } else {
                Action::Indent
            }),
            Named::ArrowLeft if !sel.is_collapsed() && !m.shift() => moved(start),
            Named::ArrowRight if !sel.is_collapsed() && !m.shift() => moved(end),
            Named::ArrowLeft => moved(left(doc, sel.focus, m.command())),
            Named::ArrowRight => moved(right(doc, sel.focus, m.command())),
            Named::ArrowUp | Named::ArrowDown | Named::PageUp | Named::PageDown => {
                let distance = match named {
                    Named::ArrowUp => -(SPACING + 1.0),
                    Named::ArrowDown => SPACING + 1.0,
                    Named::PageUp => -page.max(SPACING + 1.0),
                    _ => page.max(SPACING + 1.0),
                };
                let (to, x) = vertical(layout, doc, sel.focus, goal_x, distance);
                Outcome::Act(Action::Select(select(to)), Some(x))
            }
            Named::Home if m.command() => moved(doc.start()),
            Named::End if m.command() => moved(doc.end()),
            Named::Home => moved(Position::new(
                sel.focus.block,
                layout.line_bounds(sel.focus).0,
            )),
            Named::End => moved(Position::new(
                sel.focus.block,
                layout.line_bounds(sel.focus).1,
            )),
            Named::Space if plain => act(Action::Insert(" ".into())),
            _ => Outcome::Foreign,
        };
    }
    if m.alt() {
        // Alt+letter belongs to the console (accept, decline).
        return Outcome::Foreign;
    }
    if m.command() {
        let Some(c) = press.key.to_latin(press.physical) else {
            return Outcome::Foreign;
        };
        return match (c.to_ascii_lowercase(), m.shift()) {
            ('a', _) => act(Action::Select(doc.all())),
            ('b', false) => act(Action::Toggle(Mark::Bold)),
            ('i', false) => act(Action::Toggle(Mark::Italic)),
            ('u', false) => act(Action::Toggle(Mark::Underline)),
            ('x', true) => act(Action::Toggle(Mark::Strike)),
            ('c', true) => act(Action::Toggle(Mark::Code)),
            ('k', _) => act(Action::Link),
            ('z', false) => act(Action::Undo),
            ('z', true) | ('y', _) => act(Action::Redo),
            ('c', false) => act(Action::Copy),
            ('x', false) => act(Action::Cut),
            ('v', _) => act(Action::Paste),
            _ => Outcome::Foreign,
        };
    }
    let text: String = press
        .text
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if text.is_empty() {
        Outcome::Foreign
    } else {
        act(Action::Insert(text))
    }
}

#[cfg(test)]
mod tests {
    use super::step;

    #[test]
    fn steps_by_grapheme_and_word() {
        let t = "héllo wörld e\u{301}x";
        assert_eq!(step(t, 0, true, false), 1);
        assert_eq!(step(t, 5, true, true), 11);
        assert_eq!(step(t, 11, false, true), 6);
        assert_eq!(step(t, 0, true, true), 5);
        // "e" + combining acute is one grapheme: two chars.
        assert_eq!(step(t, 12, true, false), 14);
        assert_eq!(step(t, 14, false, false), 12);
    }
}
