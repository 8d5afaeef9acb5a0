//! The CRM records a screen pop shows, one file per entity (its SELECT, row mapper, reads
//! and edits), and what they share: the versioned update, saving any record, the screen
//! pop's data in one call.
//!
//! Every change checks the version the agent started from, so an edit another agent saved
//! first is reported, never silently overwritten.

mod accounts;
mod assets;
mod contacts;
mod work_orders;

use super::{Result, Store, StoreError, WriteTx};
use livewindow_core::crm::{Draft, Record, RecordEdit, RecordKind, ScreenPop};
use livewindow_core::records::FieldError;
use sqlx::Any;
use sqlx::any::AnyArguments;

type AnyQuery<'a> = sqlx::query::Query<'a, Any, AnyArguments>;

fn table(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Account => "accounts",
        RecordKind::Contact => "contacts",
        RecordKind::Asset => "assets",
        RecordKind::WorkOrder => "work_orders",
    }
}

/// The first of a draft's field errors, as the store reports it.
fn checked(errors: Vec<FieldError>) -> Result<()> {
    match errors.into_iter().next() {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

impl Store {
    /// `UPDATE <kind's table> SET <sets>, version = version + 1, updated_ms = NOW_MS WHERE
    /// id = … AND version = …`: `sets` uses `$1..$params`, which `bind` fills. Commits, or
    /// (nothing changed) rolls back and says why: the record is gone, or someone saved it
    /// first.
    async fn update_versioned(
        &self,
        kind: RecordKind,
        id: i64,
        version: i64,
        sets: &str,
        params: usize,
        bind: impl FnOnce(AnyQuery<'static>) -> AnyQuery<'static>,
    ) -> Result<()> {
        let sql = format!(
            "UPDATE {} SET {sets}, version = version + 1, updated_ms = NOW_MS \
             WHERE id = ${} AND version = ${}",
            table(kind),
            params + 1,
            params + 2
        );
        let mut w = self.write().await?;
        let changed = bind(sqlx::query(self.sql(&sql)))
            .bind(id)
            .bind(version)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        if changed == 0 {
            drop(w);
            return Err(self.why_unchanged(kind, id).await);
        }
        w.commit().await
    }

    /// Turns "0 rows updated" into a clear reason: gone, or changed by someone else.
    async fn why_unchanged(&self, kind: RecordKind, id: i64) -> StoreError {
        let sql = format!("SELECT version FROM {} WHERE id = $1", table(kind));
        let what = kind.noun();
        match sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await
        {
            Ok(Some(version)) => StoreError::EditConflict {
                what: what.to_string(),
                version,
            },
            Ok(None) => StoreError::NotFound(format!("this {what} no longer exists")),
            Err(e) => e.into(),
        }
    }

    /// Inserts a row in a transaction of its own and returns its id.
    async fn insert_record(
        &self,
        sql: &str,
        bind: impl FnOnce(AnyQuery<'static>) -> AnyQuery<'static>,
    ) -> Result<i64> {
        let mut w: WriteTx = self.write().await?;
        let row = bind(sqlx::query(self.sql(sql)))
            .fetch_one(&mut *w.tx)
            .await?;
        let id: i64 = sqlx::Row::try_get(&row, 0)?;
        w.commit().await?;
        Ok(id)
    }

    /// Saves a new record or an edit, and reads it back as stored.
    pub async fn save_record(&self, edit: &RecordEdit) -> Result<Record> {
        Ok(match (&edit.draft, edit.id) {
            (Draft::Account(d), Some(id)) => {
                Record::Account(self.update_account(id, edit.version, d).await?)
            }
            (Draft::Account(_), None) => {
                return Err(StoreError::invalid(
                    "new accounts are created by an administrator",
                ));
            }
            (Draft::Contact(d), Some(id)) => {
                Record::Contact(self.update_contact(id, edit.version, d).await?)
            }
            (Draft::Contact(d), None) => Record::Contact(self.create_contact(d).await?),
            (Draft::Asset(d), Some(id)) => {
                Record::Asset(self.update_asset(id, edit.version, d).await?)
            }
            (Draft::Asset(d), None) => Record::Asset(self.create_asset(d).await?),
            (Draft::WorkOrder(d), Some(id)) => {
                Record::WorkOrder(self.update_work_order(id, edit.version, d).await?)
            }
            (Draft::WorkOrder(d), None) => Record::WorkOrder(self.create_work_order(d).await?),
        })
    }

    /// One record as stored now.
    pub async fn record(&self, kind: RecordKind, id: i64) -> Result<Record> {
        Ok(match kind {
            RecordKind::Account => Record::Account(self.account(id).await?),
            RecordKind::Contact => Record::Contact(self.contact(id).await?),
            RecordKind::Asset => Record::Asset(self.asset(id).await?),
            RecordKind::WorkOrder => Record::WorkOrder(self.work_order(id).await?),
        })
    }

    /// Everything a screen pop shows for a contact: their account and its contacts, assets
    /// and work orders.
    pub async fn screen_pop(&self, contact_id: i64) -> Result<ScreenPop> {
        let contact = self.contact(contact_id).await?;
        let Some(account_id) = contact.account_id else {
            return Ok(ScreenPop {
                contacts: vec![contact.clone()],
                contact,
                account: None,
                assets: Vec::new(),
                work_orders: Vec::new(),
            });
        };
        Ok(ScreenPop {
            account: Some(self.account(account_id).await?),
            contacts: self.contacts_of_account(account_id).await?,
            assets: self.assets_of_account(account_id).await?,
            work_orders: self.work_orders_of_account(account_id).await?,
            contact,
        })
    }
}
