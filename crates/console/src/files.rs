//! Image files for the composer: the file picker and reading a picked or dropped file, with
//! its size and type checked before it is read whole; and saving a customer's file where
//! the agent chooses. Run by the console's root.

use livewindow_core::limits;
use livewindow_richtext::ImageMime;
use std::path::PathBuf;

/// Image files the composer takes.
pub const IMAGE_TYPES: &[&str] = &["png", "jpg", "jpeg", "gif", "webp"];

/// Why an image file cannot go into a message, in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileError(String);

/// The platform's file picker, for one image. `None` when the agent cancels (or no picker
/// runs, as in tests).
pub async fn pick_image() -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Insert an image")
        .add_filter("Images (PNG, JPEG, GIF, WebP)", IMAGE_TYPES)
        .pick_file()
        .await
        .map(|f| f.path().to_path_buf())
}

/// Reads an image file: (bytes, file name).
pub async fn load_image(path: PathBuf) -> Result<(Vec<u8>, String), FileError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let cannot = |e: std::io::Error| FileError(format!("Cannot read {name}: {e}"));
    let meta = tokio::fs::metadata(&path).await.map_err(cannot)?;
    limits::check_image_size(&name, meta.len()).map_err(|e| FileError(e.to_string()))?;
    let bytes = tokio::fs::read(&path).await.map_err(cannot)?;
    if ImageMime::sniff(&bytes).is_none() {
        return Err(FileError(format!(
            "{name} is not a PNG, JPEG, GIF or WebP image, so it cannot be sent."
        )));
    }
    Ok((bytes, name))
}

/// Asks where to save a customer's file (the platform's save dialog, suggesting its safe
/// name), then saves it there; `None` when the agent cancels (or no dialog runs).
pub async fn save_with_dialog(
    data: livewindow_data::Data,
    message_id: i64,
    name: String,
) -> Result<Option<PathBuf>, FileError> {
    let picked = rfd::AsyncFileDialog::new()
        .set_title("Save the customer's file")
        .set_file_name(livewindow_core::attachment::safe_file_name(&name))
        .save_file()
        .await;
    match picked {
        Some(f) => save_file(data, message_id, f.path().to_path_buf())
            .await
            .map(Some),
        None => Ok(None),
    }
}

/// Reads a customer's file (message `message_id`'s) through the data interface and writes
/// its bytes to `path`.
pub async fn save_file(
    data: livewindow_data::Data,
    message_id: i64,
    path: PathBuf,
) -> Result<PathBuf, FileError> {
    let bytes = data
        .message_file(message_id)
        .await
        .map_err(|e| FileError(format!("The file could not be read: {e}.")))?;
    tokio::fs::write(&path, bytes)
        .await
        .map_err(|e| FileError(format!("Cannot save to {}: {e}", path.display())))?;
    Ok(path)
}
