//! The chat composer. With `SVC_CHAT_CKEDITOR_ENABLED` on it is the formatted-text editor
//! (the [`rich_editor`] widget over a [`Document`]) with its toolbar; off, a plain text box
//! whose paste inserts plain text.

use super::clipboard::{self, Clip};
use super::style;
use super::widget::rich_editor::{Action, rich_editor};
use crate::richtext::{
    Block, BlockStyle, Document, Image, ImageMime, ListKind, Mark, Marks, PasteExtras, Position,
    Rgb, Selection,
};
use iced::keyboard::{self, key};
use iced::widget::text_editor::{self, Binding};
use iced::widget::{
    button, checkbox, column, container, pick_list, row, text, text_editor as plain_editor,
    text_input, tooltip,
};
use iced::{Element, Length, Task};
use std::path::PathBuf;

/// Image files the composer takes.
pub const IMAGE_TYPES: &[&str] = &["png", "jpg", "jpeg", "gif", "webp"];

/// Image bytes one message can carry: base64 makes them 4/3 larger inside the message's HTML,
/// which the store caps (and a draft is restored from that HTML, so it must fit too).
const MAX_IMAGES_BYTES: usize = crate::store::MAX_MESSAGE_HTML_BYTES / 4 * 3 - 1024 * 1024;

pub struct Composer {
    chat: i64,
    rich: bool,
    doc: Document,
    selection: Selection,
    plain: text_editor::Content,
    pub enter_sends: bool,
    /// Marks for the next typed text, set by a shortcut or the toolbar with no selection.
    pending: Option<Marks>,
    link: Option<LinkEdit>,
    notice: Option<String>,
    /// What this composer last copied: pasting it back keeps every detail, with or without
    /// a system clipboard.
    copied: Option<(String, Document)>,
}

struct LinkEdit {
    url: String,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Editor(Action),
    Plain(text_editor::Action),
    Mark(Mark),
    Style(StyleChoice),
    List(ListKind),
    Indent,
    Outdent,
    Colour(Colour),
    Link,
    LinkUrl(String),
    LinkApply,
    LinkRemove,
    LinkCancel,
    Clear,
    Undo,
    Redo,
    PickImage,
    ImageFile(Option<PathBuf>),
    ImageLoaded(Result<(Vec<u8>, String), String>),
    Pasted(Result<Clip, String>),
    Copied(Result<(), String>),
    EnterSends(bool),
    DismissNotice,
}

/// What the interaction needs to do after an update.
pub enum Event {
    Send,
    Changed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleChoice {
    Paragraph,
    Heading(u8),
}

impl std::fmt::Display for StyleChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StyleChoice::Paragraph => f.write_str("Normal text"),
            StyleChoice::Heading(n) => write!(f, "Heading {n}"),
        }
    }
}

const STYLES: [StyleChoice; 4] = [
    StyleChoice::Paragraph,
    StyleChoice::Heading(1),
    StyleChoice::Heading(2),
    StyleChoice::Heading(3),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Default,
    Red,
    Orange,
    Green,
    Blue,
    Purple,
    Grey,
}

const COLOURS: [Colour; 7] = [
    Colour::Default,
    Colour::Red,
    Colour::Orange,
    Colour::Green,
    Colour::Blue,
    Colour::Purple,
    Colour::Grey,
];

impl Colour {
    fn rgb(self) -> Option<Rgb> {
        Some(match self {
            Colour::Default => return None,
            Colour::Red => Rgb::new(0xc0, 0x1c, 0x28),
            Colour::Orange => Rgb::new(0xc6, 0x46, 0x00),
            Colour::Green => Rgb::new(0x1a, 0x7f, 0x37),
            Colour::Blue => Rgb::new(0x1c, 0x5f, 0xc8),
            Colour::Purple => Rgb::new(0x81, 0x3d, 0x9c),
            Colour::Grey => Rgb::new(0x6e, 0x6e, 0x6e),
        })
    }

    fn of(rgb: Option<Rgb>) -> Option<Colour> {
        COLOURS.into_iter().find(|c| c.rgb() == rgb)
    }
}

impl std::fmt::Display for Colour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Colour::Default => "Text colour",
            Colour::Red => "Red",
            Colour::Orange => "Orange",
            Colour::Green => "Green",
            Colour::Blue => "Blue",
            Colour::Purple => "Purple",
            Colour::Grey => "Grey",
        })
    }
}

pub fn editor_id(chat: i64) -> iced::widget::Id {
    iced::widget::Id::from(format!("composer-{chat}"))
}

fn link_id(chat: i64) -> iced::widget::Id {
    iced::widget::Id::from(format!("link-url-{chat}"))
}

/// Reads an image file for the composer: size and type checked before it is read whole.
pub async fn load_image(path: PathBuf) -> Result<(Vec<u8>, String), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let meta = tokio::fs::metadata(&path)
        .await
        .map_err(|e| format!("Cannot read {name}: {e}"))?;
    if meta.len() > Image::MAX_BYTES as u64 {
        return Err(format!(
            "{name} is {:.1} MB; images can be at most {} MB.",
            meta.len() as f64 / (1024.0 * 1024.0),
            Image::MAX_BYTES / (1024 * 1024)
        ));
    }
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| format!("Cannot read {name}: {e}"))?;
    if ImageMime::sniff(&bytes).is_none() {
        return Err(format!(
            "{name} is not a PNG, JPEG, GIF or WebP image, so it cannot be sent."
        ));
    }
    Ok((bytes, name))
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

impl Composer {
    /// A composer for `chat`, rich or plain, holding a saved draft (HTML for rich ones when
    /// there is one, else text).
    pub fn new(chat: i64, rich: bool, text: &str, html: Option<&str>) -> Composer {
        let doc = match html {
            Some(h) if rich => crate::richtext::import(h, &PasteExtras::default()),
            _ => Document::from_plain(text),
        };
        let selection = Selection::caret(doc.end());
        Composer {
            chat,
            rich,
            plain: text_editor::Content::with_text(if rich { "" } else { text }),
            doc,
            selection,
            enter_sends: true,
            pending: None,
            link: None,
            notice: None,
            copied: None,
        }
    }

    pub fn is_rich(&self) -> bool {
        self.rich
    }

    pub fn document(&self) -> &Document {
        &self.doc
    }

    pub fn selection(&self) -> Selection {
        self.selection
    }

    /// The inline message under the composer (image limits, link errors), if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Switches between formatted and plain when the profile option changes, keeping the
    /// words of the draft.
    pub fn set_rich(&mut self, rich: bool) {
        if rich == self.rich {
            return;
        }
        if rich {
            self.doc = Document::from_plain(&self.plain.text());
            self.selection = Selection::caret(self.doc.end());
        } else {
            self.plain = text_editor::Content::with_text(&self.doc.to_plain());
        }
        self.rich = rich;
        self.link = None;
    }

    /// The draft as plain text (what the session keeps for a plain composer).
    pub fn draft_text(&self) -> String {
        if self.rich {
            self.doc.to_plain()
        } else {
            self.plain.text()
        }
    }

    /// The draft as HTML, for a formatted composer with something in it.
    pub fn draft_html(&self) -> Option<String> {
        (self.rich && !self.is_empty()).then(|| self.doc.to_html())
    }

    pub fn is_empty(&self) -> bool {
        if self.rich {
            self.doc.to_plain().trim().is_empty()
                && !self.doc.blocks().any(|b| !matches!(b, Block::Text(_)))
        } else {
            self.plain.text().trim().is_empty()
        }
    }

    /// Takes the message to send: (HTML, plain text), or `None` when there is nothing. The
    /// HTML of a plain composer is left to the caller (the escaped text).
    pub fn take(&mut self) -> Option<(Option<String>, String)> {
        if self.is_empty() {
            return None;
        }
        let out = if self.rich {
            // Unformatted paragraphs go as a plain message, as a plain composer sends them.
            let plain_only = self.doc.blocks().all(|b| {
                matches!(b, Block::Text(t) if t.style == BlockStyle::Paragraph
                    && t.runs.iter().all(|r| r.marks.is_plain()))
            });
            let m = (
                (!plain_only).then(|| self.doc.to_html()),
                self.doc.to_plain(),
            );
            self.doc = Document::new();
            self.selection = Selection::default();
            m
        } else {
            let m = (None, self.plain.text().trim().to_string());
            self.plain = text_editor::Content::new();
            m
        };
        self.pending = None;
        self.link = None;
        self.notice = None;
        Some(out)
    }

    /// The marks the toolbar shows lit: the next typed text's, else the selection's.
    pub fn marks(&self) -> Marks {
        if let Some(m) = &self.pending {
            return m.clone();
        }
        if self.selection.is_collapsed() {
            self.doc.marks_at(self.selection.focus)
        } else {
            self.doc.marks_in(self.selection)
        }
    }

    fn focus_style(&self) -> BlockStyle {
        match self.doc.block(self.selection.focus.block) {
            Some(Block::Text(t)) => t.style,
            _ => BlockStyle::Paragraph,
        }
    }

    fn edited(&mut self, caret: Position) -> Option<Event> {
        self.selection = Selection::caret(caret);
        self.pending = None;
        Some(Event::Changed)
    }

    fn paste_fragment(&mut self, fragment: &Document) -> Option<Event> {
        if !self.images_fit(fragment.image_bytes()) {
            return None;
        }
        let at = self.doc.paste(self.selection, fragment);
        self.edited(at)
    }

    /// Whether `more` bytes of images still fit in one message (they travel inside its HTML,
    /// as base64); if not, says so.
    fn images_fit(&mut self, more: usize) -> bool {
        // Text pastes skip the walk over the draft.
        if more == 0 || self.doc.image_bytes() + more <= MAX_IMAGES_BYTES {
            return true;
        }
        self.notice = Some(format!(
            "The images in one message can total at most {} MB; send this in the next message.",
            MAX_IMAGES_BYTES / (1024 * 1024)
        ));
        false
    }

    fn insert_image(&mut self, bytes: &[u8], name: &str) -> Option<Event> {
        if bytes.len() > Image::MAX_BYTES {
            self.notice = Some(format!(
                "That image is {:.1} MB; images can be at most {} MB.",
                bytes.len() as f64 / (1024.0 * 1024.0),
                Image::MAX_BYTES / (1024 * 1024)
            ));
            return None;
        }
        if !self.images_fit(bytes.len()) {
            return None;
        }
        match Image::from_bytes(bytes, name) {
            Some(image) => {
                let at = self.doc.insert_image(self.selection, image);
                self.edited(at)
            }
            None => {
                self.notice = Some("Only PNG, JPEG, GIF and WebP images can be sent.".to_string());
                None
            }
        }
    }

    fn paste(&mut self, clip: Result<Clip, String>) -> Option<Event> {
        let clip = match clip {
            Ok(c) if c.is_empty() => {
                // Something we cannot paste (files, say): not an old copy of our own.
                self.notice = Some("Nothing pasted: the clipboard holds no text or image.".into());
                return None;
            }
            Err(e) => {
                // No system clipboard to reach: what this composer copied still pastes.
                let Some((_, fragment)) = &self.copied else {
                    self.notice = Some(format!("Nothing pasted: {e}."));
                    return None;
                };
                let fragment = fragment.clone();
                return self.paste_fragment(&fragment);
            }
            Ok(c) => c,
        };
        if let Some((plain, fragment)) = &self.copied
            && clip.text.as_deref() == Some(plain.as_str())
        {
            let fragment = fragment.clone();
            return self.paste_fragment(&fragment);
        }
        if let Some(html) = &clip.html {
            let fragment = crate::richtext::import(
                html,
                &PasteExtras {
                    image: clip.image.as_deref(),
                    rtf: clip.rtf.as_deref(),
                    plain: clip.text.as_deref(),
                },
            );
            if !fragment.is_empty() || fragment.block_count() > 1 {
                return self.paste_fragment(&fragment);
            }
        }
        if let Some(image) = &clip.image {
            return self.insert_image(image, "pasted image");
        }
        if let Some(t) = &clip.text {
            let at = self.doc.paste_text(self.selection, t);
            return self.edited(at);
        }
        None
    }

    fn copy(&mut self) -> Task<Message> {
        if self.selection.is_collapsed() {
            return Task::none();
        }
        let fragment = self.doc.copy(self.selection);
        let (html, plain) = (fragment.to_html(), fragment.to_plain());
        self.copied = Some((plain.clone(), fragment));
        Task::perform(clipboard::write(html, plain), Message::Copied)
    }

    fn toggle(&mut self, mark: Mark) -> Option<Event> {
        if self.selection.is_collapsed() {
            let mut m = self.marks();
            m.set(mark, !m.has(mark));
            self.pending = Some(m);
            None
        } else {
            self.doc.toggle_mark(self.selection, mark);
            Some(Event::Changed)
        }
    }

    fn enter(&mut self, shift: bool, command: bool) -> Option<Event> {
        let send = if self.enter_sends {
            !shift && !command
        } else {
            command
        };
        if send {
            return Some(Event::Send);
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
            return Some(Event::Changed);
        }
        let at = self.doc.split_block(self.selection);
        self.edited(at)
    }

    fn editor(&mut self, action: Action) -> (Task<Message>, Option<Event>) {
        let event = match action {
            Action::Select(s) => {
                self.selection = self.doc.clamp_selection(s);
                self.pending = None;
                None
            }
            Action::Insert(t) => {
                let at = match self.pending.take() {
                    Some(m) if self.selection.is_collapsed() => {
                        self.doc.insert_styled(self.selection, &t, &m)
                    }
                    _ => self.doc.insert_text(self.selection, &t),
                };
                self.selection = Selection::caret(at);
                Some(Event::Changed)
            }
            Action::Delete(s) => {
                let at = self.doc.delete(s);
                self.edited(at)
            }
            Action::Unstyle(block) => {
                let sel = Selection::caret(Position::new(block, 0));
                match self.doc.block(block) {
                    Some(Block::Text(t)) if matches!(t.style, BlockStyle::ListItem { level, .. } if level > 0) =>
                    {
                        self.doc.outdent(sel);
                    }
                    _ => self.doc.set_block_style(sel, BlockStyle::Paragraph),
                }
                Some(Event::Changed)
            }
            Action::Enter { shift, command } => self.enter(shift, command),
            Action::Toggle(m) => self.toggle(m),
            Action::Link => return (self.open_link(), None),
            Action::Undo => self.undo(false),
            Action::Redo => self.undo(true),
            Action::Indent => {
                let sel = self.selection;
                self.doc.indent(sel).then_some(Event::Changed)
            }
            Action::Outdent => {
                let sel = self.selection;
                self.doc.outdent(sel).then_some(Event::Changed)
            }
            Action::Copy => return (self.copy(), None),
            Action::Cut => {
                let task = self.copy();
                let at = self.doc.delete(self.selection);
                return (task, self.edited(at));
            }
            Action::Paste => {
                return (Task::perform(clipboard::read(), Message::Pasted), None);
            }
            Action::RemoveImage(block) => {
                let at = self.doc.delete(Selection::new(
                    Position::new(block, 0),
                    Position::new(block, 1),
                ));
                self.edited(at)
            }
        };
        (Task::none(), event)
    }

    fn undo(&mut self, redo: bool) -> Option<Event> {
        let s = if redo {
            self.doc.redo()
        } else {
            self.doc.undo()
        }?;
        self.selection = self.doc.clamp_selection(s);
        self.pending = None;
        Some(Event::Changed)
    }

    fn open_link(&mut self) -> Task<Message> {
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
        iced::widget::operation::focus(link_id(self.chat))
    }

    fn refocus(&self) -> Task<Message> {
        iced::widget::operation::focus(editor_id(self.chat))
    }

    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        let event = match message {
            Message::Editor(action) => return self.editor(action),
            Message::Plain(action) => {
                let edit = action.is_edit();
                self.plain.perform(action);
                edit.then_some(Event::Changed)
            }
            Message::Mark(m) => {
                let e = self.toggle(m);
                return (self.refocus(), e);
            }
            Message::Style(choice) => {
                let style = match choice {
                    StyleChoice::Paragraph => BlockStyle::Paragraph,
                    StyleChoice::Heading(n) => BlockStyle::Heading(n),
                };
                self.doc.set_block_style(self.selection, style);
                return (self.refocus(), Some(Event::Changed));
            }
            Message::List(kind) => {
                let same = matches!(self.focus_style(), BlockStyle::ListItem { kind: k, .. } if k.is_ordered() == kind.is_ordered());
                let style = if same {
                    BlockStyle::Paragraph
                } else {
                    BlockStyle::ListItem { kind, level: 0 }
                };
                self.doc.set_block_style(self.selection, style);
                return (self.refocus(), Some(Event::Changed));
            }
            Message::Indent | Message::Outdent => {
                let sel = self.selection;
                let changed = if matches!(message, Message::Indent) {
                    self.doc.indent(sel)
                } else {
                    self.doc.outdent(sel)
                };
                return (self.refocus(), changed.then_some(Event::Changed));
            }
            Message::Colour(c) => {
                if self.selection.is_collapsed() {
                    let mut m = self.marks();
                    m.colour = c.rgb();
                    self.pending = Some(m);
                    return (self.refocus(), None);
                }
                self.doc.set_colour(self.selection, c.rgb());
                return (self.refocus(), Some(Event::Changed));
            }
            Message::Link => return (self.open_link(), None),
            Message::LinkUrl(url) => {
                if let Some(l) = &mut self.link {
                    l.url = url;
                    l.error = None;
                }
                None
            }
            Message::LinkApply => {
                let Some(l) = &mut self.link else {
                    return (Task::none(), None);
                };
                let url = l.url.trim().to_string();
                let Some(link) = crate::richtext::Link::parse(&url) else {
                    l.error =
                        Some("A link must start with http://, https:// or mailto:".to_string());
                    return (Task::none(), None);
                };
                if self.selection.is_collapsed() {
                    // No text chosen: the address itself becomes the linked text.
                    let mut marks = self.marks();
                    marks.link = Some(link);
                    let at = self.doc.insert_styled(self.selection, &url, &marks);
                    self.selection = Selection::caret(at);
                } else if self.doc.set_link(self.selection, Some(&url)).is_err() {
                    l.error = Some("That address cannot be a link.".to_string());
                    return (Task::none(), None);
                }
                self.link = None;
                return (self.refocus(), Some(Event::Changed));
            }
            Message::LinkRemove => {
                let _ = self.doc.set_link(self.selection, None);
                self.link = None;
                return (self.refocus(), Some(Event::Changed));
            }
            Message::LinkCancel => {
                self.link = None;
                return (self.refocus(), None);
            }
            Message::Clear => {
                self.pending = None;
                self.doc.clear_formatting(self.selection);
                return (self.refocus(), Some(Event::Changed));
            }
            Message::Undo => {
                let e = self.undo(false);
                return (self.refocus(), e);
            }
            Message::Redo => {
                let e = self.undo(true);
                return (self.refocus(), e);
            }
            Message::PickImage => {
                let dialog = rfd::AsyncFileDialog::new()
                    .set_title("Insert an image")
                    .add_filter("Images (PNG, JPEG, GIF, WebP)", IMAGE_TYPES);
                return (
                    Task::perform(
                        async move { dialog.pick_file().await.map(|f| f.path().to_path_buf()) },
                        Message::ImageFile,
                    ),
                    None,
                );
            }
            Message::ImageFile(None) => None,
            Message::ImageFile(Some(path)) => {
                return (Task::perform(load_image(path), Message::ImageLoaded), None);
            }
            Message::ImageLoaded(Ok((bytes, name))) => {
                if !self.rich {
                    self.notice = Some(
                        "Images can be sent when formatted messages are turned on.".to_string(),
                    );
                    return (Task::none(), None);
                }
                let e = self.insert_image(&bytes, &name);
                return (self.refocus(), e);
            }
            Message::ImageLoaded(Err(e)) => {
                self.notice = Some(e);
                None
            }
            Message::Pasted(clip) => self.paste(clip),
            Message::Copied(Ok(())) => None,
            Message::Copied(Err(e)) => {
                tracing::info!("copy stays inside the composer: {e}");
                None
            }
            Message::EnterSends(on) => {
                self.enter_sends = on;
                return (self.refocus(), Some(Event::Changed));
            }
            Message::DismissNotice => {
                self.notice = None;
                None
            }
        };
        (Task::none(), event)
    }

    fn placeholder(&self) -> &'static str {
        if self.enter_sends {
            "Write a message… (Enter sends, Shift+Enter adds a line)"
        } else {
            "Write a message… (Ctrl+Enter sends, Enter adds a line)"
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let mut col = column![].spacing(4);
        if self.rich {
            col = col.push(self.toolbar());
            if let Some(l) = &self.link {
                col = col.push(self.link_bar(l));
            }
            col = col.push(
                rich_editor(&self.doc, self.selection, Message::Editor)
                    .id(editor_id(self.chat))
                    .placeholder(self.placeholder())
                    .height(64.0, 240.0),
            );
        } else {
            let enter_sends = self.enter_sends;
            col = col.push(
                plain_editor(&self.plain)
                    .id(editor_id(self.chat))
                    .placeholder(self.placeholder())
                    .on_action(Message::Plain)
                    .height(90)
                    .key_binding(move |press| plain_keys(press, enter_sends)),
            );
        }
        if let Some(n) = &self.notice {
            col = col.push(
                row![
                    text(n).style(style::field_error).width(Length::Fill),
                    button(text("Dismiss").size(12))
                        .style(button::text)
                        .on_press(Message::DismissNotice),
                ]
                .align_y(iced::Alignment::Center),
            );
        }
        col.into()
    }

    fn toolbar(&self) -> Element<'_, Message> {
        let marks = self.marks();
        let style = self.focus_style();
        let tool = |label: &'static str, tip: &'static str, on: bool, msg: Message| {
            tooltip(
                button(text(label).size(13))
                    .padding([3, 8])
                    .style(if on {
                        button::primary
                    } else {
                        button::secondary
                    })
                    .on_press(msg),
                container(text(tip).size(12))
                    .padding(4)
                    .style(container::rounded_box),
                tooltip::Position::Top,
            )
        };
        let list_on = |ordered: bool| matches!(style, BlockStyle::ListItem { kind, .. } if kind.is_ordered() == ordered);
        let choice = match style {
            BlockStyle::Heading(n) => StyleChoice::Heading(n),
            _ => StyleChoice::Paragraph,
        };
        row![
            tool("B", "Bold (Ctrl+B)", marks.bold, Message::Mark(Mark::Bold)),
            tool(
                "I",
                "Italic (Ctrl+I)",
                marks.italic,
                Message::Mark(Mark::Italic)
            ),
            tool(
                "U",
                "Underline (Ctrl+U)",
                marks.underline,
                Message::Mark(Mark::Underline)
            ),
            tool(
                "S",
                "Strikethrough (Ctrl+Shift+X)",
                marks.strike,
                Message::Mark(Mark::Strike)
            ),
            tool(
                "Code",
                "Code (Ctrl+Shift+C)",
                marks.code,
                Message::Mark(Mark::Code)
            ),
            pick_list(STYLES, Some(choice), Message::Style)
                .text_size(13)
                .padding([3, 6]),
            pick_list(
                COLOURS,
                Colour::of(marks.colour).or(Some(Colour::Default)),
                Message::Colour
            )
            .text_size(13)
            .padding([3, 6]),
            tool(
                "• List",
                "Bulleted list",
                list_on(false),
                Message::List(ListKind::Bulleted)
            ),
            tool(
                "1. List",
                "Numbered list",
                list_on(true),
                Message::List(ListKind::Ordered { start: 1 })
            ),
            tool("Outdent", "Outdent (Shift+Tab)", false, Message::Outdent),
            tool("Indent", "Indent (Tab)", false, Message::Indent),
            tool(
                "Link",
                "Insert or edit a link (Ctrl+K)",
                marks.link.is_some(),
                Message::Link
            ),
            tool("Clear", "Clear formatting", false, Message::Clear),
            tool(
                "Image…",
                "Insert an image (PNG, JPEG, GIF, WebP; up to 10 MB)",
                false,
                Message::PickImage
            ),
            tool("Undo", "Undo (Ctrl+Z)", false, Message::Undo),
            tool(
                "Redo",
                "Redo (Ctrl+Shift+Z or Ctrl+Y)",
                false,
                Message::Redo
            ),
            checkbox(self.enter_sends)
                .label("Enter sends")
                .text_size(13)
                .on_toggle(Message::EnterSends),
        ]
        .spacing(4)
        .align_y(iced::Alignment::Center)
        .wrap()
        .into()
    }

    fn link_bar<'a>(&'a self, l: &'a LinkEdit) -> Element<'a, Message> {
        let mut col = column![
            row![
                text_input("https://example.com", &l.url)
                    .id(link_id(self.chat))
                    .on_input(Message::LinkUrl)
                    .on_submit(Message::LinkApply)
                    .size(14),
                button(text("Apply").size(13))
                    .style(button::primary)
                    .on_press(Message::LinkApply),
                button(text("Remove link").size(13))
                    .style(button::secondary)
                    .on_press(Message::LinkRemove),
                button(text("Cancel").size(13))
                    .style(button::text)
                    .on_press(Message::LinkCancel),
            ]
            .spacing(6)
            .align_y(iced::Alignment::Center)
        ];
        if let Some(e) = &l.error {
            col = col.push(text(e).style(style::field_error));
        }
        col.into()
    }
}

/// Plain composer: Enter sends (or Ctrl+Enter when so set); Ctrl+digit and Alt+letter are
/// left to the console's shortcuts.
fn plain_keys(press: text_editor::KeyPress, enter_sends: bool) -> Option<Binding<Message>> {
    if !matches!(press.status, text_editor::Status::Focused { .. }) {
        return None;
    }
    let m = press.modifiers;
    if let keyboard::Key::Named(key::Named::Enter) = press.key.as_ref() {
        let send = if enter_sends {
            !m.shift() && !m.command()
        } else {
            m.command()
        };
        if send {
            return Some(Binding::Custom(Message::Editor(Action::Enter {
                shift: false,
                command: !enter_sends,
            })));
        }
        return Some(Binding::Enter);
    }
    if m.alt()
        || (m.command()
            && matches!(press.key.as_ref(), keyboard::Key::Character(c) if c.chars().all(|c| c.is_ascii_digit())))
    {
        return None;
    }
    Binding::from_key_press(press)
}
