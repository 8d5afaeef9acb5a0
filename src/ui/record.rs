//! One record open in the screen pop: its fields, saving with a version check, and the
//! errors shown at the fields.

use super::screen_pop::Data;
use super::style;
use crate::core::records::{self as rules, FieldError};
use crate::store::{AccountDraft, AssetDraft, ContactDraft, Store, StoreError, WorkOrderDraft};
use iced::widget::{button, column, pick_list, row, text, text_input};
use iced::{Element, Length, Task};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Account,
    Contact,
    Asset,
    WorkOrder,
}

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
    pub errors: Vec<FieldError>,
    pub status: Option<String>,
    pub conflict: bool,
    pub saving: bool,
}

/// What a save gives back: the record's new id, version and fields.
#[derive(Debug, Clone)]
pub struct Saved {
    id: i64,
    version: i64,
    number: String,
    fields: Vec<Field>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Edit(usize, String),
    Save,
    Saved(Result<Saved, (bool, String)>),
    Reload,
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
            errors: Vec::new(),
            status: None,
            conflict: false,
            saving: false,
        }
    }

    /// An existing record, from the lists already loaded.
    pub fn open(kind: Kind, id: i64, data: &Data) -> Option<Self> {
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
        Some(t)
    }

    /// A new record for the customer (a work order may be for one asset).
    pub fn new(kind: Kind, data: &Data, asset: Option<i64>) -> Self {
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
        t
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
        match self.kind {
            Kind::Account => self.account_draft().check(),
            Kind::Contact => self.contact_draft().check(),
            Kind::Asset => self.asset_draft().check(),
            Kind::WorkOrder => self.work_order_draft().check(),
        }
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

    pub fn update(&mut self, store: &Store, message: Message) -> Task<Message> {
        match message {
            Message::Edit(i, v) => {
                if let Some(f) = self.fields.get_mut(i) {
                    f.value = v;
                }
                if !self.errors.is_empty() {
                    self.errors = self.check();
                }
                self.status = None;
                Task::none()
            }
            Message::Save => {
                self.errors = self.check();
                if !self.errors.is_empty() || self.saving {
                    return Task::none();
                }
                self.saving = true;
                self.status = None;
                Task::perform(save(store.clone(), self.clone()), Message::Saved)
            }
            Message::Saved(Ok(saved)) => {
                self.saving = false;
                self.conflict = false;
                self.id = Some(saved.id);
                self.version = saved.version;
                self.number = saved.number;
                self.fields = saved.fields;
                self.status = Some("Saved.".into());
                Task::none()
            }
            Message::Saved(Err((conflict, e))) => {
                self.saving = false;
                self.conflict = conflict;
                self.status = Some(e);
                Task::none()
            }
            Message::Reload => {
                let Some(id) = self.id else {
                    return Task::none();
                };
                let kind = self.kind;
                let store = store.clone();
                Task::perform(
                    async move {
                        reload(&store, kind, id)
                            .await
                            .map_err(|e| (false, e.to_string()))
                    },
                    Message::Saved,
                )
            }
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let mut form = column![text(self.title()).size(18)].spacing(8);
        for (i, f) in self.fields.iter().enumerate() {
            let label = text(capitalize(f.key)).size(13).style(style::muted);
            let input: Element<'_, Message> = match f.choices {
                Some(choices) => pick_list(
                    choices,
                    choices.iter().copied().find(|c| *c == f.value),
                    move |v: &str| Message::Edit(i, v.to_string()),
                )
                .width(Length::Fill)
                .into(),
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
                .on_press_maybe((!self.saving).then_some(Message::Save))
        ]
        .spacing(8);
        if self.conflict {
            actions = actions.push(
                button(text("Reload"))
                    .style(button::secondary)
                    .on_press(Message::Reload),
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

fn save_error(e: StoreError) -> (bool, String) {
    match e {
        StoreError::Conflict(m) => (true, capitalize(&m)),
        other => (false, capitalize(&other.to_string())),
    }
}

async fn save(store: Store, t: RecordTab) -> Result<Saved, (bool, String)> {
    let id = match (t.kind, t.id) {
        (Kind::Account, Some(id)) => store
            .update_account(id, t.version, &t.account_draft())
            .await
            .map(|a| a.id),
        (Kind::Account, None) => Err(StoreError::Invalid(
            "new accounts are created by an administrator".into(),
        )),
        (Kind::Contact, Some(id)) => store
            .update_contact(id, t.version, &t.contact_draft())
            .await
            .map(|c| c.id),
        (Kind::Contact, None) => store.create_contact(&t.contact_draft()).await.map(|c| c.id),
        (Kind::Asset, Some(id)) => store
            .update_asset(id, t.version, &t.asset_draft())
            .await
            .map(|a| a.id),
        (Kind::Asset, None) => store.create_asset(&t.asset_draft()).await.map(|a| a.id),
        (Kind::WorkOrder, Some(id)) => store
            .update_work_order(id, t.version, &t.work_order_draft())
            .await
            .map(|w| w.id),
        (Kind::WorkOrder, None) => store
            .create_work_order(&t.work_order_draft())
            .await
            .map(|w| w.id),
    }
    .map_err(save_error)?;
    reload(&store, t.kind, id).await.map_err(save_error)
}

async fn reload(store: &Store, kind: Kind, id: i64) -> Result<Saved, StoreError> {
    Ok(match kind {
        Kind::Account => {
            let a = store.account(id).await?;
            Saved {
                id,
                version: a.version,
                number: a.number,
                fields: account_fields(&a.name, &a.industry, &a.phone, &a.city),
            }
        }
        Kind::Contact => {
            let c = store.contact(id).await?;
            Saved {
                id,
                version: c.version,
                number: String::new(),
                fields: contact_fields(&c.first_name, &c.last_name, &c.email, &c.phone),
            }
        }
        Kind::Asset => {
            let a = store.asset(id).await?;
            Saved {
                id,
                version: a.version,
                number: a.serial.clone(),
                fields: asset_fields(&a.product, &a.serial, &a.status),
            }
        }
        Kind::WorkOrder => {
            let w = store.work_order(id).await?;
            Saved {
                id,
                version: w.version,
                number: w.number,
                fields: work_order_fields(
                    &w.subject,
                    &w.status,
                    &w.priority,
                    &rules::date_text(w.due_ms),
                ),
            }
        }
    })
}
