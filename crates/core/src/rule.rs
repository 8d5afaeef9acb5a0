//! Why input breaks a rule, as data: the kind and its figure, so a screen or a network client
//! branches on the kind and a person reads the one sentence `Display` gives.

use serde::{Deserialize, Serialize};
use thiserror::Error;

const MB: f64 = 1024.0 * 1024.0;

/// A broken rule of what people type or send. Each kind is worded here, once.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleError {
    /// Nothing but blanks where something is needed ("name", "message").
    #[error("the {what} is empty")]
    Empty { what: String },
    /// More characters than `max`.
    #[error("the {what} is longer than {max} characters")]
    TooLong { what: String, max: usize },
    /// More characters than `max`, saying how many there are (long values the person
    /// cannot count by eye, such as an address).
    #[error("the {what} has {chars} characters; at most {max} are allowed")]
    TooManyChars {
        what: String,
        chars: usize,
        max: usize,
    },
    /// An email address that does not parse, or whose domain has no dot.
    #[error("{value:?} is not a valid email address ({why})")]
    BadEmail { value: String, why: String },
    /// One image over the size limit; `bytes` when its size is known.
    #[error("{}", image_line(name, *bytes, *max_mb))]
    ImageTooLarge {
        name: String,
        bytes: Option<u64>,
        max_mb: usize,
    },
    /// An image whose dimensions would take too much memory to decode (a "pixel flood").
    #[error(
        "the image is {width} × {height} pixels; images can have at most {max_megapixels} megapixels"
    )]
    TooManyPixels {
        width: u32,
        height: u32,
        max_megapixels: u64,
    },
    /// The images of one message together over their limit.
    #[error(
        "The images in one message can total at most {max_mb} MB; send this in the next message."
    )]
    ImagesTooLarge { max_mb: usize },
    /// A message made only of invisible characters (zero-width spaces, direction marks).
    #[error("the message has only invisible characters; type something to send")]
    InvisibleOnly,
    /// A message's plain text over its limit.
    #[error("the message's text is larger than {max_kb} KB")]
    TextTooLarge { max_kb: usize },
    /// A message's HTML (with its images) over its limit.
    #[error("the message is larger than {max_mb} MB with its images")]
    HtmlTooLarge { max_mb: usize },
    /// A profile option this livewindow does not know; `known` lists those it does.
    #[error("unknown profile option {name:?} (known: {known})")]
    UnknownOption { name: String, known: String },
    /// A yes/no option given something else.
    #[error("{name} must be Y or N, not {value:?}")]
    NotYesNo { name: String, value: String },
    /// An option given a value of the wrong shape (a list with an unknown word).
    #[error("{name}: {why}")]
    BadOption { name: String, why: String },
    /// A number option given a value outside `min..=max` or not a number; `unit` may be "".
    #[error(
        "{name} must be {} from {min} to {max}, not {value:?}",
        number_words(unit)
    )]
    OutOfRange {
        name: String,
        value: String,
        unit: String,
        min: i64,
        max: i64,
    },
}

impl RuleError {
    /// True for the limits on size or length: the input is too big rather than malformed.
    pub fn is_too_large(&self) -> bool {
        matches!(
            self,
            RuleError::TooLong { .. }
                | RuleError::TooManyChars { .. }
                | RuleError::ImageTooLarge { .. }
                | RuleError::ImagesTooLarge { .. }
                | RuleError::TooManyPixels { .. }
                | RuleError::TextTooLarge { .. }
                | RuleError::HtmlTooLarge { .. }
        )
    }
}

fn image_line(name: &str, bytes: Option<u64>, max_mb: usize) -> String {
    match bytes {
        Some(n) => format!(
            "{name} is {:.1} MB; images can be at most {max_mb} MB.",
            n as f64 / MB
        ),
        None => format!("{name} is too large; images can be at most {max_mb} MB."),
    }
}

fn number_words(unit: &str) -> String {
    if unit.is_empty() {
        "a whole number".into()
    } else {
        format!("a whole number of {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::RuleError;

    #[test]
    fn wording() {
        let empty = RuleError::Empty {
            what: "name".into(),
        };
        assert_eq!(empty.to_string(), "the name is empty");
        let long = RuleError::TooLong {
            what: "name".into(),
            max: 120,
        };
        assert_eq!(long.to_string(), "the name is longer than 120 characters");
        let image = RuleError::ImageTooLarge {
            name: "That image".into(),
            bytes: Some(11 * 1024 * 1024 + 100_000),
            max_mb: 10,
        };
        assert_eq!(
            image.to_string(),
            "That image is 11.1 MB; images can be at most 10 MB."
        );
        let unknown = RuleError::ImageTooLarge {
            name: "That image".into(),
            bytes: None,
            max_mb: 10,
        };
        assert_eq!(
            unknown.to_string(),
            "That image is too large; images can be at most 10 MB."
        );
        let range = RuleError::OutOfRange {
            name: "X".into(),
            value: "0".into(),
            unit: "seconds".into(),
            min: 1,
            max: 600,
        };
        assert_eq!(
            range.to_string(),
            "X must be a whole number of seconds from 1 to 600, not \"0\""
        );
        assert!(long.is_too_large() && image.is_too_large() && !empty.is_too_large());
    }

    #[test]
    fn crosses_as_json() {
        let e = RuleError::TooLong {
            what: "reason".into(),
            max: 200,
        };
        let json = serde_json::to_string(&e).expect("serializes");
        assert_eq!(json, r#"{"kind":"too_long","what":"reason","max":200}"#);
        let back: RuleError = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, e);
    }
}
