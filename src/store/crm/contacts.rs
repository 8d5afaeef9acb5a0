//! Contacts: matching a chat's customer, search, and edits.

use super::{AnyQuery, checked};
use crate::core::crm::{Contact, ContactDraft, RecordKind};
use crate::store::{Result, Store, StoreError};
use sqlx::Row;
use sqlx::any::AnyRow;

const CONTACT_SELECT: &str = "SELECT c.id, c.account_id, \
     ac.name AS account_name, c.first_name, c.last_name, c.email, c.phone, c.version \
     FROM contacts c LEFT JOIN accounts ac ON ac.id = c.account_id";

fn contact_row(row: &AnyRow) -> Result<Contact> {
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

fn bind_draft(q: AnyQuery<'static>, d: &ContactDraft) -> AnyQuery<'static> {
    q.bind(d.account_id)
        .bind(d.first_name.trim().to_string())
        .bind(d.last_name.trim().to_string())
        .bind(d.email.trim().to_string())
        .bind(d.phone.trim().to_string())
}

impl Store {
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

    pub async fn contact_count(&self) -> Result<i64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

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

    pub async fn contacts_of_account(&self, account_id: i64) -> Result<Vec<Contact>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{CONTACT_SELECT} WHERE c.account_id = $1 ORDER BY c.last_name, c.first_name, c.id LIMIT 500"
        )))
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(contact_row).collect()
    }

    pub async fn create_contact(&self, d: &ContactDraft) -> Result<Contact> {
        checked(d.check())?;
        let id = self
            .insert_record(
                "INSERT INTO contacts (account_id, first_name, last_name, email, phone, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, NOW_MS) RETURNING id",
                |q| bind_draft(q, d),
            )
            .await?;
        self.contact(id).await
    }

    pub async fn update_contact(&self, id: i64, version: i64, d: &ContactDraft) -> Result<Contact> {
        checked(d.check())?;
        self.update_versioned(
            RecordKind::Contact,
            id,
            version,
            "account_id = $1, first_name = $2, last_name = $3, email = $4, phone = $5",
            5,
            |q| bind_draft(q, d),
        )
        .await?;
        self.contact(id).await
    }
}
