//! The console's themes: Light, Dark, High contrast, and System (the desktop's light or
//! dark preference, followed live). Every text-on-background pair of a theme's palette
//! reaches WCAG's contrast for body text (4.5:1; 7:1 in High contrast), and focus rings and
//! control borders reach 3:1 against the page (checked by this module's tests).

use iced::theme::palette::{self, Extended, Pair};
use iced::theme::{Mode, Palette};
use iced::{Color, Theme, color};
use serde::{Deserialize, Serialize};

/// The theme the agent chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Choice {
    /// Light or dark as the desktop prefers, changing when it changes.
    #[default]
    System,
    Light,
    Dark,
    HighContrast,
}

impl Choice {
    pub const ALL: [Choice; 4] = [
        Choice::System,
        Choice::Light,
        Choice::Dark,
        Choice::HighContrast,
    ];
}

impl std::fmt::Display for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Choice::System => "System theme",
            Choice::Light => "Light theme",
            Choice::Dark => "Dark theme",
            Choice::HighContrast => "High contrast",
        })
    }
}

/// The theme to draw with, for a choice and the desktop's preference.
pub fn theme(choice: Choice, desktop: Mode) -> Theme {
    match choice {
        Choice::System if desktop == Mode::Dark => dark(),
        Choice::System | Choice::Light => light(),
        Choice::Dark => dark(),
        Choice::HighContrast => high_contrast(),
    }
}

pub fn light() -> Theme {
    Theme::custom_with_fn("Live Window light", LIGHT, |p| extended(p, BODY))
}

pub fn dark() -> Theme {
    Theme::custom_with_fn("Live Window dark", DARK, |p| extended(p, BODY))
}

pub fn high_contrast() -> Theme {
    Theme::custom_with_fn("Live Window high contrast", HIGH_CONTRAST, |p| {
        extended(p, ENHANCED)
    })
}

/// WCAG 2.1 AA for body text (1.4.3).
pub const BODY: f32 = 4.5;
/// WCAG 2.1 AAA (1.4.6): what High contrast promises.
pub const ENHANCED: f32 = 7.0;
/// WCAG 2.1 AA for focus indicators and the edges of controls (1.4.11).
pub const NON_TEXT: f32 = 3.0;

const LIGHT: Palette = Palette {
    background: color!(0xffffff),
    text: color!(0x1b1b1f),
    primary: color!(0x1f5fad),
    success: color!(0x1e7b34),
    warning: color!(0x8a5a00),
    danger: color!(0xb3261e),
};

const DARK: Palette = Palette {
    background: color!(0x1e1f24),
    text: color!(0xe8e8ec),
    primary: color!(0x8ab4f8),
    success: color!(0x6dd58c),
    warning: color!(0xf2c14e),
    danger: color!(0xff8a80),
};

const HIGH_CONTRAST: Palette = Palette {
    background: color!(0x000000),
    text: color!(0xffffff),
    primary: color!(0xffd400),
    success: color!(0x00e676),
    warning: color!(0xffab40),
    danger: color!(0xff6e6e),
};

/// iced's derived palette, with control edges strong enough to see (`background.strong`
/// is what text fields, pick lists and checkboxes draw their border with) and every pair's
/// text readable at `target`.
fn extended(p: Palette, target: f32) -> Extended {
    let mut e = Extended::generate(p);
    let mut edge = p.text;
    // The palest mix of text into the page that still stands out at 3:1 (against the
    // weaker backgrounds around a control too), and on which black or white text is readable
    // as it is (a fill as well as an edge).
    for step in 1..=20 {
        let candidate = palette::mix(p.background, p.text, step as f32 * 0.05);
        let readable =
            contrast(Color::WHITE, candidate).max(contrast(Color::BLACK, candidate)) >= target;
        if readable && contrast(candidate, palette::deviate(p.background, 0.1)) >= NON_TEXT {
            edge = candidate;
            break;
        }
    }
    e.background.strong = Pair::new(edge, p.text);
    for pair in pairs_mut(&mut e) {
        fit(pair, target);
    }
    e
}

/// Makes `pair`'s text readable at `target`: black or white text when its own is not, and,
/// when neither is enough on that colour, the colour moved away from the text until it is.
fn fit(pair: &mut Pair, target: f32) {
    if contrast(pair.text, pair.color) >= target {
        return;
    }
    let text = if contrast(Color::WHITE, pair.color) >= contrast(Color::BLACK, pair.color) {
        Color::WHITE
    } else {
        Color::BLACK
    };
    let away = if text == Color::WHITE {
        Color::BLACK
    } else {
        Color::WHITE
    };
    pair.text = text;
    while contrast(text, pair.color) < target {
        pair.color = palette::mix(pair.color, away, 0.1);
    }
}

fn pairs_mut(e: &mut Extended) -> [&mut Pair; 23] {
    let b = &mut e.background;
    [
        &mut b.base,
        &mut b.weakest,
        &mut b.weaker,
        &mut b.weak,
        &mut b.neutral,
        &mut b.strong,
        &mut b.stronger,
        &mut b.strongest,
        &mut e.primary.base,
        &mut e.primary.weak,
        &mut e.primary.strong,
        &mut e.secondary.base,
        &mut e.secondary.weak,
        &mut e.secondary.strong,
        &mut e.success.base,
        &mut e.success.weak,
        &mut e.success.strong,
        &mut e.warning.base,
        &mut e.warning.weak,
        &mut e.warning.strong,
        &mut e.danger.base,
        &mut e.danger.weak,
        &mut e.danger.strong,
    ]
}

/// The keyboard focus ring: the primary colour, which keeps 3:1 on the page in every theme.
pub fn focus_ring(theme: &Theme) -> Color {
    theme.extended_palette().primary.strong.color
}

/// The lesser contrast the theme promises for text (4.5:1, or 7:1 in High contrast).
pub fn text_target(theme: &Theme) -> f32 {
    if theme.palette() == HIGH_CONTRAST {
        ENHANCED
    } else {
        BODY
    }
}

/// WCAG's contrast ratio of two opaque colours, 1 to 21.
pub fn contrast(a: Color, b: Color) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// WCAG's relative luminance (sRGB).
fn luminance(c: Color) -> f32 {
    let channel = |v: f32| {
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

/// A translucent colour as it shows over an opaque one.
pub fn over(top: Color, below: Color) -> Color {
    let a = top.a;
    Color::from_rgb(
        top.r * a + below.r * (1.0 - a),
        top.g * a + below.g * (1.0 - a),
        top.b * a + below.b * (1.0 - a),
    )
}

#[cfg(test)]
mod tests;
