//! Rich text: importing a ~1 MB Word clipboard (the Word fixture's fragment repeated), and
//! a keystroke in a 5,000-word document with mixed formatting.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use livewindow::richtext::{PasteExtras, Position, import};
use std::hint::black_box;

mod words;
use words::five_thousand_words;

/// Word-like CF_HTML of at least `size` bytes: the fixture's head (styles, list
/// definitions) and its fragment repeated, with a correct header.
fn word_clipboard(size: usize) -> String {
    let raw = std::fs::read_to_string("tests/fixtures/paste/word.html").expect("fixture");
    let html = &raw[raw.find("<html").expect("html")..];
    let start = html.find("<!--StartFragment-->").expect("start") + "<!--StartFragment-->".len();
    let end = html.find("<!--EndFragment-->").expect("end");
    let fragment = &html[start..end];
    let mut body = String::with_capacity(size + fragment.len() * 2);
    body.push_str(&html[..start]);
    while body.len() < size {
        body.push_str(fragment);
    }
    let fragment_end = body.len();
    body.push_str(&html[end..]);
    let header = |a: usize, b: usize, c: usize, d: usize| {
        format!(
            "Version:1.0\r\nStartHTML:{a:010}\r\nEndHTML:{b:010}\r\nStartFragment:{c:010}\r\nEndFragment:{d:010}\r\n"
        )
    };
    let h = header(0, 0, 0, 0).len();
    header(h, h + body.len(), h + start, h + fragment_end) + &body
}

fn bench(c: &mut Criterion) {
    let clip = word_clipboard(1024 * 1024);
    let mut group = c.benchmark_group("richtext");
    group.sample_size(20);
    group.bench_function("import 1 MB Word clipboard", |b| {
        b.iter(|| import(black_box(&clip), &PasteExtras::default()))
    });
    group.finish();

    let doc = five_thousand_words();
    assert!(doc.char_count() > 30_000, "{}", doc.char_count());
    let at = Position::new(125, 40);
    c.bench_function("keystroke, new undo step (5,000 words)", |b| {
        b.iter_batched(
            || doc.clone(),
            |mut d| {
                d.insert_text(black_box(at), "x");
                d
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("keystroke, continuing a word (5,000 words)", |b| {
        b.iter_batched(
            || {
                let mut d = doc.clone();
                let next = d.insert_text(at, "x");
                (d, next)
            },
            |(mut d, next)| {
                d.insert_text(black_box(next), "y");
                d
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("to_html (5,000 words)", |b| {
        b.iter(|| black_box(&doc).to_html())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
