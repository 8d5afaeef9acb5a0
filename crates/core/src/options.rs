//! Profile options: site-wide values with per-agent overrides, each one known here with its
//! default and a check of its values.

use super::RuleError;

/// The composer is a formatted-text editor when `Y`.
pub const OPT_CKEDITOR: &str = "SVC_CHAT_CKEDITOR_ENABLED";
/// Seconds an agent has to accept an offered chat.
pub const OPT_OFFER_TIMEOUT: &str = "SVC_CHAT_OFFER_TIMEOUT_SECONDS";
/// Seconds of one absent interval: how long a client may stay silent before a retry is
/// counted against it (Oracle's chat engine's name and default).
pub const OPT_ABSENT_INTERVAL: &str = "ORA_SVC_CHAT_ABSENT_INTERVAL";
/// Absent intervals an agent's desktop may miss before the agent is set Offline and their
/// chats go back to their queues.
pub const OPT_AGENT_ABSENT_RETRIES: &str = "ORA_SVC_CHAT_AGENT_ABSENT_RETRY_COUNT";
/// Absent intervals a customer's client may miss before their chat ends as "customer left".
pub const OPT_ENDUSER_ABSENT_RETRIES: &str = "ORA_SVC_CHAT_ENDUSER_ABSENT_RETRY_COUNT";
/// Seconds a request may wait in a queue before it ends politely; 0 waits for ever.
pub const OPT_QUEUED_DISCARD: &str = "ORA_SVC_QUEUED_REQUEST_DISCARD_SECONDS";
/// Seconds without a key or click after which an Available agent is set Away; 0 never.
pub const OPT_AUTO_AWAY: &str = "SVC_CHAT_AUTO_AWAY_SECONDS";
/// Seconds an ended chat may stay in wrap-up before it is completed for the agent; 0 never.
pub const OPT_WRAPUP_MAX: &str = "SVC_CHAT_WRAPUP_MAX_SECONDS";
/// Hours a signed-in session may stay unused before it ends (sliding).
pub const OPT_SESSION_IDLE_HOURS: &str = "SVC_CHAT_SESSION_IDLE_HOURS";
/// Days a signed-in session lasts at most, however much it is used.
pub const OPT_SESSION_MAX_DAYS: &str = "SVC_CHAT_SESSION_MAX_DAYS";
/// A chat accepted within this many seconds of its request counts as in service level.
pub const OPT_SERVICE_LEVEL: &str = "SVC_CHAT_SERVICE_LEVEL_SECONDS";
/// Y: an agent is told when a supervisor monitors their chat.
pub const OPT_MONITOR_NOTIFY: &str = "SVC_CHAT_MONITOR_NOTIFY_AGENT";
/// Y: the customer's page asks "How did we do?" when their chat ends.
pub const OPT_CSAT: &str = "SVC_CHAT_CSAT_ENABLED";
/// The kinds of file the customer's page accepts besides images, comma-separated.
pub const OPT_ATTACHMENT_TYPES: &str = "SVC_CHAT_ATTACHMENT_TYPES";
/// The largest file the customer's page accepts, in MB.
pub const OPT_ATTACHMENT_MB: &str = "SVC_CHAT_ATTACHMENT_MB";

/// Offer timeout used when the profile option is not set.
pub const DEFAULT_OFFER_TIMEOUT_SECONDS: i64 = 30;

/// What values an option takes.
#[derive(Debug, Clone, Copy)]
enum Kind {
    YesNo,
    /// A whole number in a range (seconds or a count).
    Number {
        min: i64,
        max: i64,
        unit: &'static str,
    },
    /// A list of file kinds ([`crate::attachment::parse_types`]).
    FileTypes,
}

/// One known option.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    pub default: &'static str,
    kind: Kind,
}

const fn seconds(name: &'static str, default: &'static str, min: i64, max: i64) -> Spec {
    Spec {
        name,
        default,
        kind: Kind::Number {
            min,
            max,
            unit: "seconds",
        },
    }
}

const fn whole(
    name: &'static str,
    default: &'static str,
    min: i64,
    max: i64,
    unit: &'static str,
) -> Spec {
    Spec {
        name,
        default,
        kind: Kind::Number { min, max, unit },
    }
}

const fn count(name: &'static str, default: &'static str, min: i64, max: i64) -> Spec {
    Spec {
        name,
        default,
        kind: Kind::Number { min, max, unit: "" },
    }
}

/// Every option this livewindow knows.
pub const OPTIONS: &[Spec] = &[
    Spec {
        name: OPT_CKEDITOR,
        default: "N",
        kind: Kind::YesNo,
    },
    seconds(OPT_OFFER_TIMEOUT, "30", 1, 600),
    seconds(OPT_ABSENT_INTERVAL, "120", 1, 3600),
    count(OPT_AGENT_ABSENT_RETRIES, "2", 1, 100),
    count(OPT_ENDUSER_ABSENT_RETRIES, "2", 1, 100),
    seconds(OPT_QUEUED_DISCARD, "0", 0, 7 * 86400),
    seconds(OPT_AUTO_AWAY, "600", 0, 86400),
    seconds(OPT_WRAPUP_MAX, "0", 0, 86400),
    whole(OPT_SESSION_IDLE_HOURS, "12", 1, 720, "hours"),
    whole(OPT_SESSION_MAX_DAYS, "30", 1, 365, "days"),
    seconds(OPT_SERVICE_LEVEL, "30", 1, 3600),
    Spec {
        name: OPT_MONITOR_NOTIFY,
        default: "Y",
        kind: Kind::YesNo,
    },
    Spec {
        name: OPT_CSAT,
        default: "Y",
        kind: Kind::YesNo,
    },
    Spec {
        name: OPT_ATTACHMENT_TYPES,
        default: crate::attachment::DEFAULT_TYPES,
        kind: Kind::FileTypes,
    },
    whole(OPT_ATTACHMENT_MB, "10", 1, 25, "MB"),
];

fn spec(name: &str) -> Result<&'static Spec, RuleError> {
    OPTIONS
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| RuleError::UnknownOption {
            name: name.into(),
            known: OPTIONS
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Checks a value for a known option.
pub fn check_option(name: &str, value: &str) -> Result<(), RuleError> {
    match spec(name)?.kind {
        Kind::YesNo => match value {
            "Y" | "N" => Ok(()),
            _ => Err(RuleError::NotYesNo {
                name: name.into(),
                value: value.into(),
            }),
        },
        Kind::FileTypes => crate::attachment::parse_types(value)
            .map(|_| ())
            .map_err(|e| RuleError::BadOption {
                name: name.into(),
                why: e,
            }),
        Kind::Number { min, max, unit } => match value.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(()),
            _ => Err(RuleError::OutOfRange {
                name: name.into(),
                value: value.into(),
                unit: unit.into(),
                min,
                max,
            }),
        },
    }
}

/// Checks that `name` is a profile option this livewindow knows.
pub fn check_option_name(name: &str) -> Result<(), RuleError> {
    spec(name).map(|_| ())
}

/// The value in force: the stored one when it is valid, else the option's default.
pub fn number(name: &str, stored: Option<&str>) -> i64 {
    let default = spec(name).map(|s| s.default).unwrap_or("0");
    stored
        .filter(|v| check_option(name, v).is_ok())
        .unwrap_or(default)
        .parse()
        .unwrap_or(0)
}

/// A Y/N option as stored (its default when unset or not valid): true for Y.
pub fn yes(name: &str, stored: Option<&str>) -> bool {
    let default = spec(name).map(|s| s.default).unwrap_or("N");
    stored
        .filter(|v| check_option(name, v).is_ok())
        .unwrap_or(default)
        == "Y"
}

/// A text option as stored (its default when unset or not valid).
pub fn text<'a>(name: &str, stored: Option<&'a str>) -> &'a str {
    let default = spec(name).map(|s| s.default).unwrap_or("");
    stored
        .filter(|v| check_option(name, v).is_ok())
        .unwrap_or(default)
}

/// How often a customer's client checks in, in ms, for an absent interval of
/// `absent_interval_s` seconds: a third of it, so two check-ins may be lost before a single
/// interval passes in silence; never less often than every 15 s, never more than four
/// times a second.
pub fn checkin_every_ms(absent_interval_s: i64) -> i64 {
    (absent_interval_s.saturating_mul(1000) / 3).clamp(250, 15_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_and_defaults() {
        assert!(check_option(OPT_CKEDITOR, "Y").is_ok());
        assert!(check_option(OPT_CKEDITOR, "yes").is_err());
        assert!(check_option(OPT_OFFER_TIMEOUT, "0").is_err());
        assert!(check_option(OPT_QUEUED_DISCARD, "0").is_ok());
        let e = check_option(OPT_AGENT_ABSENT_RETRIES, "x").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{OPT_AGENT_ABSENT_RETRIES} must be a whole number from 1 to 100, not \"x\"")
        );
        assert!(matches!(
            check_option("NOPE", "1"),
            Err(RuleError::UnknownOption { .. })
        ));
        assert_eq!(number(OPT_ABSENT_INTERVAL, None), 120);
        assert_eq!(checkin_every_ms(2), 666);
        assert_eq!(checkin_every_ms(120), 15_000);
        assert_eq!(checkin_every_ms(1), 333);
        assert_eq!(number(OPT_ABSENT_INTERVAL, Some("5")), 5);
        assert_eq!(number(OPT_ABSENT_INTERVAL, Some("junk")), 120);
        assert_eq!(number(OPT_SESSION_IDLE_HOURS, None), 12);
        assert_eq!(number(OPT_SESSION_MAX_DAYS, None), 30);
        assert!(matches!(
            check_option(OPT_SESSION_MAX_DAYS, "0"),
            Err(RuleError::OutOfRange {
                min: 1,
                max: 365,
                ..
            })
        ));
    }

    /// The ranges the README documents, at their edges.
    #[test]
    fn ranges() {
        for (name, min, max) in [
            (OPT_OFFER_TIMEOUT, 1, 600),
            (OPT_ABSENT_INTERVAL, 1, 3600),
            (OPT_AGENT_ABSENT_RETRIES, 1, 100),
            (OPT_QUEUED_DISCARD, 0, 604_800),
            (OPT_AUTO_AWAY, 0, 86_400),
            (OPT_WRAPUP_MAX, 0, 86_400),
        ] {
            assert!(check_option(name, &min.to_string()).is_ok(), "{name} {min}");
            assert!(check_option(name, &max.to_string()).is_ok(), "{name} {max}");
            assert!(check_option(name, &(min - 1).to_string()).is_err());
            assert!(check_option(name, &(max + 1).to_string()).is_err());
        }
        assert!(check_option_name(OPT_WRAPUP_MAX).is_ok());
        assert!(check_option_name("SVC_CHAT_NOPE").is_err());
    }
}
