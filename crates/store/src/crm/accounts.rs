//! Accounts: reads, search and edits (new accounts come from an administrator).

use super::{Versioned, checked};
use crate::{Result, Store, StoreError};
use livewindow_core::crm::{Account, AccountDraft, RecordKind};
use sqlx::Row;
use sqlx::any::AnyRow;

const ACCOUNT_SELECT: &str =
    "SELECT id, number, name, industry, phone, city, version FROM accounts";

fn account_row(r: &AnyRow) -> Result<Account> {
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

impl Store {
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

    pub async fn accounts_of_contact(&self, contact_id: i64) -> Result<Vec<Account>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ACCOUNT_SELECT} WHERE id = (SELECT account_id FROM contacts WHERE id = $1)"
        )))
        .bind(contact_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(account_row).collect()
    }

    /// Accounts whose name or number starts with `query`.
    pub async fn search_accounts(&self, query: &str, limit: i64) -> Result<Vec<Account>> {
        let q = livewindow_core::validate::clean_line(query)
            .trim()
            .to_lowercase();
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

    pub async fn update_account(
        &self,
        id: i64,
        version: i64,
        d: &AccountDraft,
        by: i64,
    ) -> Result<Account> {
        checked(d.check())?;
        self.update_versioned(
            Versioned {
                kind: RecordKind::Account,
                id,
                version,
                by,
            },
            "name = $1, industry = $2, phone = $3, city = $4",
            4,
            |q| {
                q.bind(d.name.trim().to_string())
                    .bind(d.industry.trim().to_string())
                    .bind(d.phone.trim().to_string())
                    .bind(d.city.trim().to_string())
            },
        )
        .await?;
        self.account(id).await
    }
}
