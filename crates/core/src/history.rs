//! The customer's earlier conversations (issue 18): what the screen pop's *Conversations*
//! tab lists, and who may open one. Pure: the store finds the chats and the facts, the
//! server asks [`PastAccess::may_read`] through `authorize`.

use crate::error::StoreError;
use crate::rule::RuleError;
use serde::{Deserialize, Serialize};

/// Most chats in one page of history.
pub const PAGE_MAX: i64 = 100;
/// Chats in one page unless asked otherwise.
pub const PAGE_DEFAULT: i64 = 20;
/// Characters of a chat's first line in a list.
pub const FIRST_LINE_CHARS: usize = 120;

/// Whose earlier conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryOf {
    /// A verified contact's chats.
    Contact(i64),
    /// Chats from the same email as this chat's customer (before verification): only for
    /// the agent who holds this chat.
    SameEmailAs(i64),
}

/// One page of a customer's chats, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    pub of: HistoryOf,
    /// Leave this chat out (the one the agent is in).
    pub except: Option<i64>,
    /// Paging: only chats older than this chat id (the last of the page before).
    pub before: Option<i64>,
    /// Chats per page, 1 ..= [`PAGE_MAX`].
    pub limit: i64,
}

impl HistoryQuery {
    /// The first page of `of`'s chats, leaving `except` out.
    pub fn first(of: HistoryOf, except: Option<i64>) -> HistoryQuery {
        HistoryQuery {
            of,
            except,
            before: None,
            limit: PAGE_DEFAULT,
        }
    }

    /// The page after one whose last chat was `last`.
    pub fn after(self, last: i64) -> HistoryQuery {
        HistoryQuery {
            before: Some(last),
            ..self
        }
    }

    pub fn check(&self) -> Result<(), StoreError> {
        if (1..=PAGE_MAX).contains(&self.limit) {
            return Ok(());
        }
        Err(StoreError::rule_field(
            "limit",
            RuleError::OutOfRange {
                name: "the page size".into(),
                value: self.limit.to_string(),
                unit: String::new(),
                min: 1,
                max: PAGE_MAX,
            },
        ))
    }
}

/// One earlier chat, as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastChat {
    pub chat_id: i64,
    pub created_ms: i64,
    pub ended_ms: Option<i64>,
    pub queue_name: String,
    /// Who took it, if anyone did.
    pub agent_name: Option<String>,
    pub customer_name: String,
    pub customer_email: String,
    /// The wrap-up's disposition, once wrapped up.
    pub disposition: Option<String>,
    /// The customer's satisfaction answer (1–5), if they gave one.
    pub rating: Option<i16>,
    /// The customer's first line (cut to [`FIRST_LINE_CHARS`]), or the first line anyone
    /// wrote when the customer wrote nothing.
    pub first_line: String,
}

/// One page of chats, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub chats: Vec<PastChat>,
    /// Older chats follow: ask again with `before` = the last one's id.
    pub more: bool,
}

/// What decides whether someone may open an earlier chat's transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PastAccess {
    /// The chat exists.
    pub exists: bool,
    /// The caller was its agent, or wrote in it.
    pub took_part: bool,
    /// It was verified to a contact: part of the customer's records, which every agent
    /// may read.
    pub verified: bool,
    /// Its customer's email is that of a chat the caller holds now.
    pub same_email_as_mine: bool,
    /// Its queue is one the caller supervises (or they are an administrator).
    pub supervised: bool,
}

impl PastAccess {
    pub fn may_read(&self) -> bool {
        self.exists
            && (self.took_part || self.verified || self.same_email_as_mine || self.supervised)
    }

    /// Private lines (transfer notes, whispers) are for those who were in the chat or
    /// supervise it, not for every later agent of the customer.
    pub fn shows_private(&self) -> bool {
        self.took_part || self.supervised
    }
}

/// The first line of a text, cut to [`FIRST_LINE_CHARS`] characters with an ellipsis.
pub fn first_line(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    let line = line.unwrap_or("");
    if line.chars().count() <= FIRST_LINE_CHARS {
        return line.to_string();
    }
    let mut cut: String = line.chars().take(FIRST_LINE_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access() {
        let none = PastAccess {
            exists: true,
            ..PastAccess::default()
        };
        assert!(!none.may_read());
        for a in [
            PastAccess {
                took_part: true,
                ..none
            },
            PastAccess {
                verified: true,
                ..none
            },
            PastAccess {
                same_email_as_mine: true,
                ..none
            },
            PastAccess {
                supervised: true,
                ..none
            },
        ] {
            assert!(a.may_read(), "{a:?}");
            assert!(
                !PastAccess { exists: false, ..a }.may_read(),
                "a chat that does not exist: {a:?}"
            );
        }
        let verified = PastAccess {
            verified: true,
            ..none
        };
        assert!(!verified.shows_private());
        assert!(
            PastAccess {
                took_part: true,
                ..none
            }
            .shows_private()
        );
    }

    #[test]
    fn lines() {
        assert_eq!(first_line("\n  \n  Hello there \nsecond"), "Hello there");
        assert_eq!(first_line(""), "");
        let long = "é".repeat(FIRST_LINE_CHARS + 5);
        let cut = first_line(&long);
        assert_eq!(cut.chars().count(), FIRST_LINE_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn paging() {
        let q = HistoryQuery::first(HistoryOf::Contact(3), Some(9));
        assert!(q.check().is_ok());
        assert_eq!(q.after(40).before, Some(40));
        assert!(HistoryQuery { limit: 0, ..q }.check().is_err());
        assert!(
            HistoryQuery {
                limit: PAGE_MAX + 1,
                ..q
            }
            .check()
            .is_err()
        );
    }
}
