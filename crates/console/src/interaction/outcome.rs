//! What the console's data, the clipboard or the file system answered to one of the chat's
//! actions. The console root wraps each answer as it comes, knowing nothing of the screens
//! below the chat; the chat hands it to the screen that asked.

use super::Message;
use crate::clipboard::{Clip, ClipboardError};
use crate::files::FileError;
use crate::{composer, contact_search, screen_pop, transfer, wrapup};
use livewindow_core::crm::{Account, Contact, Record, ScreenPop};
use livewindow_core::{AgentLoad, QueueStat, StoreError};
use livewindow_data::ContactMatches;

#[derive(Debug, Clone)]
pub enum Outcome {
    /// The screen pop of the verified contact.
    Pop(Result<ScreenPop, StoreError>),
    /// A record of the screen pop (its tab's key) as saved or read again.
    Record(u64, Result<Record, StoreError>),
    /// The contact search's results for its request `seq`.
    Contacts(u64, Result<ContactMatches, StoreError>),
    /// The typing pause before search `seq` has passed.
    SearchDue(u64),
    Accounts(Result<Vec<Account>, StoreError>),
    ContactCreated(Result<Contact, StoreError>),
    Pasted(Result<Clip, ClipboardError>),
    Copied(Result<(), ClipboardError>),
    ImageLoaded(Result<(Vec<u8>, String), FileError>),
    TransferTargets(Result<(Vec<QueueStat>, Vec<AgentLoad>), StoreError>),
    Transferred(Result<(), StoreError>),
    WrappedUp(Result<(), StoreError>),
    ReplySaved(Result<livewindow_core::reply::StandardReply, StoreError>),
    ReplyRemoved(Result<(), StoreError>),
}

impl Outcome {
    /// The message of the chat's screen that asked, which maps it further down itself.
    pub(super) fn into_message(self) -> Message {
        use contact_search::Message as Search;
        match self {
            Outcome::Pop(r) => Message::Pop(screen_pop::Message::Loaded(r.map(Box::new))),
            Outcome::Record(key, r) => Message::Pop(screen_pop::Message::Saved(key, r)),
            Outcome::Contacts(seq, r) => Message::Search(Search::Results(seq, r)),
            Outcome::SearchDue(seq) => Message::Search(Search::Due(seq)),
            Outcome::Accounts(r) => Message::Search(Search::AccountResults(r)),
            Outcome::ContactCreated(r) => Message::Search(Search::Saved(r)),
            Outcome::Pasted(r) => Message::Composer(composer::Message::Pasted(r)),
            Outcome::Copied(r) => Message::Composer(composer::Message::Copied(r)),
            Outcome::ImageLoaded(r) => Message::Composer(composer::Message::ImageLoaded(r)),
            Outcome::TransferTargets(r) => Message::Dialog(transfer::Message::Loaded(r)),
            Outcome::Transferred(r) => Message::Dialog(transfer::Message::Done(r)),
            Outcome::WrappedUp(r) => Message::WrapUp(wrapup::Message::Saved(r)),
            Outcome::ReplySaved(r) => Message::Replies(crate::replies::Message::Saved(r)),
            Outcome::ReplyRemoved(r) => Message::Replies(crate::replies::Message::Removed(r)),
        }
    }
}
