//! Pasting into the formatted composer (clipboard HTML from Word, Excel, browsers; images;
//! text), copying out of it, and images from files. Errors are the notice to show.

use super::edit::Outcome;
use super::{Action, Notice, Rich};
use crate::clipboard::{Clip, ClipboardError};
use livewindow_core::limits;
use livewindow_richtext::{Document, Image, PasteExtras};

impl Rich {
    pub(super) fn paste_fragment(&mut self, fragment: &Document) -> Result<(), Notice> {
        limits::check_message_images(self.held_image_bytes(fragment), fragment.image_bytes())
            .map_err(|e| Notice(e.to_string()))?;
        let at = self.doc.paste(self.selection, fragment);
        self.edited(at);
        Ok(())
    }

    /// Image bytes already in the draft, counted only when `more` brings images (text
    /// pastes skip the walk over the draft).
    fn held_image_bytes(&self, more: &Document) -> usize {
        if more.image_bytes() == 0 {
            0
        } else {
            self.doc.image_bytes()
        }
    }

    pub(super) fn insert_image(&mut self, bytes: &[u8], name: &str) -> Result<(), Notice> {
        limits::check_image_size("That image", bytes.len() as u64)
            .map_err(|e| Notice(e.to_string()))?;
        limits::check_message_images(self.doc.image_bytes(), bytes.len())
            .map_err(|e| Notice(e.to_string()))?;
        let image = Image::from_bytes(bytes, name).ok_or_else(|| {
            Notice("Only PNG, JPEG, GIF and WebP images can be sent.".to_string())
        })?;
        let at = self.doc.insert_image(self.selection, image);
        self.edited(at);
        Ok(())
    }

    pub(super) fn paste(&mut self, clip: Result<Clip, ClipboardError>) -> Result<(), Notice> {
        let clip = match clip {
            Ok(c) if c.is_empty() => {
                // Something we cannot paste (files, say): not an old copy of our own.
                return Err(Notice(
                    "Nothing pasted: the clipboard holds no text or image.".into(),
                ));
            }
            Err(e) => {
                // No system clipboard to reach: what this composer copied still pastes.
                let Some((_, fragment)) = &self.copied else {
                    return Err(Notice(format!("Nothing pasted: {e}.")));
                };
                let fragment = fragment.clone();
                return self.paste_fragment(&fragment);
            }
            Ok(c) => c,
        };
        if let Some((plain, fragment)) = &self.copied
            && clip.text.as_deref() == Some(plain.as_str())
        {
            let fragment = fragment.clone();
            return self.paste_fragment(&fragment);
        }
        if let Some(html) = &clip.html {
            let fragment = livewindow_richtext::import(
                html,
                &PasteExtras {
                    image: clip.image.as_deref(),
                    rtf: clip.rtf.as_deref(),
                    plain: clip.text.as_deref(),
                },
            );
            if !fragment.is_empty() || fragment.block_count() > 1 {
                return self.paste_fragment(&fragment);
            }
        }
        if let Some(image) = &clip.image {
            return self.insert_image(image, "pasted image");
        }
        if let Some(t) = &clip.text {
            let at = self.doc.paste_text(self.selection, t);
            self.edited(at);
        }
        Ok(())
    }

    /// Copies the selection: kept here for an exact paste back, and asked of the clipboard.
    pub(super) fn copy(&mut self) -> Outcome {
        if self.selection.is_collapsed() {
            return Outcome::Done;
        }
        let fragment = self.doc.copy(self.selection);
        let (html, plain) = (fragment.to_html(), fragment.to_plain());
        self.copied = Some((plain.clone(), fragment));
        Outcome::Action(Action::WriteClipboard { html, plain })
    }
}
