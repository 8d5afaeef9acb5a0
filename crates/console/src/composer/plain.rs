//! The plain composer: iced's text editor, with Enter sending (or Ctrl+Enter, as the agent
//! set it) and the console's shortcuts left to the console.

use super::{Message, editor_id, sends};
use crate::widget::rich_editor::Action as Editor;
use iced::Element;
use iced::keyboard::{self, key};
use iced::widget::text_editor as plain_editor;
use iced::widget::text_editor::{self, Binding};

pub(super) fn view<'a>(
    content: &'a text_editor::Content,
    chat: i64,
    enter_sends: bool,
    placeholder: &'a str,
) -> Element<'a, Message> {
    plain_editor(content)
        .id(editor_id(chat))
        .placeholder(placeholder)
        .on_action(Message::Plain)
        .height(90)
        .key_binding(move |press| keys(press, enter_sends))
        .into()
}

/// Enter sends by the one rule both composers share; Ctrl+digit and Alt+letter are left to
/// the console's shortcuts.
fn keys(press: text_editor::KeyPress, enter_sends: bool) -> Option<Binding<Message>> {
    if !matches!(press.status, text_editor::Status::Focused { .. }) {
        return None;
    }
    let m = press.modifiers;
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
