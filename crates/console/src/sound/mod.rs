//! Sounds: which event plays what, and the agent's choice of sound, volume and mute (pure,
//! so the simulator tests the decision); `player` plays them, `settings` is the panel.
//!
//! An offer rings at once and again every `RING_EVERY` until it is answered; a customer's
//! line rings once when its chat is not in front of the agent (another chat or tab is shown,
//! or the window is not focused). Both play whether or not the window has focus.

pub mod player;
pub mod settings;
#[cfg(test)]
mod synth;

use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// How often a waiting offer rings again.
pub const RING_EVERY: Duration = Duration::from_secs(4);
/// Lines that arrive closer together than this ring once.
const MESSAGE_GAP: Duration = Duration::from_millis(1500);

/// What happened that deserves a sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    Offer,
    Message,
}

/// The project's own sounds (synthesized; `assets/sounds/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Chime,
    Bell,
    Pop,
    Knock,
}

impl Tone {
    pub const ALL: [Tone; 4] = [Tone::Chime, Tone::Bell, Tone::Pop, Tone::Knock];

    /// The file's name in `assets/sounds/`.
    pub fn file(self) -> &'static str {
        match self {
            Tone::Chime => "chime.wav",
            Tone::Bell => "bell.wav",
            Tone::Pop => "pop.wav",
            Tone::Knock => "knock.wav",
        }
    }

    /// The WAV file's bytes, built into the binary.
    pub fn wav(self) -> &'static [u8] {
        match self {
            Tone::Chime => include_bytes!("../../../../assets/sounds/chime.wav"),
            Tone::Bell => include_bytes!("../../../../assets/sounds/bell.wav"),
            Tone::Pop => include_bytes!("../../../../assets/sounds/pop.wav"),
            Tone::Knock => include_bytes!("../../../../assets/sounds/knock.wav"),
        }
    }
}

impl std::fmt::Display for Tone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Tone::Chime => "Chime",
            Tone::Bell => "Bell",
            Tone::Pop => "Pop",
            Tone::Knock => "Knock",
        })
    }
}

/// The agent's sound settings, remembered on this desktop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    /// For an offer.
    pub offer: Tone,
    /// For a customer's line in a chat not in view.
    pub message: Tone,
    /// Percent, 10 to 100.
    pub volume: u8,
    pub mute: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            offer: Tone::Chime,
            message: Tone::Pop,
            volume: 80,
            mute: false,
        }
    }
}

/// One sound to play, at a volume in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Play {
    pub tone: Tone,
    pub volume: u8,
}

impl Prefs {
    /// What `cue` plays with these settings: nothing when muted.
    pub fn play(&self, cue: Cue) -> Option<Play> {
        if self.mute {
            return None;
        }
        let tone = match cue {
            Cue::Offer => self.offer,
            Cue::Message => self.message,
        };
        Some(Play {
            tone,
            volume: self.volume.clamp(10, 100),
        })
    }
}

/// When the last sounds rang: the repeat and the gap are decided here.
#[derive(Debug, Default)]
pub struct Bell {
    last_ring: Option<Instant>,
    last_message: Option<Instant>,
}

impl Bell {
    /// Called on every frame tick and when an offer arrives: whether an offer rings now.
    /// It rings at once, then every `RING_EVERY` while any offer waits; once none waits,
    /// the next one rings at once again.
    pub fn offers(&mut self, now: Instant, waiting: bool) -> Option<Cue> {
        if !waiting {
            self.last_ring = None;
            return None;
        }
        match self.last_ring {
            Some(at) if now.duration_since(at) < RING_EVERY => None,
            _ => {
                self.last_ring = Some(now);
                Some(Cue::Offer)
            }
        }
    }

    /// A customer wrote; whether it rings: only when the chat is not in view, and once for
    /// a burst of lines.
    pub fn customer_wrote(&mut self, now: Instant, in_view: bool) -> Option<Cue> {
        if in_view {
            return None;
        }
        if self
            .last_message
            .is_some_and(|at| now.duration_since(at) < MESSAGE_GAP)
        {
            return None;
        }
        self.last_message = Some(now);
        Some(Cue::Message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offer_rings_at_once_then_every_few_seconds_until_answered() {
        let mut bell = Bell::default();
        let t0 = Instant::now();
        assert_eq!(bell.offers(t0, true), Some(Cue::Offer));
        assert_eq!(bell.offers(t0 + Duration::from_millis(250), true), None);
        assert_eq!(bell.offers(t0 + RING_EVERY, true), Some(Cue::Offer));
        assert_eq!(
            bell.offers(t0 + RING_EVERY * 2 - Duration::from_millis(1), true),
            None
        );
        // Answered: quiet; the next offer rings at once.
        assert_eq!(bell.offers(t0 + RING_EVERY * 2, false), None);
        let t1 = t0 + RING_EVERY * 2 + Duration::from_millis(10);
        assert_eq!(bell.offers(t1, true), Some(Cue::Offer));
    }

    #[test]
    fn a_line_rings_when_its_chat_is_not_in_view_and_once_per_burst() {
        let mut bell = Bell::default();
        let t0 = Instant::now();
        assert_eq!(bell.customer_wrote(t0, true), None);
        assert_eq!(bell.customer_wrote(t0, false), Some(Cue::Message));
        assert_eq!(
            bell.customer_wrote(t0 + Duration::from_millis(400), false),
            None
        );
        assert_eq!(
            bell.customer_wrote(t0 + Duration::from_secs(2), false),
            Some(Cue::Message)
        );
    }

    #[test]
    fn mute_silences_and_each_cue_plays_its_own_tone() {
        let mut prefs = Prefs {
            offer: Tone::Bell,
            message: Tone::Knock,
            volume: 5,
            mute: false,
        };
        assert_eq!(
            prefs.play(Cue::Offer),
            Some(Play {
                tone: Tone::Bell,
                volume: 10
            })
        );
        assert_eq!(prefs.play(Cue::Message).map(|p| p.tone), Some(Tone::Knock));
        prefs.mute = true;
        assert_eq!(prefs.play(Cue::Offer), None);
    }

    #[test]
    fn every_tone_is_a_wav_file_we_can_read() {
        for tone in Tone::ALL {
            let samples =
                player::samples(tone.wav(), 100).unwrap_or_else(|e| panic!("{}: {e}", tone.file()));
            assert!(samples.bytes.len() > 2000, "{} is too short", tone.file());
        }
    }
}
