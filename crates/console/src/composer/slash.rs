//! Standard replies in the composer: "/" at the start of a word opens a list of the
//! replies that match what follows (Up, Down, Enter or a click inserts, Esc closes), and
//! the placeholders a reply leaves (`[[order number]]`) are highlighted and walked with
//! Tab. The parent fills a chosen reply's variables ([`Action::Chosen`]) and hands it
//! back to [`Composer::insert_reply`]. Both bodies: the formatted one counts in characters
//! per block, iced's plain editor in bytes per line.

use super::{Action, Body, Composer, Message, Notice, style};
use crate::widget::focus::Keys;
use crate::widget::rich_editor::{Extras, ListKey};
use iced::widget::text_editor::{self, Cursor};
use iced::widget::{button, column, row, text};
use iced::{Element, Length};
use livewindow_core::reply::{StandardReply, matching, placeholders};
use livewindow_richtext::{Document, Position, Selection};
use std::sync::Arc;

/// At most this many replies show in the list.
pub const SHOWN: usize = 6;

/// Where a "/word" starts: in the formatted body, or in the plain one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum At {
    Rich(Position),
    Plain(text_editor::Position),
}

/// The open list: where its "/" is, what follows it, the chosen row.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Open {
    at: At,
    query: String,
    chosen: usize,
}

/// In the text before the caret, the "/word" it ends: the byte index of its "/" and what
/// follows. The "/" must start a word ("and/or" opens nothing).
fn slash_word(before: &str) -> Option<(usize, &str)> {
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let query = before[start..].strip_prefix('/')?;
    (!query.contains('/')).then_some((start, query))
}

/// The "/word" before a collapsed caret, and the caret.
fn word_at_caret(body: &Body) -> Option<(At, At, String)> {
    match body {
        Body::Rich(r) => {
            let p = r.selection.focus;
            if !r.selection.is_collapsed() {
                return None;
            }
            let text = r.doc.block(p.block)?.as_text()?.text();
            let before: String = text.chars().take(p.offset).collect();
            let (start, query) = slash_word(&before)?;
            let at = Position::new(p.block, before[..start].chars().count());
            Some((At::Rich(at), At::Rich(p), query.to_string()))
        }
        Body::Plain(c) => {
            let cursor = c.cursor();
            if cursor.selection.is_some_and(|s| s != cursor.position) {
                return None;
            }
            let p = cursor.position;
            let line = c.line(p.line)?;
            let before = line.text.get(..p.column)?;
            let (start, query) = slash_word(before)?;
            let at = text_editor::Position {
                line: p.line,
                column: start,
            };
            Some((At::Plain(at), At::Plain(p), query.to_string()))
        }
    }
}

/// The placeholders of the formatted body, as ranges of the document.
fn rich_placeholders(doc: &Document) -> Vec<Selection> {
    let mut found = Vec::new();
    for (i, block) in doc.blocks().enumerate() {
        let Some(t) = block.as_text() else { continue };
        let text = t.text();
        for p in placeholders(&text) {
            let start = text[..p.start].chars().count();
            let end = start + text[p.start..p.end].chars().count();
            found.push(Selection::new(
                Position::new(i, start),
                Position::new(i, end),
            ));
        }
    }
    found
}

/// The placeholders of the plain body: (line, start byte, end byte).
fn plain_placeholders(c: &text_editor::Content) -> Vec<(usize, usize, usize)> {
    c.lines()
        .enumerate()
        .flat_map(|(i, line)| {
            placeholders(&line.text)
                .into_iter()
                .map(move |p| (i, p.start, p.end))
        })
        .collect()
}

/// The next range after `from` (or before it, `back`), wrapping around.
fn next<T: Copy + PartialOrd>(ranges: &[(T, T)], from: (T, T), back: bool) -> Option<(T, T)> {
    if back {
        ranges
            .iter()
            .rev()
            .find(|r| r.1 <= from.0 && *r != &from)
            .or(ranges.last())
            .copied()
    } else {
        ranges
            .iter()
            .find(|r| r.0 >= from.1 || (r.0 >= from.0 && r.1 > from.1))
            .or(ranges.first())
            .copied()
    }
}

impl Composer {
    /// The replies the agent sees, for the "/" list.
    pub fn set_replies(&mut self, replies: Arc<[StandardReply]>) {
        self.replies = replies;
        self.refresh_slash();
    }

    /// The replies the agent sees.
    pub fn replies(&self) -> Arc<[StandardReply]> {
        self.replies.clone()
    }

    /// The replies the open list shows, best first.
    pub fn reply_list(&self) -> Vec<&StandardReply> {
        match &self.slash {
            Some(open) => matching(&self.replies, &open.query)
                .into_iter()
                .take(SHOWN)
                .collect(),
            None => Vec::new(),
        }
    }

    /// The row chosen in the open list.
    pub fn reply_chosen(&self) -> Option<usize> {
        self.slash.as_ref().map(|o| o.chosen)
    }

    /// The line Send shows while a placeholder is unfilled, naming the first.
    pub fn unfilled(&self) -> Option<String> {
        livewindow_core::reply::unfilled(&self.draft_text())
    }

    /// Send refused: the line shows under the composer.
    pub fn refuse(&mut self, line: String) {
        self.notice = Some(line);
    }

    /// After an edit or a move: opens, follows or closes the list.
    pub(super) fn refresh_slash(&mut self) {
        // Open even with no replies: *Browse replies…* is where the agent adds their first.
        let Some((at, _, query)) = word_at_caret(&self.body) else {
            self.slash = None;
            self.dismissed = None;
            return;
        };
        if self.dismissed == Some(at) {
            return;
        }
        match &mut self.slash {
            Some(open) if open.at == at => {
                if open.query != query {
                    open.query = query;
                    open.chosen = 0;
                }
            }
            _ => {
                self.slash = Some(Open {
                    at,
                    query,
                    chosen: 0,
                })
            }
        }
    }

    /// A key of the open list.
    pub(super) fn list_key(&mut self, key: ListKey) -> Action {
        let shown = self.reply_list().len();
        let Some(open) = &mut self.slash else {
            return Action::None;
        };
        let chosen = open.chosen;
        match key {
            ListKey::Up if shown > 0 => open.chosen = (open.chosen + shown - 1) % shown,
            ListKey::Down if shown > 0 => open.chosen = (open.chosen + 1) % shown,
            ListKey::Choose => return self.choose(chosen),
            ListKey::Close => {
                self.dismissed = Some(open.at);
                self.slash = None;
                return self.refocus();
            }
            ListKey::Up | ListKey::Down => {}
        }
        Action::None
    }

    /// Takes row `i`: the "/word" goes, and the parent fills the reply for
    /// [`Composer::insert_reply`].
    pub(super) fn choose(&mut self, i: usize) -> Action {
        let Some(reply) = self.reply_list().get(i).map(|r| (*r).clone()) else {
            return Action::None;
        };
        if let Some((at, caret, _)) = word_at_caret(&self.body) {
            match (&mut self.body, at, caret) {
                (Body::Rich(r), At::Rich(a), At::Rich(c)) => {
                    let p = r.doc.delete(Selection::new(a, c));
                    r.edited(p);
                }
                (Body::Plain(p), At::Plain(a), At::Plain(c)) => {
                    p.move_to(Cursor {
                        position: c,
                        selection: Some(a),
                    });
                    p.perform(text_editor::Action::Edit(text_editor::Edit::Backspace));
                }
                _ => {}
            }
        }
        self.slash = None;
        Action::Chosen(reply)
    }

    /// Inserts a reply, its variables filled, at the caret, and selects its first
    /// placeholder (then Tab goes on to the next).
    pub fn insert_reply(&mut self, html: Option<&str>, text: &str) {
        match &mut self.body {
            Body::Rich(r) => {
                let start = r.selection.range().0;
                let fragment = match html {
                    Some(h) => Document::from_stored_html(h),
                    None => Document::from_plain(text),
                };
                if let Err(Notice(n)) = r.paste_fragment(&fragment) {
                    self.notice = Some(n);
                    return;
                }
                let from = Selection::caret(start);
                if let Some(first) = rich_placeholders(&r.doc)
                    .into_iter()
                    .find(|p| p.range().0 >= from.range().0)
                {
                    r.selection = first;
                }
            }
            Body::Plain(p) => {
                let start = p.cursor().position;
                p.perform(text_editor::Action::Edit(text_editor::Edit::Paste(
                    Arc::new(text.to_string()),
                )));
                if let Some((line, s, e)) = plain_placeholders(p)
                    .into_iter()
                    .find(|(l, s, _)| (*l, *s) >= (start.line, start.column))
                {
                    p.move_to(Cursor {
                        position: text_editor::Position { line, column: e },
                        selection: Some(text_editor::Position { line, column: s }),
                    });
                }
            }
        }
        self.refresh_slash();
    }

    /// Tab: the next placeholder (Shift+Tab: the one before), selected.
    pub(super) fn next_placeholder(&mut self, back: bool) {
        match &mut self.body {
            Body::Rich(r) => {
                let key = |s: &Selection| {
                    let (a, b) = s.range();
                    ((a.block, a.offset), (b.block, b.offset))
                };
                let all = rich_placeholders(&r.doc);
                let ranges: Vec<_> = all.iter().map(key).collect();
                if let Some(n) = next(&ranges, key(&r.selection), back)
                    && let Some(s) = all.iter().find(|&s| key(s) == n)
                {
                    r.selection = *s;
                    r.pending = None;
                }
            }
            Body::Plain(p) => {
                let c = p.cursor();
                let here = c.position;
                let anchor = c.selection.unwrap_or(here);
                let (a, b) = if (anchor.line, anchor.column) <= (here.line, here.column) {
                    (anchor, here)
                } else {
                    (here, anchor)
                };
                let ranges: Vec<_> = plain_placeholders(p)
                    .into_iter()
                    .map(|(l, s, e)| ((l, s), (l, e)))
                    .collect();
                if let Some(((l, s), (_, e))) =
                    next(&ranges, ((a.line, a.column), (b.line, b.column)), back)
                {
                    p.move_to(Cursor {
                        position: text_editor::Position { line: l, column: e },
                        selection: Some(text_editor::Position { line: l, column: s }),
                    });
                }
            }
        }
    }

    /// The keys the editor leaves to the list and the placeholders, and what to highlight.
    pub(super) fn extras(&self) -> Extras {
        let list_open = !self.reply_list().is_empty();
        match &self.body {
            Body::Rich(r) => {
                let highlights = rich_placeholders(&r.doc);
                Extras {
                    list_open,
                    placeholders: !highlights.is_empty(),
                    highlights,
                }
            }
            Body::Plain(p) => Extras {
                list_open,
                placeholders: !plain_placeholders(p).is_empty(),
                highlights: Vec::new(),
            },
        }
    }

    /// The open list, above the editor.
    pub(super) fn list_view(&self) -> Option<Element<'_, Message>> {
        let open = self.slash.as_ref()?;
        let list = self.reply_list();
        let mut col = column![].spacing(2);
        if list.is_empty() {
            let line = if self.replies.is_empty() {
                "No standard replies yet.".to_string()
            } else {
                format!("No standard reply matches \"/{}\".", open.query)
            };
            col = col.push(text(line).size(12).style(style::muted));
        }
        for (i, r) in list.into_iter().enumerate() {
            let first_line = r.body_text.lines().next().unwrap_or("");
            let line = row![
                text(format!("/{}", r.shortcut))
                    .size(13)
                    .width(Length::Fixed(90.0)),
                text(&r.name).size(13).width(Length::Fixed(150.0)),
                // One short line: the row stays one line high.
                text(style::shown(first_line, 22))
                    .size(12)
                    .style(style::muted)
                    .width(Length::Fill),
            ]
            .spacing(8);
            let chosen = i == open.chosen;
            col = col.push(
                button(line)
                    .width(Length::Fill)
                    .padding([2, 6])
                    .style(move |t, s| {
                        if chosen {
                            button::primary(t, s)
                        } else {
                            button::text(t, s)
                        }
                    })
                    .keys(Some(Message::PickReply(i))),
            );
        }
        col = col.push(
            button(text("Browse replies…").size(12))
                .style(button::text)
                .keys(Some(Message::BrowseReplies)),
        );
        Some(
            iced::widget::container(col)
                .padding(4)
                .style(iced::widget::container::bordered_box)
                .width(Length::Fill)
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slash_opens_only_at_the_start_of_a_word() {
        assert_eq!(slash_word("/"), Some((0, "")));
        assert_eq!(slash_word("Hi /ref"), Some((3, "ref")));
        assert_eq!(slash_word("Hi\u{a0}/ré"), Some((4, "ré")));
        assert_eq!(slash_word("and/or"), None);
        assert_eq!(slash_word("/a/b"), None);
        assert_eq!(slash_word("Hi /ref "), None);
    }

    #[test]
    fn tab_walks_placeholders_and_wraps() {
        let r = [(1, 3), (5, 7), (9, 11)];
        assert_eq!(next(&r, (0, 0), false), Some((1, 3)));
        assert_eq!(next(&r, (1, 3), false), Some((5, 7)));
        assert_eq!(next(&r, (9, 11), false), Some((1, 3)));
        assert_eq!(next(&r, (5, 7), true), Some((1, 3)));
        assert_eq!(next(&r, (1, 3), true), Some((9, 11)));
        assert_eq!(next(&[] as &[(i32, i32)], (0, 0), false), None);
    }
}
