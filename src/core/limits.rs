//! Size limits, in one place: the composer, the store and the server all check these.

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

/// Checks an image's dimensions before it is decoded: the sentence to show when too large.
pub fn check_image_pixels(width: u32, height: u32) -> Result<(), String> {
    if u64::from(width) * u64::from(height) > IMAGE_PIXELS {
        return Err(format!(
            "the image is {width} × {height} pixels; images can have at most {} megapixels",
            IMAGE_PIXELS / 1_000_000
        ));
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

const MB: f64 = 1024.0 * 1024.0;

/// Checks one image's size: the sentence to show when it is too large.
pub fn check_image_size(name: &str, len: u64) -> Result<(), String> {
    if len > IMAGE_BYTES as u64 {
        return Err(format!(
            "{name} is {:.1} MB; images can be at most {} MB.",
            len as f64 / MB,
            IMAGE_BYTES / (1024 * 1024)
        ));
    }
    Ok(())
}

/// Checks that `more` image bytes still fit in a message already holding `held`.
pub fn check_message_images(held: usize, more: usize) -> Result<(), String> {
    if more == 0 || held + more <= MESSAGE_IMAGES_BYTES {
        return Ok(());
    }
    Err(format!(
        "The images in one message can total at most {} MB; send this in the next message.",
        MESSAGE_IMAGES_BYTES / (1024 * 1024)
    ))
}

/// Checks a message's bodies against the store's limits.
pub fn check_message(text: &str, html: Option<&str>) -> Result<(), String> {
    if text.trim().is_empty() && html.is_none_or(|h| h.trim().is_empty()) {
        return Err("the message is empty".into());
    }
    if text.len() > MESSAGE_TEXT_BYTES {
        return Err(format!(
            "the message's text is larger than {} KB",
            MESSAGE_TEXT_BYTES / 1024
        ));
    }
    if html.is_some_and(|h| h.len() > MESSAGE_HTML_BYTES) {
        return Err(format!(
            "the message is larger than {} MB with its images",
            MESSAGE_HTML_BYTES / (1024 * 1024)
        ));
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
        assert!(e.starts_with("a.png is 10.0 MB"), "{e}");
        assert!(check_message_images(MESSAGE_IMAGES_BYTES - 10, 10).is_ok());
        assert!(check_message_images(MESSAGE_IMAGES_BYTES - 10, 11).is_err());
        assert!(check_message_images(MESSAGE_IMAGES_BYTES + 1, 0).is_ok());
    }

    #[test]
    fn pixels() {
        assert!(check_image_pixels(8000, 5000).is_ok());
        let e = check_image_pixels(30_000, 30_000).unwrap_err();
        assert!(e.contains("30000 × 30000"), "{e}");
        assert!(check_image_pixels(u32::MAX, u32::MAX).is_err());
    }

    #[test]
    fn messages() {
        assert!(check_message("  ", None).is_err());
        assert!(check_message("", Some("<p>x</p>")).is_ok());
        assert!(check_message(&"x".repeat(MESSAGE_TEXT_BYTES + 1), None).is_err());
    }
}
