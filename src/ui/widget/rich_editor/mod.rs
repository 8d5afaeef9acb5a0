//! The formatted-text editor: a view of a [`Document`] and a [`Selection`] that the parent
//! owns. It lays the document out ([`layout`]), draws it with its caret and selection, and
//! turns keys and clicks into [`Action`]s; the parent applies them through the model API
//! (so every edit is one undo step there, and the widget holds no text of its own).

mod input;
mod keys;
pub mod layout;
mod state;

use crate::richtext::{Document, Mark, Selection};
use iced::advanced::layout::{Limits, Node};
use iced::advanced::text::Renderer as _;
use iced::advanced::widget::{Id, Tree, Widget, operation, tree};
use iced::advanced::{Clipboard, Layout, Shell, image, mouse, renderer};
use iced::{
    Background, Border, Color, Element, Event, Length, Point, Rectangle, Size, Theme, Vector,
};
use state::State;

/// What the editor asks its parent to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Move the caret or change the selection.
    Select(Selection),
    /// Type: replaces the selection.
    Insert(String),
    /// Delete this range (Backspace, Delete, with Ctrl a word).
    Delete(Selection),
    /// Backspace at the start of a list item or heading: back to a paragraph (or up a level).
    Unstyle(usize),
    Enter {
        shift: bool,
        command: bool,
    },
    Toggle(Mark),
    Link,
    Undo,
    Redo,
    Indent,
    Outdent,
    Copy,
    Cut,
    Paste,
    RemoveImage(usize),
}

const PADDING: f32 = 8.0;
const REMOVE: f32 = 18.0;

pub struct RichEditor<'a, Message> {
    id: Option<Id>,
    doc: &'a Document,
    selection: Selection,
    placeholder: &'a str,
    /// `None`: a read-only view (a message in the transcript).
    on_action: Option<Box<dyn Fn(Action) -> Message + 'a>>,
    padding: f32,
    min_height: f32,
    max_height: f32,
}

pub fn rich_editor<'a, Message>(
    doc: &'a Document,
    selection: Selection,
    on_action: impl Fn(Action) -> Message + 'a,
) -> RichEditor<'a, Message> {
    RichEditor {
        id: None,
        doc,
        selection,
        placeholder: "",
        on_action: Some(Box::new(on_action)),
        padding: PADDING,
        min_height: 60.0,
        max_height: 220.0,
    }
}

/// The document, read-only and as tall and wide as its content: how the transcript shows a
/// formatted message, laid out and drawn exactly as the composer does.
pub fn document_view<'a, Message>(doc: &'a Document) -> RichEditor<'a, Message> {
    RichEditor {
        id: None,
        doc,
        selection: Selection::default(),
        placeholder: "",
        on_action: None,
        padding: 0.0,
        min_height: 0.0,
        max_height: f32::INFINITY,
    }
}

impl<'a, Message> RichEditor<'a, Message> {
    pub fn id(mut self, id: impl Into<Id>) -> Self {
        self.id = Some(id.into());
        self
    }

    pub fn placeholder(mut self, text: &'a str) -> Self {
        self.placeholder = text;
        self
    }

    /// Grows with its content between these heights, then scrolls.
    pub fn height(mut self, min: f32, max: f32) -> Self {
        self.min_height = min;
        self.max_height = max.max(min);
        self
    }
}

/// The remove button of an image block, in layout coordinates.
fn remove_button(b: &layout::BlockBox) -> Option<Rectangle> {
    let r = b.image_bounds()?;
    Some(Rectangle::new(
        Point::new(r.x + r.width - REMOVE - 2.0, r.y + 2.0),
        Size::new(REMOVE, REMOVE),
    ))
}

impl<Message> Widget<Message, Theme, iced::Renderer> for RichEditor<'_, Message> {
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<State>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(State::default())
    }

    fn size(&self) -> Size<Length> {
        let width = if self.on_action.is_some() {
            Length::Fill
        } else {
            Length::Shrink
        };
        Size::new(width, Length::Shrink)
    }

    fn layout(&mut self, tree: &mut Tree, _renderer: &iced::Renderer, limits: &Limits) -> Node {
        let state = tree.state.downcast_mut::<State>();
        let pad = self.padding;
        let editable = self.on_action.is_some();
        let mut width = limits.max().width.min(100_000.0);
        // Room on the right for the scroll bar.
        let bar = if editable { 6.0 } else { 0.0 };
        state
            .layout
            .update(self.doc, (width - 2.0 * pad - bar).max(40.0));
        if !editable {
            width = state.layout.natural_width().ceil() + 2.0 * pad;
        }
        let height = (state.layout.height + 2.0 * pad)
            .clamp(self.min_height, self.max_height)
            .min(limits.max().height);
        state.viewport = height - 2.0 * pad;
        let seen = (self.selection, state.layout.height);
        if state.seen != Some(seen) {
            state.seen = Some(seen);
            let caret = state.layout.caret(self.doc.clamp(self.selection.focus));
            if caret.y < state.scroll {
                state.scroll = caret.y;
            } else if caret.y + caret.height > state.scroll + state.viewport {
                state.scroll = caret.y + caret.height - state.viewport;
            }
        }
        state.scroll = state.scroll.clamp(0.0, state.max_scroll());
        if state
            .placeholder
            .as_ref()
            .is_none_or(|(t, _)| t != self.placeholder)
        {
            state.placeholder = Some((
                self.placeholder.to_string(),
                layout::plain(self.placeholder, state.layout.width, layout::SIZE),
            ));
        }
        Node::new(Size::new(width, height))
    }

    fn diff(&self, tree: &mut Tree) {
        let state = tree.state.downcast_mut::<State>();
        // The parent has applied what we published: positions are current again.
        state.stale = false;
        if state.owner != self.id {
            state.queue.clear();
            state.owner.clone_from(&self.id);
        }
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        _renderer: &iced::Renderer,
        _clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, Message>,
        _viewport: &Rectangle,
    ) {
        if self.on_action.is_none() {
            return;
        }
        let state = tree.state.downcast_mut::<State>();
        while !state.stale
            && let Some((held, at)) = state.queue.pop_front()
        {
            self.handle(state, &held, layout, at, shell, true);
        }
        self.handle(state, event, layout, cursor, shell, false);
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut iced::Renderer,
        theme: &Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        _cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        use iced::advanced::Renderer as _;
        let editable = self.on_action.is_some();
        let state = tree.state.downcast_ref::<State>();
        let bounds = layout.bounds();
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
                        draw_decos(
                            r,
                            &t.decos,
                            at,
                            layout::DecoKind::Code,
                            code_bg,
                            text_colour,
                        );
                        if let Some(m) = &t.marker {
                            r.fill_paragraph(
                                m,
                                at + Vector::new(t.x - 24.0, 0.0),
                                text_colour,
                                clip,
                            );
                        }
                        r.fill_paragraph(
                            &t.paragraph,
                            at + Vector::new(t.x, 0.0),
                            text_colour,
                            clip,
                        );
                        draw_decos(
                            r,
                            &t.decos,
                            at + Vector::new(t.x, 0.0),
                            layout::DecoKind::Underline,
                            text_colour,
                            text_colour,
                        );
                        draw_decos(
                            r,
                            &t.decos,
                            at + Vector::new(t.x, 0.0),
                            layout::DecoKind::Strike,
                            text_colour,
                            text_colour,
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
                            draw_decos(
                                r,
                                &c.decos,
                                p,
                                layout::DecoKind::Code,
                                code_bg,
                                text_colour,
                            );
                            r.fill_paragraph(&c.paragraph, p, text_colour, clip);
                            draw_decos(
                                r,
                                &c.decos,
                                p,
                                layout::DecoKind::Underline,
                                text_colour,
                                text_colour,
                            );
                            draw_decos(
                                r,
                                &c.decos,
                                p,
                                layout::DecoKind::Strike,
                                text_colour,
                                text_colour,
                            );
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

    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        _viewport: &Rectangle,
        _renderer: &iced::Renderer,
    ) -> mouse::Interaction {
        let state = tree.state.downcast_ref::<State>();
        let bounds = layout.bounds();
        let Some(at) = cursor
            .position_over(bounds)
            .filter(|_| self.on_action.is_some())
        else {
            return mouse::Interaction::default();
        };
        let p = Point::new(
            at.x - bounds.x - self.padding,
            at.y - bounds.y - self.padding + state.scroll,
        );
        if state
            .layout
            .blocks
            .iter()
            .any(|b| remove_button(b).is_some_and(|r| r.contains(p)))
        {
            mouse::Interaction::Pointer
        } else {
            mouse::Interaction::Text
        }
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        _renderer: &iced::Renderer,
        operation: &mut dyn operation::Operation,
    ) {
        let state = tree.state.downcast_mut::<State>();
        operation.focusable(self.id.as_ref(), layout.bounds(), state);
    }
}

/// The × on an image thumbnail.
fn draw_remove(r: &mut iced::Renderer, x: Rectangle, clip: Rectangle) {
    use iced::advanced::Renderer as _;
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

fn draw_decos(
    r: &mut iced::Renderer,
    decos: &[layout::Deco],
    at: Point,
    kind: layout::DecoKind,
    fill: Color,
    text: Color,
) {
    use iced::advanced::Renderer as _;
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

impl<'a, Message: 'a> From<RichEditor<'a, Message>> for Element<'a, Message> {
    fn from(editor: RichEditor<'a, Message>) -> Self {
        Element::new(editor)
    }
}
