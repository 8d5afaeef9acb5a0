//! Satisfaction: the customer's answer after their chat ended, taken once and told to the
//! chat's agent through the event feed (their wrap-up shows it), and the report's counts.

use super::{NewEvent, Result, Store};
use livewindow_core::csat::{CsatFilter, CsatReport, Rated, Rating};
use livewindow_core::options::{OPT_CSAT, yes};
use livewindow_core::{EventKind, StoreError};
use sqlx::Row;

/// Whether a chat's page should ask "How did we do?", and whether it was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Survey {
    pub asked: bool,
    pub answered: bool,
}

impl Store {
    /// Whether the site asks for ratings (`SVC_CHAT_CSAT_ENABLED`).
    pub async fn csat_enabled(&self) -> Result<bool> {
        let stored = super::options::option_on(self.pool(), OPT_CSAT, None).await?;
        Ok(yes(OPT_CSAT, stored.as_deref()))
    }

    /// The customer's answer for their chat: stored only once the chat ended and only the
    /// first time, in one transaction with the event that tells the chat's agent.
    pub async fn rate_chat(&self, chat_id: i64, rating: &Rating) -> Result<Rated> {
        if !self.csat_enabled().await? {
            return Ok(Rated::Off);
        }
        let mut w = self.write().await?;
        let row = sqlx::query("SELECT state, agent_id, queue_id FROM chats WHERE id = $1")
            .bind(chat_id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no chat {chat_id}")))?;
        let state: String = row.try_get("state")?;
        if state != "ended" {
            return Ok(Rated::NotEnded);
        }
        let agent_id: Option<i64> = row.try_get("agent_id")?;
        let queue_id: i64 = row.try_get("queue_id")?;
        let comment = Some(rating.comment.as_str()).filter(|c| !c.is_empty());
        // The key decides a race between two answers: the second inserts nothing.
        let n = sqlx::query(self.sql(
            "INSERT INTO chat_ratings (chat_id, rating, comment, created_ms) \
             VALUES ($1, $2, $3, NOW_MS) ON CONFLICT (chat_id) DO NOTHING",
        ))
        .bind(chat_id)
        .bind(i64::from(rating.rating))
        .bind(comment)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(Rated::AlreadyRated);
        }
        w.commit_with(
            EventKind::ChatRated,
            NewEvent::chat(chat_id, queue_id).by(agent_id),
        )
        .await?;
        Ok(Rated::Stored)
    }

    /// A chat's rating, if the customer gave one.
    pub async fn chat_rating(&self, chat_id: i64) -> Result<Option<Rating>> {
        let row = sqlx::query("SELECT rating, comment FROM chat_ratings WHERE chat_id = $1")
            .bind(chat_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            let rating: i64 = r.try_get("rating")?;
            let comment: Option<String> = r.try_get("comment")?;
            Ok(Rating {
                rating: u8::try_from(rating).unwrap_or(0),
                comment: comment.unwrap_or_default(),
            })
        })
        .transpose()
    }

    /// What the chat's page asks: the question once the chat ended (when the site asks),
    /// and whether it was answered.
    pub async fn survey(&self, chat_id: i64) -> Result<Survey> {
        let answered: Option<i64> =
            sqlx::query_scalar("SELECT rating FROM chat_ratings WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(Survey {
            asked: self.csat_enabled().await?,
            answered: answered.is_some(),
        })
    }

    /// How many ratings of each value match `filter`.
    pub async fn csat_report(&self, filter: &CsatFilter) -> Result<CsatReport> {
        let queue = match &filter.queue {
            Some(q) => Some(self.find_queue(Some(q)).await?.0),
            None => None,
        };
        let agent = match &filter.agent {
            Some(who) => Some(self.find_agent(who).await?.id),
            None => None,
        };
        let rows = sqlx::query(
            "SELECT r.rating, count(*) AS n FROM chat_ratings r JOIN chats c ON c.id = r.chat_id \
             WHERE r.created_ms >= $1 AND ($2 = 0 OR c.queue_id = $2) \
             AND ($3 = 0 OR c.agent_id = $3) GROUP BY r.rating",
        )
        .bind(filter.since_ms.unwrap_or(0))
        .bind(queue.unwrap_or(0))
        .bind(agent.unwrap_or(0))
        .fetch_all(self.pool())
        .await?;
        let mut report = CsatReport::default();
        for row in rows {
            let rating: i64 = row.try_get("rating")?;
            let n: i64 = row.try_get("n")?;
            if let Some(slot) = usize::try_from(rating - 1)
                .ok()
                .and_then(|i| report.counts.get_mut(i))
            {
                *slot = n;
            }
        }
        Ok(report)
    }
}
