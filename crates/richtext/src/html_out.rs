//! The model as a small HTML subset, the wire and storage format.
//!
//! Everything written comes from the model, never from input markup, so the output holds
//! only: p, h1-h3, ul/ol (start)/li, table/tr/td/th (colspan, rowspan), strong, em, u, s,
//! code, span style="color:#rrggbb", a href (http/https/mailto, rel="noopener noreferrer",
//! around text or an image), img src="data:image/…;base64,…" alt, br.

use super::document::{Document, ListMarker, list_layout};
use super::model::{Block, Image, Link, Run, Table};
use base64::Engine;
use std::fmt::Write;

impl Document {
    /// The sanitized HTML of the document. Empty blocks at its start and end are left out
    /// (a message does not begin or end with blank lines; an import drops them too).
    pub fn to_html(&self) -> String {
        to_html(self.content().iter().map(|b| &**b))
    }
}

pub(crate) fn to_html<'a>(blocks: impl Iterator<Item = &'a Block> + Clone) -> String {
    let markers = list_layout(blocks.clone());
    let mut out = String::new();
    // Open lists, innermost last: whether each is ordered. Each has an open <li>.
    let mut lists: Vec<bool> = Vec::new();
    for (block, marker) in blocks.zip(markers) {
        match (block, marker) {
            (Block::Text(t), Some(m)) => {
                open_item(&mut out, &mut lists, m, t.list_kind());
                write_runs(&mut out, &t.runs);
            }
            (block, _) => {
                close_lists(&mut out, &mut lists, 0);
                match block {
                    Block::Text(t) => {
                        let tag = match t.style {
                            super::BlockStyle::Heading(n) => {
                                ["h1", "h2", "h3"][usize::from(n.clamp(1, 3)) - 1]
                            }
                            _ => "p",
                        };
                        let _ = write!(out, "<{tag}>");
                        write_runs(&mut out, &t.runs);
                        let _ = writeln!(out, "</{tag}>");
                    }
                    Block::Table(t) => write_table(&mut out, t),
                    Block::Image(i) => write_image(&mut out, i),
                }
            }
        }
    }
    close_lists(&mut out, &mut lists, 0);
    out
}

impl super::TextBlock {
    fn list_kind(&self) -> super::ListKind {
        match self.style {
            super::BlockStyle::ListItem { kind, .. } => kind,
            _ => super::ListKind::Bulleted,
        }
    }
}

fn open_item(out: &mut String, lists: &mut Vec<bool>, m: ListMarker, kind: super::ListKind) {
    let level = usize::from(m.level);
    close_lists(out, lists, level + 1);
    if lists.len() == level + 1 {
        if m.starts_list {
            close_lists(out, lists, level);
        } else {
            out.push_str("</li>\n");
        }
    }
    if lists.len() == level {
        match kind {
            super::ListKind::Ordered { start, numbering } => {
                out.push_str("<ol");
                if numbering != crate::Numbering::Decimal {
                    let _ = write!(out, " type=\"{}\"", numbering.html_type());
                }
                if start != 1 {
                    let _ = write!(out, " start=\"{start}\"");
                }
                out.push_str(">\n");
            }
            super::ListKind::Bulleted => out.push_str("<ul>\n"),
        }
        lists.push(kind.is_ordered());
    }
    out.push_str("<li>");
}

/// Closes lists until `keep` remain open.
fn close_lists(out: &mut String, lists: &mut Vec<bool>, keep: usize) {
    while lists.len() > keep {
        let ordered = lists.pop().unwrap_or(false);
        out.push_str(if ordered {
            "</li>\n</ol>\n"
        } else {
            "</li>\n</ul>\n"
        });
    }
}

fn write_table(out: &mut String, t: &Table) {
    out.push_str("<table>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for cell in row {
            let tag = if cell.header { "th" } else { "td" };
            let _ = write!(out, "<{tag}");
            if cell.colspan > 1 {
                let _ = write!(out, " colspan=\"{}\"", cell.colspan);
            }
            if cell.rowspan > 1 {
                let _ = write!(out, " rowspan=\"{}\"", cell.rowspan);
            }
            out.push('>');
            write_runs(out, &cell.runs);
            let _ = write!(out, "</{tag}>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn write_image(out: &mut String, image: &Image) {
    match image {
        Image::Embedded {
            bytes,
            mime,
            alt,
            link,
        } => {
            out.push_str("<p>");
            if let Some(l) = link {
                open_link(out, l);
            }
            push_img(out, bytes, mime.as_str(), alt);
            if link.is_some() {
                out.push_str("</a>");
            }
            out.push_str("</p>\n");
        }
        Image::Placeholder { reason } => {
            // Written as the paragraph it imports back as.
            out.push_str("<p>");
            write_runs(out, &[Run::plain(format!("[{reason}]"))]);
            out.push_str("</p>\n");
        }
    }
}

fn open_link(out: &mut String, link: &Link) {
    out.push_str("<a href=\"");
    push_escaped(out, link.as_str());
    out.push_str("\" rel=\"noopener noreferrer\">");
}

/// Writes runs, grouping neighbours with the same link into one `<a>`.
fn write_runs(out: &mut String, runs: &[Run]) {
    let total = runs.len();
    let mut space_before = true;
    let mut i = 0;
    while i < total {
        let link = runs[i].marks.link.clone();
        if let Some(l) = &link {
            open_link(out, l);
        }
        while i < total && runs[i].marks.link == link {
            let following = runs.get(i + 1).and_then(|r| r.text.chars().next());
            write_run(out, &runs[i], &mut space_before, following);
            i += 1;
        }
        if link.is_some() {
            out.push_str("</a>");
        }
    }
    // A browser shows no empty line for a <br> that ends a block; a second one makes the
    // model's final line break visible (and an import gives back exactly one).
    if runs.last().is_some_and(|r| r.text.ends_with('\n')) {
        out.push_str("<br>");
    }
}

/// `following` is the first char of the next run in the block (None at the block's end).
fn write_run(out: &mut String, run: &Run, space_before: &mut bool, following: Option<char>) {
    let m = &run.marks;
    let mut close = Vec::new();
    if let Some(c) = m.colour {
        let _ = write!(out, "<span style=\"color:{}\">", c.hex());
        close.push("</span>");
    }
    for (on, open, end) in [
        (m.bold, "<strong>", "</strong>"),
        (m.italic, "<em>", "</em>"),
        (m.underline, "<u>", "</u>"),
        (m.strike, "<s>", "</s>"),
        (m.code, "<code>", "</code>"),
    ] {
        if on {
            out.push_str(open);
            close.push(end);
        }
    }
    let chars: Vec<char> = run.text.chars().collect();
    for (k, &c) in chars.iter().enumerate() {
        match c {
            '\n' => {
                out.push_str("<br>");
                *space_before = true;
                continue;
            }
            // A space HTML would collapse or trim is written as &nbsp;, so what the model
            // holds is what a reader sees, and an import gives it back.
            ' ' => {
                let next = chars.get(k + 1).copied().or(following);
                let at_end = matches!(next, None | Some('\n'));
                if *space_before || at_end {
                    out.push_str("&nbsp;");
                } else {
                    out.push(' ');
                }
                *space_before = true;
                continue;
            }
            c => match entity(c) {
                Some(e) => out.push_str(e),
                None => out.push(c),
            },
        }
        *space_before = false;
    }
    for end in close.iter().rev() {
        out.push_str(end);
    }
}

/// The entity for a char HTML would read as markup, else `None`. Quotes are escaped too, so
/// one rule serves element content and double-quoted attribute values alike: this is the
/// only HTML escaping in the crate.
fn entity(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        _ => None,
    }
}

/// Appends `text` escaped (see [`entity`]).
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match entity(c) {
            Some(e) => out.push_str(e),
            None => out.push(c),
        }
    }
}

/// One `<img>` with its bytes as a data URL and its alt text escaped: the only place the
/// tag is written.
fn push_img(out: &mut String, bytes: &[u8], mime: &str, alt: &str) {
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    let _ = write!(out, "<img src=\"data:{mime};base64,{data}\" alt=\"");
    push_escaped(out, alt);
    out.push_str("\">");
}

/// The HTML of a message that is one image with its name under it (a customer's upload):
/// the image's paragraph, then the name as a plain paragraph. `mime` must be an image type
/// the caller read from the bytes.
pub fn image_message_html(bytes: &[u8], mime: &str, name: &str) -> String {
    let mut out = String::from("<p>");
    push_img(&mut out, bytes, mime, name);
    out.push_str("</p>");
    out.push_str(&plain_to_html(name));
    out
}

/// `text` with the characters markup would read escaped: for anything else that shows user
/// text through a markup parser (desktop notifications' body markup, for one).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// The HTML of a plain-text message: `<p>`, the text escaped with each `'\n'` as `<br>`,
/// `</p>`. Stored plain messages hold exactly this, so its output must never change (the
/// transcript compares against it to tell plain messages from rich ones).
pub fn plain_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 7);
    out.push_str("<p>");
    for line in text.split_inclusive('\n') {
        match line.strip_suffix('\n') {
            Some(line) => {
                push_escaped(&mut out, line);
                out.push_str("<br>");
            }
            None => push_escaped(&mut out, line),
        }
    }
    out.push_str("</p>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn image_message() {
        let html = super::image_message_html(b"\x89PNG", "image/png", "a<b>.png");
        assert_eq!(
            html,
            "<p><img src=\"data:image/png;base64,iVBORw==\" alt=\"a&lt;b&gt;.png\"></p><p>a&lt;b&gt;.png</p>"
        );
    }

    /// The store's original, kept here to prove the output is the same byte for byte.
    fn store_plain_to_html(text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 7);
        out.push_str("<p>");
        for c in text.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '\n' => out.push_str("<br>"),
                c => out.push(c),
            }
        }
        out.push_str("</p>");
        out
    }

    #[test]
    fn plain_to_html_matches_the_stored_form() {
        assert_eq!(
            plain_to_html("a < b && c > \"d\" it's\nnext"),
            "<p>a &lt; b &amp;&amp; c &gt; &quot;d&quot; it's<br>next</p>"
        );
        for text in [
            "",
            "\n",
            "\n\n",
            "x\n",
            "\r\n\r\n",
            "  two  spaces\t\u{a0}tab",
            "<script>alert('x')</script>",
            "&amp; &lt; already escaped",
            "emoji 😀 e\u{301} \u{7} \u{0}",
            "'\"'\"",
        ] {
            assert_eq!(plain_to_html(text), store_plain_to_html(text), "{text:?}");
        }
    }
}
