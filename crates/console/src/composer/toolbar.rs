//! The formatted composer's toolbar (marks, styles, colours, lists, links, images, undo)
//! and the link bar.

use super::{LinkEdit, Message, Rich, link_id};
use crate::style;
use crate::widget::focus::{Keys, focus, next};
use iced::Element;
use iced::widget::{
    button, checkbox, column, container, pick_list, row, text, text_input, tooltip,
};
use livewindow_richtext::{BlockStyle, ListKind, Mark, Rgb};

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
    pub(super) fn rgb(self) -> Option<Rgb> {
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

pub(super) fn view(r: &Rich, enter_sends: bool) -> Element<'_, Message> {
    let marks = r.marks();
    let style = r.focus_style();
    let tool = |label: &'static str, tip: &'static str, on: bool, msg: Message| {
        tooltip(
            button(text(label).size(13))
                .padding([3, 8])
                .style(if on {
                    button::primary
                } else {
                    button::secondary
                })
                .keys(Some(msg)),
            container(text(tip).size(12))
                .padding(4)
                .style(container::rounded_box),
            tooltip::Position::Top,
        )
    };
    let colour = Colour::of(marks.colour).or(Some(Colour::Default));
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
        focus(
            pick_list(STYLES, Some(choice), Message::Style)
                .text_size(13)
                .padding([3, 6]),
            next(&STYLES, Some(&choice)).map(Message::Style),
        )
        .shortcut("Enter or Space: the next style"),
        focus(
            pick_list(COLOURS, colour, Message::Colour)
                .text_size(13)
                .padding([3, 6]),
            next(&COLOURS, colour.as_ref()).map(Message::Colour),
        )
        .shortcut("Enter or Space: the next colour"),
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
            Message::List(ListKind::decimal(1))
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
        focus(
            checkbox(enter_sends)
                .label("Enter sends")
                .text_size(13)
                .on_toggle(Message::EnterSends),
            Some(Message::EnterSends(!enter_sends)),
        ),
    ]
    .spacing(4)
    .align_y(iced::Alignment::Center)
    .wrap()
    .into()
}

pub(super) fn link_bar(l: &LinkEdit, chat: i64) -> Element<'_, Message> {
    let mut col = column![
        row![
            text_input("https://example.com", &l.url)
                .id(link_id(chat))
                .on_input(Message::LinkUrl)
                .on_submit(Message::LinkApply)
                .size(14),
            button(text("Apply").size(13))
                .style(button::primary)
                .keys(Some(Message::LinkApply)),
            button(text("Remove link").size(13))
                .style(button::secondary)
                .keys(Some(Message::LinkRemove)),
            button(text("Cancel").size(13))
                .style(button::text)
                .keys(Some(Message::LinkCancel)),
        ]
        .spacing(6)
        .align_y(iced::Alignment::Center)
    ];
    if let Some(e) = &l.error {
        col = col.push(text(e).style(style::field_error));
    }
    col.into()
}
