//! Input: mouse, keyboard and input-method events turned into [`Action`]s for the parent.

use super::state::{BLINK, Focus, State};
use super::{Action, RichEditor, keys, layout, remove_at};
use iced::advanced::{InputMethod, Layout, Shell, input_method, mouse};
use iced::{Event, Point, Rectangle, Vector, keyboard, window};
use livewindow_richtext::{Position, Selection};
use std::time::{Duration, Instant};

/// Actions that carry positions (or depend on them) rather than acting on "the selection".
fn reads_positions(action: &Action) -> bool {
    matches!(
        action,
        Action::Select(_)
            | Action::Delete(_)
            | Action::Unstyle(_)
            | Action::RemoveImage(_)
            | Action::List(_)
            | Action::NextPlaceholder { .. }
    )
}

impl<Message> RichEditor<'_, Message> {
    /// One event; `replaying` when it comes from the queue (it was ours when it arrived).
    pub(super) fn handle(
        &self,
        state: &mut State,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        shell: &mut Shell<'_, Message>,
        replaying: bool,
    ) {
        let Some(on_action) = self.on_action.as_ref() else {
            return;
        };
        let bounds = layout.bounds();
        let pad = self.padding;
        let origin = Vector::new(bounds.x + pad, bounds.y + pad - state.scroll);
        let to_doc = |p: Point| Point::new(p.x - origin.x, p.y - origin.y);
        match event {
            Event::Window(window::Event::Unfocused) => {
                if let Some(f) = &mut state.focus {
                    f.window = false;
                }
            }
            Event::Window(window::Event::Focused) => {
                if let Some(f) = &mut state.focus {
                    f.window = true;
                    f.since = Instant::now();
                    shell.request_redraw();
                }
            }
            Event::Window(window::Event::RedrawRequested(now)) => {
                if let Some(f) = &mut state.focus
                    && f.window
                {
                    f.now = *now;
                    let wait = BLINK - (f.now - f.since).as_millis() % BLINK;
                    shell.request_redraw_at(f.now + Duration::from_millis(wait as u64));
                    let caret = state.layout.caret(self.doc.clamp(self.selection.focus));
                    let at = Point::new(caret.x, caret.y) + origin;
                    shell.request_input_method(&InputMethod::<&str>::Enabled {
                        cursor: Rectangle::new(at, caret.size()),
                        purpose: input_method::Purpose::Normal,
                        preedit: state.preedit.as_ref().map(input_method::Preedit::as_ref),
                    });
                }
            }
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                let Some(at) = cursor.position_over(bounds) else {
                    if state.focus.is_some() {
                        state.focus = None;
                        state.dragging = false;
                        shell.request_redraw();
                    }
                    return;
                };
                if state.hold(event, cursor, true, replaying, shell) {
                    return;
                }
                let p = to_doc(at);
                state.focus = Some(Focus::new());
                state.goal_x = None;
                shell.capture_event();
                if let Some(i) = remove_at(&state.layout, p) {
                    state.publish(shell, on_action(Action::RemoveImage(i)));
                    return;
                }
                let click = mouse::Click::new(at, mouse::Button::Left, state.last_click);
                state.last_click = Some(click);
                let hit = state.layout.hit(p);
                let selection = match click.kind() {
                    mouse::click::Kind::Single => {
                        state.dragging = true;
                        if state.modifiers.shift() {
                            Selection::new(self.selection.anchor, hit)
                        } else {
                            Selection::caret(hit)
                        }
                    }
                    mouse::click::Kind::Double => keys::word_at(self.doc, hit),
                    mouse::click::Kind::Triple => Selection::new(
                        Position::new(hit.block, 0),
                        Position::new(hit.block, self.doc.block(hit.block).map_or(0, |b| b.len())),
                    ),
                };
                state.publish(shell, on_action(Action::Select(selection)));
            }
            Event::Mouse(mouse::Event::CursorMoved { position }) if state.dragging => {
                if state.hold(event, cursor, true, replaying, shell) {
                    return;
                }
                let hit = state.layout.hit(to_doc(*position));
                let selection = Selection::new(self.selection.anchor, hit);
                if selection != self.selection {
                    state.publish(shell, on_action(Action::Select(selection)));
                }
            }
            Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)) => {
                // After a held press, not before it: the drag would never end.
                if state.hold(event, cursor, false, replaying, shell) {
                    return;
                }
                state.dragging = false;
            }
            Event::Mouse(mouse::Event::WheelScrolled { delta }) if cursor.is_over(bounds) => {
                let dy = match delta {
                    mouse::ScrollDelta::Lines { y, .. } => {
                        -y * layout::line_height(layout::SIZE) * 3.0
                    }
                    mouse::ScrollDelta::Pixels { y, .. } => -y,
                };
                let before = state.scroll;
                state.scroll = (state.scroll + dy).clamp(0.0, state.max_scroll());
                if state.scroll != before {
                    shell.capture_event();
                    shell.request_redraw();
                }
            }
            Event::Keyboard(keyboard::Event::ModifiersChanged(m)) => state.modifiers = *m,
            Event::Keyboard(keyboard::Event::KeyPressed {
                key,
                physical_key,
                modifiers,
                text,
                ..
            }) if replaying || state.focus.is_some() => {
                let press = keys::Press {
                    key,
                    physical: *physical_key,
                    modifiers: *modifiers,
                    text: text.as_deref(),
                };
                let outcome = keys::action(
                    self.doc,
                    self.selection,
                    &state.layout,
                    state.goal_x,
                    state.viewport,
                    press,
                    &self.extras,
                );
                let absolute = match &outcome {
                    keys::Outcome::Act(action, _) => reads_positions(action),
                    // Nothing to do here now (Delete at the old end) may be something once
                    // the parent's edit is in: it waits like a key that reads positions.
                    keys::Outcome::Idle => true,
                    keys::Outcome::Foreign => return,
                };
                if state.hold(event, cursor, absolute, replaying, shell) {
                    return;
                }
                if let keys::Outcome::Act(action, goal_x) = outcome {
                    state.goal_x = goal_x;
                    if let Some(f) = &mut state.focus {
                        f.since = Instant::now();
                    }
                    state.publish(shell, on_action(action));
                    shell.capture_event();
                }
            }
            Event::InputMethod(
                ime @ (input_method::Event::Opened | input_method::Event::Closed),
            ) => {
                state.preedit =
                    matches!(ime, input_method::Event::Opened).then(input_method::Preedit::new);
                shell.request_redraw();
            }
            Event::InputMethod(input_method::Event::Preedit(content, selection))
                if state.focus.is_some() =>
            {
                state.preedit = Some(input_method::Preedit {
                    content: content.clone(),
                    selection: selection.clone(),
                    text_size: Some(iced::Pixels(layout::SIZE)),
                });
                shell.request_redraw();
            }
            Event::InputMethod(input_method::Event::Commit(text))
                if replaying || state.focus.is_some() =>
            {
                let text: String = text.chars().filter(|c| !c.is_control()).collect();
                if !text.is_empty() {
                    if state.hold(event, cursor, false, replaying, shell) {
                        return;
                    }
                    state.publish(shell, on_action(Action::Insert(text)));
                    shell.capture_event();
                }
            }
            _ => {}
        }
    }
}
