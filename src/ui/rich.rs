//! Shows a rich message (the sanitized HTML a message carries, parsed into the rich-text
//! model) with its formatting: marks, headings, lists, tables and images.

use crate::richtext::{Block, BlockStyle, Document, Image, Marks, Run};
use iced::font::{Family, Style as FontStyle, Weight};
use iced::widget::text::Span;
use iced::widget::{column, container, image, rich_text, row, text};
use iced::{Color, Element, Font, Length};

fn span_of<'a>(run: &'a Run) -> Span<'a, (), Font> {
    let m: &Marks = &run.marks;
    let font = Font {
        weight: if m.bold { Weight::Bold } else { Weight::Normal },
        style: if m.italic {
            FontStyle::Italic
        } else {
            FontStyle::Normal
        },
        family: if m.code {
            Family::Monospace
        } else {
            Family::SansSerif
        },
        ..Font::DEFAULT
    };
    let mut s = Span::new(run.text.as_str())
        .font(font)
        .underline(m.underline || m.link.is_some())
        .strikethrough(m.strike);
    if let Some(c) = m.colour {
        s = s.color(Color::from_rgb8(c.r, c.g, c.b));
    } else if m.link.is_some() {
        s = s.color(Color::from_rgb8(0x25, 0x63, 0xeb));
    }
    s
}

fn runs_view<'a, M: 'a>(runs: &'a [Run], size: f32) -> Element<'a, M> {
    let spans: Vec<Span<'a, (), Font>> = runs.iter().map(span_of).collect();
    rich_text(spans).size(size).into()
}

/// The document as widgets. Messages are small; this is built in `view` from the cached
/// parse of each message.
pub fn view<'a, M: 'a>(doc: &'a Document) -> Element<'a, M> {
    let markers = doc.list_markers();
    let mut col = column![].spacing(4);
    for (i, block) in doc.blocks().enumerate() {
        let el: Element<'a, M> = match block {
            Block::Text(t) => match t.style {
                BlockStyle::Paragraph => runs_view(&t.runs, 16.0),
                BlockStyle::Heading(level) => runs_view(
                    &t.runs,
                    match level {
                        1 => 24.0,
                        2 => 20.0,
                        _ => 18.0,
                    },
                ),
                BlockStyle::ListItem { level, .. } => {
                    let marker = match markers.get(i).copied().flatten().and_then(|m| m.number) {
                        Some(n) => format!("{n}."),
                        None => "•".to_string(),
                    };
                    row![text(marker).width(22), runs_view(&t.runs, 16.0),]
                        .padding(iced::Padding {
                            left: 18.0 * f32::from(level),
                            ..Default::default()
                        })
                        .into()
                }
            },
            Block::Table(table) => {
                let mut rows = column![].spacing(1);
                for r in &table.rows {
                    let mut cells = row![].spacing(1);
                    for c in r {
                        let content = runs_view(&c.runs, 15.0);
                        cells = cells.push(
                            container(content)
                                .padding([2, 6])
                                .width(Length::FillPortion(c.colspan.clamp(1, 50) as u16))
                                .style(if c.header {
                                    container::secondary
                                } else {
                                    container::bordered_box
                                }),
                        );
                    }
                    rows = rows.push(cells);
                }
                rows.into()
            }
            Block::Image(Image::Embedded { bytes, .. }) => {
                image(image::Handle::from_bytes(bytes.to_vec()))
                    .width(Length::Shrink)
                    .into()
            }
            Block::Image(Image::Placeholder { reason }) => {
                text(format!("[{reason}]")).size(14).into()
            }
        };
        col = col.push(el);
    }
    col.into()
}
