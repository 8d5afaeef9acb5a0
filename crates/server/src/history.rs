//! The messages the page is sent, a bounded window at a time and with pictures by
//! reference (see [`super::images`]). Messages with pictures are read one at a time, at most
//! a few at once per process, and their page form is kept: a message never changes.

use super::AppState;
use super::images::by_reference;
use super::view::MessageView;
use livewindow_core::{Message, StoreError, limits};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Page forms of heavy messages, by message id. Emptied when full: a miss only costs a
/// read, and the page form of a message is small.
#[derive(Default)]
pub struct HeavyViews(Mutex<HashMap<i64, Arc<MessageView>>>);

const HEAVY_VIEWS_MAX: usize = 512;

/// A message as the page gets it: pictures by reference; HTML beyond
/// [`limits::PAGE_HTML_BYTES`] left out (the text still shows).
pub fn page_view(m: Message) -> MessageView {
    let html = by_reference(m.chat_id, m.id, &m.body_html);
    let mut view = MessageView::from(m);
    if html.len() > limits::PAGE_HTML_BYTES {
        view.format = "plain";
        view.html = String::new();
    } else {
        view.html = html;
    }
    view
}

/// At most [`limits::PAGE_WINDOW`] messages of the chat after `after`, oldest first.
pub async fn window(
    state: &AppState,
    chat_id: i64,
    after: i64,
) -> Result<Vec<MessageView>, StoreError> {
    let rows = state
        .store
        .customer_messages_window(
            chat_id,
            after,
            limits::PAGE_WINDOW,
            limits::PAGE_LIGHT_BYTES,
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if row.heavy {
            out.push(heavy(state, row.message.id).await?.as_ref().clone());
        } else {
            out.push(page_view(row.message));
        }
    }
    Ok(out)
}

fn cached(state: &AppState, id: i64) -> Option<Arc<MessageView>> {
    state
        .heavy_views
        .0
        .lock()
        .ok()
        .and_then(|m| m.get(&id).cloned())
}

async fn heavy(state: &AppState, id: i64) -> Result<Arc<MessageView>, StoreError> {
    if let Some(view) = cached(state, id) {
        return Ok(view);
    }
    let view = {
        let _reading = state
            .heavy
            .acquire()
            .await
            .map_err(|_| StoreError::Unavailable("the server is shutting down".into()))?;
        // Sockets that waited for the permit find the message read by the one before:
        // many pages resuming at once cost one read of its megabytes, not one each.
        if let Some(view) = cached(state, id) {
            return Ok(view);
        }
        Arc::new(page_view(state.store.message(id).await?))
    };
    if let Ok(mut m) = state.heavy_views.0.lock() {
        if m.len() >= HEAVY_VIEWS_MAX {
            m.clear();
        }
        m.insert(id, view.clone());
    }
    Ok(view)
}
