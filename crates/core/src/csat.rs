//! Satisfaction (CSAT): the customer's answer to "How did we do?" once their chat ended
//! (1 to 5 and an optional comment, once per chat), and the figures `livewindow report
//! csat` prints.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The longest comment kept with a rating.
pub const COMMENT_CHARS: usize = 1000;

/// Why an answer's content was refused: one line for the customer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RatingError {
    #[error("Please choose a rating from 1 to 5.")]
    OutOfRange,
    #[error("The comment has {0} characters; it can have at most {COMMENT_CHARS}.")]
    CommentTooLong(usize),
}

/// A customer's answer, checked: a rating from 1 to 5 and a comment (empty when none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub rating: u8,
    pub comment: String,
}

impl Rating {
    /// Checks an answer as it arrives; the comment loses control characters but keeps
    /// its lines.
    pub fn new(rating: i64, comment: Option<&str>) -> Result<Rating, RatingError> {
        let rating = u8::try_from(rating)
            .ok()
            .filter(|r| (1..=5).contains(r))
            .ok_or(RatingError::OutOfRange)?;
        let comment = crate::validate::clean_text(comment.unwrap_or_default());
        let comment = comment.trim();
        let n = comment.chars().count();
        if n > COMMENT_CHARS {
            return Err(RatingError::CommentTooLong(n));
        }
        Ok(Rating {
            rating,
            comment: comment.to_string(),
        })
    }

    /// What the agent's wrap-up says when the answer arrives.
    pub fn line(&self) -> String {
        let first = self.comment.lines().next().unwrap_or_default();
        if first.is_empty() {
            format!("The customer rated this chat {} of 5.", self.rating)
        } else {
            format!(
                "The customer rated this chat {} of 5: \u{201c}{}\u{201d}",
                self.rating,
                crate::validate::clean_line(first)
            )
        }
    }
}

/// What a customer's answer came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rated {
    Stored,
    /// The chat has not ended yet: the question comes when it does.
    NotEnded,
    /// This chat was rated already; an answer is taken once.
    AlreadyRated,
    /// The site does not ask (`SVC_CHAT_CSAT_ENABLED` is N).
    Off,
}

/// Which chats a report counts: ended in a queue, with an agent, since a time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsatFilter {
    /// A queue's name, as an administrator types it.
    pub queue: Option<String>,
    /// An agent's email or name.
    pub agent: Option<String>,
    /// Ratings given at or after this time (ms since the epoch).
    pub since_ms: Option<i64>,
}

/// How many chats got each rating: `counts[0]` is the number of 1s.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsatReport {
    pub counts: [i64; 5],
}

impl CsatReport {
    pub fn total(&self) -> i64 {
        self.counts.iter().sum()
    }

    /// The mean rating; `None` without any.
    pub fn average(&self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| {
            let sum: i64 = (1..=5).zip(self.counts).map(|(r, n)| r * n).sum();
            sum as f64 / total as f64
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_checked() {
        assert_eq!(Rating::new(0, None), Err(RatingError::OutOfRange));
        assert_eq!(Rating::new(6, None), Err(RatingError::OutOfRange));
        assert_eq!(Rating::new(-1, None), Err(RatingError::OutOfRange));
        let r = Rating::new(4, Some("  Quick and kind\u{7}  ")).expect("valid");
        assert_eq!(r.comment, "Quick and kind");
        assert_eq!(
            r.line(),
            "The customer rated this chat 4 of 5: \u{201c}Quick and kind\u{201d}"
        );
        assert_eq!(
            Rating::new(5, Some(" ")).expect("valid").line(),
            "The customer rated this chat 5 of 5."
        );
        let long = "x".repeat(COMMENT_CHARS + 1);
        assert_eq!(
            Rating::new(3, Some(&long)),
            Err(RatingError::CommentTooLong(COMMENT_CHARS + 1))
        );
    }

    #[test]
    fn the_average() {
        let r = CsatReport {
            counts: [1, 0, 0, 2, 1],
        };
        assert_eq!(r.total(), 4);
        assert_eq!(r.average(), Some((1.0 + 8.0 + 5.0) / 4.0));
        assert_eq!(CsatReport::default().average(), None);
    }
}
