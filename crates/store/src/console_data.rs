//! The store as the console's data interface: each method one composition of queries, so
//! the console's screens never put database calls together themselves.

use super::{Result, Store};
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use livewindow_core::crm::{
    Account, Contact, ContactDraft, Record, RecordEdit, RecordKind, ScreenPop,
};
use livewindow_core::history::{HistoryPage, HistoryQuery};
use livewindow_core::reply::{ReplyDraft, StandardReply};
use livewindow_core::search::{MessageHits, MessageQuery};
use livewindow_core::supervise::Supervision;
use livewindow_core::{
    AcceptError, AgentLoad, AgentStatus, Chat, Message, NewMessage, QueueStat, Sender, StoreError,
    TransferTarget, options,
};
use livewindow_data::{
    ConsoleData, ContactMatches, FeedItem, Monitored, Opened, PastTranscript, Reply, Requeued,
    Restored, Settings, Tick,
};

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
        self.restore_desk(agent_id, false).await
    }

    /// [`Store::restore`]; `solo`: the one user of a desktop on its own, who supervises.
    async fn restore_desk(&self, agent_id: i64, solo: bool) -> Result<Restored> {
        let desk = self.claim_desk(agent_id).await?;
        Ok(Restored {
            agent: self.agent(agent_id).await?,
            desk,
            offset_ms: self.clock_offset().await?,
            last_event: self.last_event_id().await?,
            chats: self.active_chats(agent_id).await?,
            offers: self.pending_offers(agent_id).await?,
            queues: match self.shared_queue_figures(agent_id).await {
                Some(figures) => figures,
                None => self.queue_stats(Some(agent_id)).await?,
            },
            settings: self.settings(agent_id).await?,
            requeued: self
                .requeued_while_away(agent_id)
                .await?
                .into_iter()
                .map(|(chat_id, customer, queue)| Requeued {
                    chat_id,
                    customer,
                    queue,
                })
                .collect(),
            supervises: self.board_scope(agent_id, solo).await?.is_some(),
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
        self.desk_tick_with(agent_id, desk, measure, true).await
    }

    /// [`Store::desk_tick`]; without `rules` only the heartbeat (and the measures): on a
    /// server, whose own task runs the rules once a second for everyone, a thousand desks
    /// must not each run them too.
    async fn desk_tick_with(
        &self,
        agent_id: i64,
        desk: &str,
        measure: bool,
        rules: bool,
    ) -> Result<Tick> {
        let Some(status) = self.desk_heartbeat(agent_id, desk).await? else {
            return Ok(Tick::Superseded);
        };
        if rules {
            self.tick().await?;
        }
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

/// The store as one agent's desk: the console's data interface, every call acting as that
/// agent.
#[derive(Debug, Clone)]
pub struct Desk {
    store: Store,
    agent_id: i64,
    /// A desktop on its own (not a server's agents' API): its ticks run the routing and
    /// presence rules (a server's own task does that for its desks), and its one user sees
    /// the whole supervisor's board.
    solo: bool,
}

impl Store {
    /// This store as the desk of `agent_id`: what the console of one machine works through.
    pub fn desk(&self, agent_id: i64) -> Desk {
        Desk {
            store: self.clone(),
            agent_id,
            solo: true,
        }
    }

    /// The desk of `agent_id` as a server serves it: its ticks are heartbeats only.
    pub fn served_desk(&self, agent_id: i64) -> Desk {
        Desk {
            solo: false,
            ..self.desk(agent_id)
        }
    }
}

impl Desk {
    /// Runs `f` on a clone of the store with the desk's agent, as a `'static` future.
    fn call<T, F>(&self, f: impl FnOnce(Store, i64) -> F) -> BoxFuture<'static, T>
    where
        F: Future<Output = T> + Send + 'static,
    {
        Box::pin(f(self.store.clone(), self.agent_id))
    }
}

impl ConsoleData for Desk {
    fn identity(&self) -> String {
        self.store.url().to_string()
    }

    fn agent_id(&self) -> i64 {
        self.agent_id
    }

    fn restore(&self) -> Reply<Restored> {
        let solo = self.solo;
        self.call(move |s, me| async move { s.restore_desk(me, solo).await })
    }

    fn events(&self, after: i64) -> BoxStream<'static, Result<FeedItem, StoreError>> {
        self.store
            .desk_feed(self.agent_id, after, self.solo)
            .boxed()
    }

    fn tick(&self, desk: String, measure: bool) -> Reply<Tick> {
        let rules = self.solo;
        self.call(move |s, me| async move { s.desk_tick_with(me, &desk, measure, rules).await })
    }

    fn set_status(&self, desk: String, status: AgentStatus) -> Reply<bool> {
        self.call(|s, me| async move { s.set_desk_status(me, &desk, status).await })
    }

    fn accept(&self, chat_id: i64) -> BoxFuture<'static, Result<Chat, AcceptError>> {
        self.call(|s, me| async move {
            s.accept(chat_id, me).await?;
            Ok(s.chat(chat_id).await?)
        })
    }

    fn decline(&self, chat_id: i64, reason: Option<String>) -> Reply<()> {
        self.call(|s, me| async move { s.decline(chat_id, me, reason.as_deref()).await })
    }

    fn open_chat(&self, chat: Chat, newest: usize) -> Reply<Opened> {
        self.call(|s, _| async move {
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
        self.call(|s, _| async move { s.messages_page(chat_id, Some(before), limit).await })
    }

    fn match_contact(&self, email: String, name: String) -> Reply<Option<Contact>> {
        self.call(|s, _| async move { s.match_contact(&email, &name).await })
    }

    fn send(&self, chat_id: i64, message: NewMessage) -> Reply<i64> {
        self.call(|s, me| async move {
            // The sender is the desk's agent, whatever the message says.
            let message = NewMessage {
                sender: Sender::Agent,
                agent_id: Some(me),
                ..message
            };
            s.send_message(chat_id, &message).await
        })
    }

    fn end_chat(&self, chat_id: i64) -> Reply<()> {
        self.call(|s, me| async move { s.end_chat_as(chat_id, me).await.map(|_| ()) })
    }

    fn wrap_up(&self, chat_id: i64, disposition: String, note: String) -> Reply<()> {
        self.call(|s, me| async move { s.wrap_up(chat_id, me, &disposition, &note).await })
    }

    fn transfer_targets(&self) -> Reply<(Vec<QueueStat>, Vec<AgentLoad>)> {
        self.call(|s, me| async move { s.transfer_targets(me).await })
    }

    fn transfer(&self, chat_id: i64, target: TransferTarget, note: String) -> Reply<()> {
        self.call(|s, me| async move { s.transfer(chat_id, me, target, &note).await })
    }

    fn typing(&self, chat_id: i64) -> Reply<()> {
        self.call(|s, me| async move { s.typing(chat_id, Some(me)).await })
    }

    fn verify(&self, chat_id: i64, contact: Contact) -> Reply<Contact> {
        self.call(|s, me| async move {
            s.verify_contact(chat_id, me, contact.id).await?;
            Ok(contact)
        })
    }

    fn search_contacts(&self, query: String, limit: i64) -> Reply<ContactMatches> {
        self.call(|s, _| async move {
            // One more than shown says whether there are more, without counting them all.
            let mut contacts = s.search_contacts(&query, limit + 1).await?;
            let more = contacts.len() > limit.max(0) as usize;
            contacts.truncate(limit.max(0) as usize);
            Ok(ContactMatches { contacts, more })
        })
    }

    fn search_accounts(&self, query: String, limit: i64) -> Reply<Vec<Account>> {
        self.call(|s, _| async move { s.search_accounts(&query, limit).await })
    }

    fn create_contact(&self, draft: ContactDraft) -> Reply<Contact> {
        self.call(|s, me| async move { s.create_contact(&draft, me).await })
    }

    fn screen_pop(&self, contact_id: i64) -> Reply<ScreenPop> {
        self.call(|s, _| async move { s.screen_pop(contact_id).await })
    }

    fn save_record(&self, edit: RecordEdit) -> Reply<Record> {
        self.call(|s, me| async move { s.save_record(&edit, me).await })
    }

    fn record(&self, kind: RecordKind, id: i64) -> Reply<Record> {
        self.call(|s, _| async move { s.record(kind, id).await })
    }

    fn monitor(&self, chat_id: i64, newest: usize) -> Reply<Monitored> {
        self.call(move |s, me| async move { s.monitor(me, chat_id, newest).await })
    }

    fn supervise(&self, act: Supervision) -> Reply<()> {
        self.call(|s, me| async move { s.supervise(me, &act).await })
    }

    fn ask_help(&self, chat_id: i64) -> Reply<()> {
        self.call(move |s, me| async move { s.ask_help(me, chat_id).await })
    }

    fn history(&self, query: HistoryQuery) -> Reply<HistoryPage> {
        self.call(move |s, _| async move { s.history(&query).await })
    }

    fn past_chat(&self, chat_id: i64, newest: usize) -> Reply<PastTranscript> {
        let solo = self.solo;
        self.call(move |s, me| async move {
            let access = s.past_access(me, chat_id, solo).await?;
            s.past_chat(chat_id, newest, access.shows_private()).await
        })
    }

    fn search_messages(&self, query: MessageQuery) -> Reply<MessageHits> {
        let solo = self.solo;
        self.call(move |s, me| async move { s.search_as(me, solo, query).await })
    }

    fn message_file(&self, message_id: i64) -> Reply<Vec<u8>> {
        self.call(move |s, me| async move { s.agents_file(me, message_id).await })
    }

    fn replies(&self) -> Reply<Vec<StandardReply>> {
        self.call(|s, me| async move { s.replies_for(me).await })
    }

    fn add_reply(&self, draft: ReplyDraft) -> Reply<StandardReply> {
        let solo = self.solo;
        self.call(move |s, me| async move {
            s.may_manage_reply(me, solo, None, Some(draft.scope))
                .await?;
            s.add_reply(&draft).await
        })
    }

    fn update_reply(&self, id: i64, draft: ReplyDraft) -> Reply<StandardReply> {
        let solo = self.solo;
        self.call(move |s, me| async move {
            let before = s.reply(id).await?.scope;
            s.may_manage_reply(me, solo, Some(before), Some(draft.scope))
                .await?;
            s.update_reply(id, &draft).await
        })
    }

    fn remove_reply(&self, id: i64) -> Reply<()> {
        let solo = self.solo;
        self.call(move |s, me| async move {
            let before = s.reply(id).await?.scope;
            s.may_manage_reply(me, solo, Some(before), None).await?;
            s.remove_reply(id).await.map(|_| ())
        })
    }

    fn reply_used(&self, id: i64) -> Reply<()> {
        self.call(move |s, me| async move { s.count_reply_use(id, me).await })
    }
}
