//! Pictures from the clipboard's RTF flavour: the `{\pict … \pngblip|\jpegblip <hex>}` groups
//! Word writes for the images of a selection, in document order. Nothing else of the RTF is
//! read, so a scan of groups is enough; no recursion, bounded by the input.

use crate::model::Image;

/// Most pictures taken from one RTF text.
const MAX_PICTURES: usize = 64;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Png,
    Jpeg,
    Other,
}

struct Pict {
    /// Group depth of the `{\pict` group.
    depth: usize,
    kind: Kind,
    bytes: Vec<u8>,
    nibble: Option<u8>,
    too_large: bool,
}

impl Pict {
    fn push_byte(&mut self, b: u8) {
        if self.bytes.len() >= Image::MAX_BYTES {
            self.too_large = true;
        } else {
            self.bytes.push(b);
        }
    }
}

/// The PNG and JPEG pictures, in order (their bytes are not checked here).
pub(super) fn pictures(rtf: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut pict: Option<Pict> = None;
    let mut i = 0;
    while i < rtf.len() && out.len() < MAX_PICTURES {
        match rtf[i] {
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                if pict.as_ref().is_some_and(|p| p.depth == depth)
                    && let Some(p) = pict.take()
                    && p.kind != Kind::Other
                    && !p.too_large
                    && !p.bytes.is_empty()
                {
                    out.push(p.bytes);
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'\\' => {
                let (word, param, next) = control_word(rtf, i);
                i = next;
                match (word, pict.as_mut()) {
                    (b"pict", None) => {
                        pict = Some(Pict {
                            depth,
                            kind: Kind::Other,
                            bytes: Vec::new(),
                            nibble: None,
                            too_large: false,
                        })
                    }
                    (b"pngblip", Some(p)) if p.depth == depth => p.kind = Kind::Png,
                    (b"jpegblip", Some(p)) if p.depth == depth => p.kind = Kind::Jpeg,
                    (
                        b"emfblip" | b"wmetafile" | b"macpict" | b"dibitmap" | b"wbitmap",
                        Some(p),
                    ) if p.depth == depth => p.kind = Kind::Other,
                    (b"bin", p) => {
                        // \binN: N raw bytes follow.
                        let n = usize::try_from(param.unwrap_or(0).max(0)).unwrap_or(0);
                        let end = i.saturating_add(n).min(rtf.len());
                        if let Some(p) = p.filter(|p| p.depth == depth) {
                            for &b in &rtf[i..end] {
                                p.push_byte(b);
                            }
                        }
                        i = end;
                    }
                    _ => {}
                }
            }
            c if c.is_ascii_hexdigit() => {
                if let Some(p) = pict.as_mut().filter(|p| p.depth == depth) {
                    let v = hex_value(c);
                    match p.nibble.take() {
                        Some(hi) => p.push_byte((hi << 4) | v),
                        None => p.nibble = Some(v),
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// The control word or symbol at `rtf[at] == b'\\'`: its letters (empty for a symbol), its
/// numeric parameter, and where the text after it starts.
fn control_word(rtf: &[u8], at: usize) -> (&[u8], Option<i64>, usize) {
    let mut i = at + 1;
    let start = i;
    while i < rtf.len() && rtf[i].is_ascii_alphabetic() && i - start < 32 {
        i += 1;
    }
    if i == start {
        // A control symbol: \' takes two hex digits, others one char.
        return match rtf.get(i) {
            Some(b'\'') => (b"", None, (i + 3).min(rtf.len())),
            Some(_) => (b"", None, i + 1),
            None => (b"", None, i),
        };
    }
    let word = &rtf[start..i];
    let num_start = i;
    if rtf.get(i) == Some(&b'-') {
        i += 1;
    }
    // All digits belong to the word (a stray one would be read as picture data); a
    // parameter too long for i64 counts as none.
    while i < rtf.len() && rtf[i].is_ascii_digit() {
        i += 1;
    }
    let param = std::str::from_utf8(&rtf[num_start..i])
        .ok()
        .and_then(|s| s.parse::<i64>().ok());
    if rtf.get(i) == Some(&b' ') {
        i += 1;
    }
    (word, param, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_png_and_jpeg_but_not_metafiles() {
        let rtf = br"{\rtf1{\*\shppict{\pict{\*\picprop{\sp{\sn x}{\sv 1}}}\picw10\pich10\pngblip{\*\blipuid 0011223344}
89504e47 0d0a1a0a
}}{\nonshppict{\pict\wmetafile8 0100090000}}{\pict\bliptag-1210467472\jpegblip ffd8ffe0}}";
        let p = pictures(rtf);
        assert_eq!(
            p,
            vec![b"\x89PNG\r\n\x1a\n".to_vec(), vec![0xff, 0xd8, 0xff, 0xe0]]
        );
    }

    #[test]
    fn hostile_rtf_is_bounded() {
        assert!(pictures(b"{\\pict\\pngblip\\bin99999999999 abc").is_empty());
        assert!(pictures(b"{\\pict\\pngblip\\bin99999999999999999999999 xyz}").is_empty());
        assert!(pictures(b"\\").is_empty());
        assert!(pictures(&[b'{'; 100_000]).is_empty());
        assert!(pictures(b"}}}}{\\pict\\pngblip 89}}}}").len() == 1);
    }
}
