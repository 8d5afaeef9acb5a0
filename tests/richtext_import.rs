//! Clipboard HTML as Word, Excel, Google Docs, LibreOffice and browsers write it (fixtures in
//! tests/fixtures/paste, written for these tests), and hostile HTML, through the importer.

use base64::Engine;
use livewindow::richtext::{
    Block, BlockStyle, Document, Image, ImageMime, ListKind, MAX_CHARS, PasteExtras, Rgb, import,
};
use std::time::{Duration, Instant};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/paste/{name}")).expect("fixture")
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(format!("tests/fixtures/paste/{name}")).expect("fixture")
}

fn html_of(raw: &str) -> String {
    import(raw, &PasteExtras::default()).to_html()
}

fn styles(doc: &Document) -> Vec<BlockStyle> {
    doc.blocks()
        .filter_map(|b| b.as_text().map(|t| t.style))
        .collect()
}

fn bullet(level: u8) -> BlockStyle {
    BlockStyle::ListItem {
        kind: ListKind::Bulleted,
        level,
    }
}

/// Word's "a." level: numbered in lower-case letters.
fn lettered(level: u8) -> BlockStyle {
    BlockStyle::ListItem {
        kind: ListKind::Ordered {
            start: 1,
            numbering: livewindow::richtext::Numbering::LowerAlpha,
        },
        level,
    }
}

fn ordered(level: u8, start: u32) -> BlockStyle {
    BlockStyle::ListItem {
        kind: ListKind::decimal(start),
        level,
    }
}

const WORD_HTML: &str = "<h1>Refund guide</h1>
<h1>Before you start</h1>
<p>Check the <strong>order number</strong> and the <strong>payment method</strong>, then the <em>delivery date</em>.</p>
<p>Order &nbsp;&nbsp;number: <strong>A-1042</strong> <span style=\"color:#c00000\">(urgent)</span></p>
<p></p>
<ul>
<li>Card payments<ul>
<li>Refund to the <u>same</u> card</li>
</ul>
</li>
<li>Bank transfers</li>
</ul>
<h2>Steps</h2>
<ol>
<li>Open the order<ol type=\"a\">
<li>Check the <s>status</s></li>
<li>Check the amount</li>
</ol>
</li>
<li>Issue the refund (see the <a href=\"https://support.example.com/refunds?lang=en\" rel=\"noopener noreferrer\">refund page</a>)</li>
</ol>
<ol start=\"4\">
<li>Tell the customer</li>
</ol>
<p>[Image not available: clip_image002.png]</p>
<p>Kind regards,<br>Anna</p>
";

#[test]
fn word_lists_headings_marks_spacing_link_and_image() {
    let doc = import(&fixture("word.html"), &PasteExtras::default());
    assert_eq!(doc.to_html(), WORD_HTML);
    // Both supportLists spellings, the @list rules (bullet, decimal, alpha, start-at 4)
    // and the levels.
    let s = styles(&doc);
    assert_eq!(&s[5..8], &[bullet(0), bullet(1), bullet(0)]);
    assert_eq!(
        s[8],
        BlockStyle::Heading(2),
        "mso-outline-level of a custom style"
    );
    assert_eq!(
        &s[9..14],
        &[
            ordered(0, 1),
            lettered(1),
            lettered(1),
            ordered(0, 1),
            ordered(0, 4)
        ]
    );
    // mso-spacerun keeps its three spaces; <o:p>&nbsp;</o:p> is an empty line, not a space.
    let t = doc.block(3).and_then(Block::as_text).expect("text");
    assert!(t.text().starts_with("Order   number: "));
    assert_eq!(
        doc.block(4).and_then(Block::as_text).map(|t| t.text()),
        Some(String::new())
    );
    assert!(
        doc.to_plain()
            .contains("• Card payments\n  • Refund to the same card\n• Bank transfers\nSteps\n1. Open the order\n  a. Check the status\n  b. Check the amount\n2. Issue the refund (see the refund page)\n4. Tell the customer\n"),
        "{}",
        doc.to_plain()
    );
}

#[test]
fn word_with_wrong_offsets_uses_the_fragment_comments() {
    let html = html_of(&fixture("word-bad-offsets.html"));
    assert_eq!(
        html,
        WORD_HTML.replace("Refund guide", "Rückerstattung – Leitfaden")
    );
}

#[test]
fn word_image_comes_from_rtf_or_the_clipboard_image() {
    let png = fixture_bytes("pixel.png");
    let rtf = fixture_bytes("word.rtf");
    for extras in [
        PasteExtras {
            rtf: Some(&rtf),
            ..PasteExtras::default()
        },
        PasteExtras {
            image: Some(&png),
            ..PasteExtras::default()
        },
    ] {
        let doc = import(&fixture("word.html"), &extras);
        let images: Vec<&Image> = doc
            .blocks()
            .filter_map(|b| match b {
                Block::Image(i) => Some(i),
                _ => None,
            })
            .collect();
        match images.as_slice() {
            [
                Image::Embedded {
                    bytes,
                    mime,
                    alt,
                    link: None,
                },
            ] => {
                assert_eq!(&bytes[..], &png[..]);
                assert_eq!(*mime, ImageMime::Png);
                assert_eq!(alt, "Company logo");
            }
            other => panic!("{other:?}"),
        }
        let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
        assert!(doc.to_html().contains(&format!(
            "<p><img src=\"data:image/png;base64,{b64}\" alt=\"Company logo\"></p>"
        )));
        assert!(doc.to_plain().contains("\n[image: Company logo]\n"));
    }
    // RTF whose "picture" is not an image keeps the placeholder.
    let fake = b"{\\rtf1{\\pict\\pngblip 3c7363726970743e}}";
    let doc = import(
        &fixture("word.html"),
        &PasteExtras {
            rtf: Some(fake),
            ..PasteExtras::default()
        },
    );
    assert!(
        doc.to_html()
            .contains("[Image not available: clip_image002.png]")
    );
}

#[test]
fn excel_table_from_a_fragment_that_starts_inside_it() {
    let doc = import(&fixture("excel.html"), &PasteExtras::default());
    assert_eq!(
        doc.to_html(),
        "<table>
<tr><td colspan=\"2\"><strong>Refunds by region</strong></td><td><strong>Q1</strong></td><td><strong>Q2</strong></td></tr>
<tr><td rowspan=\"2\"><em>North</em></td><td>Cards</td><td>1,250.00</td><td><span style=\"color:#ff0000\">-310.50</span></td></tr>
<tr><td>Bank<br>transfers</td><td>980.00</td><td>45.00</td></tr>
</table>
"
    );
    let Some(Block::Table(t)) = doc.block(0) else {
        panic!("not a table")
    };
    assert_eq!(t.rows.len(), 3);
    assert_eq!((t.rows[0][0].colspan, t.rows[1][0].rowspan), (2, 2));
    assert_eq!(t.rows[1][3].runs[0].marks.colour, Some(Rgb::new(255, 0, 0)));
    assert_eq!(
        doc.to_plain(),
        "Refunds by region\tQ1\tQ2\nNorth\tCards\t1,250.00\t-310.50\nBank transfers\t980.00\t45.00"
    );
    // Without the comments, the header's offsets also point inside the table.
    let raw = fixture("excel.html")
        .replace("<!--StartFragment-->", "                    ")
        .replace("<!--EndFragment-->", "                  ");
    assert_eq!(html_of(&raw), doc.to_html());
}

const GDOCS_HTML: &str = "<p>Hi Sam, thanks for waiting. <strong>Your refund is approved</strong>.</p>
<p></p>
<ul>
<li>Amount: 42.00 EUR<ul>
<li><span style=\"color:#cc0000\">minus the return fee</span></li>
</ul>
</li>
<li><em>Arrives in 3-5 days</em></li>
</ul>
<p></p>
<p><a href=\"https://help.example.com/refunds/track\" rel=\"noopener noreferrer\">Track it here</a></p>
";

#[test]
fn google_docs_wrapper_is_not_bold() {
    assert_eq!(html_of(&fixture("gdocs.html")), GDOCS_HTML);
    assert_eq!(html_of(&fixture("gdocs-linux.html")), GDOCS_HTML);
    let doc = import(&fixture("gdocs.html"), &PasteExtras::default());
    let first = doc.block(0).and_then(Block::as_text).expect("text");
    assert!(!first.runs[0].marks.bold, "{:?}", first.runs[0]);
    assert!(first.runs[1].marks.bold);
}

#[test]
fn libreoffice() {
    assert_eq!(
        html_of(&fixture("libreoffice.html")),
        "<h2>Delivery problems</h2>
<p><strong>Late</strong>, <em>damaged</em>, <u>wrong item</u> or <s>lost</s> parcels: <span style=\"color:#c9211e\">always</span> ask for a photo.</p>
<ol>
<li>Ask for the tracking number</li>
<li>Open a claim with the carrier<ul>
<li>within <strong>14 days</strong></li>
</ul>
</li>
<li><a href=\"mailto:claims@example.com\" rel=\"noopener noreferrer\">Email the claims team</a></li>
</ol>
<p></p>
<p><code>ORDER-123</code></p>
"
    );
}

const BROWSER_HTML: &str = "<h2>Returns in 3 steps</h2>
<p>Print the <strong>label</strong>, pack the item and drop it at a <a href=\"https://shop.example.com/stores?near=me&amp;open=1\" rel=\"noopener noreferrer\">partner store</a>. Questions? Run <code>returns --status</code>.</p>
<p>[Image not available: return-label.png]</p>
<ol>
<li>Print</li>
<li>Pack <em>carefully</em></li>
<li>Drop off</li>
</ol>
";

#[test]
fn browser_html_with_a_remote_image() {
    assert_eq!(html_of(&fixture("browser.html")), BROWSER_HTML);
    // The CF_HTML offsets alone (no comments) still cut out the page around the fragment.
    let raw = fixture("browser-offsets-only.html");
    assert!(raw.contains("Outside before"));
    assert_eq!(html_of(&raw), BROWSER_HTML);
    // The remote image is never fetched; the clipboard's image flavour fills it.
    let png = fixture_bytes("pixel.png");
    let doc = import(
        &fixture("browser.html"),
        &PasteExtras {
            image: Some(&png),
            ..PasteExtras::default()
        },
    );
    assert!(matches!(
        doc.block(2),
        Some(Block::Image(Image::Embedded { alt, .. })) if alt == "Return label example"
    ));
}

#[test]
fn data_uri_images_are_checked() {
    let png = fixture_bytes("pixel.png");
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    let cases: Vec<(String, bool)> = vec![
        (format!("data:image/png;base64,{}", b64(&png)), true),
        // Declared PNG, really a GIF: the bytes decide.
        (format!("data:image/png;base64,{}", b64(gif)), true),
        (
            format!(
                "data:image/png;base64,{}",
                b64(b"<script>alert(1)</script>")
            ),
            false,
        ),
        (
            format!(
                "data:image/svg+xml;base64,{}",
                b64(b"<svg onload=alert(1)>")
            ),
            false,
        ),
        (format!("data:text/html;base64,{}", b64(&png)), false),
        ("data:image/png;base64,!!!not base64!!!".to_string(), false),
        // Over 10 MB.
        (
            format!(
                "data:image/png;base64,{}",
                b64(&[png.clone(), vec![0u8; 10 * 1024 * 1024]].concat())
            ),
            false,
        ),
        (
            "file://localhost/C:/Temp/clip_image003.jpg".to_string(),
            false,
        ),
        ("blob:https://mail.example.com/5d2c1f8e".to_string(), false),
        ("cid:image001.png@01DA0000.00000000".to_string(), false),
    ];
    for (src, embedded) in cases {
        let doc = import(
            &format!("<p><img src=\"{src}\" alt=\"pic\"></p>"),
            &PasteExtras::default(),
        );
        let got = doc.blocks().next().cloned();
        match got {
            Some(Block::Image(Image::Embedded { .. })) => {
                assert!(embedded, "{}", &src[..40.min(src.len())])
            }
            Some(Block::Image(Image::Placeholder { reason })) => {
                assert!(!embedded, "{}", &src[..40.min(src.len())]);
                assert!(reason.starts_with("Image not available: "), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }
    let doc = import(
        "<img src='file://localhost/C:/Temp/clip%20image003.jpg'>",
        &PasteExtras::default(),
    );
    assert_eq!(doc.to_plain(), "[Image not available: clip image003.jpg]");
}

#[test]
fn nothing_usable_falls_back_to_plain_text_then_the_image() {
    let png = fixture_bytes("pixel.png");
    for html in [
        "",
        "   ",
        "<html><head><title>Untitled<body><p>lost in the title",
        "<script>x</script>",
    ] {
        let doc = import(
            html,
            &PasteExtras {
                plain: Some("plain line 1\r\nplain line 2"),
                image: Some(&png),
                ..PasteExtras::default()
            },
        );
        assert_eq!(doc.to_plain(), "plain line 1\nplain line 2", "{html:?}");
        let doc = import(
            html,
            &PasteExtras {
                image: Some(&png),
                ..PasteExtras::default()
            },
        );
        assert!(matches!(
            doc.block(0),
            Some(Block::Image(Image::Embedded { .. }))
        ));
        assert!(import(html, &PasteExtras::default()).is_empty());
    }
}

/// Every element and attribute of the output is in the subset, every link is http(s) or
/// mailto with rel=noopener, every image is a data: URI of an allowed type.
fn assert_sanitized(html: &str) {
    let dom = scraper::Html::parse_fragment(html);
    for node in dom.tree.nodes() {
        let Some(e) = node.value().as_element() else {
            assert!(
                node.value().as_comment().is_none(),
                "comment in output: {html}"
            );
            continue;
        };
        let allowed: &[&str] = match e.name() {
            "html" | "body" | "p" | "h1" | "h2" | "h3" | "ul" | "li" | "table" | "tbody" | "tr"
            | "strong" | "em" | "u" | "s" | "code" | "br" => &[],
            "ol" => &["start"],
            "td" | "th" => &["colspan", "rowspan"],
            "span" => &["style"],
            "a" => &["href", "rel"],
            "img" => &["src", "alt"],
            other => panic!("element <{other}> in output: {html}"),
        };
        for (name, value) in e.attrs() {
            assert!(
                allowed.contains(&name),
                "attribute {name} on <{}>",
                e.name()
            );
            match name {
                "style" => assert!(
                    value.len() == 13 && value.starts_with("color:#"),
                    "style {value:?}"
                ),
                "href" => assert!(
                    ["http://", "https://", "mailto:"]
                        .iter()
                        .any(|p| value.starts_with(p)),
                    "href {value:?}"
                ),
                "rel" => assert_eq!(value, "noopener noreferrer"),
                "src" => assert!(
                    [
                        "data:image/png;base64,",
                        "data:image/jpeg;base64,",
                        "data:image/gif;base64,",
                        "data:image/webp;base64,"
                    ]
                    .iter()
                    .any(|p| value.starts_with(p)),
                    "src {}",
                    &value[..30.min(value.len())]
                ),
                _ => {}
            }
        }
    }
}

/// Imports within `limit` (debug build) and returns the document.
fn timed(html: &str, limit: Duration, what: &str) -> Document {
    let start = Instant::now();
    let doc = import(html, &PasteExtras::default());
    let took = start.elapsed();
    assert!(took < limit, "{what}: {took:?}");
    assert_sanitized(&doc.to_html());
    doc
}

#[test]
fn hostile_fixture_is_neutralized() {
    let doc = import(&fixture("hostile.html"), &PasteExtras::default());
    let html = doc.to_html();
    assert_sanitized(&html);
    let lower = html.to_lowercase() + &doc.to_plain().to_lowercase();
    for bad in [
        "script",
        "alert",
        "javascript",
        "vbscript",
        "expression",
        "onerror",
        "onload",
        "onclick",
        "evil.example",
        "svg text",
        "foreign text",
        "math text",
        "annotation text",
        "iframe text",
        "object text",
        "form text",
        "secret value",
        "send now",
        "option text",
        "textarea text",
        "noscript text",
        "template text",
        "hidden text",
        "invisible text",
        "video text",
        "audio text",
        "written text",
        "refresh",
        "invoice",
        "data:text",
    ] {
        assert!(!lower.contains(bad), "{bad:?} in {html}");
    }
    for good in [
        "Safe <strong>text</strong> <strong>stays</strong>.",
        "js link js two js three js four vb link data link relative <a href=\"https://ok.example/help\" rel=\"noopener noreferrer\">ok link</a>",
        "[Image not available: track.gif]",
        "End of message",
    ] {
        assert!(html.contains(good), "{good:?} not in {html}");
    }
}

#[test]
fn hostile_structures_are_bounded() {
    let limit = Duration::from_secs(20);
    // 10,000-deep nesting of several kinds.
    for (open, close) in [
        ("<div>", "</div>"),
        ("<b><i>", "</i></b>"),
        ("<ul><li>", "</li></ul>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<span style='color:red'>", "</span>"),
        ("<blockquote>", "</blockquote>"),
        ("<a href='https://x.example/'>", "</a>"),
    ] {
        let html = format!("{}deep{}", open.repeat(10_000), close.repeat(10_000));
        let doc = timed(&html, limit, open);
        assert!(doc.to_plain().contains("deep"), "{open}");
        // Without closing tags too.
        let doc = timed(&format!("{}deep", open.repeat(10_000)), limit, open);
        assert!(doc.to_plain().contains("deep"), "{open} unclosed");
    }
    // Far deeper than the cap, in 2 MB: linear, not quadratic.
    timed(&"<div>".repeat(400_000), limit, "400,000 divs");
    timed(
        &"<p><b><i><u><s>x".repeat(50_000),
        limit,
        "misnested formatting",
    );
    timed(&"<table><tr><td>".repeat(50_000), limit, "tables in cells");
    timed(&"<li><ol>".repeat(50_000), limit, "lists");
    timed(
        &"<a href='https://a.example/'><b>x</a></b>".repeat(20_000),
        limit,
        "adoption agency",
    );
    // A 5 MB single line: output capped at the document's limit.
    let doc = timed(
        &format!("<p>{}</p>", "word ".repeat(1_000_000)),
        limit,
        "5 MB line",
    );
    assert!(doc.char_count() <= MAX_CHARS, "{}", doc.char_count());
    assert!(doc.char_count() > MAX_CHARS - 10);
    // A 20 MB input is cut at the input cap.
    let doc = timed(&"<p>abcdefghi</p>".repeat(1_300_000), limit, "20 MB");
    assert!(doc.char_count() <= MAX_CHARS);
    // CSS that nests and repeats without end.
    timed(
        &format!("<style>{}</style><p class=a>x</p>", "a{b:(".repeat(200_000)),
        limit,
        "deep css",
    );
    timed(
        &format!(
            "<style>{}</style><p class='{}'>x</p>",
            ".a{font-weight:700}".repeat(100_000),
            "a ".repeat(10_000)
        ),
        limit,
        "many rules and classes",
    );
    // Unterminated things.
    for html in [
        "<p>unclosed <b>bold <i>italic <table><tr><td>cell",
        "<!--StartFragment--><p>no end",
        "<p>x<!-- unterminated comment",
        "<style>p{color:red",
        "<a href='https://x.example/",
        "<svg><p>broken out</svg>",
        "<math><mi><p>broken out",
        "<img src='data:image/png;base64,",
    ] {
        timed(html, limit, html);
    }
    let doc = timed("<p>unclosed <b>bold <i>italic", limit, "unclosed");
    assert_eq!(
        doc.to_html(),
        "<p>unclosed <strong>bold </strong><strong><em>italic</em></strong></p>\n"
    );
}

#[test]
fn cf_html_headers_with_bad_offsets() {
    let body = "<html><body><p>before</p><!--StartFragment--><p>inside</p><!--EndFragment--><p>after</p></body></html>";
    for (sf, ef) in [
        ("99999999", "99999999"),
        ("-1", "-1"),
        ("0000000010", "0000000005"),
        ("abc", "def"),
        ("", ""),
    ] {
        let raw = format!(
            "Version:0.9\r\nStartHTML:0000000097\r\nEndHTML:0000000999\r\nStartFragment:{sf}\r\nEndFragment:{ef}\r\n{body}"
        );
        assert_eq!(html_of(&raw), "<p>inside</p>\n", "{sf} {ef}");
    }
    // Bad offsets and no comments: the whole body.
    let raw = "Version:0.9\r\nStartHTML:5\r\nEndHTML:7\r\nStartFragment:99999\r\nEndFragment:3\r\n<p>all</p><p>of it</p>";
    assert_eq!(html_of(raw), "<p>all</p>\n<p>of it</p>\n");
    // Offsets inside a multi-byte char are not trusted either.
    let header = "Version:0.9\r\nStartFragment:0000000000\r\nEndFragment:0000000000\r\n".len();
    let body = "<p>é</p>";
    let raw = format!(
        "Version:0.9\r\nStartFragment:{:010}\r\nEndFragment:{:010}\r\n{body}",
        header + 4,
        header + 5
    );
    assert_eq!(html_of(&raw), "<p>é</p>\n");
}

#[test]
fn paste_preview_command() {
    let bin = env!("CARGO_BIN_EXE_livewindow");
    let out = std::process::Command::new(bin)
        .args([
            "paste-preview",
            "tests/fixtures/paste/word.html",
            "--rtf",
            "tests/fixtures/paste/word.rtf",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("<h1>Refund guide</h1>\n"), "{stdout}");
    assert!(stdout.contains("<img src=\"data:image/png;base64,"));
    assert!(stdout.contains("\n--- plain text ---\nRefund guide\n"));

    let out = std::process::Command::new(bin)
        .args(["paste-preview", "tests/fixtures/paste/missing.html"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot read tests/fixtures/paste/missing.html"));

    let out = std::process::Command::new(bin)
        .args(["paste-preview", "tests/fixtures/paste/pixel.png"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not UTF-8 text"));
}

/// Each list item's (stored level, drawn level): the composer indents by the first, the HTML
/// nests by the second.
fn levels(doc: &Document) -> Vec<(u8, u8)> {
    doc.blocks()
        .zip(doc.list_markers())
        .filter_map(|(b, m)| match (b.as_text().map(|t| t.style), m) {
            (Some(BlockStyle::ListItem { level, .. }), Some(m)) => Some((level, m.level)),
            _ => None,
        })
        .collect()
}

#[test]
fn word_list_that_skips_a_level_is_sent_as_the_composer_shows_it() {
    let doc = import(&fixture("word-skipped-level.html"), &PasteExtras::default());
    // "Level" is at Word's level 3 right under a level 1 item: one level down, as HTML can
    // nest it; "Here" (level 2) stays its sibling.
    let s = styles(&doc);
    assert_eq!(&s[1..4], &[bullet(0), bullet(1), bullet(1)]);
    // Word's level 3 counts in lower roman: it keeps that kind where it now stands.
    let roman = BlockStyle::ListItem {
        kind: ListKind::Ordered {
            start: 1,
            numbering: livewindow::richtext::Numbering::LowerRoman,
        },
        level: 1,
    };
    assert_eq!(&s[5..8], &[ordered(0, 1), roman, ordered(0, 1)]);
    assert_eq!(
        levels(&doc),
        vec![(0, 0), (1, 1), (1, 1), (0, 0), (1, 1), (0, 0)]
    );
    let sent = doc.to_html();
    assert_eq!(
        sent,
        "<p>Multiple lists, edgy:</p>
<ul>
<li>One<ul>
<li>Level</li>
<li>Here</li>
</ul>
</li>
</ul>
<p>And numbered:</p>
<ol>
<li>First<ol type=\"i\">
<li>Deep</li>
</ol>
</li>
<li>Back</li>
</ol>
"
    );
    let received = Document::from_stored_html(&sent);
    assert_eq!(received.list_markers(), doc.list_markers());
    assert_eq!(levels(&received), levels(&doc));
    assert_eq!(received.to_html(), sent);

    // Pasted into a list in the composer: levels as drawn there too.
    let mut composer = import(
        "<ul><li>x<ul><li>y</li></ul></li></ul>",
        &PasteExtras::default(),
    );
    composer.paste(composer.end(), &doc);
    assert!(
        levels(&composer)
            .iter()
            .all(|(stored, drawn)| stored == drawn),
        "{:?}",
        levels(&composer)
    );
    let received = Document::from_stored_html(&composer.to_html());
    assert_eq!(received.list_markers(), composer.list_markers());
}

fn images(doc: &Document) -> Vec<&Image> {
    doc.blocks()
        .filter_map(|b| match b {
            Block::Image(i) => Some(i),
            _ => None,
        })
        .collect()
}

#[test]
fn word_picture_only_in_vml_takes_its_rtf_picture_in_order() {
    let html = fixture("word-vml-only.html");
    let rtf = fixture_bytes("word-vml-only.rtf");
    let png = fixture_bytes("pixel.png");
    let doc = import(
        &html,
        &PasteExtras {
            rtf: Some(&rtf),
            ..PasteExtras::default()
        },
    );
    // The VML-only map takes the first RTF picture; the logo, written as VML and as its
    // <img> fallback, is taken once, from the second.
    match images(&doc).as_slice() {
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
    assert_eq!(
        doc.to_plain(),
        "Our store is here:\n[image: Map to the store]\nAnd our logo:\n[image: Company logo]\nSee you soon."
    );
    // Without the RTF flavour: a placeholder for each, named after its file.
    let doc = import(&html, &PasteExtras::default());
    assert_eq!(
        doc.to_html(),
        "<p>Our store is here:</p>
<p>[Image not available: clip_image001.png]</p>
<p>And our logo:</p>
<p>[Image not available: clip_image003.png]</p>
<p>See you soon.</p>
"
    );
    // A paste that is nothing but a VML picture is not empty.
    let only = "<p><!--[if gte vml 1]><v:shape alt=\"Chart\"><v:imagedata \
                src=\"file:///C:/Temp/image001.png\" o:title=\"chart\"/></v:shape><![endif]--></p>";
    let doc = import(
        only,
        &PasteExtras {
            rtf: Some(&rtf),
            ..PasteExtras::default()
        },
    );
    assert!(matches!(
        images(&doc).as_slice(),
        [Image::Embedded { alt, .. }] if alt == "Chart"
    ));
    assert_eq!(
        html_of(only),
        "<p>[Image not available: image001.png]</p>\n"
    );
    // The title names it when the shape has no alt; VML without a picture adds nothing.
    let titled = "<!--[if gte vml 1]><v:imagedata src=\"cid:x\" o:title=\"Floor plan\"/><![endif]-->\
                  <!--[if gte vml 1]><v:line from=\"0,0\" to=\"1,1\"/><![endif]-->";
    assert_eq!(
        html_of(titled),
        "<p>[Image not available: Floor plan]</p>\n"
    );
}

#[test]
fn vml_comments_are_bounded() {
    let limit = Duration::from_secs(20);
    let one = "<!--[if gte vml 1]><v:imagedata src='file:///x.png'/><![endif]-->";
    let doc = timed(&one.repeat(200_000), limit, "many VML comments");
    // The parse budget runs out long before the comments do.
    assert!(images(&doc).len() < 2_000, "{}", images(&doc).len());
    let deep = format!(
        "<!--[if gte vml 1]>{}<v:imagedata src='file:///deep.png'/><![endif]-->",
        "<v:group>".repeat(100_000)
    );
    // Past the nesting cap the picture's tag is dropped like any other: bounded, not found.
    timed(&deep, limit, "deep VML");
}

#[test]
fn a_linked_picture_keeps_its_link() {
    let html = fixture("word-linked-image.html");
    let rtf = fixture_bytes("word.rtf");
    let png = fixture_bytes("pixel.png");
    let offers = "https://www.example.com/offers?utm=chat";
    let doc = import(
        &html,
        &PasteExtras {
            rtf: Some(&rtf),
            ..PasteExtras::default()
        },
    );
    match images(&doc).as_slice() {
        [
            Image::Embedded {
                bytes, alt, link, ..
            },
            Image::Placeholder { reason },
        ] => {
            assert_eq!(&bytes[..], &png[..]);
            assert_eq!(alt, "Spring offers");
            assert_eq!(link.as_ref().map(|l| l.as_str()), Some(offers));
            // A javascript: link is no link: the picture comes without it.
            assert_eq!(reason, "Image not available: clip_image004.png");
        }
        other => panic!("{other:?}"),
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
    let sent = doc.to_html();
    assert!(
        sent.contains(&format!(
            "\n<p><a href=\"{offers}\" rel=\"noopener noreferrer\"><img \
             src=\"data:image/png;base64,{b64}\" alt=\"Spring offers\"></a></p>\n"
        )),
        "{sent}"
    );
    assert_sanitized(&sent);
    // What is sent reads back the same, link and all (a placeholder reads back as its text).
    let received = Document::from_stored_html(&sent);
    assert_eq!(received.to_html(), sent);
    assert_eq!(received.block(1), doc.block(1));

    // Without bytes, the placeholder's text carries the link.
    let doc = import(&html, &PasteExtras::default());
    assert_eq!(
        doc.to_html(),
        format!(
            "<p>Our spring offers:</p>
<p><a href=\"{offers}\" rel=\"noopener noreferrer\">[Image not available: clip_image002.png]</a></p>
<p>Details on request.</p>
<p>[Image not available: clip_image004.png]</p>
"
        )
    );

    // A browser's linked picture, inline with text and in a table cell.
    let browser = "<p>Sale: <a href='https://shop.example.com/sale'><img \
                   src='https://cdn.example.com/banner.png' alt='Spring sale'></a> now</p>\
                   <table><tr><td><a href='https://shop.example.com/'><img src='x.png'></a></td></tr></table>";
    let doc = import(
        browser,
        &PasteExtras {
            image: Some(&png),
            ..PasteExtras::default()
        },
    );
    assert_eq!(
        doc.to_html(),
        format!(
            "<p>Sale:</p>
<p><a href=\"https://shop.example.com/sale\" rel=\"noopener noreferrer\"><img src=\"data:image/png;base64,{b64}\" alt=\"Spring sale\"></a></p>
<p>now</p>
<table>
<tr><td><a href=\"https://shop.example.com/\" rel=\"noopener noreferrer\">[Image not available: x.png]</a></td></tr>
</table>
"
        )
    );
}

#[test]
fn word_numbered_headings_keep_their_numbers_as_text() {
    let doc = import(
        &fixture("word-numbered-headings.html"),
        &PasteExtras::default(),
    );
    let sent = doc.to_html();
    assert_eq!(
        sent,
        "<h1>1. Introduction</h1>
<p>This guide explains refunds.</p>
<h2>1.1 Who can ask</h2>
<p>Customers with an order number.</p>
<h1>2. Scope</h1>
<p>Orders from the <strong>web shop</strong>.</p>
"
    );
    assert_eq!(
        styles(&doc),
        [1, 0, 2, 0, 1, 0].map(|h| match h {
            0 => BlockStyle::Paragraph,
            h => BlockStyle::Heading(h),
        })
    );
    // The customer sees the same numbers.
    assert_eq!(Document::from_stored_html(&sent).to_html(), sent);
    // A heading class in a bulleted Word list: the bullet, not the symbol font's glyph.
    let html = "<style>@list l3:level1 {mso-level-number-format:bullet;}</style>\
                <p class=MsoHeading2 style='mso-list:l3 level1 lfo4'><span style='mso-list:Ignore'>\
                ·<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp; </span></span>Notes</p>";
    assert_eq!(html_of(html), "<h2>• Notes</h2>\n");
}
