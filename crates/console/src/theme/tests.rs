//! WCAG contrast of every theme: each text-on-background pair of its palette, the console's
//! own text styles, focus rings and control borders. Run with `--nocapture` for the figures.

use super::*;
use crate::style;

fn themes() -> [(&'static str, Theme, f32); 3] {
    [
        ("Light", light(), BODY),
        ("Dark", dark(), BODY),
        ("High contrast", high_contrast(), ENHANCED),
    ]
}

#[test]
fn the_ratio_is_wcags() {
    // WCAG's own figures: black on white is 21:1, a colour on itself 1:1, #777 on white 4.48.
    assert!((contrast(Color::BLACK, Color::WHITE) - 21.0).abs() < 0.01);
    assert!((contrast(Color::WHITE, Color::WHITE) - 1.0).abs() < 0.001);
    assert!((contrast(color!(0x777777), Color::WHITE) - 4.48).abs() < 0.01);
}

#[test]
fn every_text_on_its_background_is_readable() {
    for (name, theme, target) in themes() {
        let e = theme.extended_palette();
        let b = &e.background;
        let pairs = [
            ("background.base", b.base),
            ("background.weakest", b.weakest),
            ("background.weaker", b.weaker),
            ("background.weak", b.weak),
            ("background.neutral", b.neutral),
            ("background.strong", b.strong),
            ("background.stronger", b.stronger),
            ("background.strongest", b.strongest),
            ("primary.base", e.primary.base),
            ("primary.weak", e.primary.weak),
            ("primary.strong", e.primary.strong),
            ("secondary.base", e.secondary.base),
            ("secondary.weak", e.secondary.weak),
            ("secondary.strong", e.secondary.strong),
            ("success.base", e.success.base),
            ("success.weak", e.success.weak),
            ("success.strong", e.success.strong),
            ("warning.base", e.warning.base),
            ("warning.weak", e.warning.weak),
            ("warning.strong", e.warning.strong),
            ("danger.base", e.danger.base),
            ("danger.weak", e.danger.weak),
            ("danger.strong", e.danger.strong),
        ];
        let mut worst = f32::MAX;
        for (what, pair) in pairs {
            let ratio = contrast(pair.text, pair.color);
            worst = worst.min(ratio);
            assert!(ratio >= target, "{name}: {what} {ratio:.2} < {target}");
        }
        // The console's own text on its own surfaces.
        let page = b.base.color;
        let muted = style::muted(&theme).color.expect("a colour");
        let own = [
            ("muted on the page", over(muted, page), page),
            ("muted on a card", over(muted, b.weak.color), b.weak.color),
            ("field error", e.danger.base.color, page),
            (
                "offer card",
                b.base.text,
                over(e.primary.weak.color.scale_alpha(0.25), page),
            ),
            (
                "note for agents",
                b.base.text,
                over(e.warning.weak.color.scale_alpha(0.35), page),
            ),
        ];
        for (what, text, background) in own {
            let ratio = contrast(text, background);
            worst = worst.min(ratio);
            assert!(ratio >= target, "{name}: {what} {ratio:.2} < {target}");
        }
        println!("{name}: the lowest text contrast is {worst:.2}:1 (needs {target}:1)");
    }
}

#[test]
fn focus_rings_and_control_edges_stand_out() {
    for (name, theme, _) in themes() {
        let b = theme.extended_palette().background;
        let mut worst = f32::MAX;
        for (what, edge) in [
            ("focus ring", focus_ring(&theme)),
            ("control border", b.strong.color),
        ] {
            for (on, background) in [("page", b.base.color), ("card", b.weak.color)] {
                let ratio = contrast(edge, background);
                worst = worst.min(ratio);
                assert!(ratio >= NON_TEXT, "{name}: {what} on the {on}: {ratio:.2}");
            }
        }
        println!("{name}: the lowest edge contrast is {worst:.2}:1 (needs {NON_TEXT}:1)");
    }
}

#[test]
fn system_follows_the_desktop() {
    assert_eq!(theme(Choice::System, Mode::Dark).palette(), DARK);
    assert_eq!(theme(Choice::System, Mode::Light).palette(), LIGHT);
    // No preference: light.
    assert_eq!(theme(Choice::System, Mode::None).palette(), LIGHT);
    // A chosen theme stays whatever the desktop says.
    assert_eq!(theme(Choice::Light, Mode::Dark).palette(), LIGHT);
    assert_eq!(
        theme(Choice::HighContrast, Mode::Light).palette(),
        HIGH_CONTRAST
    );
}
