//! The chat composer. With `SVC_CHAT_CKEDITOR_ENABLED` on it is the formatted-text editor
//! (the [`rich_editor`] widget over a [`Document`]) with its toolbar; off, a plain text box
//! whose paste inserts plain text. One [`Body`] holds whichever it is.
//!
//! Like every screen it does no IO: the clipboard, the file picker and file reads are
//! [`Action`]s its parent runs, and their results come back as [`Message`]s.

mod edit;
mod paste;
mod plain;
mod slash;
mod toolbar;

use super::clipboard::{Clip, ClipboardError};
use super::files::FileError;
use super::style;
use super::widget::rich_editor::{self, rich_editor};
use crate::widget::focus::Keys;
use iced::widget::text_editor;
use iced::widget::{button, column, container, row, text};
use iced::{Element, Length, Task};
use livewindow_core::reply::StandardReply;
use livewindow_richtext::{Block, BlockStyle, Document, ListKind, Mark, Marks, Selection};
use std::sync::Arc;
pub use toolbar::{Colour, StyleChoice};

pub struct Composer {
    chat: i64,
    body: Body,
    enter_sends: bool,
    /// The inline message under the composer (image limits, clipboard, a placeholder
    /// left unfilled), if any.
    notice: Option<String>,
    /// The standard replies the agent sees, for the "/" list.
    replies: Arc<[StandardReply]>,
    /// The "/" list, while open.
    slash: Option<slash::Open>,
    /// Where the "/" of a list closed with Esc is: it stays closed for that word.
    dismissed: Option<slash::At>,
}

/// What the agent is writing: formatted, or plain.
enum Body {
    Rich(Box<Rich>),
    Plain(text_editor::Content),
}

/// The formatted composer's state.
struct Rich {
    doc: Document,
    selection: Selection,
    /// Marks for the next typed text, set by a shortcut or the toolbar with no selection.
    pending: Option<Marks>,
    link: Option<LinkEdit>,
    /// What this composer last copied: pasting it back keeps every detail, with or without
    /// a system clipboard.
    copied: Option<(String, Document)>,
}

/// A sentence for the agent under the composer, when something could not go in.
struct Notice(String);

struct LinkEdit {
    url: String,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Editor(rich_editor::Action),
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
    /// An image file was read (picked or dropped): its bytes and name.
    ImageLoaded(Result<(Vec<u8>, String), FileError>),
    Pasted(Result<Clip, ClipboardError>),
    Copied(Result<(), ClipboardError>),
    EnterSends(bool),
    DismissNotice,
    /// A row of the "/" list was clicked.
    PickReply(usize),
    /// *Browse replies…* under the "/" list.
    BrowseReplies,
}

/// What the composer asks of its parent.
pub enum Action {
    None,
    /// A widget task of its own (moving the focus).
    Run(Task<Message>),
    /// Enter (or Ctrl+Enter) asked to send the draft.
    Send,
    /// Read the clipboard; answer with [`Message::Pasted`].
    ReadClipboard,
    /// Put formatted text on the clipboard; answer with [`Message::Copied`].
    WriteClipboard {
        html: String,
        plain: String,
    },
    /// Let the agent pick an image file; answer with [`Message::ImageLoaded`].
    PickImage,
    /// The agent changed whether Enter sends: one setting for all their composers.
    EnterSends(bool),
    /// A standard reply was chosen from the "/" list: fill its variables and give it back
    /// to [`Composer::insert_reply`].
    Chosen(StandardReply),
    /// Open the chat's Replies panel.
    BrowseReplies,
}

pub fn editor_id(chat: i64) -> iced::widget::Id {
    iced::widget::Id::from(format!("composer-{chat}"))
}

fn link_id(chat: i64) -> iced::widget::Id {
    iced::widget::Id::from(format!("link-url-{chat}"))
}

/// Whether a press of Enter sends, given the agent's setting: the one rule for both bodies.
fn sends(enter_sends: bool, shift: bool, command: bool) -> bool {
    if enter_sends {
        !shift && !command
    } else {
        command
    }
}

impl Rich {
    fn new(doc: Document) -> Self {
        Rich {
            selection: Selection::caret(doc.end()),
            doc,
            pending: None,
            link: None,
            copied: None,
        }
    }

    fn is_empty(&self) -> bool {
        self.doc.to_plain().trim().is_empty()
            && !self.doc.blocks().any(|b| !matches!(b, Block::Text(_)))
    }
}

impl Composer {
    /// A composer for `chat`, rich or plain, holding a saved draft (HTML for rich ones when
    /// there is one, else text).
    pub fn new(chat: i64, rich: bool, text: &str, html: Option<&str>) -> Composer {
        let body = match (rich, html) {
            (true, Some(h)) => Body::Rich(Box::new(Rich::new(Document::from_stored_html(h)))),
            (true, None) => Body::Rich(Box::new(Rich::new(Document::from_plain(text)))),
            (false, _) => Body::Plain(text_editor::Content::with_text(text)),
        };
        Composer {
            chat,
            body,
            enter_sends: true,
            notice: None,
            replies: Arc::new([]),
            slash: None,
            dismissed: None,
        }
    }

    pub fn is_rich(&self) -> bool {
        matches!(self.body, Body::Rich(_))
    }

    /// The formatted draft (an empty document for a plain composer).
    pub fn document(&self) -> &Document {
        static EMPTY: std::sync::OnceLock<Document> = std::sync::OnceLock::new();
        match &self.body {
            Body::Rich(r) => &r.doc,
            Body::Plain(_) => EMPTY.get_or_init(Document::new),
        }
    }

    pub fn selection(&self) -> Selection {
        match &self.body {
            Body::Rich(r) => r.selection,
            Body::Plain(_) => Selection::default(),
        }
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    pub fn enter_sends(&self) -> bool {
        self.enter_sends
    }

    pub fn set_enter_sends(&mut self, on: bool) {
        self.enter_sends = on;
    }

    /// Switches between formatted and plain when the profile option changes, keeping the
    /// words of the draft.
    pub fn set_rich(&mut self, rich: bool) {
        self.body = match (&self.body, rich) {
            (Body::Plain(p), true) => {
                Body::Rich(Box::new(Rich::new(Document::from_plain(&p.text()))))
            }
            (Body::Rich(r), false) => {
                Body::Plain(text_editor::Content::with_text(&r.doc.to_plain()))
            }
            _ => return,
        };
    }

    /// The draft as plain text (what the session keeps for a plain composer).
    pub fn draft_text(&self) -> String {
        match &self.body {
            Body::Rich(r) => r.doc.to_plain(),
            Body::Plain(p) => p.text(),
        }
    }

    /// The draft as HTML, for a formatted composer with something in it.
    pub fn draft_html(&self) -> Option<String> {
        match &self.body {
            Body::Rich(r) if !r.is_empty() => Some(r.doc.to_html()),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        match &self.body {
            Body::Rich(r) => r.is_empty(),
            Body::Plain(p) => p.text().trim().is_empty(),
        }
    }

    /// Takes the message to send: (HTML, plain text), or `None` when there is nothing. The
    /// HTML is `None` for a message without formatting.
    pub fn take(&mut self) -> Option<(Option<String>, String)> {
        if self.is_empty() {
            return None;
        }
        self.notice = None;
        Some(match &mut self.body {
            Body::Rich(r) => {
                // Unformatted paragraphs go as a plain message, as a plain composer sends them.
                let plain_only = r.doc.blocks().all(|b| {
                    matches!(b, Block::Text(t) if t.style == BlockStyle::Paragraph
                        && t.runs.iter().all(|r| r.marks.is_plain()))
                });
                let m = ((!plain_only).then(|| r.doc.to_html()), r.doc.to_plain());
                **r = Rich::new(Document::new());
                r.selection = Selection::default();
                m
            }
            Body::Plain(p) => {
                let m = (None, p.text().trim().to_string());
                *p = text_editor::Content::new();
                m
            }
        })
    }

    /// The marks the toolbar shows lit: the next typed text's, else the selection's.
    pub fn marks(&self) -> Marks {
        match &self.body {
            Body::Rich(r) => r.marks(),
            Body::Plain(_) => Marks::default(),
        }
    }

    fn refocus(&self) -> Action {
        Action::Run(iced::widget::operation::focus(editor_id(self.chat)))
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Editor(rich_editor::Action::List(key)) => return self.list_key(key),
            Message::Editor(rich_editor::Action::NextPlaceholder { back }) => {
                self.next_placeholder(back);
                return Action::None;
            }
            Message::PickReply(i) => return self.choose(i),
            Message::BrowseReplies => {
                self.slash = None;
                return Action::BrowseReplies;
            }
            _ => {}
        }
        let edit = matches!(message, Message::Editor(_) | Message::Plain(_));
        let was_open = self.slash.is_some();
        let action = self.update_body(message);
        if edit {
            self.refresh_slash();
            // The list opening or closing rebuilds the widgets around the editor, which
            // loses the keyboard's focus: it goes back to the editor.
            if was_open != self.slash.is_some() && matches!(action, Action::None) {
                return self.refocus();
            }
        }
        action
    }

    fn update_body(&mut self, message: Message) -> Action {
        match message {
            Message::Plain(action) => {
                if let Body::Plain(p) = &mut self.body {
                    p.perform(action);
                }
                Action::None
            }
            Message::PickImage => Action::PickImage,
            Message::ImageLoaded(Ok((bytes, name))) => {
                let Body::Rich(r) = &mut self.body else {
                    self.notice =
                        Some("Images can be sent when formatted messages are turned on.".into());
                    return Action::None;
                };
                if let Err(Notice(notice)) = r.insert_image(&bytes, &name) {
                    self.notice = Some(notice);
                    return Action::None;
                }
                self.refocus()
            }
            Message::ImageLoaded(Err(e)) => {
                self.notice = Some(e.to_string());
                Action::None
            }
            Message::Pasted(clip) => {
                if let Body::Rich(r) = &mut self.body
                    && let Err(Notice(notice)) = r.paste(clip)
                {
                    self.notice = Some(notice);
                }
                Action::None
            }
            Message::Copied(Ok(())) => Action::None,
            Message::Copied(Err(e)) => {
                tracing::info!("copy stays inside the composer: {e}");
                Action::None
            }
            Message::EnterSends(on) => Action::EnterSends(on),
            Message::DismissNotice => {
                self.notice = None;
                Action::None
            }
            other => {
                let (chat, enter_sends) = (self.chat, self.enter_sends);
                match &mut self.body {
                    Body::Rich(r) => match r.update(other, chat, enter_sends) {
                        edit::Outcome::Done => Action::None,
                        edit::Outcome::Refocus => self.refocus(),
                        edit::Outcome::Action(a) => a,
                    },
                    // The plain editor's key binding sends only an Enter that sends.
                    Body::Plain(_) => match other {
                        Message::Editor(rich_editor::Action::Enter { shift, command })
                            if sends(enter_sends, shift, command) =>
                        {
                            Action::Send
                        }
                        _ => Action::None,
                    },
                }
            }
        }
    }

    fn placeholder(&self) -> &'static str {
        if self.enter_sends {
            "Write a message… (Enter sends, Shift+Enter adds a line)"
        } else {
            "Write a message… (Ctrl+Enter sends, Enter adds a line)"
        }
    }

    /// `tools`: with the formatting bar (its keys work without it).
    pub fn view(&self, tools: bool) -> Element<'_, Message> {
        let mut col = column![].spacing(4);

        match &self.body {
            Body::Rich(r) => {
                if tools {
                    col = col.push(toolbar::view(r, self.enter_sends));
                }
                if let Some(l) = &r.link {
                    col = col.push(toolbar::link_bar(l, self.chat));
                }
                col = col.push(
                    rich_editor(&r.doc, r.selection, Message::Editor)
                        .extras(self.extras())
                        .id(editor_id(self.chat))
                        .placeholder(self.placeholder())
                        .height(64.0, 240.0),
                );
            }
            Body::Plain(p) => {
                col = col.push(plain::view(
                    p,
                    self.chat,
                    self.enter_sends,
                    self.placeholder(),
                    self.extras(),
                ));
            }
        }
        if let Some(n) = &self.notice {
            col = col.push(
                row![
                    text(n).style(style::field_error).width(Length::Fill),
                    button(text("Dismiss").size(12))
                        .style(button::text)
                        .keys(Some(Message::DismissNotice)),
                ]
                .align_y(iced::Alignment::Center),
            );
        }
        // Always a slot for the "/" list, so opening it does not move the editor in the
        // widget tree (which would lose its focus), and adds nothing while it is closed.
        let slot: Element<'_, Message> = match self.list_view() {
            Some(list) => container(list)
                .padding(iced::Padding::ZERO.bottom(4))
                .into(),
            None => iced::widget::Space::new().height(0).into(),
        };
        column![slot, col].into()
    }
}
