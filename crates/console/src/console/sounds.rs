//! Sounds: the cues the feed and the frame tick raise, played with the agent's settings;
//! the Sounds panel.

use super::{Console, Message};
use crate::sound::{Cue, Play, player::Player, settings};
use iced::Task;
use std::time::Instant;

impl Console {
    /// Rings while an offer waits: at once, then every few seconds until it is answered.
    pub(super) fn ring_offers(&mut self) {
        let waiting = !self.work.offers.is_empty();
        if let Some(cue) = self.alerts.bell.offers(Instant::now(), waiting) {
            self.sound(cue);
        }
    }

    /// A customer wrote in one of the agent's chats.
    pub(super) fn ring_line(&mut self, in_view: bool) {
        if let Some(cue) = self.alerts.bell.customer_wrote(Instant::now(), in_view) {
            self.sound(cue);
        }
    }

    fn sound(&mut self, cue: Cue) {
        if let Some(p) = self.me.sounds.play(cue) {
            if self.alerts.sounded.len() == 50 {
                self.alerts.sounded.remove(0);
            }
            self.alerts.sounded.push(cue);
            self.play(p);
        }
    }

    fn play(&mut self, p: Play) {
        self.alerts.player.get_or_insert_with(Player::new).play(p);
    }

    /// What played, newest last.
    pub fn sounded(&self) -> &[Cue] {
        &self.alerts.sounded
    }

    /// The agent's sound settings.
    pub fn sound_prefs(&self) -> crate::sound::Prefs {
        self.me.sounds
    }

    /// Whether the Sounds panel is open.
    pub fn sound_panel(&self) -> bool {
        self.work.sound_panel
    }

    pub(super) fn toggle_sound_panel(&mut self) -> Task<Message> {
        self.work.sound_panel = !self.work.sound_panel;
        if self.work.sound_panel {
            iced::widget::operation::focus(settings::FIRST)
        } else {
            Task::none()
        }
    }

    pub(super) fn sound_settings(&mut self, m: settings::Message) -> Task<Message> {
        match settings::update(&mut self.me.sounds, m) {
            settings::Action::None => {}
            settings::Action::Changed => self.memory.dirty = true,
            settings::Action::Try(cue) => {
                // Heard even while muted: the agent asked for it.
                let prefs = crate::sound::Prefs {
                    mute: false,
                    ..self.me.sounds
                };
                if let Some(p) = prefs.play(cue) {
                    self.play(p);
                }
            }
            settings::Action::Close => self.work.sound_panel = false,
        }
        Task::none()
    }
}
