//! What the page is sent: a chat's state as the customer sees it, and messages.

use livewindow_core::{ChatState, Message, Sender};
use livewindow_store::{Result, Store};
use serde::Serialize;

/// A chat as its customer sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ChatView {
    pub chat_id: i64,
    /// "waiting", "active" or "ended".
    pub state: &'static str,
    pub queue: String,
    #[serde(skip)]
    pub queue_id: i64,
    /// 1 when next; only while waiting.
    pub position: Option<i64>,
    /// The median wait of the queue's last hour, in seconds; only while waiting.
    pub wait_estimate_s: Option<i64>,
    pub agent_name: Option<String>,
    /// Why it ended, as a sentence.
    pub ended: Option<String>,
    /// How often the page checks in, in ms: from the absent interval in force.
    pub checkin_ms: i64,
    /// Once the chat ended: "ask" (the page asks "How did we do?") or "answered".
    pub survey: Option<&'static str>,
}

pub async fn chat_view(store: &Store, chat_id: i64) -> Result<ChatView> {
    let chat = store.chat(chat_id).await?;
    let waiting = matches!(chat.state, ChatState::Queued | ChatState::Offered);
    let (position, wait) = if waiting {
        (
            store.place_in_queue(chat_id, chat.queue_id).await?,
            store
                .shared_wait_estimate_ms(chat.queue_id)
                .await?
                .map(|ms| (ms + 999) / 1000),
        )
    } else {
        (None, None)
    };
    Ok(ChatView {
        chat_id,
        state: match chat.state {
            ChatState::Queued | ChatState::Offered => "waiting",
            ChatState::Active => "active",
            ChatState::Ended => "ended",
        },
        queue: chat.queue_name,
        queue_id: chat.queue_id,
        position,
        wait_estimate_s: wait,
        agent_name: chat.agent_name,
        ended: chat
            .end_reason
            .map(|r| super::error::sentence(&format!("The chat has ended: {r}"))),
        checkin_ms: store.shared_checkin_ms().await?,
        survey: match chat.state {
            ChatState::Ended => {
                let s = store.survey(chat_id).await?;
                match (s.asked, s.answered) {
                    (_, true) => Some("answered"),
                    (true, false) => Some("ask"),
                    (false, false) => None,
                }
            }
            _ => None,
        },
    })
}

/// A message as the page shows it. `html` is the stored sanitized HTML, which the page
/// rebuilds through its own allowlist; a plain message is shown from `text`.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub id: i64,
    pub sender: &'static str,
    pub name: String,
    pub format: &'static str,
    pub html: String,
    pub text: String,
    pub at: i64,
    /// The id the page gave the message when it sent it, so a page whose answer was lost
    /// recognizes its own message when the live channel delivers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        let page_id = m
            .client_id
            .strip_prefix(&format!("web:{}:", m.chat_id))
            .map(str::to_string);
        MessageView {
            client_id: page_id,
            id: m.id,
            sender: match m.sender {
                Sender::Customer => "customer",
                Sender::Agent => "agent",
                Sender::System => "system",
            },
            name: m.sender_name,
            format: m.format.as_str(),
            html: m.body_html,
            text: m.body_text,
            at: m.created_ms,
        }
    }
}
