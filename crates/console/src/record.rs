//! One record open in the screen pop: its fields, saving with a version check, and the
//! errors shown at the fields.

use super::style;
use crate::widget::focus::{Keys, focus, next};
use iced::widget::{button, column, pick_list, row, text, text_input};
use iced::{Element, Length};
use livewindow_core::StoreError;
use livewindow_core::crm::{
    AccountDraft, AssetDraft, ContactDraft, Draft, Record, RecordEdit, RecordKind as Kind,
    ScreenPop, WorkOrderDraft,
};
use livewindow_core::records::{self as rules, FieldError};

#[derive(Debug, Clone)]
pub struct Field {
    pub key: &'static str,
    pub value: String,
    pub choices: Option<&'static [&'static str]>,
}

#[derive(Debug, Clone)]
pub struct RecordTab {
    pub kind: Kind,
    pub id: Option<i64>,
    pub version: i64,
    pub number: String,
    pub account_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub asset_id: Option<i64>,
    pub fields: Vec<Field>,
    /// The values as opened or last saved: anything else is an unsaved edit.
    saved: Vec<String>,
    pub errors: Vec<FieldError>,
    pub status: Option<String>,
    pub conflict: bool,
    pub saving: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Edit(usize, String),
    Save,
    /// The record as stored after a save or a reload.
    Saved(Result<Record, StoreError>),
    Reload,
}

pub enum Action {
    None,
    Save(RecordEdit),
    Reload(Kind, i64),
}

fn field(key: &'static str, value: impl Into<String>) -> Field {
    Field {
        key,
        value: value.into(),
        choices: None,
    }
}

fn choice(key: &'static str, value: impl Into<String>, choices: &'static [&'static str]) -> Field {
    Field {
        key,
        value: value.into(),
        choices: Some(choices),
    }
}

impl RecordTab {
    fn blank(kind: Kind) -> Self {
        RecordTab {
            kind,
            id: None,
            version: 0,
            number: String::new(),
            account_id: None,
            contact_id: None,
            asset_id: None,
            fields: Vec::new(),
            saved: Vec::new(),
            errors: Vec::new(),
            status: None,
            conflict: false,
            saving: false,
        }
    }

    /// An existing record, from the lists already loaded.
    pub fn open(kind: Kind, id: i64, data: &ScreenPop) -> Option<Self> {
        let mut t = RecordTab::blank(kind);
        t.id = Some(id);
        match kind {
            Kind::Account => {
                let a = data.account.as_ref().filter(|a| a.id == id)?;
                t.version = a.version;
                t.number = a.number.clone();
                t.fields = account_fields(&a.name, &a.industry, &a.phone, &a.city);
            }
            Kind::Contact => {
                let c = data.contacts.iter().find(|c| c.id == id)?;
                t.version = c.version;
                t.account_id = c.account_id;
                t.fields = contact_fields(&c.first_name, &c.last_name, &c.email, &c.phone);
            }
            Kind::Asset => {
                let a = data.assets.iter().find(|a| a.id == id)?;
                t.version = a.version;
                t.account_id = a.account_id;
                t.contact_id = a.contact_id;
                t.number = a.serial.clone();
                t.fields = asset_fields(&a.product, &a.serial, &a.status);
            }
            Kind::WorkOrder => {
                let w = data.work_orders.iter().find(|w| w.id == id)?;
                t.version = w.version;
                t.number = w.number.clone();
                t.account_id = w.account_id;
                t.contact_id = w.contact_id;
                t.asset_id = w.asset_id;
                t.fields = work_order_fields(
                    &w.subject,
                    &w.status,
                    &w.priority,
                    &rules::date_text(w.due_ms),
                );
            }
        }
        t.mark_saved();
        Some(t)
    }

    /// A new record for the customer (a work order may be for one asset).
    pub fn new(kind: Kind, data: &ScreenPop, asset: Option<i64>) -> Self {
        let mut t = RecordTab::blank(kind);
        t.account_id = data.account.as_ref().map(|a| a.id);
        t.contact_id = Some(data.contact.id);
        t.asset_id = asset;
        t.fields = match kind {
            Kind::Account => account_fields("", "", "", ""),
            Kind::Contact => contact_fields("", "", "", ""),
            Kind::Asset => asset_fields("", "", "active"),
            Kind::WorkOrder => {
                let subject = asset
                    .and_then(|id| data.assets.iter().find(|a| a.id == id))
                    .map(|a| format!("Service for {} ({})", a.product, a.serial))
                    .unwrap_or_default();
                work_order_fields(&subject, "open", "normal", "")
            }
        };
        t.mark_saved();
        t
    }

    fn mark_saved(&mut self) {
        self.saved = self.fields.iter().map(|f| f.value.clone()).collect();
    }

    /// Whether the agent changed a field since it was opened or saved.
    pub fn is_edited(&self) -> bool {
        !self.fields.iter().map(|f| &f.value).eq(self.saved.iter())
    }

    pub fn title(&self) -> String {
        let what = match self.kind {
            Kind::Account => "Account",
            Kind::Contact => "Contact",
            Kind::Asset => "Asset",
            Kind::WorkOrder => "Work order",
        };
        match (self.id, self.number.is_empty()) {
            (None, _) => format!("New {}", what.to_lowercase()),
            (Some(_), false) => self.number.clone(),
            (Some(id), true) => format!("{what} {id}"),
        }
    }

    fn value(&self, key: &str) -> String {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.value.clone())
            .unwrap_or_default()
    }

    fn check(&self) -> Vec<FieldError> {
        self.draft().check()
    }

    fn draft(&self) -> Draft {
        match self.kind {
            Kind::Account => Draft::Account(self.account_draft()),
            Kind::Contact => Draft::Contact(self.contact_draft()),
            Kind::Asset => Draft::Asset(self.asset_draft()),
            Kind::WorkOrder => Draft::WorkOrder(self.work_order_draft()),
        }
    }

    /// Shows a record as stored.
    fn show(&mut self, record: Record) {
        self.id = Some(record.id());
        match record {
            Record::Account(a) => {
                self.version = a.version;
                self.number = a.number;
                self.fields = account_fields(&a.name, &a.industry, &a.phone, &a.city);
            }
            Record::Contact(c) => {
                self.version = c.version;
                self.number = String::new();
                self.fields = contact_fields(&c.first_name, &c.last_name, &c.email, &c.phone);
            }
            Record::Asset(a) => {
                self.version = a.version;
                self.fields = asset_fields(&a.product, &a.serial, &a.status);
                self.number = a.serial;
            }
            Record::WorkOrder(w) => {
                self.version = w.version;
                self.number = w.number;
                self.fields = work_order_fields(
                    &w.subject,
                    &w.status,
                    &w.priority,
                    &rules::date_text(w.due_ms),
                );
            }
        }
        self.mark_saved();
    }

    fn account_draft(&self) -> AccountDraft {
        AccountDraft {
            name: self.value("name"),
            industry: self.value("industry"),
            phone: self.value("phone"),
            city: self.value("city"),
        }
    }

    fn contact_draft(&self) -> ContactDraft {
        ContactDraft {
            first_name: self.value("first name"),
            last_name: self.value("last name"),
            email: self.value("email"),
            phone: self.value("phone"),
            account_id: self.account_id,
        }
    }

    fn asset_draft(&self) -> AssetDraft {
        AssetDraft {
            account_id: self.account_id,
            contact_id: self.contact_id,
            product: self.value("product"),
            serial: self.value("serial"),
            status: self.value("status"),
        }
    }

    fn work_order_draft(&self) -> WorkOrderDraft {
        WorkOrderDraft {
            account_id: self.account_id,
            contact_id: self.contact_id,
            asset_id: self.asset_id,
            subject: self.value("subject"),
            status: self.value("status"),
            priority: self.value("priority"),
            due: self.value("due"),
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Edit(i, v) => {
                if let Some(f) = self.fields.get_mut(i) {
                    f.value = v;
                }
                if !self.errors.is_empty() {
                    self.errors = self.check();
                }
                self.status = None;
                Action::None
            }
            Message::Save => {
                self.errors = self.check();
                if !self.errors.is_empty() || self.saving {
                    return Action::None;
                }
                self.saving = true;
                self.status = None;
                Action::Save(RecordEdit {
                    id: self.id,
                    version: self.version,
                    draft: self.draft(),
                })
            }
            Message::Saved(Ok(record)) => {
                self.saving = false;
                self.conflict = false;
                self.show(record);
                self.status = Some("Saved.".into());
                Action::None
            }
            Message::Saved(Err(e)) => {
                self.saving = false;
                self.conflict = matches!(e, StoreError::EditConflict { .. });
                self.status = Some(match e.field() {
                    Some(field) if self.fields.iter().any(|f| f.key == field) => {
                        // The field says what is wrong; the status says where.
                        let key = self.fields.iter().find(|f| f.key == field).map(|f| f.key);
                        if let Some(key) = key {
                            self.errors = vec![(key, e.message())];
                        }
                        "Not saved: see the field above.".to_string()
                    }
                    _ => super::sentence("Not saved", &e),
                });
                Action::None
            }
            Message::Reload => match self.id {
                Some(id) => Action::Reload(self.kind, id),
                None => Action::None,
            },
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let mut form = column![text(self.title()).size(18)].spacing(8);
        for (i, f) in self.fields.iter().enumerate() {
            let label = text(capitalize(f.key)).size(13).style(style::muted);
            let input: Element<'_, Message> = match f.choices {
                Some(choices) => {
                    let now = choices.iter().copied().find(|c| *c == f.value);
                    focus(
                        pick_list(choices, now, move |v: &str| Message::Edit(i, v.to_string()))
                            .width(Length::Fill),
                        next(choices, now.as_ref()).map(|v| Message::Edit(i, v.to_string())),
                    )
                    .id(field_id(f.key))
                    .shortcut("Enter or Space: the next value")
                    .into()
                }
                None => text_input(&capitalize(f.key), &f.value)
                    .id(field_id(f.key))
                    .on_input(move |v| Message::Edit(i, v))
                    .on_submit(Message::Save)
                    .into(),
            };
            let mut c = column![label, input].spacing(2);
            if let Some((_, e)) = self.errors.iter().find(|(k, _)| *k == f.key) {
                c = c.push(text(e.clone()).size(13).style(style::field_error));
            }
            form = form.push(c);
        }
        let mut actions = row![
            button(text(if self.saving { "Saving…" } else { "Save" }))
                .style(button::primary)
                .keys((!self.saving).then_some(Message::Save))
        ]
        .spacing(8);
        if self.conflict {
            actions = actions.push(
                button(text("Reload"))
                    .style(button::secondary)
                    .keys(Some(Message::Reload)),
            );
        }
        form = form.push(actions);
        if let Some(s) = &self.status {
            form = form.push(if self.conflict || s != "Saved." {
                text(s.clone()).style(style::field_error)
            } else {
                text(s.clone())
            });
        }
        iced::widget::scrollable(form.max_width(560)).into()
    }
}

impl RecordTab {
    /// The first field's widget id.
    pub fn first_field(&self) -> Option<iced::widget::Id> {
        self.fields.first().map(|f| field_id(f.key))
    }
}

/// The id of a record field's input: `field-subject`, `field-first-name`.
pub fn field_id(key: &str) -> iced::widget::Id {
    iced::widget::Id::from(format!("field-{}", key.replace(' ', "-")))
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn account_fields(name: &str, industry: &str, phone: &str, city: &str) -> Vec<Field> {
    vec![
        field("name", name),
        field("industry", industry),
        field("phone", phone),
        field("city", city),
    ]
}

fn contact_fields(first: &str, last: &str, email: &str, phone: &str) -> Vec<Field> {
    vec![
        field("first name", first),
        field("last name", last),
        field("email", email),
        field("phone", phone),
    ]
}

fn asset_fields(product: &str, serial: &str, status: &str) -> Vec<Field> {
    vec![
        field("product", product),
        field("serial", serial),
        choice("status", status, rules::ASSET_STATUSES),
    ]
}

fn work_order_fields(subject: &str, status: &str, priority: &str, due: &str) -> Vec<Field> {
    vec![
        field("subject", subject),
        choice("status", status, rules::WORK_ORDER_STATUSES),
        choice("priority", priority, rules::PRIORITIES),
        field("due", due),
    ]
}
