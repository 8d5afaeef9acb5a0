//! The password rules: long enough, not absurdly long (Argon2 and the network carry it), and
//! not one of the passwords every attacker tries first.

use std::collections::HashSet;
use std::sync::LazyLock;
use thiserror::Error;

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// A few hundred of the most used passwords, from the published leak lists.
const COMMON: &str = include_str!("common_passwords.txt");

static COMMON_SET: LazyLock<HashSet<String>> = LazyLock::new(|| {
    COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_lowercase)
        .collect()
});

/// Why a password cannot be chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PasswordError {
    #[error("a password needs at least {min} characters")]
    TooShort { min: usize },
    #[error("a password may have at most {max} characters")]
    TooLong { max: usize },
    #[error("this password is one of the most common ones; choose another")]
    TooCommon,
    #[error("the new password must differ from the current one")]
    Unchanged,
}

/// Checks a new password against the rules. Sign-in does not call it: a password chosen
/// under older rules still signs in.
pub fn check_password(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort {
            min: MIN_PASSWORD_CHARS,
        });
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong {
            max: MAX_PASSWORD_CHARS,
        });
    }
    if COMMON_SET.contains(&password.to_lowercase()) {
        return Err(PasswordError::TooCommon);
    }
    Ok(())
}

/// Checks a user's own change of password: the rules of [`check_password`], and not the
/// password it replaces (a one-time password cannot be kept by "changing" it to itself).
pub fn check_password_change(current: &str, new: &str) -> Result<(), PasswordError> {
    check_password(new)?;
    if current == new {
        return Err(PasswordError::Unchanged);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_limits() {
        assert_eq!(
            check_password("short"),
            Err(PasswordError::TooShort { min: 10 })
        );
        assert_eq!(
            check_password("nine-char"),
            Err(PasswordError::TooShort { min: 10 })
        );
        assert_eq!(check_password("ten-chars!"), Ok(()));
        // Characters, not bytes: ten accented letters pass, nine do not.
        assert_eq!(check_password(&"é".repeat(10)), Ok(()));
        assert!(check_password(&"é".repeat(9)).is_err());
        assert_eq!(check_password(&"x7".repeat(512)), Ok(()));
        assert_eq!(
            check_password(&format!("{}y", "x7".repeat(512))),
            Err(PasswordError::TooLong { max: 1024 })
        );
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        for p in [
            "password123",
            "PASSWORD123",
            "Password123",
            "1234567890",
            "QwertyUiop",
        ] {
            assert_eq!(check_password(p), Err(PasswordError::TooCommon), "{p}");
        }
        assert_eq!(
            check_password("livewindow123"),
            Err(PasswordError::TooCommon)
        );
        assert_eq!(check_password("tangerine-otter-42"), Ok(()));
    }

    #[test]
    fn the_list_is_a_few_hundred_and_reads_cleanly() {
        assert!(COMMON_SET.len() >= 300, "{}", COMMON_SET.len());
        assert!(!COMMON_SET.contains(""));
        assert!(COMMON_SET.iter().all(|p| p == p.trim()));
        // Enough of them are long enough to matter under the minimum length.
        let long = COMMON_SET
            .iter()
            .filter(|p| p.chars().count() >= MIN_PASSWORD_CHARS)
            .count();
        assert!(long >= 150, "{long}");
    }

    #[test]
    fn a_change_must_change_it() {
        assert_eq!(
            check_password_change("abcd-efgh-jkmn-pqrs", "abcd-efgh-jkmn-pqrs"),
            Err(PasswordError::Unchanged)
        );
        assert_eq!(
            check_password_change("abcd-efgh-jkmn-pqrs", "short"),
            Err(PasswordError::TooShort { min: 10 })
        );
        assert_eq!(
            check_password_change("abcd-efgh-jkmn-pqrs", "tangerine-otter-42"),
            Ok(())
        );
    }

    #[test]
    fn errors_read_as_one_line() {
        assert_eq!(
            PasswordError::TooShort { min: 10 }.to_string(),
            "a password needs at least 10 characters"
        );
    }
}
