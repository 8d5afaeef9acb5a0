//! How rich-text marks look: the one mapping of the model's runs to iced spans, shared by
//! the composer and the transcript (both drawn by `widget::rich_editor`).

use iced::font::{Family, Style as FontStyle, Weight};
use iced::widget::text::Span;
use iced::{Color, Font};
use livewindow_richtext::{Marks, Run};

/// The bullet drawn for a list item at `level`, in the transcript and the composer.
pub fn bullet(level: u8) -> &'static str {
    ["•", "◦", "▪"][usize::from(level) % 3]
}

/// A run as a span: the one mapping of marks to looks, shared by the transcript and the
/// composer. `bold` makes the whole run bold (headings, table headers).
pub fn span(run: &Run, bold: bool) -> Span<'_, (), Font> {
    let m: &Marks = &run.marks;
    let font = Font {
        weight: if m.bold || bold {
            Weight::Bold
        } else {
            Weight::Normal
        },
        style: if m.italic {
            FontStyle::Italic
        } else {
            FontStyle::Normal
        },
        family: if m.code {
            Family::Monospace
        } else {
            Family::SansSerif
        },
        ..Font::DEFAULT
    };
    let mut s = Span::new(run.text.as_str())
        .font(font)
        .underline(m.underline || m.link.is_some())
        .strikethrough(m.strike);
    if let Some(c) = m.colour {
        s = s.color(Color::from_rgb8(c.r, c.g, c.b));
    } else if m.link.is_some() {
        s = s.color(Color::from_rgb8(0x25, 0x63, 0xeb));
    }
    s
}
