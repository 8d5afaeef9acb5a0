//! The document model's operations, without any UI: formatting over selections that cross
//! runs and blocks, lists, Enter and delete, undo/redo, copy/paste, and the HTML round trip.

use livewindow::richtext::{
    Block, BlockStyle, Cell, Document, Image, Link, ListKind, Mark, Marks, PasteExtras, Position,
    Rgb, Run, Selection, Table, TextBlock, import,
};

fn pos(block: usize, offset: usize) -> Position {
    Position::new(block, offset)
}

fn sel(a: (usize, usize), b: (usize, usize)) -> Selection {
    Selection::new(pos(a.0, a.1), pos(b.0, b.1))
}

fn bold() -> Marks {
    Marks {
        bold: true,
        ..Marks::default()
    }
}

fn para(runs: Vec<Run>) -> Block {
    Block::Text(TextBlock::new(BlockStyle::Paragraph, runs))
}

fn bullet(text: &str, level: u8) -> Block {
    Block::Text(TextBlock::new(
        BlockStyle::ListItem {
            kind: ListKind::Bulleted,
            level,
        },
        vec![Run::plain(text)],
    ))
}

fn numbered(text: &str, level: u8, start: u32) -> Block {
    Block::Text(TextBlock::new(
        BlockStyle::ListItem {
            kind: ListKind::decimal(start),
            level,
        },
        vec![Run::plain(text)],
    ))
}

/// The runs of text block `i` as (text, marks).
fn runs(doc: &Document, i: usize) -> Vec<(String, Marks)> {
    match doc.block(i) {
        Some(Block::Text(t)) => t
            .runs
            .iter()
            .map(|r| (r.text.clone(), r.marks.clone()))
            .collect(),
        other => panic!("block {i} is not text: {other:?}"),
    }
}

fn text(doc: &Document, i: usize) -> String {
    match doc.block(i) {
        Some(Block::Text(t)) => t.text(),
        other => panic!("block {i} is not text: {other:?}"),
    }
}

fn style(doc: &Document, i: usize) -> BlockStyle {
    match doc.block(i) {
        Some(Block::Text(t)) => t.style,
        other => panic!("block {i} is not text: {other:?}"),
    }
}

/// "Hello brave new world" with "brave" bold.
fn mixed() -> Document {
    Document::from_blocks(vec![para(vec![
        Run::plain("Hello "),
        Run::new("brave", bold()),
        Run::plain(" new world"),
    ])])
}

#[test]
fn every_mark_applies_over_a_mixed_selection_then_comes_off() {
    for mark in [
        Mark::Bold,
        Mark::Italic,
        Mark::Underline,
        Mark::Strike,
        Mark::Code,
    ] {
        let mut doc = Document::from_blocks(vec![para(vec![
            Run::plain("ab"),
            Run::new("cd", {
                let mut m = Marks::default();
                m.set(mark, true);
                m
            }),
            Run::plain("ef"),
        ])]);
        // "bcde" crosses three runs, the middle one already marked: all of it gets the mark.
        assert!(doc.toggle_mark(sel((0, 1), (0, 5)), mark), "{mark:?}");
        let r = runs(&doc, 0);
        assert_eq!(r.len(), 3, "{mark:?}: {r:?}");
        assert_eq!((r[0].0.as_str(), r[0].1.has(mark)), ("a", false));
        assert_eq!((r[1].0.as_str(), r[1].1.has(mark)), ("bcde", true));
        assert_eq!((r[2].0.as_str(), r[2].1.has(mark)), ("f", false));
        // Now all of "bcde" has it: toggling takes it off, from the formerly marked part too.
        assert!(!doc.toggle_mark(sel((0, 5), (0, 1)), mark), "{mark:?}");
        assert_eq!(
            runs(&doc, 0),
            vec![("abcdef".to_string(), Marks::default())]
        );
    }
}

#[test]
fn bold_over_a_mixed_selection_across_blocks() {
    let mut doc = mixed();
    doc.split_block(pos(0, 12)); // "Hello brave " | "new world"
    assert_eq!(text(&doc, 1), "new world");
    assert!(doc.toggle_mark(sel((0, 3), (1, 3)), Mark::Bold));
    assert_eq!(
        runs(&doc, 0),
        vec![
            ("Hel".into(), Marks::default()),
            ("lo brave ".into(), bold())
        ]
    );
    assert_eq!(
        runs(&doc, 1),
        vec![("new".into(), bold()), (" world".into(), Marks::default())]
    );
    assert!(doc.marks_in(sel((0, 3), (1, 3))).bold);
    assert!(!doc.marks_in(sel((0, 2), (1, 3))).bold);
}

#[test]
fn a_collapsed_toggle_changes_nothing_and_says_what_to_type_with() {
    let mut doc = mixed();
    let before = doc.clone();
    assert!(!doc.toggle_mark(Selection::caret(pos(0, 8)), Mark::Bold));
    assert!(doc.toggle_mark(Selection::caret(pos(0, 2)), Mark::Bold));
    assert_eq!(doc, before);
    assert!(!doc.can_undo());
    let end = doc.insert_styled(pos(0, 2), "XY", &bold());
    assert_eq!(end, pos(0, 4));
    assert_eq!(runs(&doc, 0)[1], ("XY".to_string(), bold()));
}

#[test]
fn marks_at_reports_the_char_before_the_caret() {
    let doc = mixed();
    assert!(!doc.marks_at(pos(0, 0)).bold);
    assert!(!doc.marks_at(pos(0, 6)).bold, "after 'Hello '");
    assert!(doc.marks_at(pos(0, 7)).bold);
    assert!(doc.marks_at(pos(0, 11)).bold, "right after 'brave'");
    assert!(!doc.marks_at(pos(0, 12)).bold);
    // Out of range is clamped, not a panic.
    assert!(!doc.marks_at(pos(9, 99)).bold);
    let starts_bold = Document::from_blocks(vec![para(vec![Run::new("x", bold())])]);
    assert!(starts_bold.marks_at(pos(0, 0)).bold);
}

#[test]
fn typing_takes_the_marks_before_the_caret_but_does_not_extend_a_link() {
    let mut doc = mixed();
    doc.insert_text(pos(0, 11), "st");
    assert_eq!(runs(&doc, 0)[1], ("bravest".to_string(), bold()));

    let mut doc = Document::from_blocks(vec![para(vec![Run::plain("see docs now")])]);
    doc.set_link(sel((0, 4), (0, 8)), Some("https://example.com/docs"))
        .expect("valid link");
    doc.insert_text(pos(0, 8), "!");
    doc.insert_text(pos(0, 5), "-");
    let r = runs(&doc, 0);
    assert_eq!(r[1].0, "d-ocs", "typing inside a link extends it: {r:?}");
    assert!(r[1].1.link.is_some());
    assert_eq!(r[2].0, "! now");
    assert_eq!(r[2].1.link, None);
}

#[test]
fn colour_link_and_clear_formatting() {
    let mut doc = mixed();
    let red = Rgb::new(0xc0, 0, 0);
    doc.set_colour(sel((0, 0), (0, 8)), Some(red));
    assert_eq!(doc.marks_at(pos(0, 3)).colour, Some(red));
    assert_eq!(doc.marks_at(pos(0, 9)).colour, None);
    assert!(doc.marks_at(pos(0, 8)).bold);

    let before = doc.clone();
    for bad in [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:x",
        "data:text/html,<script>alert(1)</script>",
        "/relative",
        "//host/path",
        "mailto:",
        "",
    ] {
        assert!(
            doc.set_link(sel((0, 0), (0, 5)), Some(bad)).is_err(),
            "{bad:?}"
        );
    }
    assert_eq!(doc, before);
    doc.set_link(sel((0, 0), (0, 5)), Some("mailto:help@example.com"))
        .expect("mailto is allowed");
    assert_eq!(
        doc.marks_at(pos(0, 2)).link.as_ref().map(Link::as_str),
        Some("mailto:help@example.com")
    );

    doc.clear_formatting(doc.all());
    let r = runs(&doc, 0);
    assert!(
        r.iter().all(|(_, m)| !m.bold && m.colour.is_none()),
        "{r:?}"
    );
    assert!(r[0].1.link.is_some(), "links survive clear formatting");
    doc.set_link(doc.all(), None).expect("removing is fine");
    assert_eq!(runs(&doc, 0), vec![(text(&doc, 0), Marks::default())]);
}

#[test]
fn block_styles_and_enter() {
    let mut doc = Document::from_plain("Title\nbody text");
    doc.set_block_style(Selection::caret(pos(0, 2)), BlockStyle::Heading(7));
    assert_eq!(style(&doc, 0), BlockStyle::Heading(3), "clamped");
    // Enter at the end of a heading gives a paragraph.
    let at = doc.split_block(pos(0, 5));
    assert_eq!(at, pos(1, 0));
    assert_eq!(style(&doc, 1), BlockStyle::Paragraph);
    // Enter in the middle keeps the style for both halves.
    doc.split_block(pos(0, 2));
    assert_eq!(
        (text(&doc, 0), text(&doc, 1)),
        ("Ti".to_string(), "tle".to_string())
    );
    assert_eq!(style(&doc, 1), BlockStyle::Heading(3));
    // Enter over a selection replaces it.
    let at = doc.split_block(sel((3, 2), (3, 5)));
    assert_eq!((text(&doc, 3), text(&doc, 4)), ("bo".into(), "text".into()));
    assert_eq!(at, pos(4, 0));
}

#[test]
fn delete_merges_blocks_and_removes_tables_whole() {
    let table = Block::Table(Table {
        rows: vec![vec![Cell::new(vec![Run::plain("cell")])]],
    });
    let mut doc = Document::from_blocks(vec![
        para(vec![Run::plain("first")]),
        table,
        para(vec![Run::new("second", bold())]),
    ]);
    assert_eq!(doc.block_count(), 3);
    // From inside "first" to inside "second": the table goes, the rest merges.
    let at = doc.delete(sel((0, 2), (2, 3)));
    assert_eq!(at, pos(0, 2));
    assert_eq!(doc.block_count(), 1);
    assert_eq!(
        runs(&doc, 0),
        vec![("fi".into(), Marks::default()), ("ond".into(), bold())]
    );
    // Backspace at the start of a block joins it to the one before.
    let mut doc = Document::from_plain("ab\ncd");
    let at = doc.delete(sel((0, 2), (1, 0)));
    assert_eq!((at, text(&doc, 0)), (pos(0, 2), "abcd".to_string()));
    // Deleting everything leaves one empty paragraph.
    let mut doc = mixed();
    doc.delete(doc.all());
    assert!(doc.is_empty());
}

#[test]
fn lists_indent_and_outdent() {
    let mut doc =
        Document::from_blocks(vec![bullet("one", 0), bullet("two", 0), bullet("three", 0)]);
    assert!(
        !doc.indent(Selection::caret(pos(0, 0))),
        "the first item has no parent to go under"
    );
    assert!(doc.indent(Selection::caret(pos(1, 1))));
    assert_eq!(
        style(&doc, 1),
        BlockStyle::ListItem {
            kind: ListKind::Bulleted,
            level: 1
        }
    );
    // A selection of two items: each goes at most one level below the item before it.
    assert!(doc.indent(sel((1, 0), (2, 2))));
    assert!(doc.indent(Selection::caret(pos(2, 0))));
    assert!(
        !doc.indent(Selection::caret(pos(2, 0))),
        "already under 'two'"
    );
    let levels: Vec<u8> = doc
        .list_markers()
        .iter()
        .map(|m| m.map(|m| m.level).unwrap_or(99))
        .collect();
    assert_eq!(levels, vec![0, 1, 2]);
    assert_eq!(doc.to_plain(), "• one\n  • two\n    • three");
    assert_eq!(
        doc.to_html(),
        "<ul>\n<li>one<ul>\n<li>two<ul>\n<li>three</li>\n</ul>\n</li>\n</ul>\n</li>\n</ul>\n"
    );
    assert!(doc.outdent(doc.all()));
    assert!(doc.outdent(doc.all()));
    assert!(!doc.outdent(doc.all()), "all at level 0");
    // A level stored deeper than the item before it allows is drawn one level down.
    let deep = Document::from_blocks(vec![bullet("a", 0), bullet("b", 5)]);
    assert_eq!(deep.to_plain(), "• a\n  • b");
    assert!(!doc.indent(Selection::caret(pos(0, 0))));
    // Tab in a paragraph is not the list's business.
    let mut plain = Document::from_plain("x");
    assert!(!plain.indent(plain.all()));
    // Enter in an empty list item ends the list, level by level.
    let mut doc = Document::from_blocks(vec![bullet("a", 0), bullet("b", 1)]);
    let at = doc.split_block(pos(1, 1));
    assert_eq!(style(&doc, 2), style(&doc, 1));
    doc.split_block(at);
    assert_eq!(
        style(&doc, 2),
        BlockStyle::ListItem {
            kind: ListKind::Bulleted,
            level: 0
        }
    );
    doc.split_block(at);
    assert_eq!(style(&doc, 2), BlockStyle::Paragraph);
}

#[test]
fn ordered_lists_number_and_nest() {
    let doc = Document::from_blocks(vec![
        numbered("a", 0, 1),
        bullet("a.1", 1),
        bullet("a.2", 1),
        numbered("b", 0, 1),
        numbered("c", 0, 7),
        para(vec![Run::plain("break")]),
        numbered("d", 0, 1),
    ]);
    let numbers: Vec<Option<u32>> = doc
        .list_markers()
        .iter()
        .map(|m| m.and_then(|m| m.number))
        .collect();
    assert_eq!(
        numbers,
        vec![Some(1), None, None, Some(2), Some(7), None, Some(1)]
    );
    assert_eq!(
        doc.to_html(),
        "<ol>\n<li>a<ul>\n<li>a.1</li>\n<li>a.2</li>\n</ul>\n</li>\n<li>b</li>\n</ol>\n\
         <ol start=\"7\">\n<li>c</li>\n</ol>\n<p>break</p>\n<ol>\n<li>d</li>\n</ol>\n"
    );
    assert_eq!(
        doc.to_plain(),
        "1. a\n  • a.1\n  • a.2\n2. b\n7. c\nbreak\n1. d"
    );
}

#[test]
fn undo_and_redo_typing_by_words_and_formatting() {
    let mut doc = Document::new();
    let mut at = doc.start();
    for c in "Hello big world".chars() {
        at = doc.insert_text(at, &c.to_string());
    }
    doc.toggle_mark(sel((0, 6), (0, 9)), Mark::Bold);
    assert_eq!(runs(&doc, 0)[1], ("big".to_string(), bold()));

    assert_eq!(doc.undo(), Some(sel((0, 6), (0, 9))));
    assert_eq!(text(&doc, 0), "Hello big world");
    assert_eq!(runs(&doc, 0).len(), 1);
    doc.undo();
    assert_eq!(text(&doc, 0), "Hello big ");
    doc.undo();
    assert_eq!(text(&doc, 0), "Hello ");
    doc.undo();
    assert_eq!(text(&doc, 0), "");
    assert!(!doc.can_undo());
    assert_eq!(doc.undo(), None);

    assert_eq!(doc.redo(), Some(Selection::caret(pos(0, 6))));
    doc.redo();
    doc.redo();
    assert_eq!(text(&doc, 0), "Hello big world");
    doc.redo();
    assert!(doc.marks_at(pos(0, 8)).bold);
    assert!(!doc.can_redo());

    // A new edit after undo drops the redo steps.
    doc.undo();
    doc.insert_text(pos(0, 0), ">");
    assert!(!doc.can_redo());
    // Moving the caret ends a typing step even inside a word.
    let mut doc = Document::new();
    doc.insert_text(pos(0, 0), "ab");
    doc.insert_text(pos(0, 0), "c");
    doc.undo();
    assert_eq!(text(&doc, 0), "ab");
    let mut doc = Document::new();
    doc.insert_text(pos(0, 0), "a");
    doc.break_undo_group();
    doc.insert_text(pos(0, 1), "b");
    doc.undo();
    assert_eq!(text(&doc, 0), "a");
}

#[test]
fn copy_and_paste_keep_formatting() {
    let mut src = mixed();
    src.split_block(pos(0, 12));
    src.set_block_style(Selection::caret(pos(1, 0)), BlockStyle::Heading(2));
    // "lo brave " + heading "new"
    let frag = src.copy(sel((0, 3), (1, 3)));
    assert_eq!(frag.block_count(), 2);
    assert_eq!(
        runs(&frag, 0),
        vec![
            ("lo ".into(), Marks::default()),
            ("brave".into(), bold()),
            (" ".into(), Marks::default())
        ]
    );

    let mut dst = Document::from_plain("[] tail");
    let at = dst.paste(pos(0, 1), &frag);
    assert_eq!(dst.block_count(), 2);
    assert_eq!(text(&dst, 0), "[lo brave ");
    assert!(dst.marks_at(pos(0, 6)).bold);
    // The last pasted block keeps its heading style and takes what followed the caret.
    assert_eq!(text(&dst, 1), "new] tail");
    assert_eq!(style(&dst, 1), BlockStyle::Heading(2));
    assert_eq!(at, pos(1, 3));
    // One undo step.
    dst.undo();
    assert_eq!(dst, Document::from_plain("[] tail"));

    // A single-block fragment goes inline and keeps the block's style.
    let word = src.copy(sel((0, 6), (0, 11)));
    let mut list = Document::from_blocks(vec![bullet("a  b", 0)]);
    let at = list.paste(pos(0, 2), &word);
    assert_eq!(text(&list, 0), "a brave b");
    assert!(list.marks_at(at).bold);
    assert_eq!(list.block_count(), 1);

    // Plain text lines become paragraphs; the last takes the target's style.
    let mut list = Document::from_blocks(vec![bullet("xy", 0)]);
    list.paste_text(pos(0, 1), "1\n2\n3");
    assert_eq!(list.to_plain(), "• x1\n2\n• 3y");

    // A table pasted at the start of a paragraph goes before it whole.
    let table = Document::from_blocks(vec![Block::Table(Table {
        rows: vec![vec![Cell::new(vec![Run::plain("t")])]],
    })]);
    let mut doc = Document::from_plain("para");
    let at = doc.paste(pos(0, 0), &table);
    assert!(matches!(doc.block(0), Some(Block::Table(_))));
    assert_eq!(text(&doc, 1), "para");
    assert_eq!(at, pos(0, 1));
}

/// A document with every feature the HTML subset carries.
fn everything() -> Document {
    let png = std::fs::read("tests/fixtures/paste/pixel.png").expect("fixture");
    let red = Marks {
        colour: Some(Rgb::new(0xcc, 0x00, 0x11)),
        ..Marks::default()
    };
    let link = Marks {
        link: Link::parse("https://example.com/a?b=1&c=<2>"),
        italic: true,
        ..Marks::default()
    };
    let mut header = Cell::new(vec![Run::new("Head", bold())]);
    header.header = true;
    header.colspan = 2;
    let mut tall = Cell::new(vec![Run::plain("tall")]);
    tall.rowspan = 2;
    Document::from_blocks(vec![
        Block::Text(TextBlock::new(
            BlockStyle::Heading(1),
            vec![Run::plain("Title & <stuff>")],
        )),
        para(vec![
            Run::plain("  two  spaces, "),
            Run::new("red", red),
            Run::plain(" "),
            Run::new("link", link),
            Run::plain(" then "),
            Run::new(
                "all",
                Marks {
                    bold: true,
                    italic: true,
                    underline: true,
                    strike: true,
                    code: true,
                    ..Marks::default()
                },
            ),
            Run::plain("\nnext line \n\n"),
        ]),
        para(vec![]),
        numbered("one", 0, 3),
        bullet("inner", 1),
        numbered("two", 0, 3),
        Block::Table(Table {
            rows: vec![
                vec![header],
                vec![tall, Cell::new(vec![Run::plain("x")])],
                vec![Cell::new(vec![Run::plain("y\nz")])],
            ],
        }),
        Block::Image(Image::from_bytes(&png, "a \"red\" pixel").expect("a PNG")),
        para(vec![Run::plain("end ")]),
    ])
}

#[test]
fn html_round_trip_is_stable() {
    let doc = everything();
    let html = doc.to_html();
    let back = import(&html, &PasteExtras::default());
    assert_eq!(back.to_html(), html);
    assert_eq!(back, doc, "this document survives the round trip exactly");
    assert_eq!(
        doc.to_plain(),
        "Title & <stuff>\n  two  spaces, red link then all\nnext line \n\n\n\n\
         3. one\n  • inner\n4. two\nHead\ntall\tx\ny z\n[image: a \"red\" pixel]\nend "
    );
    // Each fixture, once imported, serializes to HTML that imports to the same HTML.
    for name in [
        "word",
        "excel",
        "gdocs",
        "gdocs-linux",
        "libreoffice",
        "browser",
        "hostile",
        "word-skipped-level",
        "word-vml-only",
        "word-linked-image",
        "word-numbered-headings",
    ] {
        let raw =
            std::fs::read_to_string(format!("tests/fixtures/paste/{name}.html")).expect("fixture");
        let first = import(&raw, &PasteExtras::default()).to_html();
        let second = import(&first, &PasteExtras::default()).to_html();
        assert_eq!(first, second, "{name}");
    }
}

#[test]
fn from_blocks_normalizes() {
    let doc = Document::from_blocks(vec![
        Block::Text(TextBlock::new(
            BlockStyle::ListItem {
                kind: ListKind::Bulleted,
                level: 200,
            },
            vec![
                Run::plain(""),
                Run::plain("a\tb"),
                Run::plain("\u{7}c\r\nd"),
                Run::new("", bold()),
            ],
        )),
        Block::Table(Table { rows: vec![vec![]] }),
    ]);
    assert_eq!(doc.block_count(), 1, "a table without cells is dropped");
    assert_eq!(
        runs(&doc, 0),
        vec![("a bc\nd".to_string(), Marks::default())]
    );
    assert_eq!(
        style(&doc, 0),
        BlockStyle::ListItem {
            kind: ListKind::Bulleted,
            level: 8
        }
    );
    assert!(Document::from_blocks(vec![]).is_empty());
}

#[test]
fn positions_out_of_range_are_clamped() {
    let mut doc = mixed();
    let end = doc.insert_text(pos(5, 500), "!");
    assert_eq!(end, pos(0, 22));
    assert_eq!(doc.delete(sel((0, 100), (7, 0))), pos(0, 22));
    doc.toggle_mark(sel((3, 0), (0, 500)), Mark::Italic);
    assert_eq!(text(&doc, 0), "Hello brave new world!");
    assert_eq!(doc.split_block(pos(9, 9)), pos(1, 0));
}

/// Cases the fuzzers found: each once broke "serialize → import → serialize".
#[test]
fn fuzz_regressions_round_trip() {
    let italic = Marks {
        italic: true,
        ..Marks::default()
    };
    let png_name = Image::unavailable("it's \"here\"  now");
    let mut linked = Document::from_plain("see the docs");
    linked
        .set_link(sel((0, 8), (0, 12)), Some("https://example.com/"))
        .expect("valid");
    linked.toggle_mark(linked.all(), Mark::Underline);
    linked.set_colour(linked.all(), Some(Rgb::new(0, 0x80, 0)));
    let docs = vec![
        // A space ending a run, before a run that starts with a line break.
        Document::from_blocks(vec![para(vec![
            Run::new("Print the ", italic.clone()),
            Run::new("\nnext", bold()),
        ])]),
        // A placeholder with quotes and double spaces.
        Document::from_blocks(vec![Block::Image(png_name)]),
        // Only empty blocks.
        Document::from_blocks(vec![
            Block::Text(TextBlock::new(BlockStyle::Heading(1), vec![])),
            para(vec![]),
        ]),
        // Blank lines around content.
        Document::from_blocks(vec![
            para(vec![]),
            para(vec![Run::plain("x")]),
            para(vec![]),
        ]),
        linked.clone(),
    ];
    for doc in docs {
        let html = doc.to_html();
        assert_eq!(
            import(&html, &PasteExtras::default()).to_html(),
            html,
            "{doc:?}"
        );
    }
    // A near-black colour is the default colour; a link's look is its own.
    let mut doc = Document::from_plain("grey");
    doc.set_colour(doc.all(), Some(Rgb::new(0x0a, 0, 1)));
    assert!(!doc.can_undo(), "no change, no undo step");
    assert_eq!(doc.marks_at(pos(0, 2)).colour, None);
    let m = linked.marks_at(pos(0, 10));
    assert!(m.link.is_some() && !m.underline && m.colour.is_none());
    assert_eq!(
        linked.marks_at(pos(0, 2)).colour,
        Some(Rgb::new(0, 0x80, 0))
    );
    assert_eq!(
        Document::from_blocks(vec![para(vec![]), para(vec![])]).to_html(),
        ""
    );
}

#[test]
fn an_image_from_a_file_goes_in_as_a_block() {
    let png = std::fs::read("tests/fixtures/paste/pixel.png").expect("fixture");
    let mut doc = Document::from_plain("before after");
    let image = Image::from_bytes(&png, "logo").expect("a PNG");
    let at = doc.insert_image(pos(0, 7), image);
    assert_eq!(at, pos(1, 1));
    assert_eq!(doc.to_plain(), "before \n[image: logo]\nafter");
    assert!(Image::from_bytes(b"GIF87a but not really", "x").is_some());
    assert!(Image::from_bytes(b"<svg/>", "x").is_none());
    doc.undo();
    assert_eq!(doc.to_plain(), "before after");
}

fn styled(style: BlockStyle, runs: Vec<Run>) -> Block {
    Block::Text(TextBlock::new(style, runs))
}

/// Documents covering every block style, mark, table shape and image kind the model has.
fn every_shape() -> Vec<Document> {
    let png = std::fs::read("tests/fixtures/paste/pixel.png").expect("fixture");
    let mark = |f: fn(&mut Marks)| {
        let mut m = Marks::default();
        f(&mut m);
        m
    };
    let mail = Marks {
        link: Link::parse("mailto:help@example.com"),
        bold: true,
        ..Marks::default()
    };
    let mut head = Cell::new(vec![Run::new("H", mark(|m| m.italic = true))]);
    head.header = true;
    let mut linked_image = Image::from_bytes(&png, "linked").expect("a PNG");
    if let Image::Embedded { link, .. } = &mut linked_image {
        *link = Link::parse("https://example.com/?a=1&b='2'");
    }
    let mut wide = Cell::new(vec![Run::new("wide & \"quoted\"", mail.clone())]);
    wide.colspan = 3;
    wide.rowspan = 2;
    vec![
        everything(),
        Document::from_blocks(vec![
            styled(BlockStyle::Heading(1), vec![Run::plain("One")]),
            styled(BlockStyle::Heading(2), vec![Run::new("Two", bold())]),
            styled(BlockStyle::Heading(3), vec![Run::plain("Three\nlines")]),
            para(vec![
                Run::new("b", bold()),
                Run::new("i", mark(|m| m.italic = true)),
                Run::new("u", mark(|m| m.underline = true)),
                Run::new("s", mark(|m| m.strike = true)),
                Run::new("c", mark(|m| m.code = true)),
                Run::new("red", mark(|m| m.colour = Some(Rgb::new(0xff, 0, 0)))),
                Run::new("mail", mail.clone()),
                Run::plain(" 'quotes' \"too\" <tag> & \u{1F600}"),
            ]),
        ]),
        // Lists: both kinds, a start number, nesting to the deepest level, kinds mixed at one
        // level, and lists broken by a paragraph, a table and an image.
        Document::from_blocks(vec![
            numbered("a", 0, 5),
            bullet("b", 1),
            numbered("c", 2, 1),
            bullet("d", 3),
            bullet("e", 4),
            bullet("f", 5),
            bullet("g", 6),
            bullet("h", 7),
            bullet("i", 8),
            numbered("j", 1, 1),
            bullet("k", 1),
            numbered("l", 0, 5),
            para(vec![Run::plain("break")]),
            numbered("m", 0, 0),
            bullet("n", 0),
            Block::Table(Table {
                rows: vec![vec![Cell::new(vec![Run::plain("t")])]],
            }),
            bullet("o", 0),
            Block::Image(Image::from_bytes(&png, "").expect("a PNG")),
            numbered("p", 0, 2),
        ]),
        Document::from_blocks(vec![Block::Table(Table {
            rows: vec![
                vec![head, Cell::new(vec![])],
                vec![wide],
                vec![Cell::new(vec![Run::plain("x\ny")])],
            ],
        })]),
        Document::from_blocks(vec![
            Block::Image(linked_image),
            Block::Image(Image::from_bytes(&png, "alt with \"quotes\" & <angles>").expect("a PNG")),
            Block::Image(Image::unavailable("clip_image001.png")),
            para(vec![Run::plain("between")]),
            Block::Image(Image::unavailable("a <b> & \"c\"")),
        ]),
        // Levels skipped, as a hand-built document may store them.
        skipped_levels(),
        Document::new(),
    ]
}

fn skipped_levels() -> Document {
    Document::from_blocks(vec![
        bullet("One", 0),
        bullet("Level", 2),
        bullet("Here", 1),
        numbered("deep", 6, 1),
        para(vec![Run::plain("p")]),
        bullet("starts deep", 4),
        bullet("and stays", 4),
    ])
}

/// Each list item's (stored level, drawn level).
fn levels(doc: &Document) -> Vec<(u8, u8)> {
    doc.blocks()
        .zip(doc.list_markers())
        .filter_map(|(b, m)| match (b, m) {
            (
                Block::Text(TextBlock {
                    style: BlockStyle::ListItem { level, .. },
                    ..
                }),
                Some(m),
            ) => Some((*level, m.level)),
            _ => None,
        })
        .collect()
}

fn assert_levelled(doc: &Document) {
    let l = levels(doc);
    assert!(l.iter().all(|(stored, drawn)| stored == drawn), "{l:?}");
    let received = Document::from_stored_html(&doc.to_html());
    assert_eq!(received.list_markers(), doc.list_markers());
    assert_eq!(levels(&received), l);
}

#[test]
fn skipped_list_levels_are_stored_as_drawn_and_sent_as_shown() {
    let doc = skipped_levels();
    let drawn: Vec<u8> = levels(&doc).iter().map(|l| l.1).collect();
    assert_eq!(drawn, vec![0, 1, 1, 2, 0, 1]);
    // Built by hand, the levels are kept as given, but drawn and sent alike.
    assert_eq!(levels(&doc)[1], (2, 1));
    let received = Document::from_stored_html(&doc.to_html());
    assert_eq!(received.list_markers(), doc.list_markers());
    // Pasted, the levels are stored as drawn.
    let mut pasted = Document::new();
    pasted.paste(pos(0, 0), &doc);
    assert_eq!(pasted.list_markers(), doc.list_markers());
    assert_levelled(&pasted);
    // Any edit stores them as drawn, even one far from the list.
    let mut edited = doc.clone();
    edited.toggle_mark(sel((4, 0), (4, 1)), Mark::Bold);
    assert_levelled(&edited);
    edited.undo();
    assert_eq!(edited, doc);
    // Deleting the item between two levels, outdenting a parent, restyling a paragraph as a
    // deep item: each leaves the levels as drawn.
    let mut doc = Document::from_blocks(vec![bullet("a", 0), bullet("b", 1), bullet("c", 2)]);
    doc.delete(sel((0, 1), (1, 1)));
    assert_eq!(levels(&doc), vec![(0, 0), (1, 1)]);
    let mut doc = Document::from_blocks(vec![bullet("a", 0), bullet("b", 1), bullet("c", 2)]);
    assert!(doc.outdent(Selection::caret(pos(1, 0))));
    assert_eq!(levels(&doc), vec![(0, 0), (0, 0), (1, 1)]);
    let mut doc = Document::from_blocks(vec![bullet("a", 0), para(vec![Run::plain("b")])]);
    doc.set_block_style(
        Selection::caret(pos(1, 0)),
        BlockStyle::ListItem {
            kind: ListKind::Bulleted,
            level: 5,
        },
    );
    assert_eq!(levels(&doc), vec![(0, 0), (1, 1)]);
    assert_levelled(&doc);
}

#[test]
fn stored_html_reads_back_what_to_html_wrote() {
    for doc in every_shape() {
        let html = doc.to_html();
        let back = Document::from_stored_html(&html);
        assert_eq!(back.to_html(), html, "{doc:?}");
        assert_eq!(back.list_markers(), doc.list_markers(), "{html}");
        assert_eq!(back.to_plain(), doc.to_plain(), "{html}");
    }
    // A plain message's stored HTML reads back as its text.
    let stored = livewindow::richtext::plain_to_html("Hi <Sam>,\nyour \"order\" & more");
    assert_eq!(
        Document::from_stored_html(&stored).to_plain(),
        "Hi <Sam>,\nyour \"order\" & more"
    );
    // Anything else is read like a paste: sanitized.
    let hostile = Document::from_stored_html(
        "<p onclick=x>a<script>alert(1)</script><a href='javascript:alert(1)'>b</a>\
         <img src='https://tracker.example/p.png'></p>",
    );
    let html = hostile.to_html();
    assert!(
        !html.contains("script")
            && !html.contains("javascript")
            && !html.contains("tracker.example/"),
        "{html}"
    );
}
