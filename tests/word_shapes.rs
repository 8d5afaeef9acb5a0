//! The last shapes of Word's clipboard, on fixtures of our own making: a picture given only
//! as a bare `<v:shape>` in the body (its bytes from the RTF flavour, else a placeholder),
//! and numbered lists whose deeper levels are lettered or roman, kept with their kind in the
//! model, the composer, the sent HTML and the transcript.

mod common;
mod ui;

use common::{demo_with_available, fresh};
use iced::keyboard::Modifiers;
use iced::keyboard::key::Named;
use livewindow::richtext::{Block, BlockStyle, Image, ListKind, Numbering, PasteExtras, import};
use livewindow::ui::console::Message;
use livewindow::ui::{composer, interaction};
use ui::Harness;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/paste/{name}")).expect("fixture")
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(format!("tests/fixtures/paste/{name}")).expect("fixture")
}

/// Each list item: its text, level and numbering (None for a bullet).
fn items<'a>(blocks: impl Iterator<Item = &'a Block>) -> Vec<(String, u8, Option<Numbering>)> {
    blocks
        .filter_map(|b| match b {
            Block::Text(t) => match t.style {
                BlockStyle::ListItem { kind, level } => Some((
                    t.text().trim().to_string(),
                    level,
                    match kind {
                        ListKind::Ordered { numbering, .. } => Some(numbering),
                        ListKind::Bulleted => None,
                    },
                )),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

const PLAIN: &str = "Before you call us:
1. Check the order
  a. The order number
  b. The delivery date
    i. Shown on the receipt
    ii. Or in the e-mail
  c. The payment
2. Call us
The steps in the contract:
I. Scope
  A. Parts
  B. Labour
II. Terms";

#[test]
fn lettered_and_roman_levels_stay_numbered_with_their_kind() {
    use Numbering::*;
    let doc = import(
        &fixture("word-lettered-lists.html"),
        &PasteExtras::default(),
    );
    let got = items(doc.blocks());
    let kinds: Vec<(u8, Option<Numbering>)> = got.iter().map(|(_, l, n)| (*l, *n)).collect();
    assert_eq!(
        kinds,
        [
            (0, Some(Decimal)),
            (1, Some(LowerAlpha)),
            (1, Some(LowerAlpha)),
            (2, Some(LowerRoman)),
            (2, Some(LowerRoman)),
            (1, Some(LowerAlpha)),
            (0, Some(Decimal)),
            (0, Some(UpperRoman)),
            (1, Some(UpperAlpha)),
            (1, Some(UpperAlpha)),
            (0, Some(UpperRoman)),
        ],
        "{got:?}"
    );
    assert_eq!(doc.to_plain(), PLAIN);
    let html = doc.to_html();
    for tag in [
        "<ol type=\"a\">",
        "<ol type=\"i\">",
        "<ol type=\"I\">",
        "<ol type=\"A\">",
    ] {
        assert!(html.contains(tag), "{tag} in {html}");
    }
    // One list per level, not one per item: "b." goes on after "a.".
    assert_eq!(html.matches("<ol").count(), 5, "{html}");
    // What the customer's page and the transcript read back is the same list.
    let again = import(&html, &PasteExtras::default());
    assert_eq!(items(again.blocks()), got);
    assert_eq!(again.to_plain(), PLAIN);
}

#[test]
fn html_lists_keep_their_type_and_style_numbering() {
    let doc = import(
        "<ol type=\"A\" start=\"3\"><li>Third</li><li>Fourth</li></ol>\
         <ol style=\"list-style-type: lower-roman\"><li>One</li></ol>",
        &PasteExtras::default(),
    );
    assert_eq!(doc.to_plain(), "C. Third\nD. Fourth\ni. One");
}

#[test]
fn a_bare_vml_picture_takes_its_bytes_from_rtf_and_is_never_lost() {
    let html = fixture("word-vml-bare.html");
    let rtf = fixture_bytes("word-vml-only.rtf");
    let png = fixture_bytes("pixel.png");
    let doc = import(
        &html,
        &PasteExtras {
            rtf: Some(&rtf),
            ..PasteExtras::default()
        },
    );
    let images: Vec<&Image> = doc
        .blocks()
        .filter_map(|b| match b {
            Block::Image(i) => Some(i),
            _ => None,
        })
        .collect();
    // The bare map takes the first RTF picture; the logo, as a bare shape and as its
    // <img> fallback, is taken once, from the second.
    match images.as_slice() {
        [
            Image::Embedded {
                bytes: map,
                alt: map_alt,
                ..
            },
            Image::Embedded {
                bytes: logo,
                alt: logo_alt,
                ..
            },
        ] => {
            assert_eq!(map_alt, "Map to the store");
            assert!(map.starts_with(b"\x89PNG") && map[..] != png[..]);
            assert_eq!(logo_alt, "Company logo");
            assert_eq!(&logo[..], &png[..]);
        }
        other => panic!("{other:?}"),
    }
    // Without the RTF flavour: a placeholder, never nothing.
    let doc = import(&html, &PasteExtras::default());
    assert_eq!(
        doc.to_plain(),
        "Our store is here:\n[Image not available: clip_image001.png]\nAnd our logo:\n\
         [Image not available: clip_image003.png]\nSee you soon."
    );
}

#[tokio::test]
async fn the_composer_shows_and_sends_lettered_levels() {
    let (_db, store) = fresh().await;
    let agent = demo_with_available(&store, &["maria.santos@example.com"]).await[0];
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
    h.send(Message::Chat(
        chat,
        interaction::Message::Composer(composer::Message::Pasted(Ok(
            livewindow::ui::clipboard::Clip {
                html: Some(fixture("word-lettered-lists.html")),
                ..Default::default()
            },
        ))),
    ))
    .await;
    let composed = h.console.chat(chat).unwrap().composer().document();
    assert_eq!(composed.to_plain(), PLAIN);
    h.snapshot("composer_lettered_lists.png");
    h.named(Named::Enter, Modifiers::empty()).await;
    h.pump().await;
    let sent = h.store.messages(chat).await.unwrap().pop().unwrap();
    let html = sent.body_html.clone();
    assert!(
        html.contains("<ol type=\"a\">") && html.contains("<ol type=\"i\">"),
        "{html}"
    );
    assert_eq!(sent.body_text, PLAIN);
    let shown = h
        .console
        .chat(chat)
        .unwrap()
        .document(sent.id)
        .expect("the transcript's document of the sent message");
    assert_eq!(
        shown.to_plain(),
        PLAIN,
        "the transcript numbers as the composer did"
    );
}
