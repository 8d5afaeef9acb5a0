//! Rules for CRM records the agent edits: allowed values and field checks. Each check
//! returns (field, message) so the UI can show the error at the field.

pub const WORK_ORDER_STATUSES: &[&str] = &["open", "scheduled", "in progress", "on hold", "closed"];
pub const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];
pub const ASSET_STATUSES: &[&str] = &["active", "in repair", "retired"];

pub type FieldError = (&'static str, String);

pub fn required(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err((field, "required".into()));
    }
    if v.chars().count() > max {
        return Err((field, format!("at most {max} characters")));
    }
    if v.chars().any(char::is_control) {
        return Err((field, "contains control characters".into()));
    }
    Ok(v.to_string())
}

pub fn optional(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    if value.trim().is_empty() {
        Ok(String::new())
    } else {
        required(field, value, max)
    }
}

pub fn one_of(field: &'static str, value: &str, allowed: &[&str]) -> Result<String, FieldError> {
    let v = value.trim().to_lowercase();
    if allowed.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err((field, format!("must be one of: {}", allowed.join(", "))))
    }
}

/// Phone numbers: digits with the usual separators, 6 to 20 digits.
pub fn phone(field: &'static str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !allowed || !(6..=20).contains(&digits) {
        return Err((
            field,
            "not a phone number (digits, spaces, + - ( ) .)".into(),
        ));
    }
    Ok(v.to_string())
}

pub fn email(field: &'static str, value: &str) -> Result<String, FieldError> {
    if value.trim().is_empty() {
        return Ok(String::new());
    }
    super::validate::email(value).map_err(|e| (field, e.to_string()))
}

/// A date typed as YYYY-MM-DD, to ms at midnight UTC; empty is None.
pub fn date(field: &'static str, value: &str) -> Result<Option<i64>, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let d = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_err(|_| (field, "use the form YYYY-MM-DD".to_string()))?;
    let ms = d
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .ok_or((field, "not a valid date".to_string()))?;
    Ok(Some(ms))
}

/// ms since the epoch to YYYY-MM-DD (UTC), for editing.
pub fn date_text(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert!(required("subject", "  ", 10).is_err());
        assert_eq!(required("subject", " Fix ", 10).unwrap(), "Fix");
        assert!(phone("phone", "+1 (555) 123-4567").is_ok());
        assert!(phone("phone", "call me").is_err());
        assert_eq!(
            one_of("status", "Open", WORK_ORDER_STATUSES).unwrap(),
            "open"
        );
        assert!(one_of("status", "done", WORK_ORDER_STATUSES).is_err());
        let ms = date("due", "2026-12-01").unwrap();
        assert_eq!(date_text(ms), "2026-12-01");
        assert!(date("due", "01/12/2026").is_err());
        assert_eq!(date("due", "").unwrap(), None);
    }

    #[test]
    fn lengths_stop_at_max_characters() {
        assert_eq!(required("subject", "ééé", 3).as_deref(), Ok("ééé"));
        assert!(required("subject", "éééé", 3).is_err());
        assert!(required("subject", "a\u{7}b", 10).is_err());
        assert_eq!(optional("city", "  ", 3).as_deref(), Ok(""));
        assert_eq!(optional("city", " Oslo ", 4).as_deref(), Ok("Oslo"));
        assert_eq!(
            optional("city", "Lisbon", 4).unwrap_err().0,
            "city",
            "an optional field too long is still refused"
        );
    }

    #[test]
    fn phones_and_emails() {
        // Every character a phone may hold, and 6 to 20 digits.
        assert!(phone("phone", "+1 (555) 12.3-4").is_ok());
        assert!(phone("phone", "12345").is_err());
        assert!(phone("phone", "123456").is_ok());
        assert!(phone("phone", &"1".repeat(21)).is_err());
        assert!(phone("phone", "555 1234 x9").is_err(), "a letter");
        assert_eq!(phone("phone", " ").as_deref(), Ok(""));
        assert_eq!(email("email", " ").as_deref(), Ok(""));
        assert_eq!(
            email("email", " ana@example.com ").as_deref(),
            Ok("ana@example.com")
        );
        assert_eq!(email("email", "ana@").unwrap_err().0, "email");
    }
}
