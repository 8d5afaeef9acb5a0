//! The store as the console's data interface: each method one composition of queries, so
//! the console's screens never put database calls together themselves.

use super::{Result, Store};
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use livewindow_core::crm::{
    Account, Contact, ContactDraft, Record, RecordEdit, RecordKind, ScreenPop,
};
use livewindow_core::{
    AcceptError, Agent, AgentLoad, AgentStatus, Chat, Event, Message, NewMessage, Offer, QueueStat,
    StoreError, TransferAnswer, TransferTarget, options,
};
use livewindow_data::{ConsoleData, ContactMatches, Opened, Reply, Restored, Settings, Tick};

impl Store {
    /// Database clock minus local clock, in ms, measured as the midpoint of a round trip.
    pub async fn clock_offset(&self) -> Result<i64> {
        let t0 = chrono::Utc::now().timestamp_millis();
        let db = self.now_ms().await?;
        let t1 = chrono::Utc::now().timestamp_millis();
        Ok(db - (t0 + t1) / 2)
    }

    /// What the console opens with; the console claims the agent's desk.
    pub async fn restore(&self, agent_id: i64) -> Result<Restored> {
        let desk = self.claim_desk(agent_id).await?;
        Ok(Restored {
            agent: self.agent(agent_id).await?,
            desk,
            offset_ms: self.clock_offset().await?,
            last_event: self.last_event_id().await?,
            chats: self.active_chats(agent_id).await?,
            offers: self.pending_offers(agent_id).await?,
            queues: self.queue_stats(Some(agent_id)).await?,
            settings: self.settings(agent_id).await?,
            requeued: self.requeued_while_away(agent_id).await?,
        })
    }

    /// The agent's options the console follows.
    pub async fn settings(&self, agent_id: i64) -> Result<Settings> {
        let away = self.option(options::OPT_AUTO_AWAY, Some(agent_id)).await?;
        Ok(Settings {
            rich: self.rich_text_enabled(agent_id).await?,
            auto_away_secs: options::number(options::OPT_AUTO_AWAY, away.as_deref()),
            dispositions: self.dispositions().await?,
        })
    }

    /// The desk's tick: heartbeat (or the news that another console took over), expiry,
    /// the presence rules and routing; with `measure`, the clock offset and the settings.
    pub async fn desk_tick(&self, agent_id: i64, desk: &str, measure: bool) -> Result<Tick> {
        let Some(status) = self.desk_heartbeat(agent_id, desk).await? else {
            return Ok(Tick::Superseded);
        };
        self.tick().await?;
        let (offset_ms, settings) = if measure {
            (
                Some(self.clock_offset().await?),
                Some(self.settings(agent_id).await?),
            )
        } else {
            (None, None)
        };
        Ok(Tick::Alive {
            status,
            offset_ms,
            settings,
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

    fn tick(&self, agent_id: i64, desk: String, measure: bool) -> Reply<Tick> {
        call(self, move |s| async move {
            s.desk_tick(agent_id, &desk, measure).await
        })
    }

    fn agent(&self, agent_id: i64) -> Reply<Agent> {
        call(self, move |s| async move { s.agent(agent_id).await })
    }

    fn queue_stats(&self, agent_id: i64) -> Reply<Vec<QueueStat>> {
        call(
            self,
            move |s| async move { s.queue_stats(Some(agent_id)).await },
        )
    }

    fn set_status(&self, agent_id: i64, desk: String, status: AgentStatus) -> Reply<bool> {
        call(self, move |s| async move {
            s.set_desk_status(agent_id, &desk, status).await
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

    fn open_chat(&self, chat: Chat, newest: usize) -> Reply<Opened> {
        call(self, move |s| async move {
            let (messages, earlier) = s.messages_page(chat.id, None, newest).await?;
            let candidate = match chat.contact_id {
                Some(_) => None,
                None => {
                    s.match_contact(&chat.customer_email, &chat.customer_name)
                        .await?
                }
            };
            Ok(Opened {
                messages,
                earlier,
                candidate,
            })
        })
    }

    fn earlier_messages(
        &self,
        chat_id: i64,
        before: i64,
        limit: usize,
    ) -> Reply<(Vec<Message>, usize)> {
        call(self, move |s| async move {
            s.messages_page(chat_id, Some(before), limit).await
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

    fn end_chat(&self, chat_id: i64, agent_id: i64) -> Reply<()> {
        call(self, move |s| async move {
            s.end_chat_as(chat_id, agent_id).await.map(|_| ())
        })
    }

    fn wrap_up(&self, chat_id: i64, agent_id: i64, disposition: String, note: String) -> Reply<()> {
        call(self, move |s| async move {
            s.wrap_up(chat_id, agent_id, &disposition, &note).await
        })
    }

    fn transfer_targets(&self, agent_id: i64) -> Reply<(Vec<QueueStat>, Vec<AgentLoad>)> {
        call(
            self,
            move |s| async move { s.transfer_targets(agent_id).await },
        )
    }

    fn transfer(
        &self,
        chat_id: i64,
        agent_id: i64,
        target: TransferTarget,
        note: String,
    ) -> Reply<()> {
        call(self, move |s| async move {
            s.transfer(chat_id, agent_id, target, &note).await
        })
    }

    fn transfer_answer(&self, chat_id: i64) -> Reply<Option<TransferAnswer>> {
        call(
            self,
            move |s| async move { s.transfer_answer(chat_id).await },
        )
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

    fn search_contacts(&self, query: String, limit: i64) -> Reply<ContactMatches> {
        call(self, move |s| async move {
            // One more than shown says whether there are more, without counting them all.
            let mut contacts = s.search_contacts(&query, limit + 1).await?;
            let more = contacts.len() > limit.max(0) as usize;
            contacts.truncate(limit.max(0) as usize);
            Ok(ContactMatches { contacts, more })
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
