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

/// Local day of a database timestamp, as "3 Dec 2026".
pub fn day(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%-d %b %Y")
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

/// This computer's clock, in ms since the epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A moment as a person types it for `--since`: a date (`2026-12-07`, local midnight), a
/// date and time (`2026-12-07 14:30`), or a time ago (`90m`, `2h`, `3d`). In ms since the
/// epoch, or one line saying what is accepted.
pub fn parse_since(text: &str, now_ms: i64) -> Result<i64, String> {
    use chrono::{Local, NaiveDate, NaiveDateTime, TimeZone};
    let t = text.trim();
    let ago = t
        .strip_suffix('m')
        .map(|n| (n, 60_000))
        .or_else(|| t.strip_suffix('h').map(|n| (n, 3_600_000)))
        .or_else(|| t.strip_suffix('d').map(|n| (n, 86_400_000)));
    if let Some((n, unit)) = ago
        && let Ok(n) = n.trim().parse::<i64>()
        && (0..=100_000).contains(&n)
    {
        return Ok(now_ms - n * unit);
    }
    let local = |dt: NaiveDateTime| {
        Local
            .from_local_datetime(&dt)
            .earliest()
            .map(|d| d.timestamp_millis())
    };
    let parsed = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
        .and_then(local);
    parsed.ok_or_else(|| {
        format!("{t:?} is not a time: use 2026-12-07, \"2026-12-07 14:30\", or 90m, 2h, 3d ago")
    })
}

/// The end of a range as a person types it: as [`parse_since`], but a bare date means the
/// end of that day (a search "to 2026-12-07" includes the 7th).
pub fn parse_until(text: &str, now_ms: i64) -> Result<i64, String> {
    let at = parse_since(text, now_ms)?;
    let bare_date = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").is_ok();
    Ok(if bare_date { at + 86_400_000 - 1 } else { at })
}

#[cfg(test)]
mod tests {
    #[test]
    fn until() {
        let now = 1_764_900_000_000;
        let from = super::parse_since("2026-12-07", now).expect("a date");
        let to = super::parse_until("2026-12-07", now).expect("a date");
        assert_eq!(to - from, 86_400_000 - 1);
        assert_eq!(super::parse_until("2h", now), Ok(now - 7_200_000));
        assert!(super::parse_until("soon", now).is_err());
    }

    #[test]
    fn since() {
        let now = 1_764_900_000_000;
        assert_eq!(super::parse_since("90m", now), Ok(now - 90 * 60_000));
        assert_eq!(super::parse_since("2h", now), Ok(now - 7_200_000));
        assert_eq!(super::parse_since(" 3d ", now), Ok(now - 3 * 86_400_000));
        let day = super::parse_since("2026-12-07", now).expect("a date");
        let later = super::parse_since("2026-12-07 14:30", now).expect("a date and time");
        assert_eq!(later - day, (14 * 60 + 30) * 60_000);
        for junk in ["", "yesterday", "-5h", "2026-13-01", "5y"] {
            let e = super::parse_since(junk, now).unwrap_err();
            assert!(e.contains("is not a time"), "{e}");
        }
    }

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
