//! The system clipboard's HTML, image, RTF and text flavours, for the composer's paste and
//! copy. iced's own clipboard carries only text.
//!
//! On X11 the clipboard is served by the process that copied, so one `arboard::Clipboard`
//! lives as long as the program: what the agent copies stays pasteable.

use std::sync::{Mutex, OnceLock};

/// Why the clipboard could not be read or written, in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ClipboardError(String);

/// What the clipboard holds, flavour by flavour.
#[derive(Debug, Clone, Default)]
pub struct Clip {
    pub html: Option<String>,
    /// Image bytes in a format the model takes (PNG when the platform gives pixels).
    pub image: Option<Vec<u8>>,
    pub rtf: Option<Vec<u8>>,
    pub text: Option<String>,
}

impl Clip {
    pub fn is_empty(&self) -> bool {
        self.html.is_none() && self.image.is_none() && self.text.is_none()
    }
}

fn shared() -> &'static Mutex<Option<arboard::Clipboard>> {
    static CLIPBOARD: OnceLock<Mutex<Option<arboard::Clipboard>>> = OnceLock::new();
    CLIPBOARD.get_or_init(|| Mutex::new(None))
}

fn unavailable() -> ClipboardError {
    ClipboardError("the clipboard is unavailable".to_string())
}

fn with<T>(f: impl FnOnce(&mut arboard::Clipboard) -> T) -> Result<T, ClipboardError> {
    let mut guard = shared().lock().map_err(|_| unavailable())?;
    if guard.is_none() {
        *guard = Some(
            arboard::Clipboard::new()
                .map_err(|e| ClipboardError(format!("cannot open the clipboard: {e}")))?,
        );
    }
    guard.as_mut().map(f).ok_or_else(unavailable)
}

/// Pixels to PNG bytes.
fn png(image: arboard::ImageData<'_>) -> Option<Vec<u8>> {
    let rgba = image::RgbaImage::from_raw(
        u32::try_from(image.width).ok()?,
        u32::try_from(image.height).ok()?,
        image.bytes.into_owned(),
    )?;
    let mut out = std::io::Cursor::new(Vec::new());
    rgba.write_to(&mut out, image::ImageFormat::Png).ok()?;
    Some(out.into_inner())
}

fn read_now() -> Result<Clip, ClipboardError> {
    #[cfg_attr(not(windows), allow(unused_mut))]
    let mut clip = with(|c| Clip {
        html: c.get().html().ok(),
        image: c.get().image().ok().and_then(png),
        rtf: None,
        text: c.get().text().ok(),
    })?;
    #[cfg(windows)]
    windows::raw_flavours(&mut clip);
    // Empty is not an error: the composer tells it apart from "no clipboard at all".
    Ok(clip)
}

/// Reads every flavour, off the UI thread (a clipboard owner can be slow to answer).
pub async fn read() -> Result<Clip, ClipboardError> {
    tokio::task::spawn_blocking(read_now)
        .await
        .map_err(|_| unavailable())?
}

/// Puts formatted text on the clipboard: HTML, with the plain text beside it.
pub async fn write(html: String, text: String) -> Result<(), ClipboardError> {
    tokio::task::spawn_blocking(move || {
        with(|c| c.set().html(html, Some(text)))?
            .map_err(|e| ClipboardError(format!("cannot copy: {e}")))
    })
    .await
    .map_err(|_| unavailable())?
}

#[cfg(windows)]
mod windows {
    //! arboard gives only CF_HTML's fragment; the whole document (with the `<style>` that
    //! Word's lists and Excel's classes need) is in the raw flavour.
    use super::Clip;

    fn raw(format: &str) -> Option<Vec<u8>> {
        let id = clipboard_win::register_format(format)?;
        let _open = clipboard_win::Clipboard::new_attempts(10).ok()?;
        let mut out = Vec::new();
        clipboard_win::raw::get_vec(id.get(), &mut out).ok()?;
        Some(out)
    }

    pub fn raw_flavours(clip: &mut Clip) {
        if let Some(bytes) = raw("HTML Format") {
            clip.html = Some(String::from_utf8_lossy(&bytes).into_owned());
        }
        clip.rtf = raw("Rich Text Format");
    }
}
