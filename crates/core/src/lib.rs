//! Domain types and rules. Nothing here knows about iced or sqlx: the store maps rows into
//! these types, the console shows them, and a network client will carry them too.

pub mod account;
pub mod agent;
pub mod attachment;
pub mod chat;
pub mod crm;
pub mod csat;
pub mod error;
pub mod history;
pub mod limits;
pub mod options;
pub mod paths;
pub mod records;
pub mod reply;
pub mod rule;
pub mod search;
#[cfg(feature = "sqlx")]
mod sqlx_errors;
pub mod supervise;
pub mod time;
pub mod transfer;
pub mod validate;

pub use account::{
    ChatParties, Denied, Password, PasswordError, Role, SessionEnd, SessionLimits, SessionToken,
    SignInError,
};
pub use agent::{Agent, AgentLoad, AgentStatus, QueueInfo, QueueStat};
pub use chat::{
    Chat, ChatState, EndReason, Event, EventKind, Message, MessageFormat, NewMessage, Offer,
    OfferOutcome, Sender,
};
pub use error::{AcceptError, StoreError};
pub use options::{
    DEFAULT_OFFER_TIMEOUT_SECONDS, OPT_ABSENT_INTERVAL, OPT_AGENT_ABSENT_RETRIES, OPT_AUTO_AWAY,
    OPT_CKEDITOR, OPT_ENDUSER_ABSENT_RETRIES, OPT_OFFER_TIMEOUT, OPT_QUEUED_DISCARD,
    OPT_SESSION_IDLE_HOURS, OPT_SESSION_MAX_DAYS, OPT_WRAPUP_MAX, check_option, check_option_name,
};
pub use rule::RuleError;
pub use transfer::{Transfer, TransferAnswer, TransferKind, TransferTarget};
