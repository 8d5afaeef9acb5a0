//! Checks of what people type: one readable sentence when something is wrong.

use super::StoreError;

/// Text from outside (a web page, a terminal) as it may reach SQL and the transcript: NUL and
/// the other C0 control characters (and DEL) are dropped, except tab and newline; a CR-LF or
/// lone CR becomes a newline. Postgres refuses NUL in text, and its raw error must never
/// reach a customer; the others are invisible and only confuse whoever reads the line.
pub fn clean_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {}
            c => out.push(c),
        }
    }
    out
}

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

/// Longest email address accepted (RFC 5321's limit on a forward path).
pub const MAX_EMAIL_CHARS: usize = 254;

/// An email address, checked by the `email_address` crate (RFC 5322 syntax) and
/// additionally required to have a dotted domain, as customers' addresses do.
pub fn email(value: &str) -> Result<String, String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err("the email address is empty".into());
    }
    let n = trimmed.chars().count();
    if n > MAX_EMAIL_CHARS {
        return Err(format!(
            "the email address has {n} characters; at most {MAX_EMAIL_CHARS} are allowed"
        ));
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

/// A customer asking for a chat: their name and email, checked once for every door (the
/// terminal, the web page, the store). Errors name the field.
pub fn customer(name: &str, email: &str) -> Result<(String, String), StoreError> {
    let name = self::name(name).map_err(|e| StoreError::invalid_field("name", e))?;
    let email = self::email(email).map_err(|e| StoreError::invalid_field("email", e))?;
    Ok((name, email))
}

/// A free-text note (a transfer's, a wrap-up's): trimmed, at most `max` characters, no
/// control characters but line breaks and tabs. Empty is fine.
pub fn note(value: &str, max: usize) -> Result<String, StoreError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(StoreError::invalid_field(
            "note",
            format!("at most {max} characters"),
        ));
    }
    Ok(v.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn clean_text() {
        assert_eq!(
            super::clean_text("a\0b\u{1}c\td\r\ne\rf\u{7f}"),
            "abc\td\ne\nf"
        );
        assert_eq!(super::clean_text("Ана 😀"), "Ана 😀");
    }

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
