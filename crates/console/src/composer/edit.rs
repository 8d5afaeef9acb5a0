//! The formatted composer's editing: the editor widget's actions, marks, block styles,
//! links, undo.

use super::{Action, LinkEdit, Message, Rich, StyleChoice, link_id, sends};
use crate::widget::rich_editor::Action as Editor;
use livewindow_richtext::{Block, BlockStyle, Document, Mark, Marks, Position, Selection};

/// What an edit asks of the composer.
pub(super) enum Outcome {
    Done,
    /// Give the editor the keyboard back (after a toolbar button).
    Refocus,
    Action(Action),
}

/// The range of the link around `p`, if the caret is in one.
fn link_around(doc: &Document, p: Position) -> Option<Selection> {
    let t = doc.block(p.block)?.as_text()?;
    let link = doc.marks_at(p).link?;
    let mut start = 0;
    let mut range: Option<(usize, usize)> = None;
    for run in &t.runs {
        let len = run.text.chars().count();
        let end = start + len;
        if run.marks.link.as_ref() == Some(&link) {
            range = match range {
                Some((s, e)) if e == start => Some((s, end)),
                _ if start <= p.offset && p.offset <= end => Some((start, end)),
                r => r,
            };
        } else if range.is_some_and(|(_, e)| e <= p.offset) {
            range = None;
        }
        start = end;
    }
    let (s, e) = range?;
    Some(Selection::new(
        Position::new(p.block, s),
        Position::new(p.block, e),
    ))
}

impl Rich {
    pub(super) fn marks(&self) -> Marks {
        if let Some(m) = &self.pending {
            return m.clone();
        }
        if self.selection.is_collapsed() {
            self.doc.marks_at(self.selection.focus)
        } else {
            self.doc.marks_in(self.selection)
        }
    }

    pub(super) fn focus_style(&self) -> BlockStyle {
        match self.doc.block(self.selection.focus.block) {
            Some(Block::Text(t)) => t.style,
            _ => BlockStyle::Paragraph,
        }
    }

    /// After an edit: the caret where it left it, no pending marks.
    pub(super) fn edited(&mut self, caret: Position) {
        self.selection = Selection::caret(caret);
        self.pending = None;
    }

    fn toggle(&mut self, mark: Mark) {
        if self.selection.is_collapsed() {
            let mut m = self.marks();
            m.set(mark, !m.has(mark));
            self.pending = Some(m);
        } else {
            self.doc.toggle_mark(self.selection, mark);
        }
    }

    fn enter(&mut self, enter_sends: bool, shift: bool, command: bool) -> Outcome {
        if sends(enter_sends, shift, command) {
            return Outcome::Action(Action::Send);
        }
        // Enter on an empty list item ends the list, as in word processors.
        let p = self.selection.focus;
        if self.selection.is_collapsed()
            && let Some(Block::Text(t)) = self.doc.block(p.block)
            && t.is_empty()
            && matches!(t.style, BlockStyle::ListItem { .. })
        {
            let sel = self.selection;
            self.doc.set_block_style(sel, BlockStyle::Paragraph);
            return Outcome::Done;
        }
        let at = self.doc.split_block(self.selection);
        self.edited(at);
        Outcome::Done
    }

    fn undo(&mut self, redo: bool) {
        let s = if redo {
            self.doc.redo()
        } else {
            self.doc.undo()
        };
        if let Some(s) = s {
            self.selection = self.doc.clamp_selection(s);
            self.pending = None;
        }
    }

    fn open_link(&mut self, chat: i64) -> Outcome {
        if self.selection.is_collapsed()
            && let Some(range) = link_around(&self.doc, self.selection.focus)
        {
            self.selection = range;
        }
        let url = self
            .marks()
            .link
            .map(|l| l.as_str().to_string())
            .unwrap_or_default();
        self.link = Some(LinkEdit { url, error: None });
        Outcome::Action(Action::Run(iced::widget::operation::focus(link_id(chat))))
    }

    fn apply_link(&mut self) -> Outcome {
        let Some(l) = &mut self.link else {
            return Outcome::Done;
        };
        let url = l.url.trim().to_string();
        let Some(link) = livewindow_richtext::Link::parse(&url) else {
            l.error = Some("A link must start with http://, https:// or mailto:".to_string());
            return Outcome::Done;
        };
        if self.selection.is_collapsed() {
            // No text chosen: the address itself becomes the linked text.
            let mut marks = self.marks();
            marks.link = Some(link);
            let at = self.doc.insert_styled(self.selection, &url, &marks);
            self.selection = Selection::caret(at);
        } else if self.doc.set_link(self.selection, Some(&url)).is_err() {
            l.error = Some("That address cannot be a link.".to_string());
            return Outcome::Done;
        }
        self.link = None;
        Outcome::Refocus
    }

    /// What the editor widget asked for.
    fn editor(&mut self, action: Editor, chat: i64, enter_sends: bool) -> Outcome {
        match action {
            Editor::Select(s) => {
                self.selection = self.doc.clamp_selection(s);
                self.pending = None;
            }
            Editor::Insert(t) => {
                let at = match self.pending.take() {
                    Some(m) if self.selection.is_collapsed() => {
                        self.doc.insert_styled(self.selection, &t, &m)
                    }
                    _ => self.doc.insert_text(self.selection, &t),
                };
                self.selection = Selection::caret(at);
            }
            Editor::Delete(s) => {
                let at = self.doc.delete(s);
                self.edited(at);
            }
            Editor::Unstyle(block) => {
                let sel = Selection::caret(Position::new(block, 0));
                match self.doc.block(block) {
                    Some(Block::Text(t)) if matches!(t.style, BlockStyle::ListItem { level, .. } if level > 0) =>
                    {
                        self.doc.outdent(sel);
                    }
                    _ => self.doc.set_block_style(sel, BlockStyle::Paragraph),
                }
            }
            Editor::Enter { shift, command } => return self.enter(enter_sends, shift, command),
            Editor::Toggle(m) => self.toggle(m),
            Editor::Link => return self.open_link(chat),
            Editor::Undo => self.undo(false),
            Editor::Redo => self.undo(true),
            Editor::Indent => {
                let sel = self.selection;
                self.doc.indent(sel);
            }
            Editor::Outdent => {
                let sel = self.selection;
                self.doc.outdent(sel);
            }
            Editor::Copy => return self.copy(),
            Editor::Cut => {
                let copy = self.copy();
                let at = self.doc.delete(self.selection);
                self.edited(at);
                return copy;
            }
            Editor::Paste => return Outcome::Action(Action::ReadClipboard),
            // The composer takes these before the body sees them.
            Editor::List(_) | Editor::NextPlaceholder { .. } => {}
            Editor::RemoveImage(block) => {
                let at = self.doc.delete(Selection::new(
                    Position::new(block, 0),
                    Position::new(block, 1),
                ));
                self.edited(at);
            }
        }
        Outcome::Done
    }

    /// The composer's messages that edit the formatted body.
    pub(super) fn update(&mut self, message: Message, chat: i64, enter_sends: bool) -> Outcome {
        match message {
            Message::Editor(action) => return self.editor(action, chat, enter_sends),
            Message::Mark(m) => self.toggle(m),
            Message::Style(choice) => {
                let style = match choice {
                    StyleChoice::Paragraph => BlockStyle::Paragraph,
                    StyleChoice::Heading(n) => BlockStyle::Heading(n),
                };
                self.doc.set_block_style(self.selection, style);
            }
            Message::List(kind) => {
                let same = matches!(self.focus_style(), BlockStyle::ListItem { kind: k, .. } if k.is_ordered() == kind.is_ordered());
                let style = if same {
                    BlockStyle::Paragraph
                } else {
                    BlockStyle::ListItem { kind, level: 0 }
                };
                self.doc.set_block_style(self.selection, style);
            }
            Message::Indent => {
                let sel = self.selection;
                self.doc.indent(sel);
            }
            Message::Outdent => {
                let sel = self.selection;
                self.doc.outdent(sel);
            }
            Message::Colour(c) => {
                if self.selection.is_collapsed() {
                    let mut m = self.marks();
                    m.colour = c.rgb();
                    self.pending = Some(m);
                } else {
                    self.doc.set_colour(self.selection, c.rgb());
                }
            }
            Message::Link => return self.open_link(chat),
            Message::LinkUrl(url) => {
                if let Some(l) = &mut self.link {
                    l.url = url;
                    l.error = None;
                }
                return Outcome::Done;
            }
            Message::LinkApply => return self.apply_link(),
            Message::LinkRemove => {
                let _ = self.doc.set_link(self.selection, None);
                self.link = None;
            }
            Message::LinkCancel => self.link = None,
            Message::Clear => {
                self.pending = None;
                self.doc.clear_formatting(self.selection);
            }
            Message::Undo => self.undo(false),
            Message::Redo => self.undo(true),
            // Not edits of the body: the composer handles them.
            _ => return Outcome::Done,
        }
        Outcome::Refocus
    }
}
