//! Figures every waiting customer's page asks for, read once per process for all of them:
//! a queue's order (each page's place), its median wait and the check-in interval. A
//! burst of a thousand waiting customers refreshing once a second asked for each a thousand
//! times a second (the place counted the chats ahead of each: a thousand counts over the
//! whole line); now once a second or every few seconds, and each page finds its place in
//! the shared order.

use super::{Result, Store};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a queue's order is shared: the pages refresh at most once a second anyway.
const ORDER_FOR: Duration = Duration::from_secs(1);
/// The median wait of the last hour and the check-in interval move slowly.
const SLOW_FOR: Duration = Duration::from_secs(5);

/// Values by key, each kept for `ttl` after it was read.
struct Memo<K, V> {
    ttl: Duration,
    values: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Hash + Eq + Copy, V: Clone> Memo<K, V> {
    fn new(ttl: Duration) -> Self {
        Memo {
            ttl,
            values: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, key: K) -> Option<V> {
        let values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        let (at, value) = values.get(&key)?;
        (at.elapsed() < self.ttl).then(|| value.clone())
    }

    fn put(&self, key: K, value: V) {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        if values.len() > 10_000 {
            let ttl = self.ttl;
            values.retain(|_, (at, _)| at.elapsed() < ttl);
        }
        values.insert(key, (Instant::now(), value));
    }
}

/// A handle's shared figures (its clones share them).
pub(crate) struct Memos {
    /// Queue → its waiting chats, first in line first.
    order: Memo<i64, Arc<Vec<i64>>>,
    waits: Memo<i64, Option<i64>>,
    checkin: Memo<(), i64>,
}

impl Default for Memos {
    fn default() -> Self {
        Memos {
            order: Memo::new(ORDER_FOR),
            waits: Memo::new(SLOW_FOR),
            checkin: Memo::new(SLOW_FOR),
        }
    }
}

impl Store {
    /// A waiting chat's place in its queue (1 when next), from the queue's order as this
    /// process read it at most a second ago; `None` once it is no longer waiting. A chat
    /// that joined since is looked up on its own.
    pub async fn place_in_queue(&self, chat_id: i64, queue_id: i64) -> Result<Option<i64>> {
        let order = match self.memos.order.get(queue_id) {
            Some(order) => order,
            None => {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM chats WHERE queue_id = $1 AND state IN ('queued', 'offered') \
                     ORDER BY queued_ms, id",
                )
                .bind(queue_id)
                .fetch_all(self.pool())
                .await?;
                let order = Arc::new(ids);
                self.memos.order.put(queue_id, order.clone());
                order
            }
        };
        match order.iter().position(|id| *id == chat_id) {
            Some(i) => Ok(Some(i as i64 + 1)),
            None => self.queue_position(chat_id).await,
        }
    }

    /// [`Store::wait_estimate_ms`], read at most every few seconds per queue.
    pub async fn shared_wait_estimate_ms(&self, queue_id: i64) -> Result<Option<i64>> {
        if let Some(wait) = self.memos.waits.get(queue_id) {
            return Ok(wait);
        }
        let wait = self.wait_estimate_ms(queue_id).await?;
        self.memos.waits.put(queue_id, wait);
        Ok(wait)
    }

    /// [`Store::customer_checkin_ms`], read at most every few seconds.
    pub async fn shared_checkin_ms(&self) -> Result<i64> {
        if let Some(ms) = self.memos.checkin.get(()) {
            return Ok(ms);
        }
        let ms = self.customer_checkin_ms().await?;
        self.memos.checkin.put((), ms);
        Ok(ms)
    }
}
