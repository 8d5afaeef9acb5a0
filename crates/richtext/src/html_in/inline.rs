//! Inline text as a browser lays it out: runs of whitespace collapse to one space, spaces at
//! the start and end of a line vanish, `<br>` breaks the line. Used for blocks and cells.

use crate::model::{Marks, Run};
use crate::runs;

/// How a piece of text treats whitespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Space {
    /// HTML's default: collapse.
    Collapse,
    /// `<pre>`, white-space:pre: spaces and newlines as written.
    Preserve,
    /// Word's mso-spacerun: every whitespace char is one space, line breaks too.
    Literal,
}

#[derive(Debug, Default)]
pub(super) struct Inline {
    runs: Vec<Run>,
    /// Nothing but (collapsed) whitespace since the last line start: leading spaces go.
    at_line_start: bool,
    /// The last char written is a collapsible space.
    trailing_space: bool,
    /// A block boundary inside this inline (a `<p>` inside a cell or list item) asks for a
    /// line break before the next text.
    want_break: bool,
    /// Chars written, for the document's budget.
    pub chars: usize,
}

impl Inline {
    pub fn new() -> Self {
        Inline {
            at_line_start: true,
            ..Inline::default()
        }
    }

    pub fn has_content(&self) -> bool {
        !self.runs.is_empty()
    }

    /// Appends `text`; at most `budget` chars are written. Returns the number written.
    pub fn push_text(&mut self, text: &str, marks: &Marks, space: Space, budget: usize) -> usize {
        let mut out = String::new();
        let mut written = 0;
        for c in text.chars() {
            if written >= budget {
                break;
            }
            let c = match (c, space) {
                ('\r', _) => continue,
                ('\n', Space::Preserve) => {
                    self.line_break_into(&mut out);
                    written += 1;
                    continue;
                }
                (c, Space::Literal) if c.is_whitespace() => ' ',
                (' ' | '\t' | '\x0c', Space::Preserve) => ' ',
                (' ' | '\t' | '\n' | '\x0c', Space::Collapse) => {
                    if !self.at_line_start && !self.trailing_space && !self.want_break {
                        out.push(' ');
                        self.trailing_space = true;
                        written += 1;
                    }
                    continue;
                }
                ('\u{a0}', _) => ' ',
                (c, _) if c.is_control() => continue,
                (c, _) => c,
            };
            if self.want_break {
                self.want_break = false;
                out.push('\n');
                written += 1;
            }
            out.push(c);
            written += 1;
            self.at_line_start = false;
            self.trailing_space = false;
        }
        self.append(out, marks);
        self.chars += written;
        written
    }

    /// `<br>`: a line break now.
    pub fn push_break(&mut self, marks: &Marks) {
        let mut out = String::new();
        self.line_break_into(&mut out);
        self.append(out, marks);
        self.chars += 1;
    }

    fn line_break_into(&mut self, out: &mut String) {
        if self.trailing_space {
            if out.ends_with(' ') {
                out.pop();
            } else {
                self.pop_trailing_space();
            }
        }
        self.want_break = false;
        out.push('\n');
        self.at_line_start = true;
        self.trailing_space = false;
    }

    /// A block boundary inside the inline: the next text starts on a new line.
    pub fn soft_break(&mut self) {
        if self.has_content() && !self.at_line_start {
            if self.trailing_space {
                self.pop_trailing_space();
                self.trailing_space = false;
            }
            self.want_break = true;
        }
    }

    /// A separator between flattened cells of a nested table.
    pub fn soft_space(&mut self) {
        if self.has_content() && !self.at_line_start && !self.trailing_space && !self.want_break {
            let marks = self
                .runs
                .last()
                .map(|r| r.marks.clone())
                .unwrap_or_default();
            self.append(" ".to_string(), &marks);
            self.trailing_space = true;
            self.chars += 1;
        }
    }

    fn pop_trailing_space(&mut self) {
        if let Some(last) = self.runs.last_mut() {
            last.text.pop();
            if last.text.is_empty() {
                self.runs.pop();
            }
        }
    }

    fn append(&mut self, text: String, marks: &Marks) {
        if text.is_empty() {
            return;
        }
        let marks = marks.clone();
        match self.runs.last_mut() {
            Some(last) if last.marks == marks => last.text.push_str(&text),
            _ => self.runs.push(Run::new(text, marks)),
        }
    }

    /// The runs, without what a browser would not show at the end: a collapsible space and
    /// one line break.
    pub fn finish(mut self) -> Vec<Run> {
        if self.trailing_space {
            self.pop_trailing_space();
        }
        if let Some(last) = self.runs.last_mut()
            && last.text.ends_with('\n')
        {
            last.text.pop();
            if last.text.is_empty() {
                self.runs.pop();
            }
        }
        runs::normalize(&mut self.runs);
        self.runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(runs: &[Run]) -> String {
        runs.iter().map(|r| r.text.as_str()).collect()
    }

    #[test]
    fn collapses_like_a_browser() {
        let m = Marks::default();
        let mut i = Inline::new();
        i.push_text("  \n hello   ", &m, Space::Collapse, usize::MAX);
        let bold = Marks {
            bold: true,
            ..Marks::default()
        };
        i.push_text("  world\u{a0} ", &bold, Space::Collapse, usize::MAX);
        i.push_break(&m);
        i.push_text("  next", &m, Space::Collapse, usize::MAX);
        i.push_break(&m);
        let runs = i.finish();
        assert_eq!(text(&runs), "hello world \nnext");
        assert_eq!(runs[1].text, "world ");
    }

    #[test]
    fn soft_breaks_and_budget() {
        let m = Marks::default();
        let mut i = Inline::new();
        i.soft_break();
        i.push_text("a ", &m, Space::Collapse, usize::MAX);
        i.soft_break();
        i.soft_break();
        i.push_text(" b", &m, Space::Collapse, usize::MAX);
        assert_eq!(i.push_text("cdef", &m, Space::Collapse, 2), 2);
        assert_eq!(text(&i.finish()), "a\nbcd");
    }
}
