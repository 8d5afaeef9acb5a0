//! A customer's chat: ask for one, wait, talk, leave.

use crate::core::time::clock;
use crate::core::{EventKind, NewMessage, Sender};
use crate::store::{Result, Store, Subscription};

pub struct CustomerSession {
    pub store: Store,
    pub chat_id: i64,
    pub queue_id: i64,
    pub queue_name: String,
    pub name: String,
    /// Events after this id concern the session (it was read before the chat was queued).
    pub after_event: i64,
}

impl CustomerSession {
    /// Queues the chat (with the first message, if any); the store checks the name and
    /// email.
    pub async fn start(
        store: &Store,
        name: &str,
        email: &str,
        queue: Option<&str>,
        first_message: Option<&str>,
    ) -> Result<CustomerSession> {
        let (queue_id, queue_name) = store.find_queue(queue).await?;
        let after_event = store.last_event_id().await?;
        let chat_id = store.enqueue(name, email, queue_id, first_message).await?;
        // The name as stored: the store trims it.
        let name = name.trim().to_string();
        Ok(CustomerSession {
            store: store.clone(),
            chat_id,
            queue_id,
            queue_name,
            name,
            after_event,
        })
    }

    /// Every event from the moment the chat was queued (the caller filters by chat).
    pub fn events(&self) -> Subscription {
        self.store.subscribe(self.after_event)
    }

    pub async fn send(&self, text: &str) -> Result<i64> {
        let text = text.trim();
        if text.is_empty() {
            return Err(livewindow_core::RuleError::Empty {
                what: "message".into(),
            }
            .into());
        }
        self.store
            .send_message(
                self.chat_id,
                &NewMessage::plain(Sender::Customer, &self.name, None, text),
            )
            .await
    }

    /// Leaves: abandoned if no agent had accepted, customer_left otherwise.
    pub async fn leave(&self) -> Result<()> {
        self.store.end_chat(self.chat_id, Sender::Customer).await?;
        Ok(())
    }

    /// Says the customer's client is still there.
    pub async fn heartbeat(&self) -> Result<()> {
        self.store.customer_heartbeat(self.chat_id).await
    }

    pub async fn position(&self) -> Result<Option<i64>> {
        self.store.queue_position(self.chat_id).await
    }
}

/// What a customer's terminal shows for an event of their chat, if anything.
pub async fn describe(
    session: &CustomerSession,
    kind: EventKind,
    message_id: Option<i64>,
) -> Result<Option<String>> {
    let store = &session.store;
    Ok(match kind {
        EventKind::ChatAccepted => {
            let chat = store.chat(session.chat_id).await?;
            Some(format!(
                "{} joined the chat.",
                chat.agent_name.unwrap_or_else(|| "An agent".into())
            ))
        }
        // The store writes the transfer's line for the customer as a system message.
        EventKind::Message => {
            let Some(id) = message_id else {
                return Ok(None);
            };
            let m = store.message(id).await?;
            if m.internal {
                return Ok(None);
            }
            match m.sender {
                Sender::Customer => None,
                // A formatted message's text form has a line per paragraph, list item and
                // table row: indented under its header line so it reads as one message.
                Sender::Agent => Some(format!(
                    "[{}] {}: {}",
                    clock(m.created_ms),
                    m.sender_name,
                    m.body_text.replace('\n', "\n    ")
                )),
                Sender::System => Some(format!("* {}", m.body_text)),
            }
        }
        EventKind::ChatEnded => {
            let chat = store.chat(session.chat_id).await?;
            Some(match chat.end_reason {
                Some(reason) => format!("The chat has ended: {reason}."),
                None => "The chat has ended.".into(),
            })
        }
        _ => None,
    })
}
