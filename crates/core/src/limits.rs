//! Size limits, in one place: the composer, the store and the server all check these.

use super::RuleError;

/// Longest plain-text body of a message, in bytes.
pub const MESSAGE_TEXT_BYTES: usize = 256 * 1024;
/// Longest HTML body of a message, in bytes: room for a 10 MB image embedded as a data URL.
pub const MESSAGE_HTML_BYTES: usize = 16 * 1024 * 1024;
/// Largest single image, in bytes.
pub const IMAGE_BYTES: usize = 10 * 1024 * 1024;
/// Image bytes one message can carry: base64 makes them 4/3 larger inside the message's
/// HTML, which is capped at [`MESSAGE_HTML_BYTES`] (and a draft is restored from that HTML,
/// so it must fit too), with 1 MB kept for the text around them.
pub const MESSAGE_IMAGES_BYTES: usize = MESSAGE_HTML_BYTES / 4 * 3 - 1024 * 1024;

/// Most pixels an image may have to be decoded (a server upload or a console's transcript):
/// a few bytes of PNG can claim 30,000 × 30,000 pixels, gigabytes once decoded.
pub const IMAGE_PIXELS: u64 = 40_000_000;
/// Most bytes a decoder may allocate for one image: 40 megapixels of 8-bit RGBA.
pub const IMAGE_DECODED_BYTES: u64 = IMAGE_PIXELS * 4;

/// Checks an image's dimensions before it is decoded.
pub fn check_image_pixels(width: u32, height: u32) -> Result<(), RuleError> {
    if u64::from(width) * u64::from(height) > IMAGE_PIXELS {
        return Err(RuleError::TooManyPixels {
            width,
            height,
            max_megapixels: IMAGE_PIXELS / 1_000_000,
        });
    }
    Ok(())
}

/// Images decoded at once by one server process (each may take [`IMAGE_DECODED_BYTES`]).
pub const IMAGE_DECODES_AT_ONCE: usize = 1;
/// Image uploads one server process reads at once (each up to [`IMAGE_BYTES`] in memory).
pub const IMAGE_UPLOADS_AT_ONCE: usize = 8;
/// Messages too heavy for the light read (over [`PAGE_LIGHT_BYTES`] of HTML, i.e. with
/// images) that one server process loads from the database at once.
pub const HEAVY_READS_AT_ONCE: usize = 2;
/// Image bytes one server process holds in responses under way, in MiB: a client that reads
/// slowly cannot make it hold more.
pub const IMAGE_MIB_IN_FLIGHT: usize = 256;

/// Messages the customer's page is sent per read (an HTTP answer, or one batch of a live
/// socket's catch-up, sent before the next is read).
pub const PAGE_WINDOW: usize = 50;
/// A message whose stored HTML is longer than this is read on its own (it carries images),
/// not in a window.
pub const PAGE_LIGHT_BYTES: usize = 64 * 1024;
/// The page gets a message's HTML (images by reference) up to this size; beyond it, the
/// message's text only.
pub const PAGE_HTML_BYTES: usize = 256 * 1024;

/// Bytes a live socket may have waiting to be written; the largest frame is about a
/// message's text plus [`PAGE_HTML_BYTES`], well under it.
pub const SOCKET_QUEUE_BYTES: usize = 2 * 1024 * 1024;
/// A live socket whose frame is not taken within this many seconds is cut; its page resumes.
pub const SOCKET_SEND_SECS: u64 = 10;

/// `livewindow server`'s defaults for its flags (see `server/args.rs`).
pub const SOCKETS_PER_CHAT: usize = 8;
pub const SOCKETS_PER_ADDRESS: usize = 64;
pub const CONNECTIONS_PER_ADDRESS: usize = 256;
pub const CONNECTIONS: usize = 4096;
pub const HEADER_TIMEOUT_SECS: u64 = 10;
pub const BODY_TIMEOUT_SECS: u64 = 120;
pub const IDLE_TIMEOUT_SECS: u64 = 60;
pub const SHUTDOWN_TIMEOUT_SECS: u64 = 10;

/// Longest note for the next agent on a transfer, in characters.
pub const TRANSFER_NOTE_CHARS: usize = 2000;
/// Longest wrap-up note, in characters.
pub const WRAPUP_NOTE_CHARS: usize = 4000;

/// Chat tokens a request may present (cookies and header together); the rest are ignored,
/// so a Cookie header stuffed with tokens costs at most this many lookups.
pub const TOKENS_PER_REQUEST: usize = 4;
/// A chat's token opens it until this long after the chat ended, in ms (24 hours).
pub const CHAT_TOKEN_TTL_MS: i64 = 24 * 3600 * 1000;
/// How long a server trusts a token it has already looked up, in seconds: also how late
/// an expiry can be noticed.
pub const TOKEN_CACHE_SECONDS: u64 = 30;
/// How long a website's identity signature holds by default (`--identity-max-age`), in
/// seconds.
pub const IDENTITY_MAX_AGE_SECONDS: i64 = 600;
/// How far in the future a signature's timestamp may be (the website's clock runs ahead).
pub const IDENTITY_CLOCK_SKEW_SECONDS: i64 = 60;
/// Rate-limit keys untouched this long are deleted, in ms (longer than any limit's window).
pub const RATE_KEY_KEEP_MS: i64 = 24 * 3600 * 1000;
/// Longest wrap-up disposition, in characters: a label picked from a short list.
pub const DISPOSITION_CHARS: usize = 60;
/// Longest queue name, in characters: it fits on the page's queue picker.
pub const QUEUE_NAME_CHARS: usize = 80;
/// Most chats an agent can be set to take at once.
pub const MAX_CHATS: i64 = 50;
/// Longest reason given for declining an offer, in characters: a line, not a letter.
pub const DECLINE_REASON_CHARS: usize = 200;
/// Longest customer message from the web page, in characters: a chat line, not a document.
pub const WEB_MESSAGE_CHARS: usize = 5000;
/// Ms without a heartbeat after which an "available" agent gets no more offers (their
/// desktop has gone away without saying so).
pub const PRESENCE_TIMEOUT_MS: i64 = 90_000;

const MB: usize = 1024 * 1024;

/// Checks one image's size: `name` is how the sentence names it ("That image", a file name).
pub fn check_image_size(name: &str, len: u64) -> Result<(), RuleError> {
    if len > IMAGE_BYTES as u64 {
        return Err(image_too_large(name, Some(len)));
    }
    Ok(())
}

/// The error for an image over [`IMAGE_BYTES`]; `len` is `None` when only "too large" is
/// known (a body cut off while reading).
pub fn image_too_large(name: &str, len: Option<u64>) -> RuleError {
    RuleError::ImageTooLarge {
        name: name.into(),
        bytes: len,
        max_mb: IMAGE_BYTES / MB,
    }
}

/// Checks that `more` image bytes still fit in a message already holding `held`.
pub fn check_message_images(held: usize, more: usize) -> Result<(), RuleError> {
    if more == 0 || held + more <= MESSAGE_IMAGES_BYTES {
        return Ok(());
    }
    Err(RuleError::ImagesTooLarge {
        max_mb: MESSAGE_IMAGES_BYTES / MB,
    })
}

/// Checks a message's bodies against the store's limits.
pub fn check_message(text: &str, html: Option<&str>) -> Result<(), RuleError> {
    if text.trim().is_empty() && html.is_none_or(|h| h.trim().is_empty()) {
        return Err(RuleError::Empty {
            what: "message".into(),
        });
    }
    if html.is_none() && !super::validate::shows_anything(text) {
        return Err(RuleError::InvisibleOnly);
    }
    if text.len() > MESSAGE_TEXT_BYTES {
        return Err(RuleError::TextTooLarge {
            max_kb: MESSAGE_TEXT_BYTES / 1024,
        });
    }
    if html.is_some_and(|h| h.len() > MESSAGE_HTML_BYTES) {
        return Err(RuleError::HtmlTooLarge {
            max_mb: MESSAGE_HTML_BYTES / MB,
        });
    }
    Ok(())
}

/// Checks a one-line value against its longest length in characters.
/// An agent's maximum of simultaneous chats: 0 (takes none) to [`MAX_CHATS`].
pub fn check_max_chats(value: i64) -> Result<(), RuleError> {
    if !(0..=MAX_CHATS).contains(&value) {
        return Err(RuleError::OutOfRange {
            name: "max chats".into(),
            value: value.to_string(),
            unit: String::new(),
            min: 0,
            max: MAX_CHATS,
        });
    }
    Ok(())
}

pub fn check_chars(what: &str, value: &str, max: usize) -> Result<(), RuleError> {
    if value.chars().count() > max {
        return Err(RuleError::TooLong {
            what: what.into(),
            max,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images() {
        assert!(check_image_size("a.png", IMAGE_BYTES as u64).is_ok());
        let e = check_image_size("a.png", IMAGE_BYTES as u64 + 1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.png is 10.0 MB; images can be at most 10 MB."
        );
        assert_eq!(
            check_message_images(MESSAGE_IMAGES_BYTES, 1).unwrap_err(),
            RuleError::ImagesTooLarge { max_mb: 11 }
        );
        assert!(check_message_images(MESSAGE_IMAGES_BYTES - 10, 10).is_ok());
        assert!(check_message_images(MESSAGE_IMAGES_BYTES - 10, 11).is_err());
        assert!(check_message_images(MESSAGE_IMAGES_BYTES + 1, 0).is_ok());
    }

    #[test]
    fn pixels() {
        assert!(check_image_pixels(8000, 5000).is_ok());
        let e = check_image_pixels(30_000, 30_000).unwrap_err().to_string();
        assert!(e.contains("30000 × 30000"), "{e}");
        assert!(check_image_pixels(u32::MAX, u32::MAX).is_err());
    }

    #[test]
    fn messages() {
        assert!(check_message("  ", None).is_err());
        assert!(check_message("", Some("<p>x</p>")).is_ok());
        assert_eq!(
            check_message(&"x".repeat(MESSAGE_TEXT_BYTES + 1), None)
                .unwrap_err()
                .to_string(),
            "the message's text is larger than 256 KB"
        );
        assert_eq!(
            check_message("  ", None).unwrap_err().to_string(),
            "the message is empty"
        );
        assert_eq!(
            check_message("\u{200B}\u{FEFF} \u{202E}", None),
            Err(RuleError::InvisibleOnly)
        );
        // A zero-width joiner inside an emoji sequence is fine.
        assert!(check_message("\u{1F469}\u{200D}\u{1F4BB}", None).is_ok());
    }

    #[test]
    fn chars() {
        assert!(check_chars("disposition", &"é".repeat(60), DISPOSITION_CHARS).is_ok());
        assert_eq!(
            check_chars("reason", &"x".repeat(201), DECLINE_REASON_CHARS)
                .unwrap_err()
                .to_string(),
            "the reason is longer than 200 characters"
        );
    }
}
