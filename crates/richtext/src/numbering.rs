//! How an ordered list counts, and reading a typed marker back ("c.", "iv.").

/// How an ordered list counts: 1 2 3, a b c, A B C, i ii iii, I II III.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Numbering {
    #[default]
    Decimal,
    LowerAlpha,
    UpperAlpha,
    LowerRoman,
    UpperRoman,
}

impl Numbering {
    /// HTML's `<ol type>` letter.
    pub fn html_type(self) -> &'static str {
        match self {
            Numbering::Decimal => "1",
            Numbering::LowerAlpha => "a",
            Numbering::UpperAlpha => "A",
            Numbering::LowerRoman => "i",
            Numbering::UpperRoman => "I",
        }
    }

    /// From `<ol type>` (case matters there: "a" and "A" differ).
    pub fn from_html_type(t: &str) -> Option<Numbering> {
        match t.trim() {
            "1" => Some(Numbering::Decimal),
            "a" => Some(Numbering::LowerAlpha),
            "A" => Some(Numbering::UpperAlpha),
            "i" => Some(Numbering::LowerRoman),
            "I" => Some(Numbering::UpperRoman),
            _ => None,
        }
    }

    /// From CSS's `list-style-type` or Word's `mso-level-number-format`.
    pub fn from_name(name: &str) -> Option<Numbering> {
        match name.trim().to_ascii_lowercase().as_str() {
            "decimal" | "decimal-leading-zero" | "arabic-leading-zero" => Some(Numbering::Decimal),
            "lower-alpha" | "lower-latin" | "alpha-lower" => Some(Numbering::LowerAlpha),
            "upper-alpha" | "upper-latin" | "alpha-upper" => Some(Numbering::UpperAlpha),
            "lower-roman" | "roman-lower" => Some(Numbering::LowerRoman),
            "upper-roman" | "roman-upper" => Some(Numbering::UpperRoman),
            _ => None,
        }
    }

    /// Item `n` (from 1) as this numbering writes it, without the dot: 28 is "ab" in
    /// letters, "xxviii" in roman. Roman numerals past 3999 and 0 are written in digits.
    pub fn label(self, n: u32) -> String {
        match self {
            Numbering::Decimal => n.to_string(),
            Numbering::LowerAlpha => letters(n),
            Numbering::UpperAlpha => letters(n).to_ascii_uppercase(),
            Numbering::LowerRoman => roman(n),
            Numbering::UpperRoman => roman(n).to_ascii_uppercase(),
        }
    }

    /// A marker Word or a writer typed ("c.", "iv)", "B."): its numbering and number.
    /// One letter of i, v, x is read as roman (Word's "i." starts a roman list far more often
    /// than a lettered list reaches its ninth item).
    pub fn parse_marker(marker: &str) -> Option<(Numbering, u32)> {
        let m = marker
            .trim()
            .trim_end_matches(['.', ')'])
            .trim_start_matches('(');
        if m.is_empty() || m.len() > 8 {
            return None;
        }
        if let Ok(n) = m.parse::<u32>() {
            return Some((Numbering::Decimal, n));
        }
        if !m.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let upper = m.chars().all(|c| c.is_ascii_uppercase());
        let lower = m.to_ascii_lowercase();
        let is_roman = lower.chars().all(|c| "ivxlcdm".contains(c))
            && (lower.len() > 1 || "ivx".contains(lower.as_str()));
        if is_roman && let Some(n) = (1..4000).find(|n| roman(*n) == lower) {
            let kind = if upper {
                Numbering::UpperRoman
            } else {
                Numbering::LowerRoman
            };
            return Some((kind, n));
        }
        if m.len() <= 2 && (upper || m.chars().all(|c| c.is_ascii_lowercase())) {
            let n = lower
                .bytes()
                .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'a') + 1);
            let kind = if upper {
                Numbering::UpperAlpha
            } else {
                Numbering::LowerAlpha
            };
            return Some((kind, n));
        }
        None
    }
}

/// 1 a, 26 z, 27 aa (as HTML counts lower-alpha).
fn letters(mut n: u32) -> String {
    if n == 0 {
        return "0".into();
    }
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn roman(n: u32) -> String {
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    const PARTS: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (value, digits) in PARTS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_count_as_html_does() {
        assert_eq!(Numbering::LowerAlpha.label(1), "a");
        assert_eq!(Numbering::LowerAlpha.label(26), "z");
        assert_eq!(Numbering::UpperAlpha.label(28), "AB");
        assert_eq!(Numbering::LowerRoman.label(4), "iv");
        assert_eq!(Numbering::UpperRoman.label(1994), "MCMXCIV");
        assert_eq!(Numbering::Decimal.label(12), "12");
    }

    #[test]
    fn markers_are_read_with_their_kind() {
        assert_eq!(
            Numbering::parse_marker("c."),
            Some((Numbering::LowerAlpha, 3))
        );
        assert_eq!(
            Numbering::parse_marker("B)"),
            Some((Numbering::UpperAlpha, 2))
        );
        assert_eq!(
            Numbering::parse_marker("i."),
            Some((Numbering::LowerRoman, 1))
        );
        assert_eq!(
            Numbering::parse_marker("iv."),
            Some((Numbering::LowerRoman, 4))
        );
        assert_eq!(
            Numbering::parse_marker("XII."),
            Some((Numbering::UpperRoman, 12))
        );
        assert_eq!(
            Numbering::parse_marker("10."),
            Some((Numbering::Decimal, 10))
        );
        assert_eq!(
            Numbering::parse_marker("(a)"),
            Some((Numbering::LowerAlpha, 1))
        );
        assert_eq!(Numbering::parse_marker("§"), None);
        assert_eq!(Numbering::parse_marker("word."), None);
    }
}
