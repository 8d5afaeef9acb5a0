//! The desktop's side of the agents' API: [`Remote`] is the data interface
//! ([`ConsoleData`]) of a signed-in agent, every call a request to `livewindow server`
//! with the session's token, and its events a WebSocket that resumes by event id. A desktop
//! in team mode holds no database URL; this is all it talks to.

pub mod admin;
mod call;
mod feed;
pub mod keep;
mod tls;

pub use admin::Admin;
pub use tls::use_ring;

use call::{CallError, end_session, endpoint, post, transport};

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
    AcceptError, AgentLoad, AgentStatus, Chat, Message, NewMessage, Password, QueueStat,
    SessionToken, StoreError, TransferTarget,
};
use livewindow_data::wire::{
    API_PREFIX, Command, Failure, FailureKind, SignInAnswer, SignInRefusal, SignInRequest,
};
use livewindow_data::{
    ConsoleData, ContactMatches, FeedItem, Monitored, Opened, PastTranscript, Reply, Restored, Tick,
};
use serde::de::DeserializeOwned;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// A request that gets no answer in this long is a server out of reach.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Checks the server's address: https, or http only on this machine (a token and
/// customers' words would cross the network in clear) unless `insecure`.
pub fn server_url(given: &str, insecure: bool) -> Result<Url, String> {
    let url = Url::parse(given.trim())
        .map_err(|e| format!("{given:?} is not a server address ({e}); use https://HOST"))?;
    if url.host().is_none() {
        return Err(format!("{given:?} names no host; use https://HOST"));
    }
    let loopback = is_loopback(&url);
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback || insecure => Ok(url),
        "http" => Err(format!(
            "{given} is plain http on another machine: your password and the customers' words \
             would cross the network unencrypted. Use its https:// address, or pass \
             --insecure-http only on a network you trust"
        )),
        other => Err(format!(
            "{other}:// is not a server address; use https://HOST"
        )),
    }
}

/// A team's server as the desktop reaches it: its checked address, and the HTTP client and
/// TLS settings that every request and the event socket use.
#[derive(Clone, Debug)]
pub struct Server {
    url: Url,
    http: reqwest::Client,
    tls: Arc<rustls::ClientConfig>,
}

impl Server {
    /// `given` checked as [`server_url`] does; https trusts the system's authorities and
    /// `extra_ca` (a PEM file), if given.
    pub fn new(given: &str, insecure: bool, extra_ca: Option<&Path>) -> Result<Server, String> {
        let url = server_url(given, insecure)?;
        let tls = tls::client_config(extra_ca)?;
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .tls_backend_preconfigured((*tls).clone())
            .build()
            .map_err(|e| format!("the desktop's HTTP client cannot start: {e}"))?;
        Ok(Server { url, http, tls })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The one line to say before using a plain http server off this machine (allowed by
    /// `--insecure-http`), if that is what it is.
    pub fn warning(&self) -> Option<String> {
        (self.url.scheme() == "http" && !is_loopback(&self.url)).then(|| {
            format!(
                "warning: {} is plain http; your password and the customers' words cross the \
                 network unencrypted",
                self.url
            )
        })
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        None => false,
    }
}

/// This computer's name, shown in `livewindow session list` beside each session.
pub fn device_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "desktop".into())
}

/// Why signing in did not work, as the sign-in screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum SignInProblem {
    /// Wrong email or password, a disabled account, too many attempts.
    Refused {
        refusal: SignInRefusal,
        line: String,
    },
    /// The server did not answer (down, wrong address, no network).
    Unreachable(String),
    /// It answered something that is not a Live Window server's answer.
    NotAServer(String),
}

impl std::fmt::Display for SignInProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignInProblem::Refused { line, .. } => f.write_str(line),
            SignInProblem::Unreachable(why) => write!(f, "The server cannot be reached: {why}."),
            SignInProblem::NotAServer(what) => {
                write!(
                    f,
                    "That address does not answer as a Live Window server ({what})."
                )
            }
        }
    }
}

/// Signs in on `server`: the session's token, and who it signs in.
pub async fn sign_in(
    server: &Server,
    email: &str,
    password: &Password,
    device: &str,
) -> Result<(Remote, SignInAnswer), SignInProblem> {
    let request = SignInRequest {
        email: email.to_string(),
        password: password.expose().to_string(),
        device: device.to_string(),
    };
    let r = server
        .http
        .post(endpoint(server, API_PREFIX, "session"))
        .json(&request)
        .send()
        .await
        .map_err(|e| SignInProblem::Unreachable(transport(&e)))?;
    let status = r.status();
    let body = r
        .bytes()
        .await
        .map_err(|e| SignInProblem::Unreachable(transport(&e)))?;
    if status.is_success() {
        let answer: SignInAnswer = serde_json::from_slice(&body)
            .map_err(|_| SignInProblem::NotAServer(format!("HTTP {status}")))?;
        let remote = Remote {
            server: server.clone(),
            token: SessionToken::new(answer.token.clone()),
            agent_id: answer.agent_id,
        };
        return Ok((remote, answer));
    }
    match serde_json::from_slice::<Failure>(&body) {
        Ok(Failure {
            error,
            kind: FailureKind::SignIn(refusal),
        }) => Err(SignInProblem::Refused {
            refusal,
            line: error,
        }),
        Ok(Failure { error, .. }) => Err(SignInProblem::Unreachable(error)),
        Err(_) => Err(SignInProblem::NotAServer(format!("HTTP {status}"))),
    }
}

/// A signed-in agent's data, through the server. Its `Debug` never shows the token.
#[derive(Clone, Debug)]
pub struct Remote {
    server: Server,
    token: SessionToken,
    agent_id: i64,
}

impl Remote {
    /// A session kept from before (the keyring's token) on `server`.
    pub fn resume(server: Server, token: SessionToken, agent_id: i64) -> Remote {
        Remote {
            server,
            token,
            agent_id,
        }
    }

    pub fn server(&self) -> &Url {
        &self.server.url
    }

    pub fn token(&self) -> &SessionToken {
        &self.token
    }

    /// Ends the session on the server.
    pub async fn sign_out(&self) -> Result<(), StoreError> {
        end_session(&self.server, &self.token).await
    }

    /// Changes the signed-in user's password (a one-time one must be, first).
    pub async fn change_password(
        &self,
        current: &Password,
        new: &Password,
    ) -> Result<(), StoreError> {
        call::change_password(&self.server, &self.token, current, new).await
    }

    async fn call<T: DeserializeOwned>(&self, command: Command) -> Result<T, CallError> {
        post(&self.server, &self.token, API_PREFIX, &command).await
    }

    fn reply<T: DeserializeOwned + Send + 'static>(&self, command: Command) -> Reply<T> {
        let me = self.clone();
        Box::pin(async move { me.call(command).await.map_err(StoreError::from) })
    }
}

impl ConsoleData for Remote {
    fn identity(&self) -> String {
        self.server.url.to_string()
    }

    fn agent_id(&self) -> i64 {
        self.agent_id
    }

    fn restore(&self) -> Reply<Restored> {
        self.reply(Command::Restore {})
    }

    fn events(&self, after: i64) -> BoxStream<'static, Result<FeedItem, StoreError>> {
        feed::events(self.clone(), after)
    }

    fn tick(&self, desk: String, measure: bool) -> Reply<Tick> {
        self.reply(Command::Tick { desk, measure })
    }

    fn set_status(&self, desk: String, status: AgentStatus) -> Reply<bool> {
        self.reply(Command::SetStatus { desk, status })
    }

    fn accept(&self, chat_id: i64) -> BoxFuture<'static, Result<Chat, AcceptError>> {
        let me = self.clone();
        Box::pin(async move {
            me.call(Command::Accept { chat_id })
                .await
                .map_err(AcceptError::from)
        })
    }

    fn decline(&self, chat_id: i64, reason: Option<String>) -> Reply<()> {
        self.reply(Command::Decline { chat_id, reason })
    }

    fn open_chat(&self, chat: Chat, newest: usize) -> Reply<Opened> {
        self.reply(Command::OpenChat {
            chat_id: chat.id,
            newest,
        })
    }

    fn earlier_messages(
        &self,
        chat_id: i64,
        before: i64,
        limit: usize,
    ) -> Reply<(Vec<Message>, usize)> {
        self.reply(Command::EarlierMessages {
            chat_id,
            before,
            limit,
        })
    }

    fn match_contact(&self, email: String, name: String) -> Reply<Option<Contact>> {
        self.reply(Command::MatchContact { email, name })
    }

    fn send(&self, chat_id: i64, message: NewMessage) -> Reply<i64> {
        self.reply(Command::Send { chat_id, message })
    }

    fn end_chat(&self, chat_id: i64) -> Reply<()> {
        self.reply(Command::EndChat { chat_id })
    }

    fn wrap_up(&self, chat_id: i64, disposition: String, note: String) -> Reply<()> {
        self.reply(Command::WrapUp {
            chat_id,
            disposition,
            note,
        })
    }

    fn transfer_targets(&self) -> Reply<(Vec<QueueStat>, Vec<AgentLoad>)> {
        self.reply(Command::TransferTargets {})
    }

    fn transfer(&self, chat_id: i64, target: TransferTarget, note: String) -> Reply<()> {
        self.reply(Command::Transfer {
            chat_id,
            target,
            note,
        })
    }

    fn typing(&self, chat_id: i64) -> Reply<()> {
        self.reply(Command::Typing { chat_id })
    }

    fn verify(&self, chat_id: i64, contact: Contact) -> Reply<Contact> {
        self.reply(Command::Verify {
            chat_id,
            contact_id: contact.id,
        })
    }

    fn search_contacts(&self, query: String, limit: i64) -> Reply<ContactMatches> {
        self.reply(Command::SearchContacts { query, limit })
    }

    fn search_accounts(&self, query: String, limit: i64) -> Reply<Vec<Account>> {
        self.reply(Command::SearchAccounts { query, limit })
    }

    fn create_contact(&self, draft: ContactDraft) -> Reply<Contact> {
        self.reply(Command::CreateContact { draft })
    }

    fn screen_pop(&self, contact_id: i64) -> Reply<ScreenPop> {
        self.reply(Command::ScreenPop { contact_id })
    }

    fn save_record(&self, edit: RecordEdit) -> Reply<Record> {
        self.reply(Command::SaveRecord { edit })
    }

    fn record(&self, kind: RecordKind, id: i64) -> Reply<Record> {
        self.reply(Command::Record { kind, id })
    }

    fn monitor(&self, chat_id: i64, newest: usize) -> Reply<Monitored> {
        self.reply(Command::Monitor { chat_id, newest })
    }

    fn supervise(&self, act: Supervision) -> Reply<()> {
        self.reply(Command::Supervise { act })
    }

    fn ask_help(&self, chat_id: i64) -> Reply<()> {
        self.reply(Command::AskHelp { chat_id })
    }

    fn history(&self, query: HistoryQuery) -> Reply<HistoryPage> {
        self.reply(Command::History { query })
    }

    fn past_chat(&self, chat_id: i64, newest: usize) -> Reply<PastTranscript> {
        self.reply(Command::PastChat { chat_id, newest })
    }

    fn search_messages(&self, query: MessageQuery) -> Reply<MessageHits> {
        self.reply(Command::SearchMessages { query })
    }

    fn message_file(&self, message_id: i64) -> Reply<Vec<u8>> {
        let me = self.clone();
        Box::pin(async move {
            call::get_bytes(&me.server, &me.token, &format!("files/{message_id}"))
                .await
                .map_err(StoreError::from)
        })
    }

    fn replies(&self) -> Reply<Vec<StandardReply>> {
        self.reply(Command::Replies {})
    }

    fn add_reply(&self, draft: ReplyDraft) -> Reply<StandardReply> {
        self.reply(Command::AddReply { draft })
    }

    fn update_reply(&self, id: i64, draft: ReplyDraft) -> Reply<StandardReply> {
        self.reply(Command::UpdateReply { id, draft })
    }

    fn remove_reply(&self, id: i64) -> Reply<()> {
        self.reply(Command::RemoveReply { id })
    }

    fn reply_used(&self, id: i64) -> Reply<()> {
        self.reply(Command::ReplyUsed { id })
    }

    fn sign_out(&self) -> Reply<()> {
        let me = self.clone();
        Box::pin(async move { Remote::sign_out(&me).await })
    }
}

#[cfg(test)]
mod tests {
    use super::server_url;

    #[test]
    fn https_anywhere_plain_http_only_on_this_machine() {
        assert!(server_url("https://chat.example.com", false).is_ok());
        assert!(server_url("http://127.0.0.1:8080", false).is_ok());
        assert!(server_url("http://localhost:8080/", false).is_ok());
        assert!(server_url("http://[::1]:8080/", false).is_ok());
        let e = server_url("http://chat.example.com", false).unwrap_err();
        assert!(e.contains("--insecure-http"), "{e}");
        assert!(server_url("http://chat.example.com", true).is_ok());
        assert!(server_url("ftp://chat.example.com", true).is_err());
        assert!(server_url("chat.example.com", false).is_err());
    }
}
