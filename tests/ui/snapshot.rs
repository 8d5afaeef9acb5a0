//! Pictures of the console, checked against the reference pictures in `tests/snapshots/`.
//!
//! Drawn with the tiny-skia renderer named here (not whichever iced_test would pick from the
//! environment), at scale 1. Texts that differ from run to run (clocks, countdowns, waits)
//! and the offers' countdown bars are masked; every other pixel must match, but for a slack
//! of a few (`SLACK_PIXELS`). A missing or different reference fails the
//! test; `LIVEWINDOW_BLESS_SNAPSHOTS=1` writes this run's picture as the new reference,
//! to be looked at before it is committed. Each run's picture, and a picture of the
//! differences when there are any, are kept in the target directory's `ui-snapshots/`.

use iced::advanced::renderer::Headless;
use iced::advanced::widget::operation::{Outcome, black_box};
use iced::{Rectangle, Size};
use iced_test::selector::{Candidate, Selector};
use livewindow::ui::console::Message;
use std::path::PathBuf;

/// Whether a text changes from one run to the next: it shows a clock (12:04), a time
/// span (28 s, 3 min, 1 h 05 min: a countdown, a wait) or a day (7 Dec 2026: an earlier
/// chat made by the test on the day it runs).
fn changes(text: &str) -> bool {
    let clock = text.as_bytes().windows(4).any(|w| {
        w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    });
    let words: Vec<&str> = text.split_whitespace().collect();
    let span = words.windows(2).any(|w| {
        w[0].bytes().all(|c| c.is_ascii_digit())
            && matches!(
                w[1].trim_end_matches(['.', ',', ';', ')']),
                "s" | "min" | "h"
            )
    });
    // As `livewindow::core::time::day` writes it.
    let day = words.windows(3).any(|w| {
        let text = format!(
            "{} {} {}",
            w[0],
            w[1],
            w[2].trim_end_matches([':', ',', '.'])
        );
        chrono::NaiveDate::parse_from_str(&text, "%d %b %Y").is_ok()
    });
    clock || span || day
}

/// How many pixels may differ outside the masks (see `check`).
const SLACK_PIXELS: usize = 8;

/// Draws `view` at `size` and compares it with the reference picture `name`.
pub fn check(name: &str, view: iced::Element<'_, Message>, theme: &iced::Theme, size: Size) {
    let (rgba, masks) = draw(view, theme, size);
    let (w, h) = (size.width as u32, size.height as u32);
    let shot = image::RgbaImage::from_raw(w, h, rgba).expect("a picture of the window's size");
    let runs = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ui-snapshots");
    std::fs::create_dir_all(&runs).expect("a folder for this run's pictures");
    let this_run = runs.join(name);
    shot.save(&this_run)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", this_run.display()));
    let reference = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    let bless = std::env::var("LIVEWINDOW_BLESS_SNAPSHOTS").as_deref() == Ok("1");
    let bless_it = || {
        std::fs::create_dir_all(reference.parent().expect("tests/snapshots")).expect("mkdir");
        std::fs::copy(&this_run, &reference).expect("write the reference picture");
        println!(
            "wrote {}: look at it before committing it",
            reference.display()
        );
    };
    if !reference.exists() {
        if bless {
            return bless_it();
        }
        panic!(
            "no reference picture {}; look at {} and, if it is right, run again with \
             LIVEWINDOW_BLESS_SNAPSHOTS=1",
            reference.display(),
            this_run.display()
        );
    }
    let expected = image::open(&reference)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", reference.display()))
        .to_rgba8();
    let masked = |x: u32, y: u32| {
        masks
            .iter()
            .any(|m| m.contains(iced::Point::new(x as f32 + 0.5, y as f32 + 0.5)))
    };
    let mut diff = image::RgbaImage::new(w, h);
    let mut differ = 0usize;
    if expected.dimensions() == (w, h) {
        for (x, y, p) in shot.enumerate_pixels() {
            let same = expected.get_pixel(x, y) == p || masked(x, y);
            if !same {
                differ += 1;
            }
            let grey = (p.0[0] / 3 + p.0[1] / 3 + p.0[2] / 3) / 2 + 128;
            diff.put_pixel(
                x,
                y,
                if same {
                    image::Rgba([grey, grey, grey, 255])
                } else {
                    image::Rgba([255, 0, 0, 255])
                },
            );
        }
    } else {
        differ = (w * h) as usize;
    }
    // A few pixels' slack: a scrollbar's antialiased end can move by a pixel between runs;
    // a change of layout or wording differs in hundreds.
    if differ <= SLACK_PIXELS {
        return;
    }
    let diff_path = runs.join(format!("{}-diff.png", name.trim_end_matches(".png")));
    let _ = diff.save(&diff_path);
    if bless {
        return bless_it();
    }
    panic!(
        "{name}: {differ} pixels differ from {} (this run: {}; differences in red: {})",
        reference.display(),
        this_run.display(),
        diff_path.display()
    );
}

/// The window's pixels (RGBA, scale 1) and the places of the texts that change.
fn draw(
    view: iced::Element<'_, Message>,
    theme: &iced::Theme,
    size: Size,
) -> (Vec<u8>, Vec<Rectangle>) {
    use iced::theme::Base;
    let mut renderer = futures::executor::block_on(iced::Renderer::new(
        iced::Font::DEFAULT,
        iced::Pixels(16.0),
        Some("tiny-skia"),
    ))
    .expect("the tiny-skia renderer");
    let mut ui = iced_runtime::UserInterface::build(
        view,
        size,
        iced_runtime::user_interface::Cache::default(),
        &mut renderer,
    );
    let cursor = iced::mouse::Cursor::Unavailable;
    // One redraw first, as a window's first frame gets (it settles animations).
    let mut messages = Vec::new();
    let _ = ui.update(
        &[iced::Event::Window(iced::window::Event::RedrawRequested(
            std::time::Instant::now(),
        ))],
        cursor,
        &mut renderer,
        &mut iced::advanced::clipboard::Null,
        &mut messages,
    );
    let base = theme.base();
    ui.draw(
        &mut renderer,
        theme,
        &iced::advanced::renderer::Style {
            text_color: base.text_color,
        },
        cursor,
    );
    let rgba = renderer.screenshot(
        Size::new(size.width as u32, size.height as u32),
        1.0,
        base.background_color,
    );
    let mut find = (|c: Candidate<'_>| match c {
        Candidate::Text {
            content,
            visible_bounds: Some(b),
            ..
        } if changes(content) => Some(b.expand(3.0)),
        Candidate::Container {
            id: Some(id),
            visible_bounds: Some(b),
            ..
        } if *id == iced::widget::Id::from(livewindow::ui::offer::COUNTDOWN_ID) => {
            Some(b.expand(1.0))
        }
        _ => None,
    })
    .find_all();
    ui.operate(&renderer, &mut black_box(&mut find));
    let masks = match iced::advanced::widget::Operation::finish(&find) {
        Outcome::Some(masks) => masks,
        _ => Vec::new(),
    };
    (rgba, masks)
}
