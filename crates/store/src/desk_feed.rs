//! One agent's view of the event feed: which of the database's events are theirs, and what
//! each carries to their console. It runs where the store is (in solo mode, inside the
//! desktop; in a team, on the server for each desktop's socket), so an offer reaches the
//! screen with no further read by the console. The events come through the process's one
//! shared reader (desks.rs), which hands each desk only the events that concern it.

use super::desks::{GoLive, Live};
use super::{Result, Store};
use futures::StreamExt;
use livewindow_core::{Event, EventKind, OfferOutcome};
use livewindow_data::{DeskEvent, FeedItem, OfferEnd};
use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::mpsc;

/// What the feed knows of the agent's desk, to tell their events from others'.
#[derive(Debug)]
pub(crate) struct Follow {
    pub(crate) agent: i64,
    /// Chats offered to the agent and not answered yet.
    pub(crate) offered: HashSet<i64>,
    /// The agent's chats: active or in wrap-up.
    pub(crate) mine: HashSet<i64>,
}

/// The next read an event needs before it can be shown, or what it shows at once.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Skip,
    Show(Box<DeskEvent>),
    ReadOffer(i64),
    ReadChat(i64),
    ReadMessage(i64),
    ReadAgent,
    ReadTransferAnswer(i64),
}

impl Follow {
    /// Whether the desk follows `chat`: offered to the agent, or theirs.
    pub(crate) fn follows(&self, chat: i64) -> bool {
        self.offered.contains(&chat) || self.mine.contains(&chat)
    }

    /// Decides what an event means for the agent, and follows their offers and chats.
    pub(crate) fn step(&mut self, e: &Event) -> Step {
        let me = Some(self.agent);
        if e.kind == EventKind::AgentStatus {
            return if e.agent_id == me && e.chat_id.is_none() {
                Step::ReadAgent
            } else {
                Step::Skip
            };
        }
        let Some(chat) = e.chat_id else {
            return Step::Skip;
        };
        let offered = self.offered.contains(&chat);
        let mine = self.mine.contains(&chat);
        let by_me = e.agent_id == me;
        let offer_ended = |f: &mut Self, why| {
            f.offered.remove(&chat);
            Step::Show(Box::new(DeskEvent::OfferEnded { chat_id: chat, why }))
        };
        match e.kind {
            EventKind::ChatOffered if by_me => {
                self.offered.insert(chat);
                Step::ReadOffer(chat)
            }
            // Someone the agent offered their chat to answered it.
            EventKind::ChatAccepted | EventKind::OfferDeclined | EventKind::OfferExpired
                if mine && !by_me =>
            {
                Step::ReadTransferAnswer(chat)
            }
            EventKind::ChatAccepted if by_me => {
                self.offered.remove(&chat);
                self.mine.insert(chat);
                Step::ReadChat(chat)
            }
            EventKind::OfferExpired if offered && by_me => offer_ended(self, OfferEnd::Expired),
            EventKind::OfferDeclined if offered && by_me => offer_ended(self, OfferEnd::Declined),
            EventKind::ChatEnded if offered => offer_ended(self, OfferEnd::CustomerLeft),
            EventKind::ChatEnded if mine => Step::ReadChat(chat),
            EventKind::ChatTransferred if offered => offer_ended(self, OfferEnd::Moved),
            EventKind::ChatTransferred if mine && by_me => {
                self.mine.remove(&chat);
                Step::Show(Box::new(DeskEvent::ChatTaken { chat_id: chat }))
            }
            EventKind::ChatClosed if mine && by_me => {
                self.mine.remove(&chat);
                Step::Show(Box::new(DeskEvent::ChatClosed { chat_id: chat }))
            }
            EventKind::Message if mine => match e.message_id {
                Some(id) => Step::ReadMessage(id),
                None => Step::Skip,
            },
            EventKind::Typing if mine && e.agent_id.is_none() => {
                Step::Show(Box::new(DeskEvent::CustomerTyping { chat_id: chat }))
            }
            _ => Step::Skip,
        }
    }

    /// A transfer of the agent's chat accepted by the other agent: the chat is theirs now.
    pub(crate) fn answered(&mut self, chat: i64, accepted: bool) {
        if accepted {
            self.mine.remove(&chat);
        }
    }
}

/// Turns the database's events into one agent's desk events, one at a time: what the feed
/// runs, and what a test runs to deliver events exactly when it chooses.
pub struct DeskReader {
    follow: Follow,
    /// An event changed the queues' figures since they were last read.
    queues_owed: bool,
}

impl DeskReader {
    /// What event `e` shows at the agent's desk, if anything.
    pub async fn read(&mut self, store: &Store, e: &Event) -> Result<Option<DeskEvent>> {
        if e.kind.changes_queues() || e.kind == EventKind::AgentStatus {
            self.queues_owed = true;
        }
        let step = self.follow.step(e);
        let event = store.read_step(self.follow.agent, step).await?;
        if let Some((chat, accepted)) = event.as_ref().and_then(transfer_answer) {
            self.follow.answered(chat, accepted);
        }
        Ok(event)
    }

    /// The queues' figures, when events changed them since they were last read.
    pub async fn queues(&mut self, store: &Store) -> Result<Option<DeskEvent>> {
        if !std::mem::take(&mut self.queues_owed) {
            return Ok(None);
        }
        Ok(Some(DeskEvent::Queues(
            store.queue_stats(Some(self.follow.agent)).await?,
        )))
    }
}

impl Store {
    /// The agent's events after feed id `after`: each of theirs once, in order, with what
    /// the console shows; errors are items, and the feed catches up after them.
    pub fn desk_feed(&self, agent_id: i64, after: i64) -> DeskFeed {
        let (tx, rx) = mpsc::channel(256);
        let task = tokio::spawn(run(self.clone(), agent_id, after, tx));
        DeskFeed::new(rx, vec![task])
    }

    /// A reader of the agent's desk events, starting from their offers and chats as they
    /// are now.
    pub async fn desk_reader(&self, agent_id: i64) -> Result<DeskReader> {
        let offered = self.pending_offers(agent_id).await?;
        let mine = self.active_chats(agent_id).await?;
        Ok(DeskReader {
            follow: Follow {
                agent: agent_id,
                offered: offered.iter().map(|o| o.chat_id).collect(),
                mine: mine.iter().map(|c| c.id).collect(),
            },
            queues_owed: false,
        })
    }

    /// What a step shows at `agent`'s desk, after the read it needs.
    async fn read_step(&self, agent: i64, step: Step) -> Result<Option<DeskEvent>> {
        Ok(match step {
            Step::Skip => None,
            Step::Show(event) => Some(*event),
            Step::ReadOffer(chat) => self.offer(chat).await?.map(DeskEvent::Offered),
            Step::ReadChat(chat) => Some(DeskEvent::ChatChanged(self.chat(chat).await?)),
            Step::ReadMessage(id) => Some(DeskEvent::Message(self.message(id).await?)),
            Step::ReadAgent => Some(DeskEvent::Status(self.agent(agent).await?)),
            Step::ReadTransferAnswer(chat) => {
                self.transfer_answer(chat)
                    .await?
                    .map(|answer| DeskEvent::TransferAnswered {
                        chat_id: chat,
                        answer,
                    })
            }
        })
    }
}

/// A transfer answered: the chat, and whether the other agent took it.
fn transfer_answer(event: &DeskEvent) -> Option<(i64, bool)> {
    match event {
        DeskEvent::TransferAnswered { chat_id, answer } => {
            Some((*chat_id, answer.outcome == Some(OfferOutcome::Accepted)))
        }
        _ => None,
    }
}

/// The agent's feed; dropping it stops the task that follows the database.
pub type DeskFeed = super::Subscription<FeedItem>;

/// Sends `item` on; false when the feed was dropped.
async fn pass(tx: &mpsc::Sender<Result<FeedItem>>, item: Result<Option<FeedItem>>) -> bool {
    match item {
        Ok(None) => true,
        Ok(Some(item)) => tx.send(Ok(item)).await.is_ok(),
        Err(e) => tx.send(Err(e)).await.is_ok(),
    }
}

/// What event `e` shows at the desk of `follow`, read while the desk is not live yet.
async fn catch_up(store: &Store, follow: &mut Follow, e: &Event) -> Result<Option<FeedItem>> {
    let step = follow.step(e);
    let event = store.read_step(follow.agent, step).await?;
    if let Some((chat, accepted)) = event.as_ref().and_then(transfer_answer) {
        follow.answered(chat, accepted);
    }
    Ok(event.map(|event| FeedItem { id: e.id, event }))
}

async fn run(store: Store, agent: i64, mut last: i64, tx: mpsc::Sender<Result<FeedItem>>) {
    // Each turn joins the shared reader; a desk dropped for falling behind joins again.
    'join: loop {
        let (desks, mut follow) = match store.desks().await {
            Ok(desks) => match store.desk_reader(agent).await {
                Ok(reader) => (desks, reader.follow),
                Err(e) => {
                    if tx.send(Err(e)).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
            Err(e) => {
                if tx.send(Err(e)).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let joined = desks.join();
        // From the table up to where the shared reader was when the desk joined.
        if last < joined.head {
            let mut events = store.subscribe(last);
            while last < joined.head {
                let item = match events.next().await {
                    Some(Ok(e)) => {
                        last = e.id;
                        catch_up(&store, &mut follow, &e).await
                    }
                    Some(Err(e)) => Err(e),
                    None => return,
                };
                if !pass(&tx, item).await {
                    return;
                }
            }
        }
        // Then what was dispatched meanwhile, until nothing waits: the desk is live.
        loop {
            match joined.go_live(follow) {
                GoLive::Live => break,
                GoLive::Dropped => continue 'join,
                GoLive::Pending(f, events) => {
                    follow = f;
                    for e in &events {
                        if e.id <= last {
                            continue;
                        }
                        last = e.id;
                        let item = catch_up(&store, &mut follow, e).await;
                        if !pass(&tx, item).await {
                            return;
                        }
                    }
                }
            }
        }
        let mut joined = joined;
        while let Some(live) = joined.rx.recv().await {
            let item = match live {
                Live::Step(id, step) => {
                    last = last.max(id);
                    match store.read_step(agent, step).await {
                        Ok(Some(event)) => {
                            if let Some((chat, accepted)) = transfer_answer(&event) {
                                joined.answered(chat, accepted);
                            }
                            Ok(Some(FeedItem { id, event }))
                        }
                        Ok(None) => Ok(None),
                        Err(e) => Err(e),
                    }
                }
                Live::Queues(q) => Ok(Some(FeedItem {
                    id: last,
                    event: DeskEvent::Queues(q),
                })),
                Live::Error(e) => Err(e),
            };
            if !pass(&tx, item).await {
                return;
            }
        }
        // The shared reader dropped the desk (it fell behind): join again from `last`.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, chat: Option<i64>, agent: Option<i64>) -> Event {
        Event {
            id: 1,
            kind,
            chat_id: chat,
            agent_id: agent,
            queue_id: Some(1),
            message_id: Some(9),
            created_ms: 0,
        }
    }

    fn follow() -> Follow {
        Follow {
            agent: 7,
            offered: HashSet::from([10]),
            mine: HashSet::from([20]),
        }
    }

    fn ended(chat: i64, why: OfferEnd) -> Step {
        Step::Show(Box::new(DeskEvent::OfferEnded { chat_id: chat, why }))
    }

    #[test]
    fn offers_are_the_agents_own() {
        let mut f = follow();
        let e = event(EventKind::ChatOffered, Some(11), Some(8));
        assert_eq!(f.step(&e), Step::Skip, "another agent's offer");
        let e = event(EventKind::ChatOffered, Some(11), Some(7));
        assert_eq!(f.step(&e), Step::ReadOffer(11));
        assert!(f.offered.contains(&11));
        let e = event(EventKind::OfferExpired, Some(11), Some(7));
        assert_eq!(f.step(&e), ended(11, OfferEnd::Expired));
        assert!(!f.offered.contains(&11));
        assert_eq!(f.step(&e), Step::Skip, "told once");
    }

    #[test]
    fn an_offer_ends_when_the_customer_leaves_or_the_chat_moves() {
        let mut f = follow();
        let e = event(EventKind::ChatEnded, Some(10), None);
        assert_eq!(f.step(&e), ended(10, OfferEnd::CustomerLeft));
        let mut f = follow();
        let e = event(EventKind::ChatTransferred, Some(10), Some(3));
        assert_eq!(f.step(&e), ended(10, OfferEnd::Moved));
        let mut f = follow();
        let e = event(EventKind::OfferDeclined, Some(10), Some(7));
        assert_eq!(f.step(&e), ended(10, OfferEnd::Declined));
    }

    #[test]
    fn accepting_makes_the_chat_the_agents() {
        let mut f = follow();
        let e = event(EventKind::ChatAccepted, Some(10), Some(7));
        assert_eq!(f.step(&e), Step::ReadChat(10));
        assert!(f.mine.contains(&10) && !f.offered.contains(&10));
        let e = event(EventKind::Message, Some(10), None);
        assert_eq!(f.step(&e), Step::ReadMessage(9));
    }

    #[test]
    fn only_the_agents_chats_bring_messages_and_typing() {
        let mut f = follow();
        assert_eq!(
            f.step(&event(EventKind::Message, Some(30), None)),
            Step::Skip
        );
        assert_eq!(
            f.step(&event(EventKind::Typing, Some(20), None)),
            Step::Show(Box::new(DeskEvent::CustomerTyping { chat_id: 20 }))
        );
        assert_eq!(
            f.step(&event(EventKind::Typing, Some(20), Some(7))),
            Step::Skip,
            "the agent's own typing"
        );
    }

    #[test]
    fn a_transfer_of_the_agents_chat_is_answered_by_another() {
        let mut f = follow();
        let e = event(EventKind::ChatAccepted, Some(20), Some(8));
        assert_eq!(f.step(&e), Step::ReadTransferAnswer(20));
        f.answered(20, true);
        assert!(!f.mine.contains(&20));
    }

    #[test]
    fn a_chat_taken_or_closed_leaves_the_desk() {
        let mut f = follow();
        let e = event(EventKind::ChatTransferred, Some(20), Some(7));
        assert_eq!(
            f.step(&e),
            Step::Show(Box::new(DeskEvent::ChatTaken { chat_id: 20 }))
        );
        assert_eq!(f.step(&e), Step::Skip);
        let mut f = follow();
        let e = event(EventKind::ChatClosed, Some(20), Some(7));
        assert_eq!(
            f.step(&e),
            Step::Show(Box::new(DeskEvent::ChatClosed { chat_id: 20 }))
        );
    }

    #[test]
    fn status_is_the_agents_own() {
        let mut f = follow();
        let mine = event(EventKind::AgentStatus, None, Some(7));
        assert_eq!(f.step(&mine), Step::ReadAgent);
        let other = event(EventKind::AgentStatus, None, Some(8));
        assert_eq!(f.step(&other), Step::Skip);
    }
}
