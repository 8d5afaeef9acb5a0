//! The Windows clipboard's CF_HTML wrapper: a header of `Key:value` lines (Version,
//! StartHTML, EndHTML, StartFragment, EndFragment, byte offsets) before the HTML, and
//! `<!--StartFragment-->` / `<!--EndFragment-->` comments around the copied part.
//!
//! The offsets are often wrong (counted in UTF-16 units or chars instead of UTF-8 bytes, or
//! stale after an edit), so the comments win when present; the offsets are used only when
//! they are in range, on char boundaries and outside tags, and then by writing the comments
//! in. Either way the whole document is parsed (its `<style>` holds Word's list definitions
//! and Excel's class rules) and the converter keeps what lies between the comments.

use std::borrow::Cow;

pub(super) const START: &str = "StartFragment";
pub(super) const END: &str = "EndFragment";

/// The HTML to parse: without a CF_HTML header, with fragment comments if the header's
/// offsets can be trusted and the HTML had none.
pub(super) fn prepare(input: &str) -> Cow<'_, str> {
    let Some(header) = parse_header(input) else {
        return Cow::Borrowed(input);
    };
    let body = &input[header.end..];
    if has_comment(body, START) {
        return Cow::Borrowed(body);
    }
    let valid = |off: Option<i64>| -> Option<usize> {
        let off = usize::try_from(off?).ok()?;
        let rel = off.checked_sub(header.end)?;
        (rel <= body.len() && body.is_char_boundary(rel) && !inside_tag(body, rel)).then_some(rel)
    };
    match (valid(header.start_fragment), valid(header.end_fragment)) {
        (Some(s), Some(e)) if s <= e => {
            let mut html = String::with_capacity(body.len() + 40);
            html.push_str(&body[..s]);
            html.push_str("<!--StartFragment-->");
            html.push_str(&body[s..e]);
            html.push_str("<!--EndFragment-->");
            html.push_str(&body[e..]);
            Cow::Owned(html)
        }
        _ => Cow::Borrowed(body),
    }
}

struct Header {
    /// Byte offset where the header lines end.
    end: usize,
    start_fragment: Option<i64>,
    end_fragment: Option<i64>,
}

/// The header, if `input` starts with one ("Version:" first).
fn parse_header(input: &str) -> Option<Header> {
    let lead = input.len()
        - input
            .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
            .len();
    if !input[lead..]
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("version:"))
    {
        return None;
    }
    let mut header = Header {
        end: lead,
        start_fragment: None,
        end_fragment: None,
    };
    let mut pos = lead;
    // Real headers have at most eight lines; the cap keeps junk from being read as one.
    for _ in 0..16 {
        let rest = &input[pos..];
        let line_len = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line = rest[..line_len].trim_end_matches(['\r', '\n']);
        let Some((key, value)) = line.split_once(':') else {
            break;
        };
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphabetic()) {
            break;
        }
        let number = value.trim().parse::<i64>().ok();
        match key.to_ascii_lowercase().as_str() {
            "startfragment" => header.start_fragment = number,
            "endfragment" => header.end_fragment = number,
            _ => {}
        }
        pos += line_len;
        header.end = pos;
        if line_len == rest.len() {
            break;
        }
    }
    Some(header)
}

/// True if `html` has a `<!--NAME-->` comment (any case, spaces allowed).
pub(super) fn has_comment(html: &str, name: &str) -> bool {
    html.match_indices("<!--").any(|(i, _)| {
        let after = html[i + 4..].trim_start();
        after
            .get(..name.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(name))
    })
}

/// True if byte `at` lies inside a tag: a `<` before it not yet closed by `>`.
fn inside_tag(html: &str, at: usize) -> bool {
    let before = &html[..at];
    match (before.rfind('<'), before.rfind('>')) {
        (Some(lt), Some(gt)) => lt > gt,
        (Some(_), None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cf_html(body_before: &str, fragment: &str, body_after: &str, skew: i64) -> String {
        let header_len = "Version:0.9\r\nStartHTML:0000000000\r\nEndHTML:0000000000\r\nStartFragment:0000000000\r\nEndFragment:0000000000\r\n".len();
        let sf = header_len + body_before.len();
        let ef = sf + fragment.len();
        let end = ef + body_after.len();
        format!(
            "Version:0.9\r\nStartHTML:{header_len:010}\r\nEndHTML:{end:010}\r\nStartFragment:{:010}\r\nEndFragment:{:010}\r\n{body_before}{fragment}{body_after}",
            sf as i64 + skew,
            ef as i64 + skew
        )
    }

    #[test]
    fn offsets_become_comments() {
        let s = cf_html("<html><body>", "<b>x</b>", "</body></html>", 0);
        assert_eq!(
            prepare(&s),
            "<html><body><!--StartFragment--><b>x</b><!--EndFragment--></body></html>"
        );
    }

    #[test]
    fn bad_offsets_fall_back_to_the_whole_html() {
        // Inside a tag.
        let s = cf_html("<html><body>", "<b>x</b>", "</body></html>", 2);
        assert_eq!(prepare(&s), "<html><body><b>x</b></body></html>");
        // Out of range.
        let s = cf_html("<html><body>", "<b>x</b>", "</body></html>", 10_000);
        assert_eq!(prepare(&s), "<html><body><b>x</b></body></html>");
        // Negative.
        let s = cf_html("<p>", "é", "</p>", -1_000);
        assert_eq!(prepare(&s), "<p>é</p>");
    }

    #[test]
    fn comments_win_over_offsets() {
        let s = cf_html(
            "<body><!--StartFragment-->",
            "<i>y</i>",
            "<!--EndFragment--></body>",
            3,
        );
        assert_eq!(
            prepare(&s),
            "<body><!--StartFragment--><i>y</i><!--EndFragment--></body>"
        );
    }

    #[test]
    fn no_header() {
        assert_eq!(prepare("<p>Version: 2</p>"), "<p>Version: 2</p>");
        assert_eq!(prepare("Version:"), "");
    }
}
