//! The formatted-text editor: a view of a [`Document`] and a [`Selection`] that the parent
//! owns. It lays the document out ([`layout`]), draws it with its caret and selection, and
//! turns keys and clicks into [`Action`]s; the parent applies them through the model API
//! (so every edit is one undo step there, and the widget holds no text of its own).

mod draw;
mod input;
mod keys;
pub mod layout;
mod state;

use iced::advanced::layout::{Limits, Node};
use iced::advanced::widget::{Id, Tree, Widget, operation, tree};
use iced::advanced::{Clipboard, Layout, Shell, mouse, renderer};
use iced::{Element, Event, Length, Point, Rectangle, Size, Theme};
use livewindow_richtext::{Document, Mark, Selection};
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
    /// A key for the list open over the editor (the "/" replies): Up, Down, Enter, Esc.
    List(ListKey),
    /// Tab (Shift+Tab: `back`) while the text holds placeholders: select the next one.
    NextPlaceholder {
        back: bool,
    },
}

/// The keys a list open over the editor takes from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKey {
    Up,
    Down,
    Choose,
    Close,
}

/// Which keys the parent takes over, and the ranges it wants highlighted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extras {
    /// A list is open: Up, Down, Enter, Tab and Esc are its.
    pub list_open: bool,
    /// The text holds placeholders: Tab walks them.
    pub placeholders: bool,
    /// Ranges drawn highlighted (the placeholders).
    pub highlights: Vec<Selection>,
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
    extras: Extras,
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
        extras: Extras::default(),
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
        extras: Extras::default(),
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

    /// Keys the parent takes over and ranges to highlight.
    pub fn extras(mut self, extras: Extras) -> Self {
        self.extras = extras;
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

/// The image block whose remove button is at `p` (layout coordinates).
fn remove_at(layout: &layout::Layout, p: Point) -> Option<usize> {
    layout
        .blocks
        .iter()
        .position(|b| remove_button(b).is_some_and(|r| r.contains(p)))
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
        self.paint(
            tree.state.downcast_ref::<State>(),
            renderer,
            theme,
            style,
            layout.bounds(),
            viewport,
        );
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
        if remove_at(&state.layout, p).is_some() {
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

impl<'a, Message: 'a> From<RichEditor<'a, Message>> for Element<'a, Message> {
    fn from(editor: RichEditor<'a, Message>) -> Self {
        Element::new(editor)
    }
}
