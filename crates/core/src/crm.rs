//! The customer records a screen pop shows and the agent edits: accounts, contacts, assets
//! and work orders, the drafts an edit sends, and their checks.

use super::records::{self as rules, FieldError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub industry: String,
    pub phone: String,
    pub city: String,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Contact {
    pub id: i64,
    pub account_id: Option<i64>,
    pub account_name: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub version: i64,
}

impl Contact {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Asset {
    pub id: i64,
    pub account_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub product: String,
    pub serial: String,
    pub status: String,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WorkOrder {
    pub id: i64,
    pub number: String,
    pub account_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub asset_id: Option<i64>,
    pub subject: String,
    pub status: String,
    pub priority: String,
    pub opened_ms: i64,
    pub due_ms: Option<i64>,
    pub version: i64,
}

/// What a screen pop shows for a verified contact.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ScreenPop {
    pub contact: Contact,
    pub account: Option<Account>,
    pub contacts: Vec<Contact>,
    pub assets: Vec<Asset>,
    pub work_orders: Vec<WorkOrder>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Account,
    Contact,
    Asset,
    WorkOrder,
}

impl RecordKind {
    /// The record's name in a sentence ("this work order").
    pub fn noun(self) -> &'static str {
        match self {
            RecordKind::Account => "account",
            RecordKind::Contact => "contact",
            RecordKind::Asset => "asset",
            RecordKind::WorkOrder => "work order",
        }
    }
}

/// One record of any kind, as read back after a save.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum Record {
    Account(Account),
    Contact(Contact),
    Asset(Asset),
    WorkOrder(WorkOrder),
}

impl Record {
    pub fn id(&self) -> i64 {
        match self {
            Record::Account(a) => a.id,
            Record::Contact(c) => c.id,
            Record::Asset(a) => a.id,
            Record::WorkOrder(w) => w.id,
        }
    }
}

/// A change to save: a new record (`id` None) or an edit of `id` from `version`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecordEdit {
    pub id: Option<i64>,
    pub version: i64,
    pub draft: Draft,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum Draft {
    Account(AccountDraft),
    Contact(ContactDraft),
    Asset(AssetDraft),
    WorkOrder(WorkOrderDraft),
}

impl Draft {
    pub fn kind(&self) -> RecordKind {
        match self {
            Draft::Account(_) => RecordKind::Account,
            Draft::Contact(_) => RecordKind::Contact,
            Draft::Asset(_) => RecordKind::Asset,
            Draft::WorkOrder(_) => RecordKind::WorkOrder,
        }
    }

    /// Every field error at once, for showing at the fields.
    pub fn check(&self) -> Vec<FieldError> {
        match self {
            Draft::Account(d) => d.check(),
            Draft::Contact(d) => d.check(),
            Draft::Asset(d) => d.check(),
            Draft::WorkOrder(d) => d.check(),
        }
    }
}

fn errors<const N: usize>(checks: [Option<FieldError>; N]) -> Vec<FieldError> {
    checks.into_iter().flatten().collect()
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct ContactDraft {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub account_id: Option<i64>,
}

impl ContactDraft {
    pub fn check(&self) -> Vec<FieldError> {
        errors([
            rules::required("first name", &self.first_name, 60).err(),
            rules::required("last name", &self.last_name, 60).err(),
            rules::email("email", &self.email).err(),
            rules::phone("phone", &self.phone).err(),
        ])
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct AccountDraft {
    pub name: String,
    pub industry: String,
    pub phone: String,
    pub city: String,
}

impl AccountDraft {
    pub fn check(&self) -> Vec<FieldError> {
        errors([
            rules::required("name", &self.name, 120).err(),
            rules::optional("industry", &self.industry, 60).err(),
            rules::phone("phone", &self.phone).err(),
            rules::optional("city", &self.city, 60).err(),
        ])
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct AssetDraft {
    pub account_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub product: String,
    pub serial: String,
    pub status: String,
}

impl AssetDraft {
    pub fn check(&self) -> Vec<FieldError> {
        errors([
            rules::required("product", &self.product, 120).err(),
            rules::required("serial", &self.serial, 60).err(),
            rules::one_of("status", &self.status, rules::ASSET_STATUSES).err(),
        ])
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct WorkOrderDraft {
    pub account_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub asset_id: Option<i64>,
    pub subject: String,
    pub status: String,
    pub priority: String,
    /// YYYY-MM-DD or empty.
    pub due: String,
}

impl WorkOrderDraft {
    pub fn check(&self) -> Vec<FieldError> {
        errors([
            rules::required("subject", &self.subject, 200).err(),
            rules::one_of("status", &self.status, rules::WORK_ORDER_STATUSES).err(),
            rules::one_of("priority", &self.priority, rules::PRIORITIES).err(),
            rules::date("due", &self.due).err(),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields an agent got wrong, each named, all at once; a good draft has none.
    #[test]
    fn drafts_name_every_wrong_field() {
        let fields = |d: Draft| d.check().into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        let contact = ContactDraft {
            first_name: "Ana".into(),
            last_name: "Lima".into(),
            email: "ana@example.com".into(),
            phone: "+1 555 0100".into(),
            account_id: None,
        };
        assert!(fields(Draft::Contact(contact.clone())).is_empty());
        let bad = ContactDraft {
            first_name: " ".into(),
            last_name: String::new(),
            email: "ana@".into(),
            phone: "call me".into(),
            ..contact
        };
        assert_eq!(
            fields(Draft::Contact(bad)),
            ["first name", "last name", "email", "phone"]
        );
        let account = AccountDraft {
            name: "Northwind".into(),
            ..Default::default()
        };
        assert!(fields(Draft::Account(account.clone())).is_empty());
        let bad = AccountDraft {
            name: String::new(),
            industry: "i".repeat(61),
            phone: "x".into(),
            city: "c".repeat(61),
        };
        assert_eq!(
            fields(Draft::Account(bad)),
            ["name", "industry", "phone", "city"]
        );
        let asset = AssetDraft {
            product: "AquaPure 300".into(),
            serial: "SN-1".into(),
            status: "Active".into(),
            ..Default::default()
        };
        assert!(fields(Draft::Asset(asset)).is_empty());
        assert_eq!(
            fields(Draft::Asset(AssetDraft::default())),
            ["product", "serial", "status"]
        );
        let order = WorkOrderDraft {
            subject: "Replace the filter".into(),
            status: "open".into(),
            priority: "high".into(),
            due: "2026-12-01".into(),
            ..Default::default()
        };
        assert!(fields(Draft::WorkOrder(order.clone())).is_empty());
        let bad = WorkOrderDraft {
            subject: String::new(),
            status: "done".into(),
            priority: "asap".into(),
            due: "tomorrow".into(),
            ..order
        };
        assert_eq!(
            fields(Draft::WorkOrder(bad)),
            ["subject", "status", "priority", "due"]
        );
    }

    #[test]
    fn records_say_what_they_are() {
        let contact = Contact {
            id: 4,
            account_id: None,
            account_name: None,
            first_name: "Ana".into(),
            last_name: "Lima".into(),
            email: String::new(),
            phone: String::new(),
            version: 1,
        };
        assert_eq!(contact.full_name(), "Ana Lima");
        assert_eq!(Record::Contact(contact).id(), 4);
        let nouns: Vec<_> = [
            RecordKind::Account,
            RecordKind::Contact,
            RecordKind::Asset,
            RecordKind::WorkOrder,
        ]
        .iter()
        .map(|k| k.noun())
        .collect();
        assert_eq!(nouns, ["account", "contact", "asset", "work order"]);
    }
}
