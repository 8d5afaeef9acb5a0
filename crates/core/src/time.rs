//! How times are shown. Times are ms since the epoch on the database's clock.

/// Local wall-clock time of a database timestamp, as HH:MM.
pub fn clock(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&chrono::Local).format("%H:%M").to_string())
        .unwrap_or_default()
}

/// Local date and time of a database timestamp, as YYYY-MM-DD HH:MM (for lists that span
/// days, such as sessions).
pub fn date_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// A duration in ms as the agent reads it: "45 s", "3 min", "1 h 05 min".
pub fn duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

/// How long until something lets go (a rate limit), rounded up to whole seconds and at
/// least one, in the same words as [`duration`]: a wait that shows "0 s" would be a lie.
pub fn wait(ms: i64) -> String {
    let secs = ms.max(1000).saturating_add(999) / 1000;
    duration(secs * 1000)
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::duration(45_000), "45 s");
        assert_eq!(super::duration(185_000), "3 min");
        assert_eq!(super::duration(3_900_000), "1 h 05 min");
        assert_eq!(super::duration(-5), "0 s");
        assert_eq!(super::wait(0), "1 s");
        assert_eq!(super::wait(41_001), "42 s");
        assert_eq!(super::wait(185_000), "3 min");
    }

    /// HH:MM, whatever the local time zone; a minute later reads differently; a time no
    /// calendar holds shows nothing rather than a wrong time.
    #[test]
    fn clocks() {
        let at = 1_764_900_000_000;
        let shown = super::clock(at);
        assert_eq!(shown.len(), 5, "{shown}");
        assert_eq!(&shown[2..3], ":");
        assert!(
            shown.chars().filter(char::is_ascii_digit).count() == 4,
            "{shown}"
        );
        assert_ne!(super::clock(at + 60_000), shown);
        assert_eq!(super::clock(i64::MAX), "");
    }
}
