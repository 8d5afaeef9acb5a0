//! The sign-in screen of a team's desktop: server, email, password, and "Keep me signed in
//! on this computer". The email field has the focus when it opens (the password, when the
//! email is remembered), Tab and Shift+Tab move between the fields and the checkbox, Space
//! toggles the checkbox, Enter signs in; a refusal empties the password and puts the focus
//! back in it. No IO here: the screen asks its parent to sign in ([`Action::Submit`]) and
//! is told how it went.
//!
//! A one-time password must be changed at the first sign-in: told so ([`Failed::must_change`]),
//! the screen asks for a new password twice (the focus in the first field, Tab, Enter),
//! refuses inline one that is too short, too common or typed differently, and signs in
//! again with it ([`Credentials::new_password`]).

use crate::widget::focus::focus;
use iced::widget::{button, checkbox, column, container, operation, text, text_input};
use iced::{Alignment, Element, Length, Task};
use livewindow_core::Password;
use livewindow_core::account::{MIN_PASSWORD_CHARS, check_password_change};

pub const SERVER_ID: &str = "sign-in-server";
pub const EMAIL_ID: &str = "sign-in-email";
pub const PASSWORD_ID: &str = "sign-in-password";
pub const KEEP_ID: &str = "sign-in-keep";
pub const KEEP_LABEL: &str = "Keep me signed in on this computer";
pub const NEW_ID: &str = "sign-in-new-password";
pub const AGAIN_ID: &str = "sign-in-new-password-again";

/// What the agent typed, to sign in with.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub server: String,
    pub email: String,
    pub password: Password,
    /// Keep the session on this computer (the keyring), to start signed in next time.
    pub keep: bool,
    /// The password that replaces a one-time `password`, once the screen asked for it.
    pub new_password: Option<Password>,
}

/// Why a sign-in did not go through: the line to show, and whether the server refused the
/// credentials (then the password is typed again) rather than not being reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Failed {
    pub line: String,
    pub refused: bool,
    /// The password is a one-time one: a new one is asked for (or was refused).
    pub must_change: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Server(String),
    Email(String),
    Password(String),
    Keep(bool),
    NewPassword(String),
    Again(String),
    Submit,
    /// Tab (`false`) or Shift+Tab (`true`).
    Tab(bool),
}

pub enum Action {
    None,
    Run(Task<Message>),
    Submit(Credentials),
}

#[derive(Debug, Clone)]
pub struct SignIn {
    server: String,
    email: String,
    password: String,
    keep: bool,
    busy: bool,
    line: Option<String>,
    /// Asking for the password that replaces a one-time one: typed, and typed again.
    choosing: Option<(String, String)>,
}

impl SignIn {
    /// The screen, with the server filled in when known and `why` said (a session that
    /// ended, for one), and the task that puts the focus in the email field.
    pub fn new(server: String, email: String, why: Option<String>) -> (SignIn, Task<Message>) {
        let first = if email.is_empty() {
            EMAIL_ID
        } else {
            PASSWORD_ID
        };
        (
            SignIn {
                server,
                email,
                password: String::new(),
                keep: false,
                busy: false,
                line: why,
                choosing: None,
            },
            operation::focus(first),
        )
    }

    pub fn line(&self) -> Option<&str> {
        self.line.as_deref()
    }

    /// Whether the screen asks for a new password (the one typed was a one-time one).
    pub fn is_choosing(&self) -> bool {
        self.choosing.is_some()
    }

    pub fn is_busy(&self) -> bool {
        self.busy
    }

    /// Whether "Keep me signed in on this computer" is checked.
    pub fn keeps(&self) -> bool {
        self.keep
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Server(s) => self.server = s,
            Message::Email(s) => self.email = s,
            Message::Password(s) => self.password = s,
            Message::NewPassword(s) => {
                if let Some((new, _)) = &mut self.choosing {
                    *new = s;
                }
            }
            Message::Again(s) => {
                if let Some((_, again)) = &mut self.choosing {
                    *again = s;
                }
            }
            Message::Keep(keep) => {
                if !self.busy {
                    self.keep = keep;
                }
            }
            Message::Tab(back) => {
                return Action::Run(if back {
                    operation::focus_previous()
                } else {
                    operation::focus_next()
                });
            }
            Message::Submit => {
                if self.busy {
                    return Action::None;
                }
                if self.choosing.is_some() {
                    return self.submit_new();
                }
                let missing = [
                    (self.server.trim(), "the server's address", SERVER_ID),
                    (self.email.trim(), "your email", EMAIL_ID),
                    (self.password.as_str(), "your password", PASSWORD_ID),
                ]
                .into_iter()
                .find(|(v, _, _)| v.is_empty());
                if let Some((_, what, id)) = missing {
                    self.line = Some(format!("Type {what} to sign in."));
                    return Action::Run(operation::focus(id));
                }
                self.busy = true;
                self.line = None;
                return Action::Submit(Credentials {
                    server: self.server.trim().to_string(),
                    email: self.email.trim().to_string(),
                    password: Password::new(self.password.clone()),
                    keep: self.keep,
                    new_password: None,
                });
            }
        }
        Action::None
    }

    /// The new password typed twice: refused here when the two differ or the rules say no
    /// (the server checks again), else signed in with.
    fn submit_new(&mut self) -> Action {
        let Some((new, again)) = &mut self.choosing else {
            return Action::None;
        };
        let refusal = if new.is_empty() {
            Some("Type your new password, then type it again.".to_string())
        } else if new != again {
            Some("The two passwords differ; type them again.".to_string())
        } else {
            check_password_change(&self.password, new)
                .err()
                .map(|e| crate::sentence("Choose another password", &e))
        };
        if let Some(line) = refusal {
            new.clear();
            again.clear();
            self.line = Some(line);
            return Action::Run(operation::focus(NEW_ID));
        }
        self.busy = true;
        self.line = None;
        Action::Submit(Credentials {
            server: self.server.trim().to_string(),
            email: self.email.trim().to_string(),
            password: Password::new(self.password.clone()),
            keep: self.keep,
            new_password: Some(Password::new(new.clone())),
        })
    }

    /// The sign-in failed: say why; after a refusal the password is typed again.
    pub fn failed(&mut self, f: Failed) -> Task<Message> {
        self.busy = false;
        self.line = Some(f.line);
        if f.must_change {
            self.choosing = Some((String::new(), String::new()));
            return operation::focus(NEW_ID);
        }
        self.choosing = None;
        if f.refused {
            self.password.clear();
            operation::focus(PASSWORD_ID)
        } else {
            Task::none()
        }
    }

    /// The checkbox, in the focus chain after the password: Space toggles it, Enter signs in.
    fn keep_box(&self) -> Element<'_, Message> {
        let mut keep = checkbox(self.keep).label(KEEP_LABEL).text_size(14);
        if !self.busy {
            keep = keep.on_toggle(Message::Keep);
        }
        let toggle = (!self.busy).then_some(Message::Keep(!self.keep));
        focus(keep, toggle).id(KEEP_ID).space_only().into()
    }

    pub fn view(&self) -> Element<'_, Message> {
        let field = |label: &'static str, input: iced::widget::TextInput<'static, Message>| {
            column![text(label).size(14), input.padding(8).size(16)].spacing(4)
        };
        if let Some((new, again)) = &self.choosing {
            let mut first = text_input("", new).id(NEW_ID).secure(true);
            let mut second = text_input("", again).id(AGAIN_ID).secure(true);
            if !self.busy {
                first = first
                    .on_input(Message::NewPassword)
                    .on_submit(Message::Submit);
                second = second.on_input(Message::Again).on_submit(Message::Submit);
            }
            let form = column![
                text("Choose your own password").size(24),
                text(format!(
                    "{} signed in with a one-time password. Choose a new one of at least \
                     {MIN_PASSWORD_CHARS} characters.",
                    self.email.trim()
                ))
                .size(14),
                field("New password", first),
                field("New password again", second),
            ];
            return self.finish(form, "Change password and sign in");
        }
        let mut server = text_input("https://chat.example.com", &self.server).id(SERVER_ID);
        let mut email = text_input("you@example.com", &self.email).id(EMAIL_ID);
        let mut password = text_input("", &self.password).id(PASSWORD_ID).secure(true);
        if !self.busy {
            server = server.on_input(Message::Server).on_submit(Message::Submit);
            email = email.on_input(Message::Email).on_submit(Message::Submit);
            password = password
                .on_input(Message::Password)
                .on_submit(Message::Submit);
        }
        let form = column![
            text("Sign in to Live Window").size(24),
            field("Server", server),
            field("Email", email),
            field("Password", password),
            self.keep_box(),
        ];
        self.finish(form, "Sign in")
    }

    /// A form's refusal line and its button, centred.
    fn finish<'a>(
        &'a self,
        form: iced::widget::Column<'a, Message>,
        label: &'static str,
    ) -> Element<'a, Message> {
        let mut form = form.spacing(14).width(Length::Fixed(380.0));
        if let Some(line) = &self.line {
            form = form.push(text(line.clone()).style(text::danger));
        }
        let label = if self.busy { "Signing in…" } else { label };
        form = form.push(
            button(text(label))
                .on_press_maybe((!self.busy).then_some(Message::Submit))
                .padding([8, 20]),
        );
        container(form.align_x(Alignment::Start))
            .center(Length::Fill)
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(screen: &mut SignIn, email: &str, password: &str) {
        let _ = screen.update(Message::Email(email.into()));
        let _ = screen.update(Message::Password(password.into()));
    }

    #[test]
    fn submit_asks_for_what_is_missing_then_signs_in_once() {
        let (mut s, _) = SignIn::new("https://chat.example.com".into(), String::new(), None);
        typed(&mut s, " ana@example.com ", "");
        assert!(matches!(s.update(Message::Submit), Action::Run(_)));
        assert_eq!(s.line(), Some("Type your password to sign in."));
        typed(&mut s, " ana@example.com ", "secret words");
        let Action::Submit(c) = s.update(Message::Submit) else {
            panic!("no submit");
        };
        assert_eq!(
            (c.server.as_str(), c.email.as_str()),
            ("https://chat.example.com", "ana@example.com")
        );
        assert_eq!(c.password.expose(), "secret words");
        assert!(!c.keep, "not kept unless asked");
        assert!(s.is_busy() && s.line().is_none());
        assert!(matches!(s.update(Message::Submit), Action::None), "once");
    }

    #[test]
    fn keeping_is_asked_for_and_travels_with_the_credentials() {
        let (mut s, _) = SignIn::new("https://chat.example.com".into(), String::new(), None);
        assert!(!s.keeps());
        let _ = s.update(Message::Keep(true));
        typed(&mut s, "ana@example.com", "secret words");
        let Action::Submit(c) = s.update(Message::Submit) else {
            panic!("no submit");
        };
        assert!(c.keep);
        // Not while signing in.
        let _ = s.update(Message::Keep(false));
        assert!(s.keeps());
    }

    #[test]
    fn a_refusal_empties_the_password_an_outage_keeps_it() {
        let (mut s, _) = SignIn::new(
            "https://chat.example.com".into(),
            "ana@example.com".into(),
            None,
        );
        typed(&mut s, "ana@example.com", "wrong words");
        let _ = s.update(Message::Submit);
        let _ = s.failed(Failed {
            line: "The email or the password is not right.".into(),
            refused: true,
            must_change: false,
        });
        assert!(!s.is_busy());
        assert_eq!(s.line(), Some("The email or the password is not right."));
        assert!(s.password.is_empty());
        typed(&mut s, "ana@example.com", "right words");
        let _ = s.update(Message::Submit);
        let _ = s.failed(Failed {
            line: "The server cannot be reached.".into(),
            refused: false,
            must_change: false,
        });
        assert_eq!(s.password, "right words");
    }

    #[test]
    fn a_one_time_password_asks_for_a_new_one_twice() {
        let (mut s, _) = SignIn::new("https://chat.example.com".into(), String::new(), None);
        typed(&mut s, "ana@example.com", "abcd-efgh-jkmn-pqrs");
        let _ = s.update(Message::Submit);
        let _ = s.failed(Failed {
            line: "Choose your own password.".into(),
            refused: false,
            must_change: true,
        });
        assert!(s.is_choosing() && !s.is_busy());
        fn both(s: &mut SignIn, new: &str, again: &str) -> Action {
            let _ = s.update(Message::NewPassword(new.into()));
            let _ = s.update(Message::Again(again.into()));
            s.update(Message::Submit)
        }
        for (new, again, line) in [
            (
                "tangerine-otter-42",
                "tangerine-otter-43",
                "The two passwords differ",
            ),
            ("short", "short", "at least 10 characters"),
            ("password123", "password123", "most common"),
            ("abcd-efgh-jkmn-pqrs", "abcd-efgh-jkmn-pqrs", "must differ"),
        ] {
            assert!(matches!(both(&mut s, new, again), Action::Run(_)), "{new}");
            let shown = s.line().unwrap_or_default();
            assert!(shown.contains(line), "{shown}");
            let Some((n, a)) = &s.choosing else {
                panic!("still choosing")
            };
            assert!(n.is_empty() && a.is_empty(), "typed again");
        }
        let Action::Submit(c) = both(&mut s, "tangerine-otter-42", "tangerine-otter-42") else {
            panic!("no submit");
        };
        assert_eq!(c.password.expose(), "abcd-efgh-jkmn-pqrs");
        assert_eq!(
            c.new_password.as_ref().map(|p| p.expose()),
            Some("tangerine-otter-42")
        );
    }
}
