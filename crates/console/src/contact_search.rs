//! Contact Search: find a contact by name, email, phone or account, or create one.
//!
//! It searches as the agent types: each edit asks the console for a pause
//! ([`Lookup::After`]); when the pause ends with no newer edit, the search runs. Enter
//! searches at once. Every search carries a number, and an answer older than the one on
//! screen is dropped, so a slow answer never replaces a newer one.

use super::style;
use crate::widget::focus::Keys;
use iced::widget::{button, column, container, row, scrollable, text, text_input};
use iced::{Element, Length};
use livewindow_core::StoreError;
use livewindow_core::crm::{Account, Contact, ContactDraft};
use livewindow_core::records::FieldError;
use livewindow_data::ContactMatches;
use std::time::Duration;

/// The pause after the last keystroke before searching.
pub const DEBOUNCE: Duration = Duration::from_millis(250);

/// How many contacts a search shows.
pub const SHOWN: i64 = 50;

#[derive(Debug, Clone, Default)]
pub struct State {
    query: String,
    results: Vec<Contact>,
    /// More contacts match than are shown.
    more: bool,
    searched: bool,
    searching: bool,
    error: Option<String>,
    create: Option<CreateForm>,
    /// Numbers every edit and search; a search's answer carries its number.
    seq: u64,
    /// The number of the newest search sent.
    sent: u64,
    /// The number of the answer on screen (or of the edit that emptied the box): answers
    /// with a number not above it are older, and dropped.
    shown: u64,
}

#[derive(Debug, Clone, Default)]
pub struct CreateForm {
    draft: ContactDraft,
    account_query: String,
    account: Option<Account>,
    account_results: Vec<Account>,
    errors: Vec<FieldError>,
    saving: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Query(String),
    /// The pause after the edit with this number is over.
    Due(u64),
    Search,
    /// The answer to the search with this number.
    Results(u64, Result<ContactMatches, StoreError>),
    Choose(Contact),
    NewContact,
    CancelNew,
    First(String),
    Last(String),
    Email(String),
    Phone(String),
    AccountQuery(String),
    AccountResults(Result<Vec<Account>, StoreError>),
    PickAccount(Account),
    Save,
    Saved(Result<Contact, StoreError>),
    Back,
}

/// What the screen asks of the console for a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Search now (at most [`SHOWN`]) and answer with `Message::Results(seq, …)`.
    Now { seq: u64, query: String },
    /// Wait `delay`, then send `Message::Due(seq)`.
    After { seq: u64, delay: Duration },
}

pub enum Action {
    None,
    Search(Lookup),
    SearchAccounts(String),
    Create(ContactDraft),
    Chosen(Contact),
    Back,
}

impl State {
    /// The contacts found by the latest search.
    pub fn results(&self) -> &[Contact] {
        &self.results
    }

    /// A search is on its way.
    pub fn searching(&self) -> bool {
        self.searching
    }

    /// Prefilled from the customer's name and email when nothing matched.
    pub fn prefilled(name: &str, email: &str) -> Self {
        let (first, last) = name.trim().rsplit_once(' ').unwrap_or(("", name.trim()));
        State {
            query: email.to_string(),
            create: Some(CreateForm {
                draft: ContactDraft {
                    first_name: first.trim().to_string(),
                    last_name: last.trim().to_string(),
                    email: email.to_string(),
                    ..ContactDraft::default()
                },
                ..CreateForm::default()
            }),
            ..State::default()
        }
    }

    /// Sends the search for the query as it is now.
    fn search_now(&mut self) -> Action {
        self.searching = true;
        self.error = None;
        // Searching again means the agent looks for an existing record.
        self.create = None;
        self.sent = self.seq;
        Action::Search(Lookup::Now {
            seq: self.seq,
            query: self.query.trim().to_string(),
        })
    }

    /// "3 contacts", "50 of more than 50": what the list shows, once a search answered.
    pub fn count(&self) -> Option<String> {
        let n = self.results.len();
        match (n, self.more) {
            _ if !self.searched => None,
            (0, _) => None,
            (n, true) => Some(format!("{n} of more than {n}")),
            (1, false) => Some("1 contact".into()),
            (n, false) => Some(format!("{n} contacts")),
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Query(q) => {
                self.query = q;
                self.seq += 1;
                if self.query.trim().is_empty() {
                    // Nothing to look for: the list empties, and answers on their way are
                    // older than this.
                    self.results.clear();
                    self.more = false;
                    self.searched = false;
                    self.searching = false;
                    self.error = None;
                    self.shown = self.seq;
                    return Action::None;
                }
                Action::Search(Lookup::After {
                    seq: self.seq,
                    delay: DEBOUNCE,
                })
            }
            // Only if nothing was typed (and Enter was not pressed) since.
            Message::Due(seq) if seq == self.seq => self.search_now(),
            Message::Due(_) => Action::None,
            Message::Search => {
                if self.query.trim().is_empty() {
                    self.error = Some("Type a name, email, phone or account to search.".into());
                    return Action::None;
                }
                self.seq += 1;
                self.search_now()
            }
            Message::Results(seq, _) if seq <= self.shown => Action::None,
            Message::Results(seq, r) => {
                self.shown = seq;
                self.searching = self.sent > seq;
                self.searched = true;
                match r {
                    Ok(m) => {
                        self.results = m.contacts;
                        self.more = m.more;
                        self.error = None;
                    }
                    Err(e) => self.error = Some(super::sentence("The search failed", &e)),
                }
                Action::None
            }
            Message::Choose(c) => Action::Chosen(c),
            Message::NewContact => {
                let mut form = CreateForm::default();
                let q = self.query.trim();
                if q.contains('@') {
                    form.draft.email = q.to_string();
                } else if let Some((f, l)) = q.rsplit_once(' ') {
                    form.draft.first_name = f.to_string();
                    form.draft.last_name = l.to_string();
                }
                self.create = Some(form);
                Action::None
            }
            Message::CancelNew => {
                self.create = None;
                Action::None
            }
            Message::Back => Action::Back,
            Message::Saved(Ok(contact)) => {
                self.create = None;
                Action::Chosen(contact)
            }
            Message::Saved(Err(e)) => {
                if let Some(f) = &mut self.create {
                    f.saving = false;
                    f.errors = vec![match e.field() {
                        // A field the store refused is shown at that field.
                        Some(field) => (field_key(field), e.message()),
                        None => ("form", super::sentence("The contact was not created", &e)),
                    }];
                }
                Action::None
            }
            other => {
                let Some(form) = self.create.as_mut() else {
                    return Action::None;
                };
                match other {
                    Message::First(v) => form.draft.first_name = v,
                    Message::Last(v) => form.draft.last_name = v,
                    Message::Email(v) => form.draft.email = v,
                    Message::Phone(v) => form.draft.phone = v,
                    Message::AccountQuery(q) => {
                        form.account_query = q.clone();
                        if q.trim().len() >= 2 {
                            return Action::SearchAccounts(q);
                        }
                        form.account_results.clear();
                        return Action::None;
                    }
                    Message::AccountResults(r) => form.account_results = r.unwrap_or_default(),
                    Message::PickAccount(a) => {
                        form.draft.account_id = Some(a.id);
                        form.account_query = a.name.clone();
                        form.account = Some(a);
                        form.account_results.clear();
                    }
                    Message::Save => {
                        form.errors = form.draft.check();
                        if form.errors.is_empty() {
                            form.saving = true;
                            return Action::Create(form.draft.clone());
                        }
                        return Action::None;
                    }
                    _ => {}
                }
                // Re-check as the agent types, once they tried to save.
                if !form.errors.is_empty() {
                    form.errors = form.draft.check();
                }
                Action::None
            }
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let search = row![
            text_input("Name, email, phone or account", &self.query)
                .id("contact-search")
                .on_input(Message::Query)
                .on_submit(Message::Search)
                .width(Length::Fill),
            // Enter or Search: at once, even while an older search is on its way.
            button(text("Search")).keys(Some(Message::Search)),
        ]
        .spacing(8);
        let mut page = column![
            row![
                text("Contact Search").size(22),
                iced::widget::space::horizontal(),
                button(text("Back to verification"))
                    .style(button::text)
                    .keys(Some(Message::Back)),
            ],
            search
        ]
        .spacing(12);
        if let Some(e) = &self.error {
            page = page.push(text(e).style(style::field_error));
        }
        if let Some(form) = &self.create {
            return page.push(create_view(form)).into();
        }
        // One status line, so the list does not jump as searches come and go.
        match (self.count(), self.searching) {
            (Some(count), true) => {
                page = page.push(text(format!("{count} · searching…")).style(style::muted));
            }
            (None, true) => page = page.push(text("Searching…").style(style::muted)),
            (Some(count), false) => page = page.push(text(count).style(style::muted)),
            (None, false) if self.searched => {
                page = page.push(text("No contact matches. Create a new one?"));
            }
            (None, false) => {}
        }
        let mut list = column![].spacing(4);
        for c in &self.results {
            list = list.push(
                // Two lines, so a narrow pane never overlays one field on the next.
                button(
                    column![
                        row![
                            text(c.full_name()).width(Length::Fill),
                            text(c.account_name.as_deref().unwrap_or("—")).style(style::muted),
                        ]
                        .spacing(8),
                        text(
                            [c.email.as_str(), c.phone.as_str()]
                                .into_iter()
                                .filter(|s| !s.is_empty())
                                .collect::<Vec<_>>()
                                .join(" · ")
                        )
                        .size(13)
                        .style(style::muted),
                    ]
                    .spacing(2),
                )
                .style(button::subtle)
                .width(Length::Fill)
                .keys(Some(Message::Choose(c.clone()))),
            );
        }
        page.push(scrollable(list).height(Length::Fill))
            .push(button(text("New contact")).keys(Some(Message::NewContact)))
            .into()
    }
}

/// The form's key for a field the store names (its fields are the draft's).
fn field_key(field: &str) -> &'static str {
    ["first name", "last name", "email", "phone"]
        .into_iter()
        .find(|k| *k == field)
        .unwrap_or("form")
}

fn create_view(form: &CreateForm) -> Element<'_, Message> {
    let error_for = |field: &str| {
        form.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| text(m.clone()).size(13).style(style::field_error))
    };
    let input =
        |label: &'static str, field: &'static str, value: &str, on: fn(String) -> Message| {
            let mut c = column![
                text(label).size(13).style(style::muted),
                text_input(label, value)
                    .id(format!("contact-{}", field.replace(' ', "-")))
                    .on_input(on)
                    .on_submit(Message::Save),
            ]
            .spacing(2);
            if let Some(e) = error_for(field) {
                c = c.push(e);
            }
            c
        };
    let mut accounts = column![].spacing(2);
    for a in &form.account_results {
        accounts = accounts.push(
            button(text(format!("{} ({})", a.name, a.number)))
                .style(button::subtle)
                .width(Length::Fill)
                .keys(Some(Message::PickAccount(a.clone()))),
        );
    }
    let mut col = column![
        text("New contact").size(18),
        row![
            input(
                "First name",
                "first name",
                &form.draft.first_name,
                Message::First
            ),
            input(
                "Last name",
                "last name",
                &form.draft.last_name,
                Message::Last
            ),
        ]
        .spacing(8),
        row![
            input("Email", "email", &form.draft.email, Message::Email),
            input("Phone", "phone", &form.draft.phone, Message::Phone),
        ]
        .spacing(8),
        column![
            text("Account").size(13).style(style::muted),
            text_input("Type to find an account", &form.account_query)
                .on_input(Message::AccountQuery),
            accounts,
        ]
        .spacing(2),
        row![
            button(text(if form.saving {
                "Saving…"
            } else {
                "Create contact"
            }))
            .style(button::primary)
            .keys((!form.saving).then_some(Message::Save)),
            button(text("Cancel"))
                .style(button::secondary)
                .keys(Some(Message::CancelNew)),
        ]
        .spacing(8),
    ]
    .spacing(10);
    if let Some(e) = error_for("form") {
        col = col.push(e);
    }
    container(col)
        .padding(12)
        .style(style::card)
        .width(Length::Fill)
        .into()
}
