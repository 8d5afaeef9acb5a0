//! Checks of what people type: one readable sentence when something is wrong.

/// A person's name: not blank, not absurdly long, no control characters.
pub fn name(value: &str) -> Result<String, String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err("the name is empty".into());
    }
    if trimmed.chars().count() > 120 {
        return Err("the name is longer than 120 characters".into());
    }
    if trimmed.chars().any(char::is_control) {
        return Err("the name contains control characters".into());
    }
    Ok(trimmed.to_string())
}

/// An email address, checked by the `email_address` crate (RFC 5322 syntax) and
/// additionally required to have a dotted domain, as customers' addresses do.
pub fn email(value: &str) -> Result<String, String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err("the email address is empty".into());
    }
    let parsed: email_address::EmailAddress = trimmed
        .parse()
        .map_err(|e| format!("{trimmed:?} is not a valid email address ({e})"))?;
    if !parsed.domain().contains('.') {
        return Err(format!(
            "{trimmed:?} is not a valid email address (the domain has no dot)"
        ));
    }
    Ok(trimmed.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names() {
        assert_eq!(super::name("  Ana Lima ").as_deref(), Ok("Ana Lima"));
        assert!(super::name("   ").is_err());
        assert!(super::name("a\u{7}b").is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(
            super::email(" ana@example.com").as_deref(),
            Ok("ana@example.com")
        );
        assert!(super::email("ana@").is_err());
        assert!(super::email("ana@localhost").is_err());
        assert!(super::email("not an email").is_err());
        assert!(super::email("").is_err());
    }
}
