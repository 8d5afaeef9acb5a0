//! Standard replies: stored per scope (site, queue, agent), listed for an agent by what
//! they may see, each change one transaction. The rules (what a reply may hold, who may
//! change it) are core's `reply` and `authorize`.

use super::{Result, Store, StoreError};
use livewindow_core::account::{Act, Caller, Role, authorize};
use livewindow_core::reply::{ReplyDraft, ReplyScope, StandardReply, check_draft};
use sqlx::Row;
use sqlx::any::AnyRow;

const COLUMNS: &str = "r.id, r.name, r.shortcut, r.folder, r.scope, r.queue_id, r.agent_id, \
     r.body_text, r.body_html, r.uses, r.updated_ms, COALESCE(q.name, a.email) AS scope_name \
     FROM replies r LEFT JOIN queues q ON q.id = r.queue_id LEFT JOIN agents a ON a.id = r.agent_id";

const ORDER: &str = " ORDER BY COALESCE(r.folder, ''), lower(r.name), r.id";

fn reply_from_row(row: &AnyRow) -> Result<StandardReply> {
    let scope: String = row.try_get("scope")?;
    let queue: Option<i64> = row.try_get("queue_id")?;
    let agent: Option<i64> = row.try_get("agent_id")?;
    let scope = match (scope.as_str(), queue, agent) {
        ("queue", Some(q), _) => ReplyScope::Queue(q),
        ("agent", _, Some(a)) => ReplyScope::Agent(a),
        _ => ReplyScope::Site,
    };
    Ok(StandardReply {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        shortcut: row.try_get("shortcut")?,
        folder: row.try_get("folder")?,
        scope,
        scope_name: row.try_get("scope_name")?,
        body_text: row.try_get("body_text")?,
        body_html: row.try_get("body_html")?,
        uses: row.try_get("uses")?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

/// The scope as the row keeps it: its key, kind, queue and agent.
fn owner(scope: ReplyScope) -> (String, &'static str, Option<i64>, Option<i64>) {
    match scope {
        ReplyScope::Site => ("site".into(), "site", None, None),
        ReplyScope::Queue(q) => (format!("queue:{q}"), "queue", Some(q), None),
        ReplyScope::Agent(a) => (format!("agent:{a}"), "agent", None, Some(a)),
    }
}

impl Store {
    /// Every reply (an administrator's list), by folder and name.
    pub async fn replies(&self) -> Result<Vec<StandardReply>> {
        let rows = sqlx::query(self.sql(&format!("SELECT {COLUMNS}{ORDER}")))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(reply_from_row).collect()
    }

    /// The replies an agent sees: the site's, their queues', their own.
    pub async fn replies_for(&self, agent_id: i64) -> Result<Vec<StandardReply>> {
        let rows = sqlx::query(self.sql(&format!("SELECT {COLUMNS} WHERE {VISIBLE}{ORDER}")))
            .bind(agent_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(reply_from_row).collect()
    }

    pub async fn reply(&self, id: i64) -> Result<StandardReply> {
        let row = sqlx::query(self.sql(&format!("SELECT {COLUMNS} WHERE r.id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no standard reply {id}")))?;
        reply_from_row(&row)
    }

    /// Adds a reply (checked: an unknown variable is refused here).
    pub async fn add_reply(&self, draft: &ReplyDraft) -> Result<StandardReply> {
        let d = check_draft(draft)?;
        let mut w = self.write().await?;
        let id = self.save_in(&mut w, None, &d).await?;
        w.commit().await?;
        self.reply(id).await
    }

    /// Replaces a reply's name, shortcut, folder, scope and text; its uses stay.
    pub async fn update_reply(&self, id: i64, draft: &ReplyDraft) -> Result<StandardReply> {
        let d = check_draft(draft)?;
        let mut w = self.write().await?;
        self.save_in(&mut w, Some(id), &d).await?;
        w.commit().await?;
        self.reply(id).await
    }

    /// Adds replies, replacing those of the same shortcut in the same scope, all in one
    /// transaction: a file with one bad reply changes nothing. Gives (added, replaced).
    pub async fn import_replies(&self, drafts: &[ReplyDraft]) -> Result<(usize, usize)> {
        let checked = drafts.iter().map(check_draft).collect::<Result<Vec<_>>>()?;
        let mut w = self.write().await?;
        let (mut added, mut replaced) = (0, 0);
        for d in &checked {
            let (key, ..) = owner(d.scope);
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT id FROM replies WHERE owner = $1 AND shortcut = $2")
                    .bind(&key)
                    .bind(&d.shortcut)
                    .fetch_optional(&mut *w.tx)
                    .await?;
            self.save_in(&mut w, existing, d).await?;
            match existing {
                Some(_) => replaced += 1,
                None => added += 1,
            }
        }
        w.commit().await?;
        Ok((added, replaced))
    }

    /// Inserts (`id` None) or updates a checked draft inside a transaction; its id.
    async fn save_in(
        &self,
        w: &mut super::WriteTx,
        id: Option<i64>,
        d: &ReplyDraft,
    ) -> Result<i64> {
        let (key, kind, queue, agent) = owner(d.scope);
        scope_exists(w, d.scope).await?;
        taken(w, &key, d, id).await?;
        let statement = match id {
            None => {
                "INSERT INTO replies (owner, scope, queue_id, agent_id, name, shortcut, folder, \
                   body_text, body_html, created_ms, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NOW_MS, NOW_MS) RETURNING id"
            }
            Some(_) => {
                "UPDATE replies SET owner = $1, scope = $2, queue_id = $3, agent_id = $4, \
                   name = $5, shortcut = $6, folder = $7, body_text = $8, body_html = $9, \
                   updated_ms = NOW_MS \
                 WHERE id = $10 RETURNING id"
            }
        };
        let mut query = sqlx::query_scalar(self.sql(statement))
            .bind(&key)
            .bind(kind)
            .bind(queue)
            .bind(agent)
            .bind(&d.name)
            .bind(&d.shortcut)
            .bind(&d.folder)
            .bind(&d.body_text)
            .bind(&d.body_html);
        if let Some(id) = id {
            query = query.bind(id);
        }
        let found: Option<i64> = query.fetch_optional(&mut *w.tx).await?;
        found.ok_or_else(|| StoreError::NotFound(format!("no standard reply {}", id.unwrap_or(0))))
    }

    /// Removes a reply; false when there was none.
    pub async fn remove_reply(&self, id: i64) -> Result<bool> {
        let mut w = self.write().await?;
        let n = sqlx::query("DELETE FROM replies WHERE id = $1")
            .bind(id)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        w.commit().await?;
        Ok(n > 0)
    }

    /// Counts one use of a reply the agent sees (inserted into a message).
    pub async fn count_reply_use(&self, id: i64, agent_id: i64) -> Result<()> {
        let mut w = self.write().await?;
        let n = sqlx::query(self.sql(&format!(
            "UPDATE replies SET uses = uses + 1 WHERE id = $2 AND id IN \
               (SELECT r.id FROM replies r WHERE {VISIBLE})"
        )))
        .bind(agent_id)
        .bind(id)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("no standard reply {id}")));
        }
        w.commit().await
    }

    /// Checks that `agent_id` may change a reply from `before` (None: a new one) to
    /// `after` (None: removing it), by `authorize`'s one rule. `solo`: the one user of a
    /// desktop on its own, who administers it.
    pub async fn may_manage_reply(
        &self,
        agent_id: i64,
        solo: bool,
        before: Option<ReplyScope>,
        after: Option<ReplyScope>,
    ) -> Result<()> {
        let role = if solo {
            Role::Admin
        } else {
            let role: Option<String> = sqlx::query_scalar("SELECT role FROM agents WHERE id = $1")
                .bind(agent_id)
                .fetch_optional(self.pool())
                .await?;
            role.and_then(|r| r.parse::<Role>().ok())
                .unwrap_or(Role::Agent)
        };
        let caller = Caller {
            agent_id,
            role,
            must_change_password: false,
        };
        let own = before
            .into_iter()
            .chain(after)
            .all(|s| s.owned_by(agent_id));
        authorize(&caller, &Act::ManageReply { own }).map_err(StoreError::Denied)
    }
}

/// The replies `$1` (an agent id) sees, on the alias `r`.
const VISIBLE: &str = "(r.scope = 'site' \
     OR (r.scope = 'queue' AND r.queue_id IN (SELECT queue_id FROM agent_queues WHERE agent_id = $1)) \
     OR (r.scope = 'agent' AND r.agent_id = $1))";

/// A queue or agent that does not exist is named as such, not as a database error.
async fn scope_exists(w: &mut super::WriteTx, scope: ReplyScope) -> Result<()> {
    let (table, id) = match scope {
        ReplyScope::Site => return Ok(()),
        ReplyScope::Queue(q) => ("queues", q),
        ReplyScope::Agent(a) => ("agents", a),
    };
    let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM {table} WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *w.tx)
    .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound(format!(
            "no {} with id {id}",
            &table[..table.len() - 1]
        ))),
    }
}

/// A shortcut or a name already used in the same scope, by another reply.
async fn taken(w: &mut super::WriteTx, key: &str, d: &ReplyDraft, id: Option<i64>) -> Result<()> {
    let row = sqlx::query(
        "SELECT name, shortcut FROM replies \
         WHERE owner = $1 AND (shortcut = $2 OR lower(name) = lower($3)) AND id <> $4 LIMIT 1",
    )
    .bind(key)
    .bind(&d.shortcut)
    .bind(&d.name)
    .bind(id.unwrap_or(0))
    .fetch_optional(&mut *w.tx)
    .await?;
    let Some(row) = row else { return Ok(()) };
    let (name, shortcut): (String, String) = (row.try_get("name")?, row.try_get("shortcut")?);
    Err(if shortcut == d.shortcut {
        StoreError::invalid_field(
            "shortcut",
            format!("the shortcut /{shortcut} is already used by {name:?} in this scope"),
        )
    } else {
        StoreError::invalid_field(
            "name",
            format!("a reply named {name:?} already exists in this scope"),
        )
    })
}
