//! Checks of what people type: one readable sentence when something is wrong.

use super::{RuleError, StoreError};

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

/// Characters that change how text around them is shown without showing themselves:
/// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, the
/// marks U+200E/U+200F), zero-width characters and the BOM. In a name or an address they can
/// only deceive ("Eve\u{202E}moc.live" reads as another address).
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Whether text shows anything: it has a character that is neither white space nor
/// invisible ([`is_invisible`]).
pub fn shows_anything(text: &str) -> bool {
    text.chars().any(|c| !c.is_whitespace() && !is_invisible(c))
}

/// A one-line value as it may be shown (a name, an address): without invisible characters.
/// For display of values stored before they were cleaned on the way in.
pub fn visible(value: &str) -> std::borrow::Cow<'_, str> {
    if value.chars().any(is_invisible) {
        value
            .chars()
            .filter(|c| !is_invisible(*c))
            .collect::<String>()
            .into()
    } else {
        value.into()
    }
}

/// A one-line value from outside (a name, an address): control characters (NUL included)
/// and invisible ones removed, so every database stores the same text.
pub fn clean_line(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .collect()
}

/// A person's name: not blank, not absurdly long; control and invisible characters are
/// removed.
pub fn name(value: &str) -> Result<String, RuleError> {
    label("name", value, NAME_CHARS)
}

/// A one-line label (a name, a queue, a disposition): control and invisible characters
/// removed, trimmed, not blank, at most `max` characters.
pub fn label(what: &str, value: &str, max: usize) -> Result<String, RuleError> {
    let cleaned = clean_line(value);
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        return Err(RuleError::Empty { what: what.into() });
    }
    if trimmed.chars().count() > max {
        return Err(RuleError::TooLong {
            what: what.into(),
            max,
        });
    }
    Ok(trimmed.to_string())
}

/// Longest person's name, in characters.
pub const NAME_CHARS: usize = 120;

/// Longest email address accepted (RFC 5321's limit on a forward path).
pub const MAX_EMAIL_CHARS: usize = 254;

/// An email address, checked by the `email_address` crate (RFC 5322 syntax) and
/// additionally required to have a dotted domain, as customers' addresses do.
pub fn email(value: &str) -> Result<String, RuleError> {
    let cleaned = clean_line(value);
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        return Err(RuleError::Empty {
            what: "email address".into(),
        });
    }
    let n = trimmed.chars().count();
    if n > MAX_EMAIL_CHARS {
        return Err(RuleError::TooManyChars {
            what: "email address".into(),
            chars: n,
            max: MAX_EMAIL_CHARS,
        });
    }
    let bad = |why: String| RuleError::BadEmail {
        value: trimmed.to_string(),
        why,
    };
    let parsed: email_address::EmailAddress = trimmed.parse().map_err(|e| bad(format!("{e}")))?;
    if !parsed.domain().contains('.') {
        return Err(bad("the domain has no dot".into()));
    }
    Ok(trimmed.to_string())
}

/// A customer asking for a chat: their name and email, checked once for every door (the
/// terminal, the web page, the store). Errors name the field.
pub fn customer(name: &str, email: &str) -> Result<(String, String), StoreError> {
    let name = self::name(name).map_err(|e| StoreError::rule_field("name", e))?;
    let email = self::email(email).map_err(|e| StoreError::rule_field("email", e))?;
    Ok((name, email))
}

/// A free-text note (a transfer's, a wrap-up's): trimmed, at most `max` characters, no
/// control characters but line breaks and tabs. Empty is fine.
pub fn note(value: &str, max: usize) -> Result<String, StoreError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(StoreError::rule_field(
            "note",
            RuleError::TooLong {
                what: "note".into(),
                max,
            },
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
        assert_eq!(
            super::name("   ").unwrap_err().to_string(),
            "the name is empty"
        );
        assert_eq!(
            super::name(&"x".repeat(121)).unwrap_err().to_string(),
            "the name is longer than 120 characters"
        );
        // Control and invisible characters go, the same on every database.
        assert_eq!(super::name("a\u{7}b\0c").as_deref(), Ok("abc"));
        assert_eq!(super::name("Eve\u{202E}x\u{200B}").as_deref(), Ok("Evex"));
        assert!(super::name("\u{202E}\u{200B}").is_err());
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
        assert_eq!(
            super::email("eve\u{202E}@example.com").as_deref(),
            Ok("eve@example.com")
        );
        let label = "x".repeat(60);
        let at_limit = format!("a@{label}.{label}.{label}.{label}.xxxx.com");
        assert_eq!(at_limit.chars().count(), 254);
        assert!(super::email(&at_limit).is_ok());
        let over = format!("ab@{label}.{label}.{label}.{label}.xxxx.com");
        assert_eq!(
            super::email(&over).unwrap_err(),
            super::RuleError::TooManyChars {
                what: "email address".into(),
                chars: 255,
                max: 254
            }
        );
        assert_eq!(
            super::email("ana@localhost").unwrap_err().to_string(),
            "\"ana@localhost\" is not a valid email address (the domain has no dot)"
        );
        assert_eq!(super::visible("Eve\u{202E}moc"), "Evemoc");
    }

    #[test]
    fn a_name_of_120_characters_and_no_more() {
        assert!(super::name(&"n".repeat(120)).is_ok());
        assert!(
            super::name(&"n".repeat(121))
                .unwrap_err()
                .to_string()
                .contains("120")
        );
    }

    /// Every door (terminal, web page, store) takes the customer's name and email cleaned,
    /// and says which field is wrong.
    #[test]
    fn a_customer_asking() {
        assert_eq!(
            super::customer(" Ana\u{200B} Lima ", " ana@example.com "),
            Ok(("Ana Lima".into(), "ana@example.com".into()))
        );
        let field = |r: Result<(String, String), super::StoreError>| match r {
            Err(e) => e.field().map(String::from),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(super::customer(" ", "ana@example.com")).as_deref(),
            Some("name")
        );
        assert_eq!(
            field(super::customer("Ana", "ana@")).as_deref(),
            Some("email")
        );
    }

    /// Notes keep their lines and tabs, lose other control characters, and stop at `max`
    /// characters (not bytes).
    #[test]
    fn notes() {
        assert_eq!(
            super::note("  line one\n\tline two\u{7}\r ", 50).as_deref(),
            Ok("line one\n\tline two")
        );
        assert_eq!(super::note("", 5).as_deref(), Ok(""));
        assert_eq!(super::note("ééééé", 5).as_deref(), Ok("ééééé"));
        assert!(matches!(
            super::note("éééééé", 5),
            Err(e) if e.field() == Some("note")
        ));
    }
}
