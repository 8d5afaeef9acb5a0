//! The messages this process wrote lately, by id. A line is wanted again right after its
//! commit, by the writer's answer, by each desk that follows its chat and by its customer's
//! page: with this they take it from memory instead of reading it back once each. A message
//! never changes once committed, so a copy cannot go stale; one written by another process
//! is read from the table as before.

use livewindow_core::Message;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Messages kept: a few seconds of a busy centre's lines.
const KEEP: usize = 4096;

#[derive(Default)]
pub(crate) struct Recent {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    by_id: HashMap<i64, Arc<Message>>,
    /// Ids oldest first, to forget in the order they came.
    order: VecDeque<i64>,
}

impl Recent {
    /// Keeps committed messages, forgetting the oldest beyond [`KEEP`].
    pub fn put(&self, messages: impl IntoIterator<Item = Message>) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        for m in messages {
            let id = m.id;
            if kept.by_id.insert(id, Arc::new(m)).is_none() {
                kept.order.push_back(id);
            }
        }
        while kept.order.len() > KEEP {
            if let Some(old) = kept.order.pop_front() {
                kept.by_id.remove(&old);
            }
        }
    }

    pub fn get(&self, id: i64) -> Option<Arc<Message>> {
        self.kept.lock().ok()?.by_id.get(&id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64) -> Message {
        Message {
            id,
            chat_id: 1,
            client_id: format!("c{id}"),
            sender: livewindow_core::Sender::Customer,
            sender_name: "Ann".into(),
            format: Default::default(),
            internal: false,
            body_html: String::new(),
            body_text: format!("line {id}"),
            created_ms: 0,
            file: None,
        }
    }

    #[test]
    fn keeps_the_newest_and_forgets_the_oldest() {
        let recent = Recent::default();
        recent.put((1..=KEEP as i64 + 10).map(message));
        assert!(recent.get(10).is_none());
        assert_eq!(
            recent.get(11).map(|m| m.body_text.clone()),
            Some("line 11".into())
        );
        assert!(recent.get(KEEP as i64 + 10).is_some());
        recent.put([message(KEEP as i64 + 10)]);
        assert_eq!(recent.kept.lock().map(|k| k.order.len()).ok(), Some(KEEP));
    }
}
