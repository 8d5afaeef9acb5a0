//! The agent's own settings on this desktop: theme, zoom, spoken alerts (kept in the
//! session file).

use super::{Console, Message};
use iced::{Task, Theme};

impl Console {
    pub fn theme(&self) -> Theme {
        crate::theme::theme(self.me.theme, self.me.desktop)
    }

    /// The theme the agent chose.
    pub fn theme_choice(&self) -> crate::theme::Choice {
        self.me.theme
    }

    /// The zoom in percent.
    pub fn zoom(&self) -> u16 {
        self.me.zoom
    }

    /// Whether spoken alerts are on.
    pub fn speaks(&self) -> bool {
        self.me.speak
    }

    /// What was said aloud (with spoken alerts on), newest last.
    pub fn spoken(&self) -> &[String] {
        &self.alerts.spoken
    }

    /// Ctrl+=, Ctrl+-, Ctrl+0: the zoom, with a line saying it.
    pub(super) fn set_zoom(&mut self, percent: u16) -> Task<Message> {
        let percent = crate::zoom::clamp(percent);
        if percent != self.me.zoom {
            self.me.zoom = percent;
            self.memory.dirty = true;
            // One line for the zoom, the newest.
            self.alerts
                .notes
                .retain(|(n, _, _)| !n.starts_with("Zoom "));
            self.note(format!("Zoom {percent}%"));
        }
        Task::none()
    }
}
