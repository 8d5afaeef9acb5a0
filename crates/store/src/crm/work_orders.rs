//! Work orders: numbered per site, opened for an account, a contact and maybe an asset.

use super::{Versioned, checked};
use crate::{Backend, Result, Store, StoreError};
use livewindow_core::crm::{RecordKind, WorkOrder, WorkOrderDraft};
use livewindow_core::records as rules;
use sqlx::Row;
use sqlx::any::AnyRow;

const WORK_ORDER_SELECT: &str = "SELECT id, number, account_id, contact_id, asset_id, \
     subject, status, priority, opened_ms, due_ms, version FROM work_orders";

fn work_order_row(r: &AnyRow) -> Result<WorkOrder> {
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

impl Store {
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

    pub async fn work_orders_of_account(&self, account_id: i64) -> Result<Vec<WorkOrder>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{WORK_ORDER_SELECT} WHERE account_id = $1 ORDER BY opened_ms DESC, id DESC LIMIT 500"
        )))
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(work_order_row).collect()
    }

    /// A new work order, numbered after the highest number so far (in the same transaction).
    pub async fn create_work_order(&self, d: &WorkOrderDraft, by: i64) -> Result<WorkOrder> {
        checked(d.check())?;
        let due = rules::date("due", &d.due)?;
        let mut w = self.write().await?;
        if self.backend() == Backend::Postgres {
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
        self.log_edit(&mut w, RecordKind::WorkOrder, id, by, "create")
            .await?;
        w.commit().await?;
        self.work_order(id).await
    }

    pub async fn update_work_order(
        &self,
        id: i64,
        version: i64,
        d: &WorkOrderDraft,
        by: i64,
    ) -> Result<WorkOrder> {
        checked(d.check())?;
        let due = rules::date("due", &d.due)?;
        self.update_versioned(
            Versioned {
                kind: RecordKind::WorkOrder,
                id,
                version,
                by,
            },
            "subject = $1, status = $2, priority = $3, due_ms = $4, asset_id = $5, \
             contact_id = $6, \
             closed_ms = CASE WHEN $2 = 'closed' THEN COALESCE(closed_ms, NOW_MS) ELSE NULL END",
            6,
            |q| {
                q.bind(d.subject.trim().to_string())
                    .bind(d.status.trim().to_lowercase())
                    .bind(d.priority.trim().to_lowercase())
                    .bind(due)
                    .bind(d.asset_id)
                    .bind(d.contact_id)
            },
        )
        .await?;
        self.work_order(id).await
    }
}
