//! Standard replies: formatted answers an agent inserts with "/", each with a name, a
//! shortcut, an optional folder and a scope (the whole site, a queue, or one agent's own),
//! counting its uses. The rules here are pure: what a reply may look like, who sees it,
//! which match what the agent types. Who may change one is `account::authorize`'s
//! `Act::ManageReply`.

pub mod template;

use crate::StoreError;
use crate::rule::RuleError;
use crate::validate;
use serde::{Deserialize, Serialize};

pub use template::{Placeholder, TemplateError, Values, Variable, fill, placeholders, unfilled};

pub const REPLY_NAME_CHARS: usize = 80;
pub const SHORTCUT_CHARS: usize = 32;
pub const FOLDER_CHARS: usize = 60;
/// A reply is inserted into a message: the message's limits bound it, and this one more.
pub const REPLY_TEXT_CHARS: usize = 10_000;

/// Whose a reply is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyScope {
    /// Every agent's.
    Site,
    /// The agents of this queue (by id).
    Queue(i64),
    /// One agent's own (by id).
    Agent(i64),
}

impl ReplyScope {
    /// Does this agent, working these queues, see it?
    pub fn visible_to(self, agent_id: i64, queues: &[i64]) -> bool {
        match self {
            ReplyScope::Site => true,
            ReplyScope::Queue(q) => queues.contains(&q),
            ReplyScope::Agent(a) => a == agent_id,
        }
    }

    /// Is it this agent's own (which they may change themselves)?
    pub fn owned_by(self, agent_id: i64) -> bool {
        self == ReplyScope::Agent(agent_id)
    }

    pub fn kind(self) -> &'static str {
        match self {
            ReplyScope::Site => "site",
            ReplyScope::Queue(_) => "queue",
            ReplyScope::Agent(_) => "agent",
        }
    }
}

/// A stored reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardReply {
    pub id: i64,
    pub name: String,
    /// Typed after "/", without it.
    pub shortcut: String,
    pub folder: Option<String>,
    pub scope: ReplyScope,
    /// The queue's name or the agent's email, for showing the scope.
    pub scope_name: Option<String>,
    /// The template's text (of a formatted reply, its plain-text form).
    pub body_text: String,
    /// The template's sanitized HTML, for a formatted reply.
    pub body_html: Option<String>,
    pub uses: i64,
    pub updated_ms: i64,
}

/// A reply to add, or a reply's new state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyDraft {
    pub name: String,
    pub shortcut: String,
    pub folder: Option<String>,
    pub scope: ReplyScope,
    pub body_text: String,
    pub body_html: Option<String>,
}

fn invalid(field: &str, message: String) -> StoreError {
    StoreError::Invalid {
        field: Some(field.into()),
        message,
    }
}

fn rule(field: &str, rule: RuleError) -> StoreError {
    StoreError::Rule {
        field: Some(field.into()),
        rule,
    }
}

/// A shortcut as stored: without a leading "/", lower case, letters, digits, `-`, `_`, `.`.
pub fn shortcut(value: &str) -> Result<String, StoreError> {
    let s = value.trim().trim_start_matches('/').to_lowercase();
    if s.is_empty() {
        return Err(rule(
            "shortcut",
            RuleError::Empty {
                what: "shortcut".into(),
            },
        ));
    }
    if s.chars().count() > SHORTCUT_CHARS {
        return Err(rule(
            "shortcut",
            RuleError::TooLong {
                what: "shortcut".into(),
                max: SHORTCUT_CHARS,
            },
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_alphanumeric() || "-_.".contains(*c)))
    {
        return Err(invalid(
            "shortcut",
            format!("a shortcut has letters, digits, '-', '_' or '.' only, not {c:?}"),
        ));
    }
    Ok(s)
}

/// A draft cleaned and checked as it is saved: labels, shortcut, sizes, and the
/// templates (an unknown variable is refused here, not when the reply is inserted).
pub fn check_draft(draft: &ReplyDraft) -> Result<ReplyDraft, StoreError> {
    let name =
        validate::label("name", &draft.name, REPLY_NAME_CHARS).map_err(|e| rule("name", e))?;
    let shortcut = shortcut(&draft.shortcut)?;
    let folder = match draft.folder.as_deref().map(validate::clean_line) {
        Some(f) if !f.trim().is_empty() => {
            Some(validate::label("folder", &f, FOLDER_CHARS).map_err(|e| rule("folder", e))?)
        }
        _ => None,
    };
    let body_text = validate::clean_text(&draft.body_text);
    let html = draft.body_html.clone().filter(|h| !h.trim().is_empty());
    crate::limits::check_message(&body_text, html.as_deref()).map_err(|e| rule("text", e))?;
    crate::limits::check_chars("text", &body_text, REPLY_TEXT_CHARS)
        .map_err(|e| rule("text", e))?;
    template::check(&body_text).map_err(|e| invalid("text", e.to_string()))?;
    if let Some(h) = &html {
        template::check(h).map_err(|e| invalid("html", e.to_string()))?;
    }
    Ok(ReplyDraft {
        name,
        shortcut,
        folder,
        scope: draft.scope,
        body_text,
        body_html: html,
    })
}

/// The replies that match what the agent typed after "/" (or in the panel's search):
/// every word must be in the name, the shortcut, the folder or the text, case-insensitive.
/// Shortcuts that start with the query come first, then names that do, then the most used.
pub fn matching<'a>(replies: &'a [StandardReply], query: &str) -> Vec<&'a StandardReply> {
    let q = query.trim().to_lowercase();
    let words: Vec<&str> = q.split_whitespace().collect();
    let mut found: Vec<&StandardReply> = replies
        .iter()
        .filter(|r| {
            let hay = format!(
                "{} {} {} {}",
                r.name,
                r.shortcut,
                r.folder.as_deref().unwrap_or(""),
                r.body_text
            )
            .to_lowercase();
            words.iter().all(|w| hay.contains(w))
        })
        .collect();
    found.sort_by_key(|r| {
        (
            q.is_empty() || !r.shortcut.starts_with(&q),
            q.is_empty() || !r.name.to_lowercase().starts_with(&q),
            -r.uses,
            r.name.to_lowercase(),
        )
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(shortcut: &str, text: &str) -> ReplyDraft {
        ReplyDraft {
            name: " Greeting ".into(),
            shortcut: shortcut.into(),
            folder: Some("  ".into()),
            scope: ReplyScope::Site,
            body_text: text.into(),
            body_html: None,
        }
    }

    fn reply(name: &str, shortcut: &str, text: &str, uses: i64) -> StandardReply {
        StandardReply {
            id: uses,
            name: name.into(),
            shortcut: shortcut.into(),
            folder: None,
            scope: ReplyScope::Site,
            scope_name: None,
            body_text: text.into(),
            body_html: None,
            uses,
            updated_ms: 0,
        }
    }

    #[test]
    fn drafts_are_cleaned_and_checked() {
        let d = check_draft(&draft("/Hi", "Hello {{customer.first_name | \"there\"}}")).unwrap();
        assert_eq!(
            (d.name.as_str(), d.shortcut.as_str(), d.folder),
            ("Greeting", "hi", None)
        );
        let e = check_draft(&draft("hi", "Hello {{customer.age}}")).unwrap_err();
        assert!(
            e.to_string().contains("{{customer.age}} is not a variable"),
            "{e}"
        );
        let e = check_draft(&draft("two words", "x")).unwrap_err();
        assert!(e.to_string().contains("shortcut"), "{e}");
        assert!(check_draft(&draft("", "x")).is_err());
        assert!(check_draft(&draft("hi", "  ")).is_err());
        let mut html = draft("hi", "Hi");
        html.body_html = Some("<p>Hi {{queue.nom}}</p>".into());
        assert!(
            check_draft(&html)
                .unwrap_err()
                .to_string()
                .contains("queue.nom")
        );
    }

    #[test]
    fn scopes() {
        assert!(ReplyScope::Site.visible_to(1, &[]));
        assert!(ReplyScope::Queue(3).visible_to(1, &[2, 3]));
        assert!(!ReplyScope::Queue(4).visible_to(1, &[2, 3]));
        assert!(ReplyScope::Agent(1).visible_to(1, &[]));
        assert!(!ReplyScope::Agent(2).visible_to(1, &[]));
        assert!(ReplyScope::Agent(1).owned_by(1) && !ReplyScope::Site.owned_by(1));
    }

    #[test]
    fn matching_filters_and_ranks() {
        let all = [
            reply("Refund policy", "refund", "Refunds take 5 days", 1),
            reply("Greeting", "hi", "Hello there", 9),
            reply("Shipping", "ship", "We ship on [[date]]", 3),
        ];
        let names =
            |q: &str| -> Vec<String> { matching(&all, q).iter().map(|r| r.name.clone()).collect() };
        assert_eq!(names(""), ["Greeting", "Shipping", "Refund policy"]);
        assert_eq!(names("sh"), ["Shipping"]);
        assert_eq!(names("REF"), ["Refund policy"]);
        assert_eq!(names("hello"), ["Greeting"]);
        assert_eq!(names("days refunds"), ["Refund policy"]);
        assert!(names("nothing").is_empty());
    }
}
