//! The store as the console's data interface: each method one composition of queries, so
//! the console's screens never put database calls together themselves.

use super::{Result, Store};
use crate::core::crm::{Account, Contact, ContactDraft, Record, RecordEdit, RecordKind, ScreenPop};
use crate::core::{
    AcceptError, AgentStatus, Chat, Event, Message, NewMessage, Offer, Sender, StoreError,
};
use crate::data::{ConsoleData, Opened, Reply, Restored, Tick};
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;

impl Store {
    /// Database clock minus local clock, in ms, measured as the midpoint of a round trip.
    pub async fn clock_offset(&self) -> Result<i64> {
        let t0 = chrono::Utc::now().timestamp_millis();
        let db = self.now_ms().await?;
        let t1 = chrono::Utc::now().timestamp_millis();
        Ok(db - (t0 + t1) / 2)
    }

    /// What the console opens with.
    pub async fn restore(&self, agent_id: i64) -> Result<Restored> {
        Ok(Restored {
            agent: self.agent(agent_id).await?,
            offset_ms: self.clock_offset().await?,
            last_event: self.last_event_id().await?,
            chats: self.active_chats(agent_id).await?,
            offers: self.pending_offers(agent_id).await?,
            waiting: self.waiting_count(None).await?,
            rich: self.rich_text_enabled(agent_id).await?,
        })
    }

    /// The desktop's tick: heartbeat, expiry and routing; with `measure`, the clock offset
    /// and the agent's composer option.
    pub async fn desk_tick(&self, agent_id: i64, measure: bool) -> Result<Tick> {
        self.heartbeat(agent_id).await?;
        self.tick().await?;
        if !measure {
            return Ok(Tick::default());
        }
        Ok(Tick {
            offset_ms: Some(self.clock_offset().await?),
            rich: Some(self.rich_text_enabled(agent_id).await?),
        })
    }
}

/// Runs `f` on a clone of the store, as a `'static` future.
fn call<T, F>(store: &Store, f: impl FnOnce(Store) -> F) -> BoxFuture<'static, T>
where
    F: Future<Output = T> + Send + 'static,
{
    Box::pin(f(store.clone()))
}

impl ConsoleData for Store {
    fn identity(&self) -> String {
        self.url().to_string()
    }

    fn restore(&self, agent_id: i64) -> Reply<Restored> {
        call(self, move |s| async move { s.restore(agent_id).await })
    }

    fn events(&self, after_id: i64) -> BoxStream<'static, Result<Event, StoreError>> {
        self.subscribe(after_id).boxed()
    }

    fn tick(&self, agent_id: i64, measure: bool) -> Reply<Tick> {
        call(self, move |s| async move {
            s.desk_tick(agent_id, measure).await
        })
    }

    fn waiting(&self) -> Reply<i64> {
        call(self, |s| async move { s.waiting_count(None).await })
    }

    fn set_status(&self, agent_id: i64, status: AgentStatus) -> Reply<()> {
        call(self, move |s| async move {
            s.set_agent_status(agent_id, status).await
        })
    }

    fn offer(&self, chat_id: i64) -> Reply<Option<Offer>> {
        call(self, move |s| async move { s.offer(chat_id).await })
    }

    fn accept(&self, chat_id: i64, agent_id: i64) -> BoxFuture<'static, Result<Chat, AcceptError>> {
        call(self, move |s| async move {
            s.accept(chat_id, agent_id).await?;
            Ok(s.chat(chat_id).await?)
        })
    }

    fn decline(&self, chat_id: i64, agent_id: i64, reason: Option<String>) -> Reply<()> {
        call(self, move |s| async move {
            s.decline(chat_id, agent_id, reason.as_deref()).await
        })
    }

    fn chat(&self, chat_id: i64) -> Reply<Chat> {
        call(self, move |s| async move { s.chat(chat_id).await })
    }

    fn message(&self, message_id: i64) -> Reply<Message> {
        call(self, move |s| async move { s.message(message_id).await })
    }

    fn open_chat(&self, chat: Chat) -> Reply<Opened> {
        call(self, move |s| async move {
            let messages = s.messages(chat.id).await?;
            let candidate = match chat.contact_id {
                Some(_) => None,
                None => {
                    s.match_contact(&chat.customer_email, &chat.customer_name)
                        .await?
                }
            };
            Ok(Opened {
                messages,
                candidate,
            })
        })
    }

    fn match_contact(&self, email: String, name: String) -> Reply<Option<Contact>> {
        call(self, move |s| async move {
            s.match_contact(&email, &name).await
        })
    }

    fn send(&self, chat_id: i64, message: NewMessage) -> Reply<i64> {
        call(self, move |s| async move {
            s.send_message(chat_id, &message).await
        })
    }

    fn end_chat(&self, chat_id: i64) -> Reply<()> {
        call(self, move |s| async move {
            s.end_chat(chat_id, Sender::Agent).await.map(|_| ())
        })
    }

    fn typing(&self, chat_id: i64, agent_id: i64) -> Reply<()> {
        call(self, move |s| async move {
            s.typing(chat_id, Some(agent_id)).await
        })
    }

    fn verify(&self, chat_id: i64, agent_id: i64, contact: Contact) -> Reply<Contact> {
        call(self, move |s| async move {
            s.verify_contact(chat_id, agent_id, contact.id).await?;
            Ok(contact)
        })
    }

    fn search_contacts(&self, query: String, limit: i64) -> Reply<Vec<Contact>> {
        call(self, move |s| async move {
            s.search_contacts(&query, limit).await
        })
    }

    fn search_accounts(&self, query: String, limit: i64) -> Reply<Vec<Account>> {
        call(self, move |s| async move {
            s.search_accounts(&query, limit).await
        })
    }

    fn create_contact(&self, draft: ContactDraft) -> Reply<Contact> {
        call(self, move |s| async move { s.create_contact(&draft).await })
    }

    fn screen_pop(&self, contact_id: i64) -> Reply<ScreenPop> {
        call(self, move |s| async move { s.screen_pop(contact_id).await })
    }

    fn save_record(&self, edit: RecordEdit) -> Reply<Record> {
        call(self, move |s| async move { s.save_record(&edit).await })
    }

    fn record(&self, kind: RecordKind, id: i64) -> Reply<Record> {
        call(self, move |s| async move { s.record(kind, id).await })
    }
}
