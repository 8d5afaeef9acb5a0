//! The plain composer: iced's text editor, with Enter sending (or Ctrl+Enter, as the agent
//! set it) and the console's shortcuts left to the console.

use super::{Message, editor_id, sends};
use crate::widget::rich_editor::{Action as Editor, Extras, ListKey};
use iced::Element;
use iced::keyboard::{self, key};
use iced::widget::text_editor as plain_editor;
use iced::widget::text_editor::{self, Binding};

pub(super) fn view<'a>(
    content: &'a text_editor::Content,
    chat: i64,
    enter_sends: bool,
    placeholder: &'a str,
    extras: Extras,
) -> Element<'a, Message> {
    plain_editor(content)
        .id(editor_id(chat))
        .placeholder(placeholder)
        .on_action(Message::Plain)
        .height(90)
        .key_binding(move |press| keys(press, enter_sends, &extras))
        .into()
}

/// The open "/" list's keys, and Tab to the next placeholder, as the formatted editor
/// sends them.
fn taken(press: &text_editor::KeyPress, extras: &Extras) -> Option<Editor> {
    let m = press.modifiers;
    let keyboard::Key::Named(named) = press.key.as_ref() else {
        return None;
    };
    if m.command() || m.alt() {
        return None;
    }
    if extras.list_open {
        let k = match named {
            key::Named::ArrowUp => ListKey::Up,
            key::Named::ArrowDown => ListKey::Down,
            key::Named::Enter | key::Named::Tab => ListKey::Choose,
            key::Named::Escape => ListKey::Close,
            _ => return None,
        };
        return Some(Editor::List(k));
    }
    (extras.placeholders && named == key::Named::Tab)
        .then_some(Editor::NextPlaceholder { back: m.shift() })
}

/// Enter sends by the one rule both composers share; Ctrl+digit and Alt+letter are left to
/// the console's shortcuts.
fn keys(
    press: text_editor::KeyPress,
    enter_sends: bool,
    extras: &Extras,
) -> Option<Binding<Message>> {
    if !matches!(press.status, text_editor::Status::Focused { .. }) {
        return None;
    }
    let m = press.modifiers;
    if let Some(action) = taken(&press, extras) {
        return Some(Binding::Custom(Message::Editor(action)));
    }
    if let keyboard::Key::Named(key::Named::Enter) = press.key.as_ref() {
        if sends(enter_sends, m.shift(), m.command()) {
            // The same message the formatted editor sends for Enter.
            return Some(Binding::Custom(Message::Editor(Editor::Enter {
                shift: m.shift(),
                command: m.command(),
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
