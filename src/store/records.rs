//! Creating and changing CRM records from the screen pop. Every change checks the version
//! the agent started from, so an edit another agent saved first is reported, never
//! silently overwritten.

use super::crm::{
    ACCOUNT_SELECT, ASSET_SELECT, CONTACT_SELECT, WORK_ORDER_SELECT, account_row, asset_row,
    contact_row, work_order_row,
};
use super::{Account, Asset, Contact, Result, Store, StoreError, WorkOrder};
use crate::core::records::{self as rules, FieldError};

fn invalid((field, message): FieldError) -> StoreError {
    StoreError::Invalid(format!("{field}: {message}"))
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactDraft {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub account_id: Option<i64>,
}

impl ContactDraft {
    /// Every field error at once, for showing at the fields.
    pub fn check(&self) -> Vec<FieldError> {
        [
            rules::required("first name", &self.first_name, 60).err(),
            rules::required("last name", &self.last_name, 60).err(),
            rules::email("email", &self.email).err(),
            rules::phone("phone", &self.phone).err(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountDraft {
    pub name: String,
    pub industry: String,
    pub phone: String,
    pub city: String,
}

impl AccountDraft {
    pub fn check(&self) -> Vec<FieldError> {
        [
            rules::required("name", &self.name, 120).err(),
            rules::optional("industry", &self.industry, 60).err(),
            rules::phone("phone", &self.phone).err(),
            rules::optional("city", &self.city, 60).err(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetDraft {
    pub account_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub product: String,
    pub serial: String,
    pub status: String,
}

impl AssetDraft {
    pub fn check(&self) -> Vec<FieldError> {
        [
            rules::required("product", &self.product, 120).err(),
            rules::required("serial", &self.serial, 60).err(),
            rules::one_of("status", &self.status, rules::ASSET_STATUSES).err(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
        [
            rules::required("subject", &self.subject, 200).err(),
            rules::one_of("status", &self.status, rules::WORK_ORDER_STATUSES).err(),
            rules::one_of("priority", &self.priority, rules::PRIORITIES).err(),
            rules::date("due", &self.due).err(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

fn first_error(errors: Vec<FieldError>) -> Result<()> {
    match errors.into_iter().next() {
        Some(e) => Err(invalid(e)),
        None => Ok(()),
    }
}

/// Turns "0 rows updated" into a clear reason: gone, or changed by someone else.
async fn conflict(store: &Store, table: &str, what: &str, id: i64) -> StoreError {
    let sql = format!("SELECT version FROM {table} WHERE id = $1");
    match sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(store.pool())
        .await
    {
        Ok(Some(v)) => StoreError::Conflict(format!(
            "someone else saved this {what} first (it is now at version {v}); reload it to see their changes"
        )),
        Ok(None) => StoreError::NotFound(format!("this {what} no longer exists")),
        Err(e) => e.into(),
    }
}

impl Store {
    /// Commits a versioned update, or (nothing changed) rolls back and says why: the record
    /// is gone, or someone saved it first.
    async fn finish_update(
        &self,
        w: super::WriteTx,
        changed: u64,
        table: &str,
        what: &str,
        id: i64,
    ) -> Result<()> {
        if changed == 0 {
            drop(w);
            return Err(conflict(self, table, what, id).await);
        }
        w.commit().await
    }

    pub async fn contact(&self, id: i64) -> Result<Contact> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{CONTACT_SELECT} WHERE c.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no contact {id}")))?;
        contact_row(&row)
    }

    /// Contacts whose name, email, phone or account name starts with `query` (for a name,
    /// the first or the last name, or "first last"). At most `limit`, by last name.
    pub async fn search_contacts(&self, query: &str, limit: i64) -> Result<Vec<Contact>> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let prefix = format!("{escaped}%");
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let (first, last) = match q.rsplit_once(' ') {
            Some((f, l)) => (f.trim().to_string(), format!("{}%", l.trim())),
            None => (String::new(), String::new()),
        };
        let sql = format!(
            "{CONTACT_SELECT} WHERE lower(c.email) LIKE $1 ESCAPE '\\' \
               OR lower(c.last_name) LIKE $1 ESCAPE '\\' OR lower(c.first_name) LIKE $1 ESCAPE '\\' \
               OR (lower(c.first_name) = $2 AND lower(c.last_name) LIKE $3 ESCAPE '\\') \
               OR ($4 <> '' AND replace(replace(replace(c.phone, '-', ''), ' ', ''), '+', '') LIKE $5) \
               OR lower(ac.name) LIKE $1 ESCAPE '\\' \
             ORDER BY lower(c.last_name), lower(c.first_name), c.id LIMIT $6"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&prefix)
            .bind(&first)
            .bind(&last)
            .bind(&digits)
            .bind(format!("%{digits}%"))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(contact_row).collect()
    }

    pub async fn create_contact(&self, d: &ContactDraft) -> Result<Contact> {
        first_error(d.check())?;
        let mut w = self.write().await?;
        let id: i64 = sqlx::query_scalar(self.sql(
            "INSERT INTO contacts (account_id, first_name, last_name, email, phone, updated_ms) \
             VALUES ($1, $2, $3, $4, $5, NOW_MS) RETURNING id",
        ))
        .bind(d.account_id)
        .bind(d.first_name.trim())
        .bind(d.last_name.trim())
        .bind(d.email.trim())
        .bind(d.phone.trim())
        .fetch_one(&mut *w.tx)
        .await?;
        w.commit().await?;
        self.contact(id).await
    }

    pub async fn update_contact(&self, id: i64, version: i64, d: &ContactDraft) -> Result<Contact> {
        first_error(d.check())?;
        let mut w = self.write().await?;
        let n = sqlx::query(self.sql(
            "UPDATE contacts SET account_id = $1, first_name = $2, last_name = $3, email = $4, \
             phone = $5, version = version + 1, updated_ms = NOW_MS WHERE id = $6 AND version = $7",
        ))
        .bind(d.account_id)
        .bind(d.first_name.trim())
        .bind(d.last_name.trim())
        .bind(d.email.trim())
        .bind(d.phone.trim())
        .bind(id)
        .bind(version)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        self.finish_update(w, n, "contacts", "contact", id).await?;
        self.contact(id).await
    }

    pub async fn account(&self, id: i64) -> Result<Account> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ACCOUNT_SELECT} WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no account {id}")))?;
        account_row(&row)
    }

    /// Accounts whose name or number starts with `query`.
    pub async fn search_accounts(&self, query: &str, limit: i64) -> Result<Vec<Account>> {
        let q = query.trim().to_lowercase();
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ACCOUNT_SELECT} WHERE lower(name) LIKE $1 OR lower(number) LIKE $1 OR lower(name) LIKE $2 \
             ORDER BY name LIMIT $3"
        )))
        .bind(format!("{q}%"))
        .bind(format!("% {q}%"))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(account_row).collect()
    }

    pub async fn update_account(&self, id: i64, version: i64, d: &AccountDraft) -> Result<Account> {
        first_error(d.check())?;
        let mut w = self.write().await?;
        let n = sqlx::query(self.sql(
            "UPDATE accounts SET name = $1, industry = $2, phone = $3, city = $4, \
             version = version + 1, updated_ms = NOW_MS WHERE id = $5 AND version = $6",
        ))
        .bind(d.name.trim())
        .bind(d.industry.trim())
        .bind(d.phone.trim())
        .bind(d.city.trim())
        .bind(id)
        .bind(version)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        self.finish_update(w, n, "accounts", "account", id).await?;
        self.account(id).await
    }

    pub async fn contacts_of_account(&self, account_id: i64) -> Result<Vec<Contact>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{CONTACT_SELECT} WHERE c.account_id = $1 ORDER BY c.last_name, c.first_name, c.id LIMIT 500"
        )))
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(contact_row).collect()
    }

    pub async fn asset(&self, id: i64) -> Result<Asset> {
        let r = sqlx::query(sqlx::AssertSqlSafe(format!("{ASSET_SELECT} WHERE id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no asset {id}")))?;
        asset_row(&r)
    }

    pub async fn create_asset(&self, d: &AssetDraft) -> Result<Asset> {
        first_error(d.check())?;
        let mut w = self.write().await?;
        let id: i64 = sqlx::query_scalar(self.sql(
            "INSERT INTO assets (account_id, contact_id, product, serial, status, updated_ms) \
             VALUES ($1, $2, $3, $4, $5, NOW_MS) RETURNING id",
        ))
        .bind(d.account_id)
        .bind(d.contact_id)
        .bind(d.product.trim())
        .bind(d.serial.trim())
        .bind(d.status.trim().to_lowercase())
        .fetch_one(&mut *w.tx)
        .await?;
        w.commit().await?;
        self.asset(id).await
    }

    pub async fn update_asset(&self, id: i64, version: i64, d: &AssetDraft) -> Result<Asset> {
        first_error(d.check())?;
        let mut w = self.write().await?;
        let n = sqlx::query(self.sql(
            "UPDATE assets SET product = $1, serial = $2, status = $3, contact_id = $4, \
             version = version + 1, updated_ms = NOW_MS WHERE id = $5 AND version = $6",
        ))
        .bind(d.product.trim())
        .bind(d.serial.trim())
        .bind(d.status.trim().to_lowercase())
        .bind(d.contact_id)
        .bind(id)
        .bind(version)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        self.finish_update(w, n, "assets", "asset", id).await?;
        self.asset(id).await
    }

    pub async fn work_order(&self, id: i64) -> Result<WorkOrder> {
        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{WORK_ORDER_SELECT} WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no work order {id}")))?;
        work_order_row(&r)
    }

    /// A new work order, numbered after the highest number so far (in the same transaction).
    pub async fn create_work_order(&self, d: &WorkOrderDraft) -> Result<WorkOrder> {
        first_error(d.check())?;
        let due = rules::date("due", &d.due).map_err(invalid)?;
        let mut w = self.write().await?;
        if self.backend() == super::Backend::Postgres {
            // Serialize numbering between desktops for this one transaction.
            sqlx::query("LOCK TABLE work_orders IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *w.tx)
                .await?;
        }
        let last: Option<String> =
            sqlx::query_scalar("SELECT max(number) FROM work_orders WHERE number LIKE 'WO-%'")
                .fetch_one(&mut *w.tx)
                .await?;
        let next = last
            .and_then(|n| n.trim_start_matches("WO-").parse::<i64>().ok())
            .unwrap_or(200000)
            + 1;
        let id: i64 = sqlx::query_scalar(self.sql(
            "INSERT INTO work_orders (number, account_id, contact_id, asset_id, subject, status, \
             priority, opened_ms, due_ms, updated_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NOW_MS, $8, NOW_MS) RETURNING id",
        ))
        .bind(format!("WO-{next:06}"))
        .bind(d.account_id)
        .bind(d.contact_id)
        .bind(d.asset_id)
        .bind(d.subject.trim())
        .bind(d.status.trim().to_lowercase())
        .bind(d.priority.trim().to_lowercase())
        .bind(due)
        .fetch_one(&mut *w.tx)
        .await?;
        w.commit().await?;
        self.work_order(id).await
    }

    pub async fn update_work_order(
        &self,
        id: i64,
        version: i64,
        d: &WorkOrderDraft,
    ) -> Result<WorkOrder> {
        first_error(d.check())?;
        let due = rules::date("due", &d.due).map_err(invalid)?;
        let mut w = self.write().await?;
        let n = sqlx::query(self.sql(
            "UPDATE work_orders SET subject = $1, status = $2, priority = $3, due_ms = $4, \
             asset_id = $5, contact_id = $6, \
             closed_ms = CASE WHEN $2 = 'closed' THEN COALESCE(closed_ms, NOW_MS) ELSE NULL END, \
             version = version + 1, updated_ms = NOW_MS WHERE id = $7 AND version = $8",
        ))
        .bind(d.subject.trim())
        .bind(d.status.trim().to_lowercase())
        .bind(d.priority.trim().to_lowercase())
        .bind(due)
        .bind(d.asset_id)
        .bind(d.contact_id)
        .bind(id)
        .bind(version)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        self.finish_update(w, n, "work_orders", "work order", id)
            .await?;
        self.work_order(id).await
    }
}
