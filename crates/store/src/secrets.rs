//! Password hashes (Argon2id, PHC strings) and session tokens. Hashing costs tens of
//! milliseconds of CPU on purpose, so it runs on the blocking pool, never on the async
//! runtime's threads. Nothing here logs a password or a token.

use super::{Result, StoreError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use livewindow_core::{Password, SessionToken};
use rand::TryRngCore;
use sha2::{Digest, Sha256};

/// A hash of a password nobody knows, made with the same parameters as real ones: an
/// unknown email (or a user without a password) is checked against it, so answering takes
/// as long as for a real account. The test `dummy_matches_the_parameters` keeps it in step
/// with `Argon2::default()`.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$nzo/H6eVFQkWZHHjlMIddw$gb0wkH9gm5adu1DQHobCvRx//8jJ6OSEmcn2JOewyRk";

/// Bytes from the operating system's generator.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| StoreError::Config(format!("the system's random generator failed: {e}")))?;
    Ok(bytes)
}

/// Hashes a new password (already checked against the rules).
pub(crate) async fn hash_password(password: &Password) -> Result<String> {
    let password = password.clone();
    let salt = random_bytes::<16>()?;
    blocking(move || {
        let salt = SaltString::encode_b64(&salt).map_err(hash_error)?;
        let hash = Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map_err(hash_error)?;
        Ok(hash.to_string())
    })
    .await
}

/// Whether `password` matches `stored`. With no stored hash (unknown email, no password
/// set) or an unreadable one, it checks against the dummy and answers false, in the same
/// time.
pub(crate) async fn verify_password(password: &Password, stored: Option<&str>) -> Result<bool> {
    let password = password.clone();
    let stored = stored.map(str::to_string);
    blocking(move || {
        let fits = password.expose().len() <= MAX_PASSWORD_BYTES;
        let dummy = || PasswordHash::new(DUMMY_HASH).map_err(hash_error);
        let (hash, counts) = match stored.as_deref().map(PasswordHash::new) {
            Some(Ok(hash)) => (hash, fits),
            Some(Err(_)) => {
                tracing::warn!("a stored password hash cannot be read; that sign-in fails");
                (dummy()?, false)
            }
            None => (dummy()?, false),
        };
        // A password past the limit never matches; it is checked as an empty one so a huge
        // input costs no more than any other.
        let input = if fits {
            password.expose().as_bytes()
        } else {
            &[]
        };
        let matches = Argon2::default().verify_password(input, &hash).is_ok();
        Ok(matches && counts)
    })
    .await
}

/// At most 1024 characters of at most 4 bytes.
const MAX_PASSWORD_BYTES: usize = 4 * livewindow_core::account::MAX_PASSWORD_CHARS;

/// A new session token (256 random bits, hex) and what the database keeps of it.
pub(crate) fn new_token() -> Result<(SessionToken, String)> {
    let token = hex::encode(random_bytes::<32>()?);
    let hash = token_sha256(&token);
    Ok((SessionToken::new(token), hash))
}

/// The SHA-256 (hex) of a token: the only form in which the database holds it.
pub(crate) fn token_sha256(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The letters of one-time passwords: no 0/o, 1/l/i, which read alike.
const OTP_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A one-time password: 16 random letters in four groups (`abcd-efgh-jkmn-pqrs`), about
/// 79 bits; its user must change it at first sign-in.
pub fn one_time_password() -> Result<Password> {
    let n = OTP_ALPHABET.len();
    // Bytes at or past the last whole multiple of the alphabet are skipped, so every
    // letter is equally likely.
    let cutoff = 256 - 256 % n;
    let mut letters = Vec::with_capacity(16);
    while letters.len() < 16 {
        for b in random_bytes::<32>()? {
            if (b as usize) < cutoff && letters.len() < 16 {
                letters.push(OTP_ALPHABET[b as usize % n] as char);
            }
        }
    }
    let groups: Vec<String> = letters.chunks(4).map(|c| c.iter().collect()).collect();
    Ok(Password::new(groups.join("-")))
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| StoreError::Database(format!("password hashing stopped: {e}")))?
}

fn hash_error(e: argon2::password_hash::Error) -> StoreError {
    StoreError::Database(format!("password hashing failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dummy_matches_the_parameters() {
        let dummy = PasswordHash::new(DUMMY_HASH).expect("the dummy parses");
        let params = argon2::Params::try_from(&dummy).expect("its parameters");
        let current = Argon2::default();
        assert_eq!(dummy.algorithm, argon2::Algorithm::Argon2id.ident());
        assert_eq!(params.m_cost(), current.params().m_cost());
        assert_eq!(params.t_cost(), current.params().t_cost());
        assert_eq!(params.p_cost(), current.params().p_cost());
    }

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let password = Password::new("tangerine-otter-42");
        let a = hash_password(&password).await.unwrap();
        let b = hash_password(&password).await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify_password(&password, Some(&a)).await.unwrap());
        assert!(
            !verify_password(&Password::new("tangerine-otter-43"), Some(&a))
                .await
                .unwrap()
        );
        assert!(!verify_password(&password, None).await.unwrap());
        assert!(
            !verify_password(&password, Some("not a hash"))
                .await
                .unwrap()
        );
        let huge = Password::new("x".repeat(10_000));
        assert!(!verify_password(&huge, Some(&a)).await.unwrap());
    }

    #[test]
    fn tokens_and_one_time_passwords() {
        let (token, hash) = new_token().unwrap();
        assert_eq!(token.expose().len(), 64);
        assert_eq!(hash, token_sha256(token.expose()));
        assert_ne!(hash, token.expose());
        let otp = one_time_password().unwrap();
        assert_eq!(otp.expose().len(), 19, "{:?}", otp.expose());
        assert!(livewindow_core::account::check_password(otp.expose()).is_ok());
        assert_ne!(otp, one_time_password().unwrap());
    }

    /// Prints a fresh dummy hash: `cargo test -p livewindow-store print_dummy -- --ignored
    /// --nocapture`, for when the parameters change.
    #[tokio::test]
    #[ignore]
    async fn print_dummy() {
        let secret = hex::encode(random_bytes::<32>().unwrap());
        println!("{}", hash_password(&Password::new(secret)).await.unwrap());
    }
}
