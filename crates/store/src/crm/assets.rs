//! Assets: an account's products with their serial numbers, and edits.

use super::{Versioned, checked};
use crate::{Result, Store, StoreError};
use livewindow_core::crm::{Asset, AssetDraft, RecordKind};
use sqlx::Row;
use sqlx::any::AnyRow;

const ASSET_SELECT: &str =
    "SELECT id, account_id, contact_id, product, serial, status, version FROM assets";

fn asset_row(r: &AnyRow) -> Result<Asset> {
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
    pub async fn asset(&self, id: i64) -> Result<Asset> {
        let r = sqlx::query(sqlx::AssertSqlSafe(format!("{ASSET_SELECT} WHERE id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no asset {id}")))?;
        asset_row(&r)
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

    pub async fn create_asset(&self, d: &AssetDraft, by: i64) -> Result<Asset> {
        checked(d.check())?;
        let id = self
            .insert_record(
                RecordKind::Asset,
                by,
                "INSERT INTO assets (account_id, contact_id, product, serial, status, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, NOW_MS) RETURNING id",
                |q| {
                    q.bind(d.account_id)
                        .bind(d.contact_id)
                        .bind(d.product.trim().to_string())
                        .bind(d.serial.trim().to_string())
                        .bind(d.status.trim().to_lowercase())
                },
            )
            .await?;
        self.asset(id).await
    }

    pub async fn update_asset(
        &self,
        id: i64,
        version: i64,
        d: &AssetDraft,
        by: i64,
    ) -> Result<Asset> {
        checked(d.check())?;
        self.update_versioned(
            Versioned {
                kind: RecordKind::Asset,
                id,
                version,
                by,
            },
            "product = $1, serial = $2, status = $3, contact_id = $4",
            4,
            |q| {
                q.bind(d.product.trim().to_string())
                    .bind(d.serial.trim().to_string())
                    .bind(d.status.trim().to_lowercase())
                    .bind(d.contact_id)
            },
        )
        .await?;
        self.asset(id).await
    }
}
