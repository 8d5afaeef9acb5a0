//! The widget's state between frames: focus and blink, scroll, and the events held while stale.

use super::layout;
use iced::advanced::widget::{Id, operation};
use iced::advanced::{Shell, input_method, mouse};
use iced::{Event, keyboard};
use livewindow_richtext::Selection;
use std::time::Instant;

pub(super) const BLINK: u128 = 500;

pub(super) struct Focus {
    pub(super) since: Instant,
    pub(super) now: Instant,
    pub(super) window: bool,
}

impl Focus {
    pub(super) fn new() -> Self {
        let now = Instant::now();
        Focus {
            since: now,
            now,
            window: true,
        }
    }

    pub(super) fn caret_visible(&self) -> bool {
        self.window && ((self.now - self.since).as_millis() / BLINK).is_multiple_of(2)
    }
}

#[derive(Default)]
pub(super) struct State {
    pub(super) layout: layout::Layout,
    pub(super) focus: Option<Focus>,
    pub(super) last_click: Option<mouse::Click>,
    pub(super) dragging: bool,
    pub(super) scroll: f32,
    pub(super) viewport: f32,
    /// Where up and down aim, so a column is kept across short lines.
    pub(super) goal_x: Option<f32>,
    /// The selection and content height last laid out: when either changes, the caret is
    /// scrolled into view.
    pub(super) seen: Option<(Selection, f32)>,
    pub(super) placeholder: Option<(String, iced::advanced::graphics::text::Paragraph)>,
    /// Mouse events carry no modifiers: Shift+click needs the last ones seen.
    pub(super) modifiers: keyboard::Modifiers,
    /// An action was published and the parent has not rebuilt us yet: `doc` and `selection`
    /// are the old ones. The runtime hands every event of a batch to the same widget, so a
    /// second Backspace (or Shift+Arrow, or a click) in the batch would compute its range
    /// from the old text; such events wait in `queue` for the rebuilt widget.
    pub(super) stale: bool,
    pub(super) queue: std::collections::VecDeque<(Event, mouse::Cursor)>,
    /// Whose draft this is: a queued key never lands in another chat's composer.
    pub(super) owner: Option<Id>,
    /// Text an input method is composing (CJK, dead keys): the window draws it at the caret.
    pub(super) preedit: Option<input_method::Preedit>,
}

/// Events held back while stale; beyond this a burst is dropped rather than grow unbounded.
const QUEUE: usize = 256;

impl operation::Focusable for State {
    fn is_focused(&self) -> bool {
        self.focus.is_some()
    }
    fn focus(&mut self) {
        self.focus = Some(Focus::new());
    }
    fn unfocus(&mut self) {
        self.focus = None;
        self.dragging = false;
    }
}

impl State {
    pub(super) fn max_scroll(&self) -> f32 {
        (self.layout.height - self.viewport).max(0.0)
    }

    pub(super) fn publish<Message>(&mut self, shell: &mut Shell<'_, Message>, message: Message) {
        self.stale = true;
        shell.publish(message);
    }

    /// Holds `event` back when its action would use positions of a document the parent has
    /// since changed (`absolute` while stale), or when earlier events wait (order is kept).
    /// A redraw is asked for so the queue drains as soon as the rebuilt widget sees an event.
    pub(super) fn hold<Message>(
        &mut self,
        event: &Event,
        cursor: mouse::Cursor,
        absolute: bool,
        replaying: bool,
        shell: &mut Shell<'_, Message>,
    ) -> bool {
        let wait = !replaying && ((self.stale && absolute) || !self.queue.is_empty());
        if !wait {
            return false;
        }
        if self.queue.len() < QUEUE {
            self.queue.push_back((event.clone(), cursor));
        }
        shell.capture_event();
        shell.request_redraw();
        true
    }
}
