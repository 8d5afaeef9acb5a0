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
/// A message larger than this (a pasted picture inline, say) is read from the table again,
/// as before; with it, the kept messages never hold more than [`BUDGET`] bytes in all.
const LARGEST: usize = 64 * 1024;
const BUDGET: usize = 8 * 1024 * 1024;

fn size(m: &Message) -> usize {
    m.body_html.len() + m.body_text.len() + m.client_id.len() + m.sender_name.len()
}

#[derive(Default)]
pub(crate) struct Recent {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    by_id: HashMap<i64, Arc<Message>>,
    /// Ids oldest first, to forget in the order they came.
    order: VecDeque<i64>,
    /// The kept messages' sizes, summed.
    bytes: usize,
}

impl Recent {
    /// Keeps committed messages up to [`LARGEST`] each, forgetting the oldest beyond
    /// [`KEEP`] or [`BUDGET`].
    pub fn put(&self, messages: Vec<Message>) {
        // Most commits insert no message: they take no lock.
        if messages.is_empty() {
            return;
        }
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        for m in messages {
            let (id, bytes) = (m.id, size(&m));
            if bytes > LARGEST || kept.by_id.contains_key(&id) {
                continue;
            }
            kept.by_id.insert(id, Arc::new(m));
            kept.order.push_back(id);
            kept.bytes += bytes;
        }
        while kept.order.len() > KEEP || kept.bytes > BUDGET {
            let Some(old) = kept.order.pop_front() else {
                break;
            };
            if let Some(m) = kept.by_id.remove(&old) {
                kept.bytes -= size(&m);
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
        recent.put((1..=KEEP as i64 + 10).map(message).collect());
        assert!(recent.get(10).is_none());
        assert_eq!(
            recent.get(11).map(|m| m.body_text.clone()),
            Some("line 11".into())
        );
        assert!(recent.get(KEEP as i64 + 10).is_some());
        recent.put(vec![message(KEEP as i64 + 10)]);
        assert_eq!(recent.kept.lock().map(|k| k.order.len()).ok(), Some(KEEP));
    }

    #[test]
    fn large_messages_are_not_kept_and_the_bytes_stay_within_budget() {
        let recent = Recent::default();
        let mut big = message(1);
        big.body_html = "x".repeat(LARGEST + 1);
        recent.put(vec![big]);
        assert!(recent.get(1).is_none(), "a message over LARGEST was kept");
        let sized = |id| {
            let mut m = message(id);
            m.body_html = "y".repeat(LARGEST - 100);
            m
        };
        recent.put((2..=200).map(sized).collect());
        let kept = recent.kept.lock().unwrap();
        assert!(kept.bytes <= BUDGET, "{} bytes kept", kept.bytes);
        assert_eq!(
            kept.bytes,
            kept.by_id.values().map(|m| size(m)).sum::<usize>()
        );
        assert!(kept.by_id.contains_key(&200) && !kept.by_id.contains_key(&2));
    }
}
