//! When a session ends: revoked (and why), idle too long, or past its absolute lifetime.
//! Pure functions of the database's `now`, so the rules are tested without waiting.

use serde::{Deserialize, Serialize};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// The idle expiry slides at most this often: a session used every second writes its row
/// once a minute, not once a second.
pub const SLIDE_EVERY_MS: i64 = 60_000;

/// Why a session no longer opens anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionEnd {
    /// Its user signed out.
    SignedOut,
    /// An administrator revoked it.
    Revoked,
    /// Its user's password was changed.
    PasswordChanged,
    /// Its user was disabled.
    Disabled,
    /// Unused for longer than the idle limit.
    Idle,
    /// Older than the absolute limit.
    Expired,
}

impl SessionEnd {
    pub const ALL: [SessionEnd; 6] = [
        SessionEnd::SignedOut,
        SessionEnd::Revoked,
        SessionEnd::PasswordChanged,
        SessionEnd::Disabled,
        SessionEnd::Idle,
        SessionEnd::Expired,
    ];

    /// The stored spelling (`sessions.revoked_why`).
    pub fn as_str(self) -> &'static str {
        match self {
            SessionEnd::SignedOut => "signed_out",
            SessionEnd::Revoked => "revoked",
            SessionEnd::PasswordChanged => "password_changed",
            SessionEnd::Disabled => "disabled",
            SessionEnd::Idle => "idle",
            SessionEnd::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<SessionEnd> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// One line for the person whose session ended.
    pub fn sentence(self) -> &'static str {
        match self {
            SessionEnd::SignedOut => "You signed out.",
            SessionEnd::Revoked => "An administrator ended this session.",
            SessionEnd::PasswordChanged => "Your password was changed; sign in again.",
            SessionEnd::Disabled => "Your account was disabled.",
            SessionEnd::Idle => "The session ended after a long time unused; sign in again.",
            SessionEnd::Expired => "The session reached its maximum age; sign in again.",
        }
    }
}

/// How long sessions last (the profile options `SVC_CHAT_SESSION_IDLE_HOURS` and
/// `SVC_CHAT_SESSION_MAX_DAYS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle_ms: i64,
    pub absolute_ms: i64,
}

impl SessionLimits {
    /// From the options' stored values (a missing or bad one gives its default).
    pub fn from_options(idle_hours: Option<&str>, max_days: Option<&str>) -> SessionLimits {
        use crate::options::{OPT_SESSION_IDLE_HOURS, OPT_SESSION_MAX_DAYS, number};
        SessionLimits {
            idle_ms: number(OPT_SESSION_IDLE_HOURS, idle_hours) * HOUR_MS,
            absolute_ms: number(OPT_SESSION_MAX_DAYS, max_days) * DAY_MS,
        }
    }

    /// A new session's (idle, absolute) expiries.
    pub fn expiries(self, now_ms: i64) -> (i64, i64) {
        let absolute = now_ms.saturating_add(self.absolute_ms);
        (now_ms.saturating_add(self.idle_ms).min(absolute), absolute)
    }
}

/// `Ok` while a session opens its user's data at `now_ms`; otherwise why not. A revocation
/// wins over an expiry; past the absolute limit is `Expired` even when also idle.
pub fn session_verdict(
    now_ms: i64,
    revoked: Option<SessionEnd>,
    idle_expires_ms: i64,
    absolute_expires_ms: i64,
) -> Result<(), SessionEnd> {
    if let Some(why) = revoked {
        return Err(why);
    }
    if now_ms >= absolute_expires_ms {
        return Err(SessionEnd::Expired);
    }
    if now_ms >= idle_expires_ms {
        return Err(SessionEnd::Idle);
    }
    Ok(())
}

/// The idle expiry after a use at `now_ms`, or `None` when the row need not be written
/// (it was last seen less than a minute ago). Never past the absolute expiry.
pub fn slid_idle_expiry(
    now_ms: i64,
    last_seen_ms: i64,
    idle_ms: i64,
    absolute_expires_ms: i64,
) -> Option<i64> {
    (now_ms - last_seen_ms >= SLIDE_EVERY_MS)
        .then(|| now_ms.saturating_add(idle_ms).min(absolute_expires_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn defaults_are_twelve_hours_and_thirty_days() {
        let limits = SessionLimits::from_options(None, Some("junk"));
        assert_eq!(limits.idle_ms, 12 * HOUR_MS);
        assert_eq!(limits.absolute_ms, 30 * DAY_MS);
        assert_eq!(
            limits.expiries(NOW),
            (NOW + 12 * HOUR_MS, NOW + 30 * DAY_MS)
        );
        let short = SessionLimits::from_options(Some("1"), Some("2"));
        assert_eq!((short.idle_ms, short.absolute_ms), (HOUR_MS, 2 * DAY_MS));
    }

    #[test]
    fn the_idle_expiry_never_passes_the_absolute_one() {
        let limits = SessionLimits {
            idle_ms: 10 * DAY_MS,
            absolute_ms: DAY_MS,
        };
        assert_eq!(limits.expiries(NOW), (NOW + DAY_MS, NOW + DAY_MS));
        assert_eq!(
            slid_idle_expiry(NOW, NOW - HOUR_MS, 10 * DAY_MS, NOW + DAY_MS),
            Some(NOW + DAY_MS)
        );
    }

    #[test]
    fn verdicts() {
        let idle = NOW + HOUR_MS;
        let absolute = NOW + DAY_MS;
        assert_eq!(session_verdict(NOW, None, idle, absolute), Ok(()));
        assert_eq!(
            session_verdict(idle, None, idle, absolute),
            Err(SessionEnd::Idle)
        );
        assert_eq!(
            session_verdict(absolute, None, absolute, absolute),
            Err(SessionEnd::Expired)
        );
        assert_eq!(
            session_verdict(NOW, Some(SessionEnd::Revoked), idle, absolute),
            Err(SessionEnd::Revoked)
        );
        assert_eq!(
            session_verdict(absolute + 1, Some(SessionEnd::SignedOut), idle, absolute),
            Err(SessionEnd::SignedOut)
        );
    }

    #[test]
    fn sliding_writes_at_most_once_a_minute() {
        let absolute = NOW + DAY_MS;
        assert_eq!(slid_idle_expiry(NOW, NOW - 59_999, HOUR_MS, absolute), None);
        assert_eq!(
            slid_idle_expiry(NOW, NOW - 60_000, HOUR_MS, absolute),
            Some(NOW + HOUR_MS)
        );
    }

    #[test]
    fn ends_round_trip() {
        for end in SessionEnd::ALL {
            assert_eq!(SessionEnd::parse(end.as_str()), Some(end));
            assert!(end.sentence().ends_with('.'));
        }
        assert_eq!(SessionEnd::parse("nope"), None);
    }
}
