//! The console driven through an offer, an accept and a send by a second implementation of
//! its data interface that holds no database: a recorded script of events and replies. The
//! proof that another implementation (the team server's client) slots in with no change to
//! the console, and that an offer reaches the screen from the event alone.

mod ui;

use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use iced::Size;
use iced_test::simulator::Simulator;
use livewindow::core::crm::{
    Account, Contact, ContactDraft, Record, RecordEdit, RecordKind, ScreenPop,
};
use livewindow::core::{
    AcceptError, Agent, AgentLoad, AgentStatus, Chat, ChatState, Message as ChatMessage,
    MessageFormat, NewMessage, Offer, QueueStat, Sender, StoreError, TransferTarget,
};
use livewindow::data::{
    ConsoleData, ContactMatches, DeskEvent, FeedItem, Opened, Reply, Restored, Settings, Tick,
};
use livewindow::ui::console::{Console, Message};
use std::sync::{Arc, Mutex};
use ui::settle;

const CHAT: i64 = 41;

/// What the console asked of its data, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Call {
    Restore,
    Accept(i64),
    Open(i64),
    Send(i64, String),
    Other(&'static str),
}

#[derive(Debug, Default)]
struct Script {
    calls: Mutex<Vec<Call>>,
}

impl Script {
    fn record(&self, c: Call) {
        self.calls.lock().unwrap().push(c);
    }
}

fn agent() -> Agent {
    Agent {
        id: 7,
        name: "Sam Lee".into(),
        email: "sam@example.com".into(),
        status: AgentStatus::Available,
        max_chats: 3,
    }
}

fn chat(state: ChatState) -> Chat {
    Chat {
        id: CHAT,
        queue_id: 1,
        queue_name: "Support".into(),
        customer_name: "Rita Moreno".into(),
        customer_email: "rita@example.com".into(),
        contact_id: None,
        state,
        end_reason: None,
        agent_id: Some(7),
        agent_name: Some("Sam Lee".into()),
        created_ms: 1_000,
        accepted_ms: Some(2_000),
        ended_ms: None,
        wrapped_ms: None,
        disposition: None,
        verified_by_site: false,
    }
}

fn offer(now: i64) -> Offer {
    Offer {
        chat_id: CHAT,
        agent_id: 7,
        queue_id: 1,
        queue_name: "Support".into(),
        customer_name: "Rita Moreno".into(),
        customer_email: "rita@example.com".into(),
        deadline_ms: now + 30_000,
        offered_ms: now,
        requested_ms: now - 2_000,
        first_message: Some("My kettle hums".into()),
        transfer: None,
        verified_by_site: false,
    }
}

fn not_scripted<T: Send + 'static>(what: &'static str, script: &Script) -> Reply<T> {
    script.record(Call::Other(what));
    Box::pin(async move { Err(StoreError::NotFound(format!("{what} is not in the script"))) })
}

#[derive(Debug)]
struct Scripted(Arc<Script>);

impl ConsoleData for Scripted {
    fn identity(&self) -> String {
        "scripted".into()
    }
    fn agent_id(&self) -> i64 {
        7
    }
    fn restore(&self) -> Reply<Restored> {
        self.0.record(Call::Restore);
        Box::pin(async {
            Ok(Restored {
                agent: agent(),
                desk: "desk-1".into(),
                offset_ms: 0,
                last_event: 0,
                chats: Vec::new(),
                offers: Vec::new(),
                queues: Vec::new(),
                settings: Settings {
                    rich: false,
                    auto_away_secs: 0,
                    dispositions: Vec::new(),
                },
                requeued: Vec::new(),
                supervises: false,
            })
        })
    }
    fn events(&self, _after: i64) -> BoxStream<'static, Result<FeedItem, StoreError>> {
        futures::stream::pending().boxed()
    }
    fn tick(&self, _desk: String, _measure: bool) -> Reply<Tick> {
        Box::pin(async {
            Ok(Tick::Alive {
                status: AgentStatus::Available,
                offset_ms: None,
                settings: None,
            })
        })
    }
    fn set_status(&self, _desk: String, _status: AgentStatus) -> Reply<bool> {
        Box::pin(async { Ok(true) })
    }
    fn accept(&self, chat_id: i64) -> BoxFuture<'static, Result<Chat, AcceptError>> {
        self.0.record(Call::Accept(chat_id));
        Box::pin(async { Ok(chat(ChatState::Active)) })
    }
    fn decline(&self, _chat_id: i64, _reason: Option<String>) -> Reply<()> {
        not_scripted("decline", &self.0)
    }
    fn open_chat(&self, c: Chat, _newest: usize) -> Reply<Opened> {
        self.0.record(Call::Open(c.id));
        Box::pin(async {
            Ok(Opened {
                messages: vec![ChatMessage {
                    id: 1,
                    chat_id: CHAT,
                    sender: Sender::Customer,
                    sender_name: "Rita Moreno".into(),
                    internal: false,
                    body_text: "My kettle hums".into(),
                    body_html: "<p>My kettle hums</p>".into(),
                    format: MessageFormat::Plain,
                    client_id: "c-1".into(),
                    created_ms: 1_500,
                    file: None,
                }],
                earlier: 0,
                candidate: None,
            })
        })
    }
    fn earlier_messages(&self, _: i64, _: i64, _: usize) -> Reply<(Vec<ChatMessage>, usize)> {
        not_scripted("earlier_messages", &self.0)
    }
    fn match_contact(&self, _email: String, _name: String) -> Reply<Option<Contact>> {
        Box::pin(async { Ok(None) })
    }
    fn send(&self, chat_id: i64, message: NewMessage) -> Reply<i64> {
        self.0
            .record(Call::Send(chat_id, message.body_text.clone()));
        Box::pin(async { Ok(2) })
    }
    fn end_chat(&self, _chat_id: i64) -> Reply<()> {
        not_scripted("end_chat", &self.0)
    }
    fn wrap_up(&self, _: i64, _: String, _: String) -> Reply<()> {
        not_scripted("wrap_up", &self.0)
    }
    fn transfer_targets(&self) -> Reply<(Vec<QueueStat>, Vec<AgentLoad>)> {
        not_scripted("transfer_targets", &self.0)
    }
    fn transfer(&self, _: i64, _: TransferTarget, _: String) -> Reply<()> {
        not_scripted("transfer", &self.0)
    }
    fn typing(&self, _chat_id: i64) -> Reply<()> {
        Box::pin(async { Ok(()) })
    }
    fn verify(&self, _: i64, _: Contact) -> Reply<Contact> {
        not_scripted("verify", &self.0)
    }
    fn search_contacts(&self, _: String, _: i64) -> Reply<ContactMatches> {
        Box::pin(async { Ok(ContactMatches::default()) })
    }
    fn search_accounts(&self, _: String, _: i64) -> Reply<Vec<Account>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    fn create_contact(&self, _: ContactDraft) -> Reply<Contact> {
        not_scripted("create_contact", &self.0)
    }
    fn screen_pop(&self, _: i64) -> Reply<ScreenPop> {
        not_scripted("screen_pop", &self.0)
    }
    fn save_record(&self, _: RecordEdit) -> Reply<Record> {
        not_scripted("save_record", &self.0)
    }
    fn record(&self, _: RecordKind, _: i64) -> Reply<Record> {
        not_scripted("record", &self.0)
    }
    fn monitor(&self, _: i64, _: usize) -> Reply<livewindow::data::Monitored> {
        not_scripted("monitor", &self.0)
    }
    fn supervise(&self, _: livewindow::core::supervise::Supervision) -> Reply<()> {
        not_scripted("supervise", &self.0)
    }
    fn ask_help(&self, _: i64) -> Reply<()> {
        not_scripted("ask_help", &self.0)
    }
    fn history(
        &self,
        _: livewindow::core::history::HistoryQuery,
    ) -> Reply<livewindow::core::history::HistoryPage> {
        // The chat opens with its customer's earlier chats: none here.
        self.0.record(Call::Other("history"));
        Box::pin(async {
            Ok(livewindow::core::history::HistoryPage {
                chats: Vec::new(),
                more: false,
            })
        })
    }
    fn past_chat(&self, _: i64, _: usize) -> Reply<livewindow::data::PastTranscript> {
        not_scripted("past_chat", &self.0)
    }
    fn search_messages(
        &self,
        _: livewindow::core::search::MessageQuery,
    ) -> Reply<livewindow::core::search::MessageHits> {
        not_scripted("search_messages", &self.0)
    }

    fn message_file(&self, _message_id: i64) -> Reply<Vec<u8>> {
        not_scripted("message_file", &self.0)
    }

    // In the script: the console reads the replies as it opens; there are none.
    fn replies(&self) -> Reply<Vec<livewindow::core::reply::StandardReply>> {
        self.0.record(Call::Other("replies"));
        Box::pin(async { Ok(Vec::new()) })
    }
    fn add_reply(
        &self,
        _: livewindow::core::reply::ReplyDraft,
    ) -> Reply<livewindow::core::reply::StandardReply> {
        not_scripted("add_reply", &self.0)
    }
    fn update_reply(
        &self,
        _: i64,
        _: livewindow::core::reply::ReplyDraft,
    ) -> Reply<livewindow::core::reply::StandardReply> {
        not_scripted("update_reply", &self.0)
    }
    fn remove_reply(&self, _: i64) -> Reply<()> {
        not_scripted("remove_reply", &self.0)
    }
    fn reply_used(&self, _: i64) -> Reply<()> {
        not_scripted("reply_used", &self.0)
    }
}

fn simulator(console: &Console) -> Simulator<'_, Message> {
    Simulator::with_size(
        iced::Settings::default(),
        Size::new(1280.0, 800.0),
        console.view(),
    )
}

async fn click(console: &mut Console, label: &str) {
    let messages: Vec<Message> = {
        let mut ui = simulator(console);
        ui.click(label)
            .unwrap_or_else(|e| panic!("cannot click {label:?}: {e:?}"));
        ui.into_messages().collect()
    };
    for m in messages {
        let task = console.update(m);
        settle(console, task).await;
    }
}

#[tokio::test]
async fn a_scripted_data_handle_drives_offer_accept_and_send_without_a_database() {
    let script = Arc::new(Script::default());
    let data: livewindow::data::Data = Arc::new(Scripted(script.clone()));
    let restored = data.restore().await.expect("scripted restore");
    let (mut console, task) = Console::new(data, restored, None);
    settle(&mut console, task).await;
    let task = console.update(Message::Focus(true));
    settle(&mut console, task).await;
    assert!(simulator(&console).find("Incoming (0)").is_ok());

    // The offer arrives in the event itself: the console reads nothing more to show it.
    let before = script.calls.lock().unwrap().len();
    let now = console.db_now();
    let event = Message::Event(Ok(FeedItem {
        id: 1,
        event: DeskEvent::Offered(offer(now)),
    }));
    let task = console.update(event);
    settle(&mut console, task).await;
    assert_eq!(
        script.calls.lock().unwrap().len(),
        before,
        "showing an offer made no call on the data"
    );
    let mut ui = simulator(&console);
    assert!(ui.find("Incoming (1)").is_ok());
    assert!(ui.find("Rita Moreno").is_ok());
    assert!(ui.find("“My kettle hums”").is_ok());
    drop(ui);

    click(&mut console, "Accept (Alt+A)").await;
    assert_eq!(console.active(), 1);
    // No contact matches the customer: straight to Contact Search, beside the transcript.
    assert!(simulator(&console).find("Contact Search").is_ok());
    assert!(simulator(&console).find("My kettle hums").is_ok());

    let messages: Vec<Message> = {
        let mut ui = simulator(&console);
        ui.click(iced_test::selector::id(format!("composer-{CHAT}")))
            .expect("the composer");
        ui.typewrite("The hum is the heating element");
        ui.into_messages().collect()
    };
    for m in messages {
        let task = console.update(m);
        settle(&mut console, task).await;
    }
    let task = console.update(Message::Chat(
        CHAT,
        livewindow::ui::interaction::Message::Send,
    ));
    settle(&mut console, task).await;
    assert!(
        simulator(&console)
            .find("The hum is the heating element")
            .is_ok()
    );

    let calls = script.calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        vec![
            Call::Restore,
            Call::Other("replies"),
            Call::Accept(CHAT),
            Call::Open(CHAT),
            Call::Other("history"),
            Call::Send(CHAT, "The hum is the heating element".into()),
        ],
        "the console asked for exactly the script, nothing it does not have"
    );
}
