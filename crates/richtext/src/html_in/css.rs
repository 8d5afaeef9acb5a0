//! The little CSS the importer reads: inline `style` attributes, class rules in `<style>`
//! (Excel's `.xl65`, Word's `p.MsoListBullet`) and Word's `@list l0:level1` rules. Only the
//! properties the model can express are kept; everything else is ignored.

use crate::model::Rgb;
use cssparser::{
    AtRuleParser, CowRcStr, DeclarationParser, ParseError, Parser, ParserState,
    QualifiedRuleParser, RuleBodyItemParser, RuleBodyParser, StyleSheetParser, Token,
};
use std::collections::HashMap;

/// Most stylesheet text read per document; Word's own stay far below it.
const MAX_CSS_BYTES: usize = 2 * 1024 * 1024;

/// What a rule or a style attribute says, each field `None` when it says nothing about it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Style {
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub underline: Option<bool>,
    pub strike: Option<bool>,
    /// `Some(None)`: back to the default colour.
    pub colour: Option<Option<Rgb>>,
    /// display:none, visibility:hidden, mso-hide:all: not shown, so not pasted.
    pub hidden: bool,
    /// white-space: pre / pre-wrap.
    pub preserve: Option<bool>,
    /// Word's `mso-spacerun:yes`: runs of spaces it means literally.
    pub spacerun: bool,
    /// Word's `mso-tab-count`: a tab, written as spaces.
    pub tab: bool,
    /// Word's `mso-list: l0 level2 lfo1`: list `l0`, level 2 (1-based).
    pub list: Option<(String, u8)>,
    /// Word's `mso-list: Ignore`: the list marker text.
    pub list_ignore: bool,
    /// A heading level from mso-outline-level or mso-style-name.
    pub heading: Option<u8>,
    /// `list-style-type` (or `list-style`) naming a numbering: lower-alpha, upper-roman…
    pub numbering: Option<crate::Numbering>,
}

impl Style {
    /// `other` on top of `self`.
    pub fn merge(&mut self, other: &Style) {
        macro_rules! over {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f.clone(); } )* };
        }
        over!(
            bold, italic, underline, strike, colour, preserve, list, heading, numbering
        );
        self.hidden |= other.hidden;
        self.spacerun |= other.spacerun;
        self.tab |= other.tab;
        self.list_ignore |= other.list_ignore;
    }
}

/// One level of a Word list definition (`@list l0:level2 {…}`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct ListLevel {
    /// `mso-level-number-format: bullet` (Word leaves it out for decimal numbers).
    pub bullet: bool,
    /// `mso-level-number-format: alpha-lower`, `roman-upper`…
    pub numbering: Option<crate::Numbering>,
    pub start: Option<u32>,
}

/// Class rules and list definitions from a document's `<style>` elements.
#[derive(Debug, Default)]
pub(super) struct StyleSheet {
    /// (lower-case tag or none, lower-case class) → the merged declarations.
    classes: HashMap<(Option<String>, String), Style>,
    lists: HashMap<(String, u8), ListLevel>,
    bytes_read: usize,
}

impl StyleSheet {
    /// Reads the rules of one `<style>` element.
    pub fn add(&mut self, css: &str) {
        let room = MAX_CSS_BYTES.saturating_sub(self.bytes_read);
        let css = &css[..css.floor_char_boundary(room)];
        self.bytes_read += css.len();
        let mut input = Parser::new(css);
        let mut rules = SheetParser { sheet: self };
        for _ in StyleSheetParser::new(&mut input, &mut rules) {}
    }

    /// The class rules that apply to an element: `.c` and `tag.c` for each of its classes.
    pub fn for_element<'a>(&self, tag: &str, classes: impl Iterator<Item = &'a str>) -> Style {
        let mut style = Style::default();
        if self.classes.is_empty() {
            return style;
        }
        let tag = tag.to_ascii_lowercase();
        for class in classes {
            let class = class.to_ascii_lowercase();
            for key in [(None, class.clone()), (Some(tag.clone()), class)] {
                if let Some(s) = self.classes.get(&key) {
                    style.merge(s);
                }
            }
        }
        style
    }

    pub fn list_level(&self, list: &str, level: u8) -> Option<ListLevel> {
        self.lists.get(&(list.to_ascii_lowercase(), level)).copied()
    }
}

/// Parses a `style` attribute.
pub(super) fn parse_inline(css: &str) -> Style {
    let css = &css[..css.floor_char_boundary(MAX_CSS_BYTES)];
    let mut input = Parser::new(css);
    declarations(&mut input)
}

fn declarations(input: &mut Parser<'_>) -> Style {
    let mut style = Style::default();
    let mut parser = Declarations { style: &mut style };
    for _ in RuleBodyParser::new(input, &mut parser) {}
    style
}

/// `p.MsoNormal, .xl65` → [(Some("p"), "msonormal"), (None, "xl65")]; selectors of any other
/// shape are skipped.
fn class_selectors(prelude: &str) -> Vec<(Option<String>, String)> {
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    prelude
        .split(',')
        .filter_map(|sel| {
            let (tag, class) = sel.trim().split_once('.')?;
            if !name_ok(class) || !(tag.is_empty() || name_ok(tag)) {
                return None;
            }
            let tag = (!tag.is_empty()).then(|| tag.to_ascii_lowercase());
            Some((tag, class.to_ascii_lowercase()))
        })
        .collect()
}

/// `l0:level2` → ("l0", 2).
fn list_prelude(prelude: &str) -> Option<(String, u8)> {
    let (id, level) = prelude.trim().split_once(':')?;
    let level = level.trim().strip_prefix("level")?.parse::<u8>().ok()?;
    Some((id.trim().to_ascii_lowercase(), level))
}

struct SheetParser<'s> {
    sheet: &'s mut StyleSheet,
}

/// Consumes the rest of `input`; returns its text.
fn rest<'i>(input: &mut Parser<'i>) -> &'i str {
    let start = input.position();
    while input.next().is_ok() {}
    input.slice_from(start)
}

impl<'i> QualifiedRuleParser<'i> for SheetParser<'_> {
    type Prelude = Vec<(Option<String>, String)>;
    type QualifiedRule = ();
    type Error = ();

    fn parse_prelude(&mut self, input: &mut Parser<'i>) -> Result<Self::Prelude, ParseError<()>> {
        Ok(class_selectors(rest(input)))
    }

    fn parse_block(
        &mut self,
        prelude: Self::Prelude,
        _start: &ParserState,
        input: &mut Parser<'i>,
    ) -> Result<(), ParseError<()>> {
        if prelude.is_empty() {
            return Ok(());
        }
        let style = declarations(input);
        for key in prelude {
            self.sheet.classes.entry(key).or_default().merge(&style);
        }
        Ok(())
    }
}

impl<'i> AtRuleParser<'i> for SheetParser<'_> {
    type Prelude = Option<(String, u8)>;
    type AtRule = ();
    type Error = ();

    fn parse_prelude(
        &mut self,
        name: CowRcStr<'i>,
        input: &mut Parser<'i>,
    ) -> Result<Self::Prelude, ParseError<()>> {
        let prelude = rest(input);
        Ok(if name.eq_ignore_ascii_case("list") {
            list_prelude(prelude)
        } else {
            None
        })
    }

    fn rule_without_block(&mut self, _: Self::Prelude, _: &ParserState) -> Result<(), ()> {
        Ok(())
    }

    fn parse_block(
        &mut self,
        prelude: Self::Prelude,
        _start: &ParserState,
        input: &mut Parser<'i>,
    ) -> Result<(), ParseError<()>> {
        let Some(key) = prelude else { return Ok(()) };
        let mut level = ListLevel::default();
        let mut parser = ListDeclarations { level: &mut level };
        for _ in RuleBodyParser::new(input, &mut parser) {}
        self.sheet.lists.insert(key, level);
        Ok(())
    }
}

struct Declarations<'s> {
    style: &'s mut Style,
}

impl<'i> DeclarationParser<'i> for Declarations<'_> {
    type Declaration = ();
    type Error = ();

    fn parse_value(
        &mut self,
        name: CowRcStr<'i>,
        input: &mut Parser<'i>,
        _start: &ParserState,
    ) -> Result<(), ParseError<()>> {
        let s = &mut *self.style;
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "font-weight" => {
                s.bold = match input.next() {
                    Ok(Token::Ident(v)) => match v.to_ascii_lowercase().as_str() {
                        "bold" | "bolder" => Some(true),
                        "normal" | "lighter" => Some(false),
                        _ => None,
                    },
                    Ok(Token::Number { value, .. }) => Some(*value >= 600.0),
                    _ => None,
                }
                .or(s.bold);
            }
            "font-style" => {
                if let Ok(Token::Ident(v)) = input.next() {
                    match v.to_ascii_lowercase().as_str() {
                        "italic" | "oblique" => s.italic = Some(true),
                        "normal" => s.italic = Some(false),
                        _ => {}
                    }
                }
            }
            "text-decoration" | "text-decoration-line" => {
                while let Ok(token) = input.next() {
                    if let Token::Ident(v) = token {
                        match v.to_ascii_lowercase().as_str() {
                            "underline" => s.underline = Some(true),
                            "line-through" => s.strike = Some(true),
                            "none" => {
                                s.underline = Some(false);
                                s.strike = Some(false);
                            }
                            _ => {}
                        }
                    }
                }
            }
            "color" => {
                if let Some(c) = colour(input) {
                    s.colour = Some(c);
                }
            }
            "display" | "visibility" | "mso-hide" => {
                if let Ok(Token::Ident(v)) = input.next() {
                    let v = v.to_ascii_lowercase();
                    s.hidden |= matches!(
                        (name.as_str(), v.as_str()),
                        ("display", "none")
                            | ("visibility", "hidden" | "collapse")
                            | ("mso-hide", "all")
                    );
                }
            }
            "white-space" => {
                if let Ok(Token::Ident(v)) = input.next() {
                    s.preserve = Some(matches!(
                        v.to_ascii_lowercase().as_str(),
                        "pre" | "pre-wrap" | "break-spaces"
                    ));
                }
            }
            "list-style-type" | "list-style" => {
                while let Ok(token) = input.next() {
                    if let Token::Ident(v) = token
                        && let Some(n) = crate::Numbering::from_name(v)
                    {
                        s.numbering = Some(n);
                    }
                }
            }
            "mso-spacerun" => s.spacerun = true,
            "mso-tab-count" => s.tab = true,
            "mso-list" => {
                let mut id = None;
                let mut level = None;
                while let Ok(token) = input.next() {
                    if let Token::Ident(v) = token {
                        let v = v.to_ascii_lowercase();
                        if v == "ignore" {
                            s.list_ignore = true;
                        } else if let Some(n) = v.strip_prefix("level") {
                            level = n.parse::<u8>().ok();
                        } else if v.starts_with('l') && !v.starts_with("lfo") {
                            id = Some(v);
                        }
                    }
                }
                if let (Some(id), Some(level)) = (id, level) {
                    s.list = Some((id, level));
                }
            }
            "mso-outline-level" => {
                if let Ok(Token::Number {
                    int_value: Some(n), ..
                }) = input.next()
                    && (1..=9).contains(n)
                {
                    s.heading = u8::try_from(*n).ok();
                }
            }
            "mso-style-name" => {
                let name = match input.next() {
                    Ok(Token::QuotedString(v) | Token::Ident(v)) => v.to_ascii_lowercase(),
                    _ => String::new(),
                };
                s.heading = heading_from_style_name(&name).or(s.heading);
            }
            _ => {}
        }
        while input.next().is_ok() {}
        Ok(())
    }
}

/// "heading 2" → 2, "title" → 1, "subtitle" → 2.
pub(super) fn heading_from_style_name(name: &str) -> Option<u8> {
    let name = name.trim();
    match name {
        "title" => return Some(1),
        "subtitle" => return Some(2),
        _ => {}
    }
    let n = name.strip_prefix("heading")?.trim();
    n.parse::<u8>().ok().filter(|n| (1..=9).contains(n))
}

/// A colour value: `Some(None)` for black, windowtext and other "default" colours.
fn colour(input: &mut Parser<'_>) -> Option<Option<Rgb>> {
    let rgb = match input.next().ok()?.clone() {
        Token::Hash(v) | Token::IDHash(v) => {
            let (r, g, b, _) = cssparser::color::parse_hash_color(v.as_bytes()).ok()?;
            Rgb::new(r, g, b)
        }
        Token::Ident(v) => {
            let v = v.to_ascii_lowercase();
            match v.as_str() {
                "windowtext" | "black" | "auto" | "inherit" | "initial" | "currentcolor"
                | "unset" | "canvastext" | "text" => return Some(None),
                _ => {
                    let (r, g, b) = cssparser::color::parse_named_color(&v).ok()?;
                    Rgb::new(r, g, b)
                }
            }
        }
        Token::Function(f) if f.eq_ignore_ascii_case("rgb") || f.eq_ignore_ascii_case("rgba") => {
            input
                .parse_nested_block(|i| {
                    let mut parts = [0u8; 3];
                    let mut n = 0;
                    while let Ok(t) = i.next() {
                        let v = match t {
                            Token::Number { value, .. } => value.clamp(0.0, 255.0),
                            Token::Percentage { unit_value, .. } => {
                                unit_value.clamp(0.0, 1.0) * 255.0
                            }
                            _ => continue,
                        };
                        if n < 3 {
                            // In range after the clamp above.
                            parts[n] = v.round() as u8;
                        }
                        n += 1;
                    }
                    if n >= 3 {
                        Ok(Rgb::new(parts[0], parts[1], parts[2]))
                    } else {
                        Err(i.new_error_for_next_token::<()>())
                    }
                })
                .ok()?
        }
        _ => return None,
    };
    Some(if rgb.is_default_text() {
        None
    } else {
        Some(rgb)
    })
}

struct ListDeclarations<'s> {
    level: &'s mut ListLevel,
}

impl<'i> DeclarationParser<'i> for ListDeclarations<'_> {
    type Declaration = ();
    type Error = ();

    fn parse_value(
        &mut self,
        name: CowRcStr<'i>,
        input: &mut Parser<'i>,
        _start: &ParserState,
    ) -> Result<(), ParseError<()>> {
        if name.eq_ignore_ascii_case("mso-level-number-format") {
            if let Ok(Token::Ident(v)) = input.next() {
                // "none" shows no number: closer to a bullet list than to a numbered one.
                self.level.bullet =
                    v.eq_ignore_ascii_case("bullet") || v.eq_ignore_ascii_case("none");
                self.level.numbering = crate::Numbering::from_name(v);
            }
        } else if name.eq_ignore_ascii_case("mso-level-start-at")
            && let Ok(Token::Number {
                int_value: Some(n), ..
            }) = input.next()
        {
            self.level.start = u32::try_from(*n).ok();
        }
        while input.next().is_ok() {}
        Ok(())
    }
}

macro_rules! no_nested_rules {
    ($t:ident) => {
        impl<'i> AtRuleParser<'i> for $t<'_> {
            type Prelude = ();
            type AtRule = ();
            type Error = ();
        }
        impl<'i> QualifiedRuleParser<'i> for $t<'_> {
            type Prelude = ();
            type QualifiedRule = ();
            type Error = ();
        }
        impl<'i> RuleBodyItemParser<'i, (), ()> for $t<'_> {
            fn parse_declarations(&self) -> bool {
                true
            }
            fn parse_qualified(&self) -> bool {
                false
            }
        }
    };
}

no_nested_rules!(Declarations);
no_nested_rules!(ListDeclarations);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_declarations() {
        let s = parse_inline(
            "font-weight:700; font-style:italic; color:#C00000; text-decoration:underline line-through",
        );
        assert_eq!(s.bold, Some(true));
        assert_eq!(s.italic, Some(true));
        assert_eq!(s.colour, Some(Some(Rgb::new(0xc0, 0, 0))));
        assert_eq!((s.underline, s.strike), (Some(true), Some(true)));
        let s = parse_inline("font-weight:normal;color:rgb(0, 0, 0)");
        assert_eq!(s.bold, Some(false));
        assert_eq!(s.colour, Some(None));
        let s = parse_inline("color: rgb(255, 0, 0); color: expression(alert(1))");
        assert_eq!(s.colour, Some(Some(Rgb::new(255, 0, 0))));
    }

    #[test]
    fn word_lists_and_classes() {
        let mut sheet = StyleSheet::default();
        sheet.add(
            "<!-- @list l0:level1 {mso-level-number-format:bullet; mso-level-text:\\F0B7;}
             @list l1:level1 {mso-level-start-at:3; mso-level-tab-stop:none;}
             p.MsoListBullet, li.MsoListBullet {mso-list:l0 level1 lfo1}
             .xl65 {mso-style-parent:style0; font-weight:700;}
             div p.nested {font-weight:700} -->",
        );
        assert_eq!(
            sheet.list_level("l0", 1),
            Some(ListLevel {
                bullet: true,
                start: None,
                numbering: None,
            })
        );
        assert_eq!(
            sheet.list_level("L1", 1),
            Some(ListLevel {
                bullet: false,
                start: Some(3),
                numbering: None,
            })
        );
        assert_eq!(
            sheet.for_element("td", ["xl65"].into_iter()).bold,
            Some(true)
        );
        assert_eq!(
            sheet.for_element("p", ["MsoListBullet"].into_iter()).list,
            Some(("l0".to_string(), 1))
        );
        assert_eq!(
            sheet.for_element("p", ["nested"].into_iter()),
            Style::default()
        );
    }
}
