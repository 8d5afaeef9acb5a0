//! The customer records a screen pop shows: accounts, contacts, assets and work orders.

use super::{Result, Store};
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub industry: String,
    pub phone: String,
    pub city: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub id: i64,
    pub account_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub product: String,
    pub serial: String,
    pub status: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

// One SELECT text and one row mapper per record type, shared by reads and by the edits in
// `records.rs`. Callers append WHERE / ORDER BY.
pub(super) const CONTACT_SELECT: &str = "SELECT c.id, c.account_id, ac.name AS account_name, \
     c.first_name, c.last_name, c.email, c.phone, c.version \
     FROM contacts c LEFT JOIN accounts ac ON ac.id = c.account_id";
pub(super) const ACCOUNT_SELECT: &str =
    "SELECT id, number, name, industry, phone, city, version FROM accounts";
pub(super) const ASSET_SELECT: &str =
    "SELECT id, account_id, contact_id, product, serial, status, version FROM assets";
pub(super) const WORK_ORDER_SELECT: &str = "SELECT id, number, account_id, contact_id, asset_id, \
     subject, status, priority, opened_ms, due_ms, version FROM work_orders";

pub(super) fn contact_row(row: &AnyRow) -> Result<Contact> {
    Ok(Contact {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        account_name: row.try_get("account_name")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        version: row.try_get("version")?,
    })
}

pub(super) fn account_row(r: &AnyRow) -> Result<Account> {
    Ok(Account {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        name: r.try_get("name")?,
        industry: r.try_get("industry")?,
        phone: r.try_get("phone")?,
        city: r.try_get("city")?,
        version: r.try_get("version")?,
    })
}

pub(super) fn asset_row(r: &AnyRow) -> Result<Asset> {
    Ok(Asset {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        contact_id: r.try_get("contact_id")?,
        product: r.try_get("product")?,
        serial: r.try_get("serial")?,
        status: r.try_get("status")?,
        version: r.try_get("version")?,
    })
}

impl Store {
    /// The contact that matches a chat's customer: by email first, then by full name.
    pub async fn match_contact(&self, email: &str, name: &str) -> Result<Option<Contact>> {
        let sql =
            format!("{CONTACT_SELECT} WHERE lower(c.email) = lower($1) ORDER BY c.id LIMIT 1");
        if let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(email.trim())
            .fetch_optional(self.pool())
            .await?
        {
            return contact_row(&row).map(Some);
        }
        let name = name.trim();
        let (first, last) = name.rsplit_once(' ').unwrap_or(("", name));
        let sql = format!(
            "{CONTACT_SELECT} \
             WHERE lower(c.last_name) = lower($1) AND lower(c.first_name) = lower($2) ORDER BY c.id LIMIT 1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(last.trim())
            .bind(first.trim())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| contact_row(&r)).transpose()
    }

    pub async fn contact_count(&self) -> Result<i64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    pub async fn accounts_of_contact(&self, contact_id: i64) -> Result<Vec<Account>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ACCOUNT_SELECT} WHERE id = (SELECT account_id FROM contacts WHERE id = $1)"
        )))
        .bind(contact_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(account_row).collect()
    }

    pub async fn work_orders_of_account(&self, account_id: i64) -> Result<Vec<WorkOrder>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{WORK_ORDER_SELECT} WHERE account_id = $1 ORDER BY opened_ms DESC, id DESC LIMIT 500"
        )))
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(work_order_row).collect()
    }

    pub async fn assets_of_account(&self, account_id: i64) -> Result<Vec<Asset>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ASSET_SELECT} WHERE account_id = $1 ORDER BY id"
        )))
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(asset_row).collect()
    }
}

pub(super) fn work_order_row(r: &AnyRow) -> Result<WorkOrder> {
    Ok(WorkOrder {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        account_id: r.try_get("account_id")?,
        contact_id: r.try_get("contact_id")?,
        asset_id: r.try_get("asset_id")?,
        subject: r.try_get("subject")?,
        status: r.try_get("status")?,
        priority: r.try_get("priority")?,
        opened_ms: r.try_get("opened_ms")?,
        due_ms: r.try_get("due_ms")?,
        version: r.try_get("version")?,
    })
}
