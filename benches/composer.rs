//! A keystroke in the formatted-text composer holding 5,000 words with mixed formatting: the
//! whole frame's CPU work (the composer applies the key, the view is rebuilt, the editor
//! lays out, re-shaping only the changed block, and draws) with the software renderer.
//! Run: `cargo bench --bench composer`

use criterion::{Criterion, criterion_group, criterion_main};
use iced::advanced::renderer::{Headless, Style};
use iced::{Font, Pixels, Size, Theme};
use iced_runtime::user_interface::{Cache, UserInterface};
use livewindow::richtext::Position;
use livewindow::ui::composer::{Composer, Message};
use livewindow::ui::widget::rich_editor::{Action, layout::Layout};
use std::hint::black_box;

mod words;

fn bench(c: &mut Criterion) {
    let doc = words::five_thousand_words();
    let html = doc.to_html();
    let words = doc.to_plain().split_whitespace().count();
    assert!(words >= 5_000, "{words} words");
    let mut composer = Composer::new(1, true, "", Some(&html));
    // The caret in the middle of the document.
    let _ = composer.update(Message::Editor(Action::Select(
        Position::new(125, 40).into(),
    )));

    let mut renderer = futures::executor::block_on(iced::Renderer::new(
        Font::DEFAULT,
        Pixels(16.0),
        Some("tiny-skia"),
    ))
    .expect("headless renderer");
    let size = Size::new(900.0, 400.0);
    let theme = Theme::Light;
    let style = Style {
        text_color: theme.palette().text,
    };
    let mut cache = Cache::default();
    {
        let mut ui = UserInterface::build(composer.view(true), size, cache, &mut renderer);
        ui.draw(
            &mut renderer,
            &theme,
            &style,
            iced::mouse::Cursor::Unavailable,
        );
        cache = ui.into_cache();
    }
    let mut group = c.benchmark_group("composer");
    group.sample_size(50);
    group.bench_function(
        "keystroke frame, 5,000 words (update + view + layout + draw)",
        |b| {
            b.iter(|| {
                let _ = composer.update(Message::Editor(Action::Insert("x".into())));
                let mut ui = UserInterface::build(
                    composer.view(true),
                    size,
                    std::mem::take(&mut cache),
                    &mut renderer,
                );
                ui.draw(
                    &mut renderer,
                    &theme,
                    &style,
                    iced::mouse::Cursor::Unavailable,
                );
                cache = ui.into_cache();
            })
        },
    );
    group.bench_function("first layout, 5,000 words (every block shaped)", |b| {
        b.iter(|| {
            let mut layout = Layout::default();
            layout.update(black_box(composer.document()), 880.0);
            layout
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
