//! Small shared styles: cards, badges, tabs.

use iced::widget::{button, container};
use iced::{Border, Color, Theme};

pub fn card(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(p.background.weak.color.into()),
        border: Border {
            color: p.background.strong.color,
            width: 1.0,
            radius: 8.0.into(),
        },
        ..container::Style::default()
    }
}

/// An offer card: tinted, so it stands out from everything else on screen.
pub fn offer_card(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(p.primary.weak.color.scale_alpha(0.25).into()),
        border: Border {
            color: p.primary.strong.color,
            width: 2.0,
            radius: 8.0.into(),
        },
        ..container::Style::default()
    }
}

pub fn badge(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(p.danger.base.color.into()),
        text_color: Some(p.danger.base.text),
        border: Border {
            radius: 10.0.into(),
            ..Border::default()
        },
        ..container::Style::default()
    }
}

pub fn toolbar(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        // `strong` is the controls' edge colour (see `theme`): too dark for a surface.
        background: Some(p.background.weak.color.into()),
        text_color: Some(p.background.weak.text),
        ..container::Style::default()
    }
}

pub fn tab(active: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme, status| {
        let p = theme.extended_palette();
        let (bg, fg) = if active {
            (p.background.base.color, p.background.base.text)
        } else if matches!(status, button::Status::Hovered) {
            (p.background.neutral.color, p.background.neutral.text)
        } else {
            (p.background.weak.color, p.background.weak.text)
        };
        button::Style {
            background: Some(bg.into()),
            text_color: fg,
            border: Border {
                color: if active {
                    p.primary.strong.color
                } else {
                    Color::TRANSPARENT
                },
                width: if active { 2.0 } else { 0.0 },
                radius: 4.0.into(),
            },
            ..button::Style::default()
        }
    }
}

pub fn bubble(mine: bool) -> impl Fn(&Theme) -> container::Style {
    move |theme| {
        let p = theme.extended_palette();
        let (bg, fg) = if mine {
            (p.primary.weak.color, p.primary.weak.text)
        } else {
            (p.background.weak.color, p.background.weak.text)
        };
        container::Style {
            background: Some(bg.into()),
            text_color: Some(fg),
            border: Border {
                radius: 8.0.into(),
                ..Border::default()
            },
            ..container::Style::default()
        }
    }
}

pub fn field_error(theme: &Theme) -> iced::widget::text::Style {
    iced::widget::text::Style {
        color: Some(theme.extended_palette().danger.base.color),
    }
}

pub fn muted(theme: &Theme) -> iced::widget::text::Style {
    let p = theme.extended_palette();
    iced::widget::text::Style {
        color: Some(p.background.base.text.scale_alpha(0.65)),
    }
}

/// An internal line (a transfer's note): a dashed, warning-tinted box only agents see.
pub fn internal_note(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(p.warning.weak.color.scale_alpha(0.35).into()),
        text_color: Some(p.background.base.text),
        border: Border {
            color: p.warning.strong.color,
            width: 1.0,
            radius: 6.0.into(),
        },
        ..container::Style::default()
    }
}

/// A value from a user as a box shows it: without invisible characters (bidirectional
/// overrides, zero-width ones) and cut to `max` characters with an ellipsis, so a long name
/// or address never pushes a countdown or a button out of its place.
pub fn shown(value: &str, max: usize) -> String {
    let value = livewindow_core::validate::visible(value);
    if value.chars().count() <= max {
        return value.into_owned();
    }
    let mut out: String = value.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// [`shown`] for an address, cut in the middle so both its start and its domain stay.
pub fn shown_middle(value: &str, max: usize) -> String {
    let value = livewindow_core::validate::visible(value);
    let n = value.chars().count();
    if n <= max {
        return value.into_owned();
    }
    let head = max.saturating_sub(1) / 2;
    let tail = max.saturating_sub(1) - head;
    let mut out: String = value.chars().take(head).collect();
    out.push('…');
    out.extend(value.chars().skip(n - tail));
    out
}

/// Behind a search's matched words: a marker yellow, with black text on it in every theme.
pub const HIGHLIGHT: iced::Color = iced::Color::from_rgb(1.0, 0.9, 0.4);

/// Wrapping for user text in a box: at words, or inside a word too long for the line.
pub const WRAP: iced::widget::text::Wrapping = iced::widget::text::Wrapping::WordOrGlyph;

/// A pick list whose placeholder is its label ("Move to a queue…"): drawn in the text's
/// colour, where iced's default greys it nearly into the list's background.
pub fn labelled_list(
    theme: &Theme,
    status: iced::widget::pick_list::Status,
) -> iced::widget::pick_list::Style {
    let s = iced::widget::pick_list::default(theme, status);
    iced::widget::pick_list::Style {
        placeholder_color: s.text_color,
        ..s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_to_their_room() {
        assert_eq!(shown("Ana Lima", 20), "Ana Lima");
        assert_eq!(shown("abcdefghij", 5), "abcd…");
        assert_eq!(shown_middle("abcdefghij", 5), "ab…ij");
        let email = format!("{}@example.com", "x".repeat(100));
        let cut = shown_middle(&email, 40);
        assert_eq!(cut.chars().count(), 40);
        assert!(cut.ends_with("@example.com") && cut.contains('…'));
        // Invisible characters go before counting: "Eve\u{202E}moc.live" cannot pose.
        assert_eq!(shown_middle("Eve\u{202E}moc.live", 40), "Evemoc.live");
    }
}
