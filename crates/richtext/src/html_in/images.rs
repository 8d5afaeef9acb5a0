//! Where a pasted `<img>` (or a Word picture written only as VML) gets its bytes. Nothing is
//! ever fetched: a `data:` URI is decoded; any other source (file:, blob:, http…) takes the
//! clipboard's image flavour (first image only) or the matching RTF picture, else becomes a
//! placeholder naming the file.

use crate::model::Image;

/// Most image bytes one paste embeds in all.
const MAX_TOTAL_BYTES: usize = 40 * 1024 * 1024;
/// Longest file name shown in a placeholder.
const MAX_NAME_CHARS: usize = 80;

pub(super) struct ImageSource<'a> {
    clipboard: Option<&'a [u8]>,
    rtf: Vec<Vec<u8>>,
    /// Images without a data: URI seen so far; the n-th takes the n-th RTF picture.
    external: usize,
    total: usize,
}

impl<'a> ImageSource<'a> {
    pub fn new(clipboard: Option<&'a [u8]>, rtf: Vec<Vec<u8>>) -> Self {
        ImageSource {
            clipboard,
            rtf,
            external: 0,
            total: 0,
        }
    }

    /// The image for `<img src alt>`.
    pub fn resolve(&mut self, src: &str, alt: &str) -> Image {
        let src = src.trim();
        let image = if src
            .get(..5)
            .is_some_and(|s| s.eq_ignore_ascii_case("data:"))
        {
            decode_data_uri(src, alt)
        } else {
            let n = self.external;
            self.external += 1;
            let bytes = match (n, self.clipboard) {
                (0, Some(b)) => Some(b),
                _ => self.rtf.get(n).map(Vec::as_slice),
            };
            bytes.and_then(|b| Image::from_bytes(b, alt))
        };
        match image {
            Some(Image::Embedded { bytes, .. }) if self.total + bytes.len() > MAX_TOTAL_BYTES => {
                Image::unavailable(&name(src, alt))
            }
            Some(image) => {
                if let Image::Embedded { bytes, .. } = &image {
                    self.total += bytes.len();
                }
                image
            }
            None => Image::unavailable(&name(src, alt)),
        }
    }
}

/// A `data:image/…` URI whose bytes are PNG, JPEG, GIF or WebP.
fn decode_data_uri(src: &str, alt: &str) -> Option<Image> {
    // Base64 is 4/3 of the bytes: refuse before decoding what would be too large.
    if src.len() > Image::MAX_BYTES / 3 * 4 + 4096 {
        return None;
    }
    let url = data_url::DataUrl::process(src).ok()?;
    if !url.mime_type().type_.eq_ignore_ascii_case("image") {
        return None;
    }
    let (bytes, _) = url.decode_to_vec().ok()?;
    Image::from_bytes(&bytes, alt)
}

/// What a placeholder calls an image: its file name, else its alt text, else "image".
fn name(src: &str, alt: &str) -> String {
    // Only a path names a file; "javascript:…" or "cid:…" is no name to show.
    let scheme = src
        .split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .filter(|s| {
            s.len() > 1
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
    let has_path = match scheme.as_deref() {
        None => true,
        Some(s) => matches!(s, "file" | "http" | "https" | "ftp" | "blob"),
    };
    let from_src = if !has_path {
        None
    } else {
        let path = src.split(['?', '#']).next().unwrap_or("");
        let last = path.rsplit(['/', '\\']).next().unwrap_or("");
        let decoded = percent_encoding::percent_decode_str(last).decode_utf8_lossy();
        let clean: String = decoded.chars().filter(|c| !c.is_control()).collect();
        let clean = clean.trim().to_string();
        (!clean.is_empty()).then_some(clean)
    };
    let alt = alt.trim();
    let name = from_src.unwrap_or_else(|| {
        if alt.is_empty() {
            "image".to_string()
        } else {
            alt.to_string()
        }
    });
    if name.chars().count() > MAX_NAME_CHARS {
        let cut: String = name.chars().take(MAX_NAME_CHARS).collect();
        format!("{cut}…")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            name(
                "file:///C:/Users/Ann/AppData/Local/Temp/msohtmlclip1/01/clip_image002.png",
                ""
            ),
            "clip_image002.png"
        );
        assert_eq!(
            name("file://localhost/tmp/My%20Pic.jpg?x=1", ""),
            "My Pic.jpg"
        );
        assert_eq!(name("C:\\docs\\a.png", ""), "a.png");
        assert_eq!(name("data:image/png;base64,xx", "Logo"), "Logo");
        assert_eq!(name("blob:https://x/", ""), "image");
        assert_eq!(name("javascript:alert('x')", ""), "image");
        assert_eq!(name("cid:image001.png@01D9", "Logo"), "Logo");
    }
}
