//! Drawing: the frame, the blocks and their decorations, the selection, caret and scroll bar.

use super::state::State;
use super::{REMOVE, RichEditor, layout, remove_button};
use iced::advanced::Renderer as _;
use iced::advanced::text::Renderer as _;
use iced::advanced::{image, renderer};
use iced::{Background, Border, Color, Point, Rectangle, Size, Theme, Vector};

impl<Message> RichEditor<'_, Message> {
    pub(super) fn paint(
        &self,
        state: &State,
        renderer: &mut iced::Renderer,
        theme: &Theme,
        style: &renderer::Style,
        bounds: Rectangle,
        viewport: &Rectangle,
    ) {
        let editable = self.on_action.is_some();
        if !bounds.intersects(viewport) {
            return;
        }
        let palette = theme.extended_palette();
        let text_colour = if editable {
            palette.background.base.text
        } else {
            style.text_color
        };
        if editable {
            renderer.fill_quad(
                renderer::Quad {
                    bounds,
                    border: Border {
                        radius: 6.0.into(),
                        width: 1.0,
                        color: if state.focus.is_some() {
                            palette.primary.strong.color
                        } else {
                            palette.background.strong.color
                        },
                    },
                    ..Default::default()
                },
                palette.background.base.color,
            );
        }
        let inner = bounds.shrink(self.padding);
        let Some(clip) = inner.intersection(viewport) else {
            return;
        };
        let origin = Vector::new(inner.x, inner.y - state.scroll);
        let (start, end) = self.doc.clamp_selection(self.selection).range();
        let selection = state.layout.selection(start, end);
        let mut selection_colour = palette.primary.weak.color;
        selection_colour.a = 0.45;
        let code_bg = palette.background.weak.color;
        let muted = palette.background.strong.color;
        renderer.with_layer(clip, |r| {
            let visible = Rectangle::new(
                Point::new(0.0, state.scroll),
                Size::new(inner.width, inner.height),
            );
            for b in &state.layout.blocks {
                let bb = b.bounds(state.layout.width);
                if bb.y > visible.y + visible.height {
                    break;
                }
                if bb.y + bb.height < visible.y {
                    continue;
                }
                let at = Point::new(0.0, b.y) + origin;
                match &b.content {
                    layout::Content::Text(t) => {
                        if let Some(m) = &t.marker {
                            r.fill_paragraph(
                                m,
                                at + Vector::new(t.x - 24.0, 0.0),
                                text_colour,
                                clip,
                            );
                        }
                        let text_at = at + Vector::new(t.x, 0.0);
                        draw_text(
                            r,
                            &t.paragraph,
                            &t.decos,
                            text_at,
                            text_colour,
                            code_bg,
                            clip,
                        );
                    }
                    layout::Content::Table(cells) => {
                        for c in cells {
                            let cb = c.bounds + (at - Point::ORIGIN);
                            r.fill_quad(
                                renderer::Quad {
                                    bounds: cb,
                                    border: Border {
                                        width: 1.0,
                                        color: muted,
                                        radius: 0.0.into(),
                                    },
                                    ..Default::default()
                                },
                                if c.header {
                                    code_bg
                                } else {
                                    Color::TRANSPARENT
                                },
                            );
                            let p = Point::new(cb.x + 4.0, cb.y + 4.0);
                            draw_text(r, &c.paragraph, &c.decos, p, text_colour, code_bg, clip);
                        }
                    }
                    layout::Content::Image {
                        handle,
                        size,
                        label,
                    } => {
                        let ib = Rectangle::new(at, *size);
                        match (handle, label) {
                            (Some(h), _) => {
                                image::Renderer::draw_image(
                                    r,
                                    image::Image::new(h.clone()),
                                    ib,
                                    clip,
                                );
                            }
                            (None, Some(p)) => {
                                r.fill_quad(
                                    renderer::Quad {
                                        bounds: ib,
                                        border: Border {
                                            width: 1.0,
                                            color: muted,
                                            radius: 4.0.into(),
                                        },
                                        ..Default::default()
                                    },
                                    code_bg,
                                );
                                r.fill_paragraph(p, at + Vector::new(6.0, 4.0), text_colour, clip);
                            }
                            (None, None) => {}
                        }
                        if let Some(x) = remove_button(b).filter(|_| editable) {
                            // Its own layer: within one layer iced draws images over quads.
                            let x = x + (origin - Vector::ZERO);
                            r.with_layer(clip, |r| draw_remove(r, x, clip));
                        }
                    }
                }
            }
            let mut highlight = palette.warning.weak.color;
            highlight.a = 0.6;
            for h in &self.extras.highlights {
                let (a, b) = self.doc.clamp_selection(*h).range();
                for s in state.layout.selection(a, b) {
                    r.fill_quad(
                        renderer::Quad {
                            bounds: s + (origin - Vector::ZERO),
                            ..Default::default()
                        },
                        highlight,
                    );
                }
            }
            for s in &selection {
                r.fill_quad(
                    renderer::Quad {
                        bounds: *s + (origin - Vector::ZERO),
                        ..Default::default()
                    },
                    selection_colour,
                );
            }
            if self.doc.is_empty()
                && self.doc.block_count() == 1
                && let Some((_, p)) = &state.placeholder
            {
                r.fill_paragraph(p, Point::ORIGIN + origin, muted, clip);
            }
            if let Some(f) = &state.focus
                && f.caret_visible()
                && self.selection.is_collapsed()
            {
                let c = state.layout.caret(self.doc.clamp(self.selection.focus));
                r.fill_quad(
                    renderer::Quad {
                        bounds: c + (origin - Vector::ZERO),
                        ..Default::default()
                    },
                    text_colour,
                );
            }
        });
        if state.layout.height > state.viewport + 0.5 {
            let track = inner.height;
            let thumb = (track * state.viewport / state.layout.height).max(16.0);
            let y = inner.y + (track - thumb) * state.scroll / state.max_scroll().max(1.0);
            renderer.fill_quad(
                renderer::Quad {
                    bounds: Rectangle::new(
                        Point::new(bounds.x + bounds.width - 6.0, y),
                        Size::new(4.0, thumb),
                    ),
                    border: Border {
                        radius: 2.0.into(),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                muted,
            );
        }
    }
}

/// The × on an image thumbnail.
fn draw_remove(r: &mut iced::Renderer, x: Rectangle, clip: Rectangle) {
    r.fill_quad(
        renderer::Quad {
            bounds: x,
            border: Border {
                radius: (REMOVE / 2.0).into(),
                ..Default::default()
            },
            ..Default::default()
        },
        Color::from_rgba(0.0, 0.0, 0.0, 0.65),
    );
    r.fill_text(
        iced::advanced::Text {
            content: "×".to_string(),
            bounds: x.size(),
            size: iced::Pixels(15.0),
            line_height: iced::advanced::text::LineHeight::Relative(1.0),
            font: iced::Font::DEFAULT,
            align_x: iced::advanced::text::Alignment::Center,
            align_y: iced::alignment::Vertical::Center,
            shaping: iced::advanced::text::Shaping::Basic,
            wrapping: iced::advanced::text::Wrapping::None,
        },
        x.center(),
        Color::WHITE,
        clip,
    );
}

/// A paragraph with its decorations, all at `at` (the text's own origin): code backgrounds
/// under it, underlines and strike-throughs over it. Text blocks and table cells alike.
fn draw_text(
    r: &mut iced::Renderer,
    paragraph: &<iced::Renderer as iced::advanced::text::Renderer>::Paragraph,
    decos: &[layout::Deco],
    at: Point,
    text_colour: Color,
    code_bg: Color,
    clip: Rectangle,
) {
    draw_decos(r, decos, at, layout::DecoKind::Code, code_bg, text_colour);
    r.fill_paragraph(paragraph, at, text_colour, clip);
    draw_decos(
        r,
        decos,
        at,
        layout::DecoKind::Underline,
        text_colour,
        text_colour,
    );
    draw_decos(
        r,
        decos,
        at,
        layout::DecoKind::Strike,
        text_colour,
        text_colour,
    );
}

fn draw_decos(
    r: &mut iced::Renderer,
    decos: &[layout::Deco],
    at: Point,
    kind: layout::DecoKind,
    fill: Color,
    text: Color,
) {
    for d in decos.iter().filter(|d| d.kind == kind) {
        let colour = if kind == layout::DecoKind::Code {
            fill
        } else {
            d.color.unwrap_or(text)
        };
        r.fill_quad(
            renderer::Quad {
                bounds: d.bounds + (at - Point::ORIGIN),
                ..Default::default()
            },
            Background::Color(colour),
        );
    }
}
