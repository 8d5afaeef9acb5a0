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

/// One change to a CRM record: who made it, what (`create` or `update`), and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmEdit {
    pub agent_id: i64,
    pub agent_name: String,
    pub action: String,
    pub at_ms: i64,
}

type AnyQuery<'a> = sqlx::query::Query<'a, Any, AnyArguments>;

fn table(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Account => "accounts",
        RecordKind::Contact => "contacts",
        RecordKind::Asset => "assets",
        RecordKind::WorkOrder => "work_orders",
    }
}

/// The record an edit changes, the version the agent started from, and who they are.
struct Versioned {
    kind: RecordKind,
    id: i64,
    version: i64,
    by: i64,
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
        at: Versioned,
        sets: &str,
        params: usize,
        bind: impl FnOnce(AnyQuery<'static>) -> AnyQuery<'static>,
    ) -> Result<()> {
        let Versioned {
            kind,
            id,
            version,
            by,
        } = at;
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
        self.log_edit(&mut w, kind, id, by, "update").await?;
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

    /// Records who changed a record and when, in the change's own transaction.
    async fn log_edit(
        &self,
        w: &mut WriteTx,
        kind: RecordKind,
        id: i64,
        by: i64,
        action: &str,
    ) -> Result<()> {
        sqlx::query(self.sql(
            "INSERT INTO crm_edits (record_kind, record_id, agent_id, action, at_ms) \
             VALUES ($1, $2, $3, $4, NOW_MS)",
        ))
        .bind(table(kind))
        .bind(id)
        .bind(by)
        .bind(action)
        .execute(&mut *w.tx)
        .await?;
        Ok(())
    }

    /// Who changed a record and when, oldest first.
    pub async fn record_edits(&self, kind: RecordKind, id: i64) -> Result<Vec<CrmEdit>> {
        let rows = sqlx::query(
            "SELECT e.agent_id, a.name, e.action, e.at_ms FROM crm_edits e \
             JOIN agents a ON a.id = e.agent_id \
             WHERE e.record_kind = $1 AND e.record_id = $2 ORDER BY e.id",
        )
        .bind(table(kind))
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                use sqlx::Row;
                Ok(CrmEdit {
                    agent_id: r.try_get(0)?,
                    agent_name: r.try_get(1)?,
                    action: r.try_get(2)?,
                    at_ms: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Inserts a row in a transaction of its own and returns its id.
    async fn insert_record(
        &self,
        kind: RecordKind,
        by: i64,
        sql: &str,
        bind: impl FnOnce(AnyQuery<'static>) -> AnyQuery<'static>,
    ) -> Result<i64> {
        let mut w: WriteTx = self.write().await?;
        let row = bind(sqlx::query(self.sql(sql)))
            .fetch_one(&mut *w.tx)
            .await?;
        let id: i64 = sqlx::Row::try_get(&row, 0)?;
        self.log_edit(&mut w, kind, id, by, "create").await?;
        w.commit().await?;
        Ok(id)
    }

    /// Saves a new record or an edit, and reads it back as stored.
    pub async fn save_record(&self, edit: &RecordEdit, by: i64) -> Result<Record> {
        Ok(match (&edit.draft, edit.id) {
            (Draft::Account(d), Some(id)) => {
                Record::Account(self.update_account(id, edit.version, d, by).await?)
            }
            (Draft::Account(_), None) => {
                return Err(StoreError::invalid(
                    "new accounts are created by an administrator",
                ));
            }
            (Draft::Contact(d), Some(id)) => {
                Record::Contact(self.update_contact(id, edit.version, d, by).await?)
            }
            (Draft::Contact(d), None) => Record::Contact(self.create_contact(d, by).await?),
            (Draft::Asset(d), Some(id)) => {
                Record::Asset(self.update_asset(id, edit.version, d, by).await?)
            }
            (Draft::Asset(d), None) => Record::Asset(self.create_asset(d, by).await?),
            (Draft::WorkOrder(d), Some(id)) => {
                Record::WorkOrder(self.update_work_order(id, edit.version, d, by).await?)
            }
            (Draft::WorkOrder(d), None) => Record::WorkOrder(self.create_work_order(d, by).await?),
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
