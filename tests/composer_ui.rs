//! The formatted-text composer, driven through a kept iced interface (focus and layout
//! survive between keys, as in the app) against a real store.

mod common;
mod ui;

use common::{demo_with_available, fresh};
use iced::keyboard::Modifiers;
use iced::keyboard::key::Named;
use livewindow::core;
use livewindow::richtext::{Block, BlockStyle};
use livewindow::ui::composer;
use livewindow::ui::console::Message;
use livewindow::ui::interaction;
use ui::Harness;

const CTRL: Modifiers = Modifiers::CTRL;
const SHIFT: Modifiers = Modifiers::SHIFT;
const NONE: Modifiers = Modifiers::empty();

async fn open_chat(
    rich: bool,
) -> (
    livewindow::store::scratch::Scratch,
    Harness,
    i64,
    tempfile::TempDir,
) {
    let (db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
    store
        .set_option(
            core::OPT_CKEDITOR,
            if rich { "Y" } else { "N" },
            Some(agent),
        )
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    let (q, _) = store.find_queue(Some("Support")).await.unwrap();
    let chat = store
        .enqueue("Ana Lima", "ana.lima@example.com", q, Some("hello"))
        .await
        .unwrap();
    h.pump().await;
    h.click("Accept (Alt+A)").await;
    h.click("Verify and Continue").await;
    h.focus(&format!("composer-{chat}")).await;
    (db, h, chat, dir)
}

fn composer(h: &Harness, chat: i64) -> &composer::Composer {
    h.console.chat(chat).unwrap().composer()
}

async fn last_message(h: &Harness, chat: i64) -> livewindow::store::Message {
    h.store.messages(chat).await.unwrap().pop().unwrap()
}

#[tokio::test]
async fn type_format_with_shortcuts_and_toolbar_then_send() {
    let (_db, mut h, chat, _dir) = open_chat(true).await;
    assert!(composer(&h, chat).is_rich());

    // Ctrl+B with no selection: the next words are bold, and the toolbar says so.
    h.typing("Hello ").await;
    h.chord('b', CTRL).await;
    assert!(
        composer(&h, chat).marks().bold,
        "Bold is lit for what comes next"
    );
    h.typing("bold").await;
    h.chord('b', CTRL).await;
    h.typing(": and soft see docs").await;
    // A link on a selection, through Ctrl+K and the address field.
    for _ in 0..4 {
        h.named(Named::ArrowLeft, SHIFT).await;
    }
    h.chord('k', CTRL).await;
    h.click_id(&format!("link-url-{chat}")).await;
    h.typing("javascript:alert(1)").await;
    h.named(Named::Enter, NONE).await;
    assert!(h.shows("A link must start with http://, https:// or mailto:"));
    for _ in 0.."javascript:alert(1)".len() {
        h.named(Named::Backspace, NONE).await;
    }
    h.typing("https://example.com/docs").await;
    h.named(Named::Enter, NONE).await;
    assert!(composer(&h, chat).marks().link.is_some());

    // Select "soft" with Shift+Right and make it italic and underlined.
    h.focus(&format!("composer-{chat}")).await;
    h.named(Named::Home, NONE).await;
    for _ in 0..16 {
        h.named(Named::ArrowRight, NONE).await;
    }
    for _ in 0..4 {
        h.named(Named::ArrowRight, SHIFT).await;
    }
    h.chord('i', CTRL).await;
    h.chord('u', CTRL).await;
    let m = composer(&h, chat).marks();
    assert!(m.italic && m.underline && !m.bold, "{m:?}");
    // The caret inside the bold word lights Bold.
    h.named(Named::Home, NONE).await;
    for _ in 0..8 {
        h.named(Named::ArrowRight, NONE).await;
    }
    assert!(composer(&h, chat).marks().bold);

    // Shift+Enter: a new block; the toolbar's list button; Tab nests the next item.
    h.focus(&format!("composer-{chat}")).await;
    h.named(Named::End, CTRL).await;
    h.named(Named::Enter, SHIFT).await;
    h.click("• List").await;
    h.focus(&format!("composer-{chat}")).await;
    h.typing("filter").await;
    h.named(Named::Enter, SHIFT).await;
    h.typing("cartridge").await;
    h.named(Named::Tab, NONE).await;
    let doc = composer(&h, chat).document();
    let styles: Vec<_> = doc
        .blocks()
        .map(|b| match b {
            Block::Text(t) => t.style,
            _ => BlockStyle::Paragraph,
        })
        .collect();
    assert!(
        matches!(
            styles[..],
            [
                BlockStyle::Paragraph,
                BlockStyle::ListItem { level: 0, .. },
                BlockStyle::ListItem { level: 1, .. }
            ]
        ),
        "{styles:?}"
    );

    // Undo takes the indent back, redo puts it again.
    h.chord('z', CTRL).await;
    assert!(matches!(
        composer(&h, chat).document().block(2),
        Some(Block::Text(t)) if matches!(t.style, BlockStyle::ListItem { level: 0, .. })
    ));
    h.chord('z', CTRL | SHIFT).await;
    assert!(matches!(
        composer(&h, chat).document().block(2),
        Some(Block::Text(t)) if matches!(t.style, BlockStyle::ListItem { level: 1, .. })
    ));
    h.snapshot("composer_formatted.png");

    // Enter sends the formatted message; the transcript shows it with its formatting.
    h.named(Named::Enter, NONE).await;
    h.pump().await;
    let sent = last_message(&h, chat).await;
    let html = &sent.body_html;
    assert!(html.contains("<strong>bold</strong>"), "{html}");
    assert!(
        html.contains("<em><u>soft</u></em>") || html.contains("<u><em>soft</em></u>"),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="https://example.com/docs" rel="noopener noreferrer">docs</a>"#),
        "{html}"
    );
    assert!(
        html.contains("<ul>") && html.matches("<ul>").count() == 2,
        "{html}"
    );
    assert_eq!(
        sent.body_text.lines().next(),
        Some("Hello bold: and soft see docs")
    );
    let c = h.console.chat(chat).unwrap();
    assert!(c.document(sent.id).is_some(), "rendered as rich text");
    assert!(c.composer().is_empty());
    h.snapshot("composer_sent.png");
}

#[tokio::test]
async fn copy_cut_and_paste_keep_formatting() {
    let (_db, mut h, chat, _dir) = open_chat(true).await;
    h.chord('b', CTRL).await;
    h.typing("Bold").await;
    h.chord('b', CTRL).await;
    h.typing(" plain").await;
    // Select all, copy, go to the end, paste: the bold survives the round trip.
    h.chord('a', CTRL).await;
    h.chord('c', CTRL).await;
    h.named(Named::End, CTRL).await;
    h.named(Named::Enter, SHIFT).await;
    h.chord('v', CTRL).await;
    let doc = composer(&h, chat).document();
    assert_eq!(doc.to_plain(), "Bold plain\nBold plain");
    assert!(
        doc.to_html().matches("<strong>Bold</strong>").count() == 2,
        "{}",
        doc.to_html()
    );
    // Cut the first line (Shift+End from its start selects it), paste it at the end, undo.
    h.named(Named::Home, CTRL).await;
    h.named(Named::End, SHIFT).await;
    h.chord('x', CTRL).await;
    assert_eq!(composer(&h, chat).document().to_plain(), "Bold plain");
    assert!(
        composer(&h, chat)
            .document()
            .block(0)
            .is_some_and(Block::is_empty)
    );
    h.named(Named::End, CTRL).await;
    h.chord('v', CTRL).await;
    assert_eq!(
        composer(&h, chat).document().to_plain(),
        "Bold plainBold plain"
    );
    h.chord('z', CTRL).await;
    h.chord('z', CTRL).await;
    assert_eq!(
        composer(&h, chat).document().to_plain(),
        "Bold plain\nBold plain"
    );
}

#[tokio::test]
async fn images_from_files_with_limits_and_removal() {
    let (_db, mut h, chat, dir) = open_chat(true).await;
    // A real PNG, dropped on the window.
    let png = dir.path().join("router.png");
    image::RgbaImage::from_pixel(200, 100, image::Rgba([30, 120, 200, 255]))
        .save(&png)
        .unwrap();
    h.send(Message::FileDropped(png)).await;
    let doc = composer(&h, chat).document();
    assert!(
        doc.blocks().any(|b| matches!(b, Block::Image(_))),
        "image inserted"
    );
    h.snapshot("composer_image.png");

    // Too large, and not an image: clear messages, nothing inserted.
    let big = dir.path().join("scan.png");
    std::fs::write(&big, vec![0u8; 11 * 1024 * 1024]).unwrap();
    h.send(Message::FileDropped(big)).await;
    let notice = composer(&h, chat).notice().unwrap_or_default().to_string();
    assert!(notice.contains("at most 10 MB"), "{notice}");
    let doc_txt = dir.path().join("notes.txt");
    std::fs::write(&doc_txt, "just text").unwrap();
    h.send(Message::FileDropped(doc_txt)).await;
    let notice = composer(&h, chat).notice().unwrap_or_default().to_string();
    assert!(notice.contains("not a PNG, JPEG, GIF or WebP"), "{notice}");
    assert!(h.shows(&notice));
    let images = |h: &Harness| {
        composer(h, chat)
            .document()
            .blocks()
            .filter(|b| matches!(b, Block::Image(_)))
            .count()
    };
    assert_eq!(images(&h), 1);

    // Two 6 MB photos do not fit in one message (their base64 would pass the store's cap, and
    // the draft could not be restored whole): the second is refused with the reason.
    let photo = |name: &str| {
        let path = dir.path().join(name);
        let mut bytes = std::fs::read(dir.path().join("router.png")).unwrap();
        // A real PNG padded after its end chunk, where decoders stop reading.
        bytes.resize(6 * 1024 * 1024, 0);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    h.send(Message::FileDropped(photo("one.png"))).await;
    assert_eq!(images(&h), 2);
    h.send(Message::FileDropped(photo("two.png"))).await;
    let notice = composer(&h, chat).notice().unwrap_or_default().to_string();
    assert!(notice.contains("total at most 11 MB"), "{notice}");
    assert_eq!(images(&h), 2);
    h.chord('z', CTRL).await;
    assert_eq!(images(&h), 1);

    // The thumbnail's × removes it: 200×100 shows as 192×96 at the editor's top left.
    let b = h.bounds(&format!("composer-{chat}")).await;
    let first_image_y = {
        let doc = composer(&h, chat).document();
        let i = doc
            .blocks()
            .position(|b| matches!(b, Block::Image(_)))
            .unwrap();
        assert_eq!(
            i, 0,
            "dropped into the empty composer, the image is its first block"
        );
        0.0
    };
    h.click_at(iced::Point::new(
        b.x + 8.0 + 192.0 - 11.0,
        b.y + 8.0 + first_image_y + 11.0,
    ))
    .await;
    assert_eq!(images(&h), 0, "the × removed the image");
}

#[tokio::test]
async fn plain_composer_when_the_option_is_off() {
    let (_db, mut h, chat, _dir) = open_chat(false).await;
    assert!(!composer(&h, chat).is_rich());
    assert!(!h.shows("Enter sends"), "no formatting toolbar");
    h.typing("**not bold** <b>x</b>").await;
    h.chord('b', CTRL).await;
    h.send(Message::Chat(chat, interaction::Message::Send))
        .await;
    h.pump().await;
    let sent = last_message(&h, chat).await;
    assert_eq!(sent.body_text, "**not bold** <b>x</b>");
    assert_eq!(
        sent.body_html,
        livewindow::store::plain_to_html("**not bold** <b>x</b>")
    );
}

#[tokio::test]
async fn paste_of_excel_and_word_clipboards_shows_tables_and_lists() {
    let (_db, mut h, chat, _dir) = open_chat(true).await;
    let fixture = |name: &str| {
        std::fs::read_to_string(format!("tests/fixtures/paste/{name}")).expect("fixture")
    };
    let paste = |html: String| {
        Message::Chat(
            chat,
            interaction::Message::Composer(composer::Message::Pasted(Ok(
                livewindow::ui::clipboard::Clip {
                    html: Some(html),
                    text: Some("fallback text".into()),
                    ..Default::default()
                },
            ))),
        )
    };
    h.typing("Your invoices:").await;
    h.named(Named::Enter, SHIFT).await;
    h.send(paste(fixture("excel.html"))).await;
    let doc = composer(&h, chat).document();
    assert!(
        doc.blocks().any(|b| matches!(b, Block::Table(_))),
        "a table"
    );
    h.snapshot("composer_pasted_table.png");
    h.send(paste(fixture("word.html"))).await;
    let html = composer(&h, chat).document().to_html();
    assert!(html.contains("<table>") && html.contains("<ol>"), "{html}");
    assert!(!html.contains("fallback text"));

    // Nothing usable in the HTML: the plain-text flavour is pasted instead.
    h.send(Message::Chat(
        chat,
        interaction::Message::Composer(composer::Message::Pasted(Ok(
            livewindow::ui::clipboard::Clip {
                html: Some("<script>alert(1)</script>".into()),
                text: Some("just words".into()),
                ..Default::default()
            },
        ))),
    ))
    .await;
    let plain = composer(&h, chat).document().to_plain();
    assert!(plain.contains("just words"), "{plain}");
    assert!(!composer(&h, chat).document().to_html().contains("script"));
    h.named(Named::Enter, NONE).await;
    h.pump().await;
    let sent = last_message(&h, chat).await;
    assert!(sent.body_html.contains("<table>"), "sent with its table");
}

#[tokio::test]
async fn a_formatted_draft_and_the_enter_setting_survive_a_restart() {
    let (_db, mut h, chat, dir) = open_chat(true).await;
    h.typing("Plan: ").await;
    h.chord('b', CTRL).await;
    h.typing("replace").await;
    h.send(Message::Chat(
        chat,
        interaction::Message::Composer(composer::Message::EnterSends(false)),
    ))
    .await;
    // Enter now adds a line; Ctrl+Enter would send.
    h.focus(&format!("composer-{chat}")).await;
    h.named(Named::Enter, NONE).await;
    h.typing("the filter").await;
    assert!(
        h.store.messages(chat).await.unwrap().len() == 1,
        "nothing sent"
    );
    h.console.save_session();

    let store = h.store.clone();
    let agent = h.agent_id;
    let mut h = Harness::open(&store, agent, dir.path().into()).await;
    let c = composer(&h, chat);
    assert!(!c.enter_sends());
    let html = c.document().to_html();
    assert!(html.contains("<strong>replace</strong>"), "{html}");
    assert!(html.contains("the filter"), "{html}");
    h.focus(&format!("composer-{chat}")).await;
    h.named(Named::Enter, CTRL).await;
    h.pump().await;
    let sent = last_message(&h, chat).await;
    assert!(
        sent.body_html.contains("<strong>replace</strong>"),
        "{}",
        sent.body_html
    );
}

#[tokio::test]
async fn keys_queued_behind_a_slow_frame_apply_in_order() {
    // When the app falls behind, several key presses reach the editor before it is rebuilt
    // with the edited draft: each must act on the text the one before it left.
    let (_db, mut h, chat, _dir) = open_chat(true).await;
    let key = |k: Named, m: Modifiers| ui::key_event(iced::keyboard::Key::Named(k), None, m);
    let char_key = |c: &str| {
        ui::key_event(
            iced::keyboard::Key::Character(c.into()),
            Some(c),
            Modifiers::empty(),
        )
    };
    let text = |h: &Harness| composer(h, chat).document().to_plain();
    h.typing("abcd").await;
    h.batch(vec![
        key(Named::Backspace, NONE),
        key(Named::Backspace, NONE),
    ])
    .await;
    assert_eq!(text(&h), "ab");
    h.batch(vec![
        char_key("x"),
        key(Named::Backspace, NONE),
        char_key("y"),
    ])
    .await;
    assert_eq!(text(&h), "aby");
    h.batch(vec![
        key(Named::ArrowLeft, SHIFT),
        key(Named::ArrowLeft, SHIFT),
        char_key("Z"),
    ])
    .await;
    assert_eq!(text(&h), "aZ");
    h.batch(vec![
        key(Named::Home, NONE),
        key(Named::Delete, NONE),
        char_key("A"),
    ])
    .await;
    assert_eq!(text(&h), "AZ");
}

/// Each list item's text with its stored level (what the composer indents by) and its drawn
/// level (what the sent HTML nests to).
fn list_levels(doc: &livewindow::richtext::Document) -> Vec<(String, u8, u8)> {
    doc.blocks()
        .zip(doc.list_markers())
        .filter_map(|(b, m)| match (b, m) {
            (Block::Text(t), Some(m)) => match t.style {
                BlockStyle::ListItem { level, .. } => Some((t.text(), level, m.level)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_word_list_that_skips_a_level_is_sent_as_the_composer_shows_it() {
    let (_db, mut h, chat, _dir) = open_chat(true).await;
    let html =
        std::fs::read_to_string("tests/fixtures/paste/word-skipped-level.html").expect("fixture");
    h.send(Message::Chat(
        chat,
        interaction::Message::Composer(composer::Message::Pasted(Ok(
            livewindow::ui::clipboard::Clip {
                html: Some(html),
                ..Default::default()
            },
        ))),
    ))
    .await;
    let composed = list_levels(composer(&h, chat).document());
    assert!(composed.len() >= 3, "the list came through: {composed:?}");
    // The composer indents each item where the message will put it.
    for (text, stored, drawn) in &composed {
        assert_eq!(stored, drawn, "{text:?} is drawn as it is stored");
    }
    h.snapshot("composer_skipped_level.png");
    h.named(Named::Enter, NONE).await;
    h.pump().await;
    let sent = last_message(&h, chat).await;
    let shown = h
        .console
        .chat(chat)
        .unwrap()
        .document(sent.id)
        .expect("the transcript's document of the sent message");
    let levels = |v: &[(String, u8, u8)]| {
        v.iter()
            .map(|(t, _, drawn)| (t.trim().to_string(), *drawn))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        levels(&composed),
        levels(&list_levels(shown)),
        "the transcript shows the list as the composer did"
    );
    // And the customer gets that nesting: each item inside one more <ul>/<ol> per level.
    assert!(
        composed.iter().any(|(_, _, drawn)| *drawn > 0),
        "the fixture nests: {composed:?}"
    );
    assert_eq!(
        levels(&composed),
        html_list_levels(&sent.body_html),
        "{}",
        sent.body_html
    );
}

/// Each list item of `html` with its own text (not its sublists') and how many lists it
/// sits in, less one.
fn html_list_levels(html: &str) -> Vec<(String, u8)> {
    use scraper::{ElementRef, Html, Selector};
    let is_list = |e: &ElementRef| matches!(e.value().name(), "ul" | "ol");
    let doc = Html::parse_fragment(html);
    doc.select(&Selector::parse("li").unwrap())
        .map(|item| {
            let depth = item
                .ancestors()
                .filter_map(ElementRef::wrap)
                .filter(is_list)
                .count();
            let own: String = item
                .children()
                .filter_map(|c| match ElementRef::wrap(c) {
                    Some(e) if is_list(&e) => None,
                    Some(e) => Some(e.text().collect::<String>()),
                    None => c.value().as_text().map(|t| t.to_string()),
                })
                .collect();
            (own.trim().to_string(), depth.saturating_sub(1) as u8)
        })
        .collect()
}
