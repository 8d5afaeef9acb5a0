//! A reply's text as a template: variables filled when it is inserted
//! (`{{customer.first_name | "there"}}`) and placeholders the agent fills by hand
//! (`[[order number]]`). The same rules read a reply's plain text and its HTML (where the
//! fallback's quotes may be written `&quot;`), so both bodies fill alike.

use thiserror::Error;

/// What a `{{…}}` may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variable {
    CustomerFirstName,
    CustomerName,
    AgentFirstName,
    AgentName,
    QueueName,
    ContactAccount,
}

impl Variable {
    pub const ALL: [Variable; 6] = [
        Variable::CustomerFirstName,
        Variable::CustomerName,
        Variable::AgentFirstName,
        Variable::AgentName,
        Variable::QueueName,
        Variable::ContactAccount,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Variable::CustomerFirstName => "customer.first_name",
            Variable::CustomerName => "customer.name",
            Variable::AgentFirstName => "agent.first_name",
            Variable::AgentName => "agent.name",
            Variable::QueueName => "queue.name",
            Variable::ContactAccount => "contact.account",
        }
    }

    pub fn parse(s: &str) -> Option<Variable> {
        Variable::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Why a reply's text cannot be saved: checked when it is saved, never at insert.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TemplateError {
    #[error("{{{{{name}}}}} is not a variable; use one of {}", names())]
    UnknownVariable { name: String },
    #[error("a {{{{ has no closing }}}}")]
    Unclosed,
    #[error(
        "the fallback of {{{{{name}}}}} must be in double quotes, as in {{{{{name} | \"there\"}}}}"
    )]
    BadFallback { name: String },
    #[error("a [[ has no closing ]] or nothing inside")]
    BadPlaceholder,
}

fn names() -> String {
    Variable::ALL.map(Variable::as_str).join(", ")
}

/// One part of a template, borrowing its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Var {
        var: Variable,
        fallback: Option<&'a str>,
    },
    /// A placeholder's label, without its brackets.
    Placeholder(&'a str),
}

/// Reads a template into its pieces.
pub fn parse(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut pieces = Vec::new();
    let mut rest = template;
    loop {
        let next = [rest.find("{{"), rest.find("[[")]
            .into_iter()
            .flatten()
            .min();
        let Some(at) = next else {
            if !rest.is_empty() {
                pieces.push(Piece::Text(rest));
            }
            return Ok(pieces);
        };
        if at > 0 {
            pieces.push(Piece::Text(&rest[..at]));
        }
        let tail = &rest[at..];
        if tail.starts_with("{{") {
            let end = tail.find("}}").ok_or(TemplateError::Unclosed)?;
            pieces.push(variable(&tail[2..end])?);
            rest = &tail[end + 2..];
        } else {
            let end = tail.find("]]").ok_or(TemplateError::BadPlaceholder)?;
            let label = tail[2..end].trim();
            if label.is_empty() || label.contains('[') {
                return Err(TemplateError::BadPlaceholder);
            }
            pieces.push(Piece::Placeholder(label));
            rest = &tail[end + 2..];
        }
    }
}

fn variable(inner: &str) -> Result<Piece<'_>, TemplateError> {
    let (name, fallback) = match inner.split_once('|') {
        Some((name, fallback)) => (name.trim(), Some(fallback.trim())),
        None => (inner.trim(), None),
    };
    let var = Variable::parse(name).ok_or_else(|| TemplateError::UnknownVariable {
        name: name.to_string(),
    })?;
    let fallback = match fallback {
        None => None,
        Some(f) => Some(unquote(f).ok_or_else(|| TemplateError::BadFallback {
            name: name.to_string(),
        })?),
    };
    Ok(Piece::Var { var, fallback })
}

fn unquote(s: &str) -> Option<&str> {
    for q in ["\"", "&quot;", "&#34;"] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return Some(inner);
        }
    }
    None
}

/// Checks a template as a reply is saved.
pub fn check(template: &str) -> Result<(), TemplateError> {
    parse(template).map(|_| ())
}

/// What the variables stand for in one chat; a blank value counts as missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    pub customer_name: Option<String>,
    pub agent_name: Option<String>,
    pub queue_name: Option<String>,
    pub contact_account: Option<String>,
}

impl Values {
    pub fn get(&self, var: Variable) -> Option<String> {
        let (value, first) = match var {
            Variable::CustomerFirstName => (&self.customer_name, true),
            Variable::CustomerName => (&self.customer_name, false),
            Variable::AgentFirstName => (&self.agent_name, true),
            Variable::AgentName => (&self.agent_name, false),
            Variable::QueueName => (&self.queue_name, false),
            Variable::ContactAccount => (&self.contact_account, false),
        };
        let value = value.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        let value = if first {
            value.split_whitespace().next()?
        } else {
            value
        };
        Some(value.to_string())
    }
}

/// The template with its variables filled; `escape` is applied to the values (HTML escaping
/// for an HTML body, nothing for text). A variable with no value and no fallback becomes a
/// placeholder named after it, so the agent fills it in before sending. Placeholders stay.
pub fn fill(
    template: &str,
    values: &Values,
    escape: impl Fn(&str) -> String,
) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len());
    for piece in parse(template)? {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Placeholder(label) => {
                out.push_str("[[");
                out.push_str(label);
                out.push_str("]]");
            }
            Piece::Var { var, fallback } => match (values.get(var), fallback) {
                (Some(v), _) => out.push_str(&escape(&v)),
                // The fallback is written in the template's own form: already escaped.
                (None, Some(f)) => out.push_str(f),
                (None, None) => {
                    out.push_str("[[");
                    out.push_str(&var.as_str().replace(['.', '_'], " "));
                    out.push_str("]]");
                }
            },
        }
    }
    Ok(out)
}

/// A placeholder found in text: its label and its byte range, brackets included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub label: String,
    pub start: usize,
    pub end: usize,
}

/// The placeholders still in a text, in order (the composer highlights them, Tab walks them).
pub fn placeholders(text: &str) -> Vec<Placeholder> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("[[").map(|i| from + i) {
        let Some(close) = text[open + 2..].find("]]").map(|i| open + 2 + i) else {
            break;
        };
        let label = text[open + 2..close].trim();
        if !label.is_empty() && !label.contains('[') && !label.contains('\n') {
            found.push(Placeholder {
                label: label.to_string(),
                start: open,
                end: close + 2,
            });
            from = close + 2;
        } else {
            from = open + 2;
        }
    }
    found
}

/// Send refuses while a placeholder is unfilled: the line it shows, naming the first.
pub fn unfilled(text: &str) -> Option<String> {
    placeholders(text)
        .first()
        .map(|p| format!("Fill in [[{}]] before sending.", p.label))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values {
            customer_name: Some("Rita Moreno".into()),
            agent_name: Some("Ana Lima".into()),
            queue_name: Some("Support".into()),
            contact_account: None,
        }
    }

    fn plain(s: &str) -> String {
        s.to_string()
    }

    #[test]
    fn variables_fill_with_values_then_fallbacks() {
        let t = r#"Hi {{customer.first_name | "there"}}, I'm {{ agent.first_name }} from {{queue.name}}."#;
        assert_eq!(
            fill(t, &values(), plain).unwrap(),
            "Hi Rita, I'm Ana from Support."
        );
        let none = Values::default();
        assert_eq!(
            fill(t, &none, plain).unwrap(),
            "Hi there, I'm [[agent first name]] from [[queue name]]."
        );
        let blank = Values {
            customer_name: Some("  ".into()),
            ..values()
        };
        assert!(fill(t, &blank, plain).unwrap().starts_with("Hi there,"));
    }

    #[test]
    fn html_fallbacks_and_escaped_values() {
        let t = "<p>Hi {{customer.first_name | &quot;there&quot;}} of {{contact.account | &quot;A &amp; B&quot;}}</p>";
        let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
        let v = Values {
            customer_name: Some("<b>Bo".into()),
            ..Values::default()
        };
        assert_eq!(fill(t, &v, esc).unwrap(), "<p>Hi &lt;b>Bo of A &amp; B</p>");
    }

    #[test]
    fn unknown_variables_and_bad_syntax_are_refused_when_saved() {
        let e = check("Hi {{customer.nickname}}").unwrap_err();
        assert_eq!(
            e,
            TemplateError::UnknownVariable {
                name: "customer.nickname".into()
            }
        );
        assert!(
            e.to_string().starts_with(
                "{{customer.nickname}} is not a variable; use one of customer.first_name"
            ),
            "{e}"
        );
        assert_eq!(check("Hi {{agent.name"), Err(TemplateError::Unclosed));
        assert!(matches!(
            check("{{agent.name | there}}"),
            Err(TemplateError::BadFallback { .. })
        ));
        assert_eq!(check("see [[ ]]"), Err(TemplateError::BadPlaceholder));
        assert_eq!(check("see [[order"), Err(TemplateError::BadPlaceholder));
        assert!(check("plain text, [single] {braces}").is_ok());
    }

    #[test]
    fn placeholders_are_found_in_order_and_refuse_a_send() {
        let t = "Order [[order number]] ships on [[date]]; [x] [[ ]] done";
        let found = placeholders(t);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].label, "order number");
        assert_eq!(&t[found[0].start..found[0].end], "[[order number]]");
        assert_eq!(found[1].label, "date");
        assert_eq!(
            unfilled(t).as_deref(),
            Some("Fill in [[order number]] before sending.")
        );
        assert_eq!(unfilled("Order 42 ships today"), None);
        let filled = fill("Your order [[order number]]", &values(), plain).unwrap();
        assert_eq!(filled, "Your order [[order number]]");
    }

    #[test]
    fn pieces() {
        assert_eq!(
            parse("a{{queue.name|\"q\"}}b[[x]]").unwrap(),
            vec![
                Piece::Text("a"),
                Piece::Var {
                    var: Variable::QueueName,
                    fallback: Some("q")
                },
                Piece::Text("b"),
                Piece::Placeholder("x"),
            ]
        );
        assert_eq!(parse("").unwrap(), vec![]);
    }
}
