//! Profile options: set at site level or per agent, and the value in force for an agent.
//! Every read of an option goes through `option_on`; the rules and defaults are in
//! `livewindow_core::options`.

use super::{Result, Store};
use sqlx::Row;

impl Store {
    /// Sets a profile option at site level (`agent_id` None) or for one agent.
    pub async fn set_option(&self, name: &str, value: &str, agent_id: Option<i64>) -> Result<()> {
        livewindow_core::check_option(name, value)?;
        let mut w = self.write().await?;
        sqlx::query(self.sql(
            "INSERT INTO profile_options (name, agent_id, value, updated_ms) VALUES ($1, $2, $3, NOW_MS) \
             ON CONFLICT (name, agent_id) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms",
        ))
        .bind(name)
        .bind(agent_id.unwrap_or(0))
        .bind(value)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await
    }

    /// Removes an agent-level override (or the site value) of a profile option.
    pub async fn unset_option(&self, name: &str, agent_id: Option<i64>) -> Result<bool> {
        livewindow_core::check_option_name(name)?;
        let mut w = self.write().await?;
        let n = sqlx::query("DELETE FROM profile_options WHERE name = $1 AND agent_id = $2")
            .bind(name)
            .bind(agent_id.unwrap_or(0))
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        w.commit().await?;
        Ok(n > 0)
    }

    /// The value in force for an agent: their own, else the site's, else `None`.
    pub async fn option(&self, name: &str, agent_id: Option<i64>) -> Result<Option<String>> {
        option_on(self.pool(), name, agent_id).await
    }

    /// Every option row: (name, agent email or None for site, value).
    pub async fn options(&self) -> Result<Vec<(String, Option<String>, String)>> {
        let rows = sqlx::query(
            "SELECT o.name, a.email, o.value FROM profile_options o \
             LEFT JOIN agents a ON a.id = o.agent_id ORDER BY o.name, o.agent_id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("name")?, r.try_get("email")?, r.try_get("value")?)))
            .collect()
    }

    pub async fn rich_text_enabled(&self, agent_id: i64) -> Result<bool> {
        Ok(self
            .option(livewindow_core::OPT_CKEDITOR, Some(agent_id))
            .await?
            .as_deref()
            == Some("Y"))
    }
}

/// A profile option in force for an agent (their own, else the site's), read on any
/// executor: the pool, or the connection of a transaction in progress (asking the pool for
/// a second connection while holding one can exhaust it under load).
pub(super) async fn option_on<'e, E>(
    e: E,
    name: &str,
    agent_id: Option<i64>,
) -> Result<Option<String>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let value: Option<String> = sqlx::query_scalar(
        "SELECT value FROM profile_options WHERE name = $1 AND (agent_id = $2 OR agent_id = 0) \
         ORDER BY agent_id DESC LIMIT 1",
    )
    .bind(name.to_string())
    .bind(agent_id.unwrap_or(0))
    .fetch_optional(e)
    .await?;
    Ok(value)
}

/// The offer timeout in force for an agent, in ms.
pub(super) async fn offer_timeout_ms_on<'e, E>(e: E, agent_id: Option<i64>) -> Result<i64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let name = livewindow_core::OPT_OFFER_TIMEOUT;
    let seconds =
        livewindow_core::options::number(name, option_on(e, name, agent_id).await?.as_deref());
    Ok(seconds * 1000)
}
