//! The console's keyboard focus for controls iced cannot focus (its buttons, tabs, rows):
//! a wrapper that joins iced's focus chain (Tab and Shift+Tab run iced's `focus_next` and
//! `focus_previous` operations over it, in the widget tree's reading order), draws a ring
//! around its control while focused, and on Enter or Space sends the control's message
//! (Space only, for a form's checkbox: there Enter submits the form).

use iced::advanced::layout::{self, Layout};
use iced::advanced::renderer;
use iced::advanced::widget::operation::{Focusable, Operation};
use iced::advanced::widget::{Id, Tree, Widget, tree};
use iced::advanced::{Clipboard, Shell, mouse, overlay};
use iced::keyboard::{self, key::Named};
use iced::{Border, Element, Event, Length, Rectangle, Size, Theme, Vector};

/// How far outside its control the ring is drawn, and how thick: thicker than a selected
/// tab's 2 px edge, so the two never look alike; in the ring's 3:1 colour it meets WCAG 2.2's
/// focus appearance.
const GAP: f32 = 2.0;
const WIDTH: f32 = 3.0;

pub struct Focus<'a, Message> {
    content: Element<'a, Message>,
    id: Option<Id>,
    on_activate: Option<Message>,
    /// What the control does and its shortcut, shown on hover.
    tip: Option<String>,
    /// In the chain with nothing to press: a region's start that is not a control.
    anchor: bool,
    /// Space alone activates it; Enter goes on to the window (a form's checkbox, where
    /// Enter submits the form).
    space_only: bool,
}

/// `content` (a button, a tab) in the focus chain; Enter or Space sends `on_activate`.
/// With `None` (a disabled control) it stays out of the chain, as a disabled button does.
pub fn focus<'a, Message>(
    content: impl Into<Element<'a, Message>>,
    on_activate: Option<Message>,
) -> Focus<'a, Message> {
    Focus {
        content: content.into(),
        id: None,
        on_activate,
        tip: None,
        anchor: false,
        space_only: false,
    }
}

/// `content` in the focus chain with nothing to press: a panel that is read, not used
/// (the queues' figures), so the keyboard can reach it and F6 can start there.
pub fn anchor<'a, Message>(content: impl Into<Element<'a, Message>>) -> Focus<'a, Message> {
    Focus {
        anchor: true,
        ..focus(content, None)
    }
}

impl<Message> Focus<'_, Message> {
    /// An id, for giving this control the focus (`iced::widget::operation::focus`).
    pub fn id(mut self, id: impl Into<Id>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Space activates it, Enter does not (see `space_only`).
    pub fn space_only(mut self) -> Self {
        self.space_only = true;
        self
    }

    /// Its keyboard shortcut (from `shortcuts`), in a tooltip.
    pub fn shortcut(mut self, tip: impl Into<String>) -> Self {
        self.tip = Some(tip.into());
        self
    }
}

#[derive(Default)]
struct State {
    focused: bool,
}

impl Focusable for State {
    fn is_focused(&self) -> bool {
        self.focused
    }
    fn focus(&mut self) {
        self.focused = true;
    }
    fn unfocus(&mut self) {
        self.focused = false;
    }
}

impl<Message: Clone> Widget<Message, Theme, iced::Renderer> for Focus<'_, Message> {
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<State>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(State::default())
    }

    fn children(&self) -> Vec<Tree> {
        vec![Tree::new(&self.content)]
    }

    fn diff(&self, tree: &mut Tree) {
        tree.diff_children(std::slice::from_ref(&self.content));
    }

    fn size(&self) -> Size<Length> {
        self.content.as_widget().size()
    }

    fn layout(
        &mut self,
        tree: &mut Tree,
        renderer: &iced::Renderer,
        limits: &layout::Limits,
    ) -> layout::Node {
        self.content
            .as_widget_mut()
            .layout(&mut tree.children[0], renderer, limits)
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        renderer: &iced::Renderer,
        operation: &mut dyn Operation,
    ) {
        if self.on_activate.is_some() || self.anchor {
            let state = tree.state.downcast_mut::<State>();
            operation.focusable(self.id.as_ref(), layout.bounds(), state);
        }
        self.content
            .as_widget_mut()
            .operate(&mut tree.children[0], layout, renderer, operation);
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &iced::Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, Message>,
        viewport: &Rectangle,
    ) {
        // Esc closes an open menu (a pick list's): iced's list closes on a press outside it,
        // which this sends it; the list captures the press only when it was open.
        if let Event::Keyboard(keyboard::Event::KeyPressed { key, .. }) = event
            && matches!(key.as_ref(), keyboard::Key::Named(Named::Escape))
            && !shell.is_event_captured()
        {
            let press = Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left));
            self.content.as_widget_mut().update(
                &mut tree.children[0],
                &press,
                layout,
                mouse::Cursor::Unavailable,
                renderer,
                clipboard,
                shell,
                viewport,
            );
            if shell.is_event_captured() {
                return;
            }
        }
        let state = tree.state.downcast_mut::<State>();
        match event {
            Event::Keyboard(keyboard::Event::KeyPressed { key, modifiers, .. })
                if state.focused && modifiers.is_empty() =>
            {
                let activate = match key.as_ref() {
                    keyboard::Key::Named(Named::Space) | keyboard::Key::Character(" ") => true,
                    keyboard::Key::Named(Named::Enter) => !self.space_only,
                    _ => false,
                };
                if activate && let Some(message) = self.on_activate.clone() {
                    shell.publish(message);
                    shell.capture_event();
                    return;
                }
            }
            // A click elsewhere moves the focus away, as it does from a text field.
            Event::Mouse(mouse::Event::ButtonPressed(_))
                if state.focused && !cursor.is_over(layout.bounds()) =>
            {
                state.focused = false;
                shell.request_redraw();
            }
            _ => {}
        }
        self.content.as_widget_mut().update(
            &mut tree.children[0],
            event,
            layout,
            cursor,
            renderer,
            clipboard,
            shell,
            viewport,
        );
    }

    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
        renderer: &iced::Renderer,
    ) -> mouse::Interaction {
        self.content.as_widget().mouse_interaction(
            &tree.children[0],
            layout,
            cursor,
            viewport,
            renderer,
        )
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut iced::Renderer,
        theme: &Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        self.content.as_widget().draw(
            &tree.children[0],
            renderer,
            theme,
            style,
            layout,
            cursor,
            viewport,
        );
        // A control that left the chain (disabled while focused) keeps a stale flag: no ring.
        let in_chain = self.on_activate.is_some() || self.anchor;
        if in_chain && tree.state.downcast_ref::<State>().focused {
            use iced::advanced::Renderer as _;
            let b = layout.bounds().expand(GAP + WIDTH);
            renderer.fill_quad(
                renderer::Quad {
                    bounds: b,
                    border: Border {
                        color: crate::theme::focus_ring(theme),
                        width: WIDTH,
                        radius: 6.0.into(),
                    },
                    ..renderer::Quad::default()
                },
                iced::Color::TRANSPARENT,
            );
        }
    }

    fn overlay<'b>(
        &'b mut self,
        tree: &'b mut Tree,
        layout: Layout<'b>,
        renderer: &iced::Renderer,
        viewport: &Rectangle,
        translation: Vector,
    ) -> Option<overlay::Element<'b, Message, Theme, iced::Renderer>> {
        self.content.as_widget_mut().overlay(
            &mut tree.children[0],
            layout,
            renderer,
            viewport,
            translation,
        )
    }
}

impl<'a, Message: Clone + 'a> From<Focus<'a, Message>> for Element<'a, Message> {
    fn from(mut f: Focus<'a, Message>) -> Self {
        match f.tip.take() {
            Some(tip) => iced::widget::tooltip(
                Element::new(f),
                iced::widget::container(iced::widget::text(tip).size(13))
                    .padding([4, 8])
                    .style(crate::style::card),
                iced::widget::tooltip::Position::Bottom,
            )
            .into(),
            None => Element::new(f),
        }
    }
}

/// `button(..).keys(message)`: a button that also takes the keyboard's focus; in place of
/// `on_press_maybe`, so the click and the key send the same message. Call it last.
pub trait Keys<'a, Message> {
    fn keys(self, on_press: Option<Message>) -> Focus<'a, Message>;
}

impl<'a, Message: Clone + 'a> Keys<'a, Message> for iced::widget::Button<'a, Message> {
    fn keys(self, on_press: Option<Message>) -> Focus<'a, Message> {
        focus(self.on_press_maybe(on_press.clone()), on_press)
    }
}

/// For a list (a pick list) in the focus chain: Enter or Space chooses the value after
/// `now`, round to the first.
pub fn next<T: Clone + PartialEq>(values: &[T], now: Option<&T>) -> Option<T> {
    let at = now.and_then(|n| values.iter().position(|v| v == n));
    let i = at.map_or(0, |i| (i + 1) % values.len().max(1));
    values.get(i).cloned()
}
