//! The keyboard's focus in the kept interface: where it is, and Tab until it reaches a
//! control, as an agent without a mouse moves through the console.

use super::Harness;

impl Harness {
    /// Where the keyboard focus is in the kept interface: the focused widget's bounds.
    pub async fn focused_bounds(&mut self) -> Option<iced::Rectangle> {
        use iced::advanced::widget::operation::{Focusable, Operation, Outcome};
        struct Focused(Option<iced::Rectangle>);
        impl Operation<()> for Focused {
            fn focusable(
                &mut self,
                _id: Option<&iced::widget::Id>,
                bounds: iced::Rectangle,
                state: &mut dyn Focusable,
            ) {
                if state.is_focused() {
                    self.0 = Some(bounds);
                }
            }
            fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation<()>)) {
                operate(self);
            }
            fn finish(&self) -> Outcome<()> {
                Outcome::None
            }
        }
        self.live_step(|ui, renderer, _| {
            let mut op = Focused(None);
            ui.operate(renderer, &mut op);
            op.0
        })
        .await
    }

    /// The id of the focused widget, when it has one.
    pub async fn focused_id(&mut self) -> Option<iced::widget::Id> {
        use iced::advanced::widget::operation::{Operation, Outcome, focusable};
        self.live_step(|ui, renderer, _| {
            let mut op = focusable::find_focused();
            ui.operate(
                renderer,
                &mut iced::advanced::widget::operation::black_box(&mut op),
            );
            match op.finish() {
                Outcome::Some(id) => Some(id),
                _ => None,
            }
        })
        .await
    }

    /// Whether the text `label` is drawn inside the focused control.
    pub async fn focus_shows(&mut self, label: &str) -> bool {
        self.focus_text(|t| t == label).await
    }

    /// Whether a text drawn inside the focused control passes `test`.
    async fn focus_text(&mut self, test: impl Fn(&str) -> bool + Send) -> bool {
        let Some(focused) = self.focused_bounds().await else {
            return false;
        };
        use iced_test::selector::Candidate;
        let mut ui = self.simulator();
        let found = ui.find(move |c: Candidate<'_>| match c {
            Candidate::Text {
                bounds, content, ..
            } if test(content) && focused.contains(bounds.center()) => Some(()),
            _ => None,
        });
        found.is_ok()
    }

    /// Presses Tab until the focused control shows `label`; panics after `most` presses.
    pub async fn tab_to(&mut self, label: &str, most: usize) {
        self.tab_until(label, |t| t == label, most).await;
    }

    /// Presses Tab until the focused control shows a text starting with `prefix`.
    pub async fn tab_to_start(&mut self, prefix: &str, most: usize) {
        self.tab_until(prefix, |t| t.starts_with(prefix), most)
            .await;
    }

    async fn tab_until(
        &mut self,
        what: &str,
        test: impl Fn(&str) -> bool + Copy + Send,
        most: usize,
    ) {
        for _ in 0..most {
            if self.focus_text(test).await {
                return;
            }
            self.named(iced::keyboard::key::Named::Tab, Default::default())
                .await;
        }
        assert!(self.focus_text(test).await, "Tab never reached {what:?}");
    }

    /// Presses Tab until the widget with this id has the focus; panics after `most`.
    pub async fn tab_to_id(&mut self, id: &str, most: usize) {
        let want = iced::widget::Id::from(id.to_string());
        for _ in 0..most {
            if self.focused_id().await.as_ref() == Some(&want) {
                return;
            }
            self.named(iced::keyboard::key::Named::Tab, Default::default())
                .await;
        }
        assert_eq!(
            self.focused_id().await,
            Some(want),
            "Tab never reached {id}"
        );
    }

    /// A named key without modifiers: Enter, F6, Escape.
    pub async fn press(&mut self, key: iced::keyboard::key::Named) {
        self.named(key, Default::default()).await;
    }

    /// Presses Tab `n` times, then checks the focused control shows `label`.
    pub async fn tabs_to(&mut self, n: usize, label: &str) {
        for _ in 0..n {
            self.named(iced::keyboard::key::Named::Tab, Default::default())
                .await;
        }
        if self.focus_shows(label).await {
            return;
        }
        // Say how many it takes now, so the count in tests/common/keys.rs can be mended.
        for more in 1..=15 {
            self.named(iced::keyboard::key::Named::Tab, Default::default())
                .await;
            if self.focus_shows(label).await {
                panic!("{n} Tabs did not reach {label:?}; {} do", n + more);
            }
        }
        panic!("{n} Tabs did not reach {label:?}, nor 15 more");
    }

    /// As `tabs_to`, for the widget with this id.
    pub async fn tabs_to_id(&mut self, n: usize, id: &str) {
        for _ in 0..n {
            self.named(iced::keyboard::key::Named::Tab, Default::default())
                .await;
        }
        let want = iced::widget::Id::from(id.to_string());
        assert_eq!(
            self.focused_id().await,
            Some(want),
            "{n} Tabs did not reach {id}"
        );
    }
}
