//! Full-text search over transcripts: what the agent typed, parsed into terms, and the
//! filters. Pure: the store turns [`SearchTerms`] into an FTS5 `MATCH` (SQLite) or a
//! `tsquery` (PostgreSQL) from the parsed tokens only, so no character the agent types can
//! reach either query language; and [`highlights`] finds the matched words in a message's
//! text the same way on both databases.
//!
//! Words are runs of letters and digits (what SQLite's `unicode61` tokenizer and the
//! store's PostgreSQL column both index; everything else separates words). Compared
//! lower-cased, and, for highlighting, without diacritics (SQLite's index folds them;
//! PostgreSQL's 'simple' configuration does not, so there "cafe" does not find "café").

use crate::error::StoreError;
use crate::rule::RuleError;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Most characters of search text: a query is a few words, not a paragraph.
pub const QUERY_CHARS: usize = 200;
/// Most words in one search (each is one more index lookup).
pub const QUERY_WORDS: usize = 12;
/// Fewest characters before a `*`: a one-letter prefix matches most of the index.
pub const PREFIX_MIN_CHARS: usize = 2;
/// Most hits in one page.
pub const PAGE_MAX: i64 = 200;
/// Hits in one page unless asked otherwise.
pub const PAGE_DEFAULT: i64 = 50;

/// A search as the console (or the bench) asks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageQuery {
    /// What the agent typed: words, `prefix*`, `"a phrase"`.
    pub text: String,
    /// Only chats verified to this contact.
    pub contact_id: Option<i64>,
    /// Only chats (last) in this queue.
    pub queue_id: Option<i64>,
    /// Only chats handled by this agent (the chat's agent).
    pub agent_id: Option<i64>,
    /// Only messages written at or after this time (ms since the epoch).
    pub from_ms: Option<i64>,
    /// Only messages written at or before this time (ms since the epoch).
    pub to_ms: Option<i64>,
    /// Who asks: `Some(agent)` sees only the chats they handled (they are the chat's agent
    /// or wrote in it); `None` sees all (supervisors, administrators).
    pub visible_to: Option<i64>,
    /// Agents' private lines (transfer notes, supervisors' whispers) too. Never for
    /// anything shown to a customer.
    pub include_internal: bool,
    /// Paging: only messages older than this message id (the last hit of the page before).
    pub before: Option<i64>,
    /// Hits per page, 1 ..= [`PAGE_MAX`].
    pub limit: i64,
}

impl MessageQuery {
    /// A search for `text` over everything, newest first, one default page.
    pub fn new(text: impl Into<String>) -> Self {
        MessageQuery {
            text: text.into(),
            contact_id: None,
            queue_id: None,
            agent_id: None,
            from_ms: None,
            to_ms: None,
            visible_to: None,
            include_internal: false,
            before: None,
            limit: PAGE_DEFAULT,
        }
    }

    /// Checks the filters and parses the text.
    pub fn check(&self) -> Result<SearchTerms, StoreError> {
        if !(1..=PAGE_MAX).contains(&self.limit) {
            return Err(StoreError::rule_field(
                "limit",
                RuleError::OutOfRange {
                    name: "the page size".into(),
                    value: self.limit.to_string(),
                    unit: String::new(),
                    min: 1,
                    max: PAGE_MAX,
                },
            ));
        }
        if let (Some(from), Some(to)) = (self.from_ms, self.to_ms)
            && from > to
        {
            return Err(StoreError::invalid_field(
                "dates",
                "the start date is after the end date",
            ));
        }
        SearchTerms::parse(&self.text)
    }
}

/// One page of hits, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageHits {
    pub hits: Vec<MessageHit>,
    /// More hits are older than the last one: ask again with `before` = its message id.
    pub more: bool,
}

/// One message that matched, with what the results list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageHit {
    pub chat_id: i64,
    pub message_id: i64,
    pub created_ms: i64,
    /// "customer", "agent" or "system".
    pub sender: String,
    pub sender_name: String,
    pub queue_name: String,
    /// The chat's agent, if it was ever accepted.
    pub agent_name: Option<String>,
    pub customer_name: String,
    pub internal: bool,
    /// The message's whole plain text.
    pub body_text: String,
    /// The line of `body_text` with the first match (the whole text if nothing matched,
    /// which happens only where the databases' word rules differ), as a byte range.
    pub line: Range<usize>,
    /// Byte ranges of the matched words in `body_text`, in order, not overlapping.
    pub highlights: Vec<Range<usize>>,
}

/// One thing to match: consecutive words (one word is a phrase of one), the last one
/// possibly a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Lower-cased words, each only letters, digits and their marks.
    pub words: Vec<String>,
    /// The last word is a prefix (`word*`).
    pub prefix: bool,
}

/// What was typed, parsed: every term must match (AND).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    pub terms: Vec<Term>,
}

impl SearchTerms {
    /// Parses plain words, `prefix*` and `"a phrase"` (an unclosed quote runs to the end).
    /// Any other character separates words; a word with separators inside (`e-mail`,
    /// `ana@example.com`) is a phrase of its parts, as the indexes store it.
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        let chars = text.chars().count();
        if chars > QUERY_CHARS {
            return Err(StoreError::rule_field(
                "search",
                RuleError::TooLong {
                    what: "search".into(),
                    max: QUERY_CHARS,
                },
            ));
        }
        let mut terms = Vec::new();
        // Quotes alternate outside / inside a phrase.
        for (i, part) in text.split('"').enumerate() {
            if i % 2 == 1 {
                let (words, prefix) = chunk_words(part);
                if !words.is_empty() {
                    terms.push(Term { words, prefix });
                }
                continue;
            }
            for chunk in part.split_whitespace() {
                let (words, prefix) = chunk_words(chunk);
                if !words.is_empty() {
                    terms.push(Term { words, prefix });
                }
            }
        }
        let count: usize = terms.iter().map(|t| t.words.len()).sum();
        if count == 0 {
            return Err(StoreError::rule_field(
                "search",
                RuleError::Empty {
                    what: "search (type a word of letters or digits)".into(),
                },
            ));
        }
        if count > QUERY_WORDS {
            return Err(StoreError::invalid_field(
                "search",
                format!("a search can have at most {QUERY_WORDS} words"),
            ));
        }
        for t in &terms {
            let last = t.words.last().map_or(0, |w| w.chars().count());
            if t.prefix && last < PREFIX_MIN_CHARS {
                return Err(StoreError::invalid_field(
                    "search",
                    format!(
                        "a prefix search needs at least {PREFIX_MIN_CHARS} letters before the *"
                    ),
                ));
            }
        }
        Ok(SearchTerms { terms })
    }

    /// The FTS5 `MATCH` expression: each word a quoted string (only letters and digits
    /// inside, so nothing in it is syntax), phrases joined with `+`, a prefix's `*` after
    /// its string, terms separated by spaces (AND).
    pub fn fts5(&self) -> String {
        self.terms
            .iter()
            .map(|t| {
                let mut s = t
                    .words
                    .iter()
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(" + ");
                if t.prefix {
                    s.push_str(" *");
                }
                s
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The text of a PostgreSQL `tsquery` for `to_tsquery('simple', …)`: each word a quoted
    /// lexeme (letters and digits only), phrases joined with `<->`, a prefix as `:*`,
    /// terms joined with `&`.
    pub fn tsquery(&self) -> String {
        self.terms
            .iter()
            .map(|t| {
                let n = t.words.len();
                let words = t
                    .words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        if t.prefix && i + 1 == n {
                            format!("'{w}':*")
                        } else {
                            format!("'{w}'")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" <-> ");
                if n > 1 { format!("({words})") } else { words }
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// The words of one chunk of typed text, and whether it ends in `*` (a prefix).
fn chunk_words(chunk: &str) -> (Vec<String>, bool) {
    // Lower-cased only: PostgreSQL's 'simple' words keep their diacritics, and SQLite's
    // tokenizer folds the query's as it folded the text's.
    let words: Vec<String> = words(chunk).map(|(_, w)| w.to_lowercase()).collect();
    // The star must follow the last word directly: "word*", not "word *".
    let prefix = chunk.trim_end().ends_with('*')
        && chunk
            .trim_end()
            .trim_end_matches('*')
            .chars()
            .last()
            .is_some_and(char::is_alphanumeric);
    (words, prefix)
}

/// The words of a text: byte offset and the word, letters and digits only.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some(&(_, c)) = rest.peek() {
            if is_word_char(c) {
                break;
            }
            rest.next();
        }
        let (start, _) = *rest.peek()?;
        let mut end = start;
        while let Some(&(i, c)) = rest.peek() {
            if !is_word_char(c) {
                break;
            }
            end = i + c.len_utf8();
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

/// Letters, digits and the marks that belong to letters (SQLite's unicode61 keeps
/// combining marks in words and folds them away).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// A word as the indexes compare it: lower-cased, without diacritics.
pub fn fold(word: &str) -> String {
    word.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Byte ranges of `text`'s words that the terms match, in order: a word, a word starting
/// with a prefix, or a phrase's consecutive words.
pub fn highlights(terms: &SearchTerms, text: &str) -> Vec<Range<usize>> {
    let found: Vec<(Range<usize>, String)> = words(text)
        .map(|(at, w)| (at..at + w.len(), fold(w)))
        .collect();
    let mut out: Vec<Range<usize>> = Vec::new();
    for t in &terms.terms {
        let wanted: Vec<String> = t.words.iter().map(|w| fold(w)).collect();
        let n = wanted.len();
        if n == 0 || found.len() < n {
            continue;
        }
        for start in 0..=found.len() - n {
            let all = wanted.iter().enumerate().all(|(k, w)| {
                let have = &found[start + k].1;
                if t.prefix && k + 1 == n {
                    have.starts_with(w.as_str())
                } else {
                    have == w
                }
            });
            if all {
                out.push(found[start].0.start..found[start + n - 1].0.end);
            }
        }
    }
    out.sort_by_key(|r| (r.start, r.end));
    // Overlaps (a word that is also inside a matched phrase) become one range.
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(out.len());
    for r in out {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// The byte range of the line of `text` holding `at` (without its line break).
pub fn line_at(text: &str, at: usize) -> Range<usize> {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    start..end
}

#[cfg(test)]
mod tests;
